#![allow(dead_code)]
//! Helpers shared by the store's integration tests: real SQLite files in temporary folders, and
//! real PostgreSQL databases (see `postgres.rs`). Backend-neutral tests take a [`TestDb`] and are
//! run on both backends by [`both_backends!`].

pub mod postgres;

use orquestra_store::{open, Database, GithubProfile, NewProject, OpenOptions, Project, User};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestDb {
    pub db: Database,
    pub url: String,
    pub backend: Backend,
    /// The SQLite file's folder.
    pub dir: Option<tempfile::TempDir>,
    /// The PostgreSQL database (dropped with it on a shared server).
    pub pg: Option<postgres::TestDatabase>,
}

impl TestDb {
    /// `sqlite` or `postgres` SQL, whichever this database speaks.
    pub fn sql<'a>(&self, sqlite: &'a str, postgres: &'a str) -> &'a str {
        match self.backend {
            Backend::Sqlite => sqlite,
            Backend::Postgres => postgres,
        }
    }
}

/// A migrated SQLite database.
pub async fn migrated() -> TestDb {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("test.db").display());
    let db = open(&url, OpenOptions::default()).await.unwrap();
    db.store.migrate().await.unwrap();
    TestDb {
        db,
        url,
        backend: Backend::Sqlite,
        dir: Some(dir),
        pg: None,
    }
}

/// A new PostgreSQL database, opened but not migrated; `None` when PostgreSQL tests are skipped.
pub async fn empty_postgres() -> Option<TestDb> {
    let pg = postgres::fresh_database()?;
    let url = pg.url.clone();
    let db = open(&url, OpenOptions::default()).await.unwrap();
    Some(TestDb {
        db,
        url,
        backend: Backend::Postgres,
        dir: None,
        pg: Some(pg),
    })
}

/// A migrated PostgreSQL database; `None` when PostgreSQL tests are skipped.
pub async fn migrated_postgres() -> Option<TestDb> {
    let t = empty_postgres().await?;
    t.db.store.migrate().await.unwrap();
    Some(t)
}

/// Runs each named `async fn(TestDb)` as two tests, `sqlite::NAME` and `postgres::NAME`, each on
/// a fresh migrated database of its backend.
#[allow(unused_macros)]
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name(super::common::migrated().await).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    if let Some(t) = super::common::migrated_postgres().await {
                        super::$name(t).await
                    }
                }
            )*
        }
    };
}
#[allow(unused_imports)]
pub(crate) use both_backends;

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
