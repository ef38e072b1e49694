#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The admin commands as real processes on a real PostgreSQL database (skipped with
//! `ORQUESTRA_SKIP_POSTGRES_TESTS=1`; see the store's test helper for the server it starts).

#[path = "../../store/tests/common/postgres.rs"]
mod postgres;

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn orquestra(url: &str, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_orquestra"))
        .args(args)
        .env("ORQUESTRA_DATABASE_URL", url)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.unwrap_or("").as_bytes()).unwrap();
    drop(input);
    child.wait_with_output().unwrap()
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
fn migrate_query_stats_and_shell_work_on_postgres() {
    let Some(db) = postgres::fresh_database() else {
        return;
    };
    let url = db.url.as_str();
    assert!(ok(&orquestra(url, &["migrate"], None)).contains("applied 008_idl_verifications.sql"));
    assert_eq!(
        ok(&orquestra(url, &["migrate"], None)).trim(),
        "database is up to date"
    );
    for sql in [
        "INSERT INTO users (id, github_id, username, email) VALUES ('u1', 1, 'alice', 'a@e.com')",
        "INSERT INTO projects (id, user_id, name, program_id, is_public) VALUES ('p1', 'u1', 'Demo', 'BUYuxRfhCMWavaUWxhGtPP3ksKEDZxCD5gzknk3JfAya', true)",
        "INSERT INTO idl_versions (id, project_id, idl_json, version) VALUES ('v1', 'p1', '{}', 1)",
    ] {
        ok(&orquestra(url, &["db", "query", sql], None));
    }
    let json = ok(&orquestra(
        url,
        &[
            "db",
            "query",
            "--json",
            "SELECT username, github_id FROM users",
        ],
        None,
    ));
    let rows: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        rows,
        serde_json::json!([{"username": "alice", "github_id": 1}])
    );
    let stats = ok(&orquestra(url, &["stats", "--json"], None));
    let stats: serde_json::Value = serde_json::from_str(&stats).unwrap();
    assert_eq!(stats["idl_versions"], 1);
    assert_eq!(stats["public_projects"], 1);
    // `db shell` hands the terminal (here: stdin) to psql.
    let shell = ok(&orquestra(
        url,
        &["db", "shell"],
        Some("SELECT 'from psql: ' || count(*) FROM projects;\n"),
    ));
    assert!(shell.contains("from psql: 1"), "{shell}");
}

#[test]
fn export_then_import_round_trips_on_postgres_with_progress() {
    let (Some(source), Some(target)) = (postgres::fresh_database(), postgres::fresh_database())
    else {
        return;
    };
    let url = source.url.as_str();
    ok(&orquestra(url, &["migrate"], None));
    for sql in [
        "INSERT INTO users (id, github_id, username, email) VALUES ('u1', 1, 'o''brien', 'a@e.com')",
        "INSERT INTO projects (id, user_id, name, description, program_id, is_public) VALUES ('p1', 'u1', 'Demo', 'line one\nline; two', 'BUYuxRfhCMWavaUWxhGtPP3ksKEDZxCD5gzknk3JfAya', false)",
        "INSERT INTO idl_versions (id, project_id, idl_json, version) VALUES ('v1', 'p1', '{\"a\": \"b;c\"}', 1)",
    ] {
        ok(&orquestra(url, &["db", "query", sql], None));
    }
    let dir = tempfile::tempdir().unwrap();
    let dump = dir.path().join("pg.sql");
    let dump_arg = dump.to_str().unwrap();
    ok(&orquestra(
        url,
        &["db", "export", "--output", dump_arg],
        None,
    ));
    let imported = orquestra(&target.url, &["db", "import", dump_arg], None);
    let progress = String::from_utf8_lossy(&imported.stderr).to_string();
    assert!(ok(&imported).starts_with("imported "));
    assert!(
        progress
            .lines()
            .last()
            .is_some_and(|l| l.contains("(100%)")),
        "{progress}"
    );
    let again = dir.path().join("again.sql");
    ok(&orquestra(
        &target.url,
        &["db", "export", "--output", again.to_str().unwrap()],
        None,
    ));
    assert_eq!(
        std::fs::read_to_string(&dump).unwrap(),
        std::fs::read_to_string(&again).unwrap()
    );
    // A second import into the now populated target is refused.
    let refused = orquestra(&target.url, &["db", "import", dump_arg], None);
    assert!(!refused.status.success());
}
