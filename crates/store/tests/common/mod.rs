#![allow(dead_code)]
//! Helpers shared by the store's integration tests: real SQLite files in temporary folders.

use orquestra_store::{open, Database, GithubProfile, NewProject, OpenOptions, Project, User};

pub struct TestDb {
    pub db: Database,
    pub url: String,
    pub dir: tempfile::TempDir,
}

pub async fn migrated() -> TestDb {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("test.db").display());
    let db = open(&url, OpenOptions::default()).await.unwrap();
    db.store.migrate().await.unwrap();
    TestDb { db, url, dir }
}

pub async fn user(db: &Database, n: i64) -> User {
    db.store
        .upsert_github_user(&GithubProfile {
            github_id: n,
            username: format!("user{n}"),
            email: format!("user{n}@example.com"),
            avatar_url: Some(format!("https://avatars.example.com/{n}")),
        })
        .await
        .unwrap()
}

pub async fn project(db: &Database, user: &User, program_id: &str, public: bool) -> Project {
    db.store
        .create_project(&NewProject {
            user_id: user.id.clone(),
            name: format!("Project {program_id}"),
            description: Some("desc".into()),
            program_id: program_id.into(),
            is_public: public,
        })
        .await
        .unwrap()
}
