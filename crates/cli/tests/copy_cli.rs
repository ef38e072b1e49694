#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `orquestra db copy` as a real process, from a SQLite file into a real PostgreSQL database
//! (skipped with `ORQUESTRA_SKIP_POSTGRES_TESTS=1`; see the store's test helper for the server).

#[path = "../../store/tests/common/postgres.rs"]
mod postgres;

use std::process::{Command, Output};

fn orquestra(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_orquestra"))
        .args(args)
        // `db copy` ignores the global database; this would fail loudly if it did not.
        .env("ORQUESTRA_DATABASE_URL", "sqlite:///nonexistent/never.db")
        .output()
        .unwrap()
}

fn ok(output: &Output) -> String {
    assert!(
        output.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).unwrap()
}

#[test]
fn db_copy_moves_a_sqlite_installation_to_postgres_once() {
    let Some(pg) = postgres::fresh_database() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let sqlite = format!("sqlite://{}", dir.path().join("source.db").display());
    ok(&orquestra(&["--database", &sqlite, "migrate"]));
    for sql in [
        "INSERT INTO users (id, github_id, username, email) VALUES ('u1', 1, 'alice', 'a@e.com')",
        "INSERT INTO projects (id, user_id, name, program_id, is_public) VALUES ('p1', 'u1', 'Demo', 'BUYuxRfhCMWavaUWxhGtPP3ksKEDZxCD5gzknk3JfAya', 1)",
        "INSERT INTO idl_versions (id, project_id, idl_json, version) VALUES ('v1', 'p1', '{}', 1)",
        "UPDATE project_search SET instructions = 'swap_base_in' WHERE project_id = 'p1'",
    ] {
        ok(&orquestra(&["--database", &sqlite, "db", "query", sql]));
    }

    let copied = orquestra(&["db", "copy", "--from", &sqlite, "--to", &pg.url]);
    let summary = ok(&copied);
    assert!(
        summary.contains("users") && summary.contains("1 rows copied, verified"),
        "{summary}"
    );
    assert!(
        summary.contains("copied and verified 4 rows of 11 tables"),
        "{summary}"
    );
    let progress = String::from_utf8_lossy(&copied.stderr);
    assert!(
        progress.contains("copy: copying idl_versions: 1 rows"),
        "{progress}"
    );
    let json = ok(&orquestra(&[
        "--database",
        &pg.url,
        "db",
        "query",
        "--json",
        "SELECT p.is_public, s.instructions FROM projects p JOIN project_search s ON s.project_id = p.id",
    ]));
    let rows: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        rows,
        serde_json::json!([{"is_public": true, "instructions": "swap_base_in"}])
    );

    let again = orquestra(&["db", "copy", "--from", &sqlite, "--to", &pg.url]);
    assert!(!again.status.success());
    let error = String::from_utf8_lossy(&again.stderr);
    assert!(error.contains("target database is not empty"), "{error}");

    // A source that does not exist is not created.
    let missing = format!("sqlite://{}", dir.path().join("missing.db").display());
    let refused = orquestra(&["db", "copy", "--from", &missing, "--to", &pg.url]);
    assert!(!refused.status.success());
    assert!(!dir.path().join("missing.db").exists());
}
