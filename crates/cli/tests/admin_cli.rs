#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The admin commands as real processes on real database files.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn orquestra(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_orquestra"))
        .args(args)
        .env(
            "ORQUESTRA_DATABASE_URL",
            format!("sqlite://{}", db.display()),
        )
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

fn seed(db: &Path) {
    ok(&orquestra(db, &["migrate"]));
    for sql in [
        "INSERT INTO users (id, github_id, username, email) VALUES ('u1', 1, 'alice', 'a@e.com')",
        "INSERT INTO users (id, github_id, username, email) VALUES ('u2', 2, 'bob', 'b@e.com')",
        "INSERT INTO projects (id, user_id, name, program_id, is_public) VALUES ('p1', 'u1', 'Demo', 'BUYuxRfhCMWavaUWxhGtPP3ksKEDZxCD5gzknk3JfAya', 1)",
        "INSERT INTO projects (id, user_id, name, program_id, is_public) VALUES ('p2', 'u1', 'Hidden', 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA', 0)",
        "INSERT INTO idl_versions (id, project_id, idl_json, version) VALUES ('v1', 'p1', '{}', 1)",
        "INSERT INTO idl_versions (id, project_id, idl_json, cpi_md, version) VALUES ('v2', 'p1', '{}', 'multi\nline ''quoted''', 2)",
    ] {
        ok(&orquestra(db, &["db", "query", sql]));
    }
}

#[test]
fn migrate_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("o.db");
    let first = ok(&orquestra(&db, &["migrate"]));
    assert!(
        first.contains("applied 001_initial_schema.sql")
            && first.contains("applied 004_version_uniqueness.sql")
    );
    assert_eq!(
        ok(&orquestra(&db, &["migrate"])),
        "database is up to date\n"
    );
    // --database overrides the environment.
    let other = dir.path().join("other.db");
    let out = Command::new(env!("CARGO_BIN_EXE_orquestra"))
        .args([
            "--database",
            &format!("sqlite://{}", other.display()),
            "migrate",
        ])
        .env("ORQUESTRA_DATABASE_URL", "sqlite:///nonexistent/dir/x.db")
        .output()
        .unwrap();
    ok(&out);
    assert!(other.exists());
}

#[test]
fn query_prints_tables_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("o.db");
    seed(&db);
    let text = ok(&orquestra(
        &db,
        &[
            "db",
            "query",
            "SELECT username, github_id FROM users ORDER BY username",
        ],
    ));
    assert!(
        text.contains("| username | github_id |")
            && text.contains("| alice    | 1         |")
            && text.ends_with("(2 rows)\n"),
        "{text}"
    );
    let json = ok(&orquestra(
        &db,
        &[
            "db",
            "query",
            "--json",
            "SELECT username, github_id FROM users ORDER BY username",
        ],
    ));
    let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        parsed,
        serde_json::json!([{"username": "alice", "github_id": 1}, {"username": "bob", "github_id": 2}])
    );
    let changed = ok(&orquestra(
        &db,
        &["db", "query", "--json", "UPDATE users SET avatar_url = 'x'"],
    ));
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&changed).unwrap(),
        serde_json::json!({"rows_affected": 2})
    );
    let bad = orquestra(&db, &["db", "query", "SELEC 1"]);
    assert!(!bad.status.success());
    let stderr = String::from_utf8(bad.stderr).unwrap();
    assert!(
        stderr.starts_with("error: ")
            && stderr.contains("syntax error")
            && stderr.lines().count() == 1,
        "{stderr}"
    );
}

