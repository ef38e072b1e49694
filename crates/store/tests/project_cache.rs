#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The project-row cache behind `get_project_with_version`: a write through the store is seen by
//! the next read, and a write by another connection to the same file (another process, the CLI's
//! admin commands) is seen once its poll notices the commit.

mod common;

use std::time::{Duration, Instant};

use orquestra_store::{open, NewVersion, OpenOptions, ProjectUpdate};

#[tokio::test]
async fn writes_through_the_store_are_seen_by_the_next_read() {
    let t = common::migrated().await;
    let owner = common::user(&t.db, 1).await;
    let project = common::project(
        &t.db,
        &owner,
        "Prog1111111111111111111111111111111111111111",
        true,
    )
    .await;
    let store = &t.db.store;

    // Warm the cache, then change visibility: the very next read must see it.
    let (row, version) = store
        .get_project_with_version(&project.id)
        .await
        .unwrap()
        .unwrap();
    assert!(row.is_public);
    assert_eq!(version, None);
    let update = ProjectUpdate {
        is_public: Some(false),
        ..Default::default()
    };
    store.update_project(&project.id, &update).await.unwrap();
    let (row, _) = store
        .get_project_with_version(&project.id)
        .await
        .unwrap()
        .unwrap();
    assert!(
        !row.is_public,
        "a cached public row survived the switch to private"
    );

    // A new version is the latest at once.
    store
        .append_idl_version(&project.id, NewVersion::plain("{}"))
        .await
        .unwrap();
    let (_, version) = store
        .get_project_with_version(&project.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(version, Some(1));

    // Deleting the owner removes the project (by cascade) for the next read.
    store.delete_user(&owner.id).await.unwrap();
    assert!(store
        .get_project_with_version(&project.id)
        .await
        .unwrap()
        .is_none());
}

#[tokio::test]
async fn writes_by_another_connection_are_seen_after_the_poll() {
    let t = common::migrated().await;
    let owner = common::user(&t.db, 1).await;
    let project = common::project(
        &t.db,
        &owner,
        "Prog1111111111111111111111111111111111111111",
        true,
    )
    .await;
    let (row, _) =
        t.db.store
            .get_project_with_version(&project.id)
            .await
            .unwrap()
            .unwrap();
    assert!(row.is_public);

    // A second, independent store on the same file stands in for another process.
    let other = open(&t.url, OpenOptions::default()).await.unwrap();
    let update = ProjectUpdate {
        is_public: Some(false),
        ..Default::default()
    };
    other
        .store
        .update_project(&project.id, &update)
        .await
        .unwrap();

    // Not a timing assertion: wait (generously) until the first store notices the commit.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (row, _) =
            t.db.store
                .get_project_with_version(&project.id)
                .await
                .unwrap()
                .unwrap();
        if !row.is_public {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "a foreign write was never noticed"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn listings_follow_every_change_of_what_they_show() {
    let t = common::migrated().await;
    let store = &t.db.store;
    let page = orquestra_store::Page::new(20, 0);
    let owner = common::user(&t.db, 1).await;
    assert_eq!(store.list_public_projects(page).await.unwrap().total, 0);
    let project = common::project(
        &t.db,
        &owner,
        "Prog1111111111111111111111111111111111111111",
        true,
    )
    .await;
    let listed = store.list_public_projects(page).await.unwrap();
    assert_eq!(listed.total, 1, "a cached empty listing hid a new project");

    // Hiding it empties the cached listing and search at once.
    let found = store.search_public_projects("Project", page).await.unwrap();
    assert_eq!(found.total, 1);
    let update = ProjectUpdate {
        is_public: Some(false),
        ..Default::default()
    };
    store.update_project(&project.id, &update).await.unwrap();
    assert_eq!(store.list_public_projects(page).await.unwrap().total, 0);
    assert_eq!(
        store
            .search_public_projects("Project", page)
            .await
            .unwrap()
            .total,
        0
    );
}
