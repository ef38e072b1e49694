//! A PostgreSQL server for tests, and a fresh database on it per test. Only `std` is used, so the
//! server's and the CLI's tests can include this file with `#[path = "…"] mod postgres;`.
//!
//! * `ORQUESTRA_SKIP_POSTGRES_TESTS=1`: every PostgreSQL test is skipped (and says so).
//! * `ORQUESTRA_TEST_POSTGRES_URL=postgres://postgres@HOST:PORT/postgres`: an existing server
//!   whose user may `CREATE DATABASE`; each test gets a new `t_…` database there, dropped when
//!   its [`TestDatabase`] is.
//! * Otherwise one throw-away cluster per test process: `initdb` into a temporary directory and
//!   `postgres` on a free port (as the `postgres` system user when running as root, which
//!   `initdb` refuses). A small shell supervisor stops the server and deletes the directory
//!   once the test process has exited, however it exits.
//!
//! The binaries are looked up in `ORQUESTRA_TEST_POSTGRES_BIN` (a directory), then the newest
//! `/usr/lib/postgresql/*/bin`, then `PATH`; `psql` (which creates the databases) likewise.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// How long a fresh cluster may take to accept connections.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(60);

/// A server the tests may create databases on.
pub struct Server {
    /// `postgres://user@host:port/db` of a database to run `CREATE DATABASE` from.
    admin_url: String,
    /// Whether databases are dropped after each test (only on a server we did not start).
    drop_databases: bool,
    /// The supervisor of the cluster we started, which outlives this process on purpose (it
    /// stops the server once we are gone), so it is never waited for.
    _supervisor: Option<std::process::Child>,
}

/// A database of one test; dropped with it on a shared server.
pub struct TestDatabase {
    pub url: String,
    name: String,
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Some(server) = server() {
            if server.drop_databases {
                let _ = psql(
                    &server.admin_url,
                    &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
                );
            }
        }
    }
}

/// Whether PostgreSQL tests are switched off (printing that they are).
pub fn skipped() -> bool {
    let skip = std::env::var("ORQUESTRA_SKIP_POSTGRES_TESTS").as_deref() == Ok("1");
    if skip {
        eprintln!("ORQUESTRA_SKIP_POSTGRES_TESTS=1: skipping a PostgreSQL test");
    }
    skip
}

/// The test process's server (started on first use); `None` when PostgreSQL tests are skipped.
pub fn server() -> Option<&'static Server> {
    if skipped() {
        return None;
    }
    static SERVER: OnceLock<Server> = OnceLock::new();
    Some(
        SERVER.get_or_init(|| match std::env::var("ORQUESTRA_TEST_POSTGRES_URL") {
            Ok(url) if !url.is_empty() => Server {
                admin_url: url,
                drop_databases: true,
                _supervisor: None,
            },
            _ => {
                let (admin_url, supervisor) = start_cluster();
                Server {
                    admin_url,
                    drop_databases: false,
                    _supervisor: Some(supervisor),
                }
            }
        }),
    )
}

/// A new, empty database; `None` when PostgreSQL tests are skipped.
pub fn fresh_database() -> Option<TestDatabase> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let server = server()?;
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    let name = format!(
        "t_{}_{}_{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    psql(&server.admin_url, &format!("CREATE DATABASE {name}"))
        .unwrap_or_else(|e| panic!("cannot create test database {name}: {e}"));
    Some(TestDatabase {
        url: with_database(&server.admin_url, &name),
        name,
    })
}

/// `url` naming database `name` instead (query string kept).
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let root = match base[authority_start..].find('/') {
        Some(slash) => &base[..authority_start + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{root}/{name}?{query}"),
        None => format!("{root}/{name}"),
    }
}

/// Runs one SQL command through `psql`.
fn psql(url: &str, sql: &str) -> Result<(), String> {
    let output = Command::new(binary("psql"))
        .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql])
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run psql: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).into_owned())
    }
}