#[test]
fn export_import_round_trip_is_identical() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("o.db");
    seed(&db);
    let dump = dir.path().join("dump.sql");
    ok(&orquestra(
        &db,
        &["db", "export", "--output", dump.to_str().unwrap()],
    ));
    let restored = dir.path().join("restored.db");
    let imported = orquestra(&restored, &["db", "import", dump.to_str().unwrap()]);
    let progress = String::from_utf8_lossy(&imported.stderr).to_string();
    let statements = ok(&imported);
    assert!(statements.starts_with("imported "), "{statements}");
    // Progress goes to stderr, and its last line is the whole file.
    assert!(
        progress
            .lines()
            .last()
            .is_some_and(|l| l.contains("(100%)")),
        "{progress}"
    );
    let again = dir.path().join("again.sql");
    ok(&orquestra(
        &restored,
        &["db", "export", "--output", again.to_str().unwrap()],
    ));
    assert_eq!(
        std::fs::read_to_string(&dump).unwrap(),
        std::fs::read_to_string(&again).unwrap()
    );
    let refused = orquestra(&restored, &["db", "import", dump.to_str().unwrap()]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("not empty"));

    // A dump cut off inside a value: the error names the line, and nothing was imported.
    let text = std::fs::read_to_string(&dump).unwrap();
    let cut = text.find("INSERT INTO \"idl_versions\"").unwrap() + 60;
    let damaged = dir.path().join("damaged.sql");
    std::fs::write(&damaged, &text[..cut]).unwrap();
    let empty = dir.path().join("empty.db");
    let failed = orquestra(&empty, &["db", "import", damaged.to_str().unwrap()]);
    assert!(!failed.status.success());
    let stderr = String::from_utf8_lossy(&failed.stderr);
    let line = text[..cut].lines().count();
    assert!(
        stderr.contains(&format!("ends inside a string opened on line {line}")),
        "{stderr}"
    );
    let tables = ok(&orquestra(
        &empty,
        &[
            "db",
            "query",
            "--json",
            "SELECT count(*) AS n FROM sqlite_master",
        ],
    ));
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&tables).unwrap(),
        serde_json::json!([{"n": 0}])
    );
}

#[test]
fn stats_report_users_projects_and_uploads() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("o.db");
    seed(&db);
    let json: serde_json::Value =
        serde_json::from_str(&ok(&orquestra(&db, &["stats", "--json"]))).unwrap();
    assert_eq!(json["users"], 2);
    assert_eq!(json["public_projects"], 1);
    assert_eq!(json["recent_uploads"][0]["version"], 2);
    let alice = json["per_user"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == "alice")
        .unwrap();
    assert_eq!(
        (
            alice["project_count"].as_i64(),
            alice["version_count"].as_i64()
        ),
        (Some(2), Some(2))
    );
    let text = ok(&orquestra(&db, &["stats"]));
    assert!(
        text.contains("users: 2") && text.contains("public projects: 1 (of 2)"),
        "{text}"
    );
}

#[test]
fn shell_runs_statements_and_dot_commands() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("o.db");
    seed(&db);
    let mut child = Command::new(env!("CARGO_BIN_EXE_orquestra"))
        .args(["db", "shell"])
        .env(
            "ORQUESTRA_DATABASE_URL",
            format!("sqlite://{}", db.display()),
        )
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b".tables\nSELECT username\n  FROM users\n  ORDER BY username;\nSELEC broken;\n.mode json\nSELECT COUNT(*) AS n FROM projects;\n.quit\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("idl_versions") && stdout.contains("known_addresses"),
        "{stdout}"
    );
    assert!(
        stdout.contains("| alice    |") && stdout.contains("(2 rows)"),
        "{stdout}"
    );
    assert!(stdout.contains("[{\"n\":2}]"), "{stdout}");
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains("syntax error"));
}

#[test]
fn bad_database_files_fail_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let garbage = dir.path().join("garbage.db");
    std::fs::write(
        &garbage,
        b"this is not a database, just text padding it out to a page size ......",
    )
    .unwrap();
    for args in [&["stats"][..], &["migrate"], &["db", "query", "SELECT 1"]] {
        let out = orquestra(&garbage, args);
        assert!(!out.status.success(), "{args:?}");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(
            stderr.contains("is not a SQLite database"),
            "{args:?}: {stderr}"
        );
    }
    let missing = dir.path().join("missing.db");
    let out = orquestra(&missing, &["stats"]);
    assert!(!out.status.success());
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains("does not exist"));
    assert!(
        !missing.exists(),
        "read-only commands never create a database"
    );
    let out = Command::new(env!("CARGO_BIN_EXE_orquestra"))
        .args(["--database", "mysql://x", "stats"])
        .output()
        .unwrap();
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains("unsupported database URL"));
}

#[test]
fn output_into_a_closed_pipe_ends_quietly_instead_of_panicking() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("o.db");
    seed(&db);
    // A reader that is gone before the command writes, as with `orquestra stats | head -0`.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let output = Command::new(env!("CARGO_BIN_EXE_orquestra"))
        .args(["stats"])
        .env(
            "ORQUESTRA_DATABASE_URL",
            format!("sqlite://{}", db.display()),
        )
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!output.status.success());
}