/// Where a PostgreSQL program lives (see the module docs).
fn binary(name: &str) -> PathBuf {
    if let Ok(dir) = std::env::var("ORQUESTRA_TEST_POSTGRES_BIN") {
        return Path::new(&dir).join(name);
    }
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|entries| entries.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    dirs.sort_by_key(|d| {
        d.file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.parse::<u32>().ok())
            .unwrap_or_default()
    });
    dirs.into_iter()
        .rev()
        .map(|d| d.join("bin").join(name))
        .find(|p| p.exists())
        .unwrap_or_else(|| PathBuf::from(name))
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// `program args…`, as the `postgres` user when we are root.
fn as_server_user(root: bool, program: &Path) -> Command {
    if root {
        let mut command = Command::new("runuser");
        command.args(["-u", "postgres", "--"]).arg(program);
        command
    } else {
        Command::new(program)
    }
}

fn log_tail(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}

/// Starts this process's cluster; returns its admin URL and its supervisor.
fn start_cluster() -> (String, std::process::Child) {
    let root = running_as_root();
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let dir = std::env::temp_dir().join(format!("orquestra-pg-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("cannot create {dir:?}: {e}"));
    if root {
        let chown = Command::new("chown")
            .args(["postgres:postgres"])
            .arg(&dir)
            .status();
        assert!(
            matches!(chown, Ok(s) if s.success()),
            "cannot hand {dir:?} to the postgres user (is there one?): {chown:?}"
        );
    }
    let data = dir.join("data");
    let log = dir.join("postgres.log");
    let initdb = as_server_user(root, &binary("initdb"))
        .arg("-D")
        .arg(&data)
        .args([
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-locale",
        ])
        .args(["--no-sync", "--no-instructions"])
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run initdb ({e}); install PostgreSQL (e.g. `apt-get install -y \
                 postgresql`), point ORQUESTRA_TEST_POSTGRES_BIN at its bin directory, set \
                 ORQUESTRA_TEST_POSTGRES_URL to a server, or set ORQUESTRA_SKIP_POSTGRES_TESTS=1"
            )
        });
    assert!(
        initdb.status.success(),
        "initdb failed:\n{}{}",
        String::from_utf8_lossy(&initdb.stdout),
        String::from_utf8_lossy(&initdb.stderr)
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("no free port: {e}"));
    // The supervisor outlives nothing: once the test process is gone it stops the server
    // (immediate shutdown: the data is thrown away anyway) and deletes the directory.
    let supervisor = r#"
        "$1" -D "$2/data" -k "$2" -p "$3" -c listen_addresses=127.0.0.1 \
          -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
          -c max_connections=300 >"$2/postgres.log" 2>&1 &
        server=$!
        while [ -d "/proc/$4" ]; do sleep 0.5; done
        kill -QUIT "$server" 2>/dev/null
        wait "$server"
        rm -rf "$2"
    "#;
    let supervisor = as_server_user(root, Path::new("sh"))
        .args(["-c", supervisor, "supervisor"])
        .arg(binary("postgres"))
        .arg(&dir)
        .arg(port.to_string())
        .arg(std::process::id().to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start postgres: {e}"));
    let deadline = Instant::now() + STARTUP_TIMEOUT;
    loop {
        let ready = Command::new(binary("pg_isready"))
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &port.to_string(),
                "-U",
                "postgres",
                "-t",
                "1",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        if ready {
            break;
        }
        let tail = log_tail(&log);
        // "FATAL: the database system is starting up" is our own probe being turned away.
        let failed = tail
            .lines()
            .any(|l| (l.contains("FATAL") || l.contains("PANIC")) && !l.contains("starting up"));
        assert!(
            !failed && Instant::now() < deadline,
            "postgres on port {port} did not start; the end of {log:?}:\n{tail}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    (
        format!("postgres://postgres@127.0.0.1:{port}/postgres"),
        supervisor,
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn database_urls_keep_everything_but_the_name() {
        assert_eq!(
            super::with_database("postgres://u:p@h:1/postgres?sslmode=disable", "t_1"),
            "postgres://u:p@h:1/t_1?sslmode=disable"
        );
        assert_eq!(
            super::with_database("postgres://u@h:1", "t_1"),
            "postgres://u@h:1/t_1"
        );
    }
}
