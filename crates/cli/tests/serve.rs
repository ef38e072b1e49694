#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `orquestra serve` as a real process: creates and migrates the database on first start and
//! answers `/health` on a real socket.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `orquestra serve` on a free loopback port in `dir` (default database there): the child and
/// the address it printed.
fn spawn_serve(dir: &std::path::Path, stderr: Stdio) -> (Child, String) {
    spawn_serve_with(dir, stderr, &[])
}

/// [`spawn_serve`] with extra environment variables.
fn spawn_serve_with(
    dir: &std::path::Path,
    stderr: Stdio,
    envs: &[(&str, &str)],
) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_orquestra"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .current_dir(dir)
        .env_remove("ORQUESTRA_DATABASE_URL")
        .envs(envs.iter().copied())
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .strip_prefix("listening on http://")
        .unwrap()
        .to_string();
    (child, addr)
}

fn http_get(addr: &str, path: &str) -> (u16, String) {
    http_get_with(addr, path, &[])
}

fn http_get_with(addr: &str, path: &str, headers: &[(&str, &str)]) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    let extra: String = headers
        .iter()
        .map(|(k, v)| format!("{k}: {v}\r\n"))
        .collect();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\n{extra}Connection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response[9..12].parse().unwrap();
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

#[test]
fn serve_creates_the_database_and_answers_health() {
    let dir = tempfile::tempdir().unwrap();
    let (child, addr) = spawn_serve(dir.path(), Stdio::null());
    let server = Server(child);

    // The default database is ./orquestra.db, created and migrated on first start.
    assert!(dir.path().join("orquestra.db").exists());
    let (status, body) = http_get(&addr, "/health");
    assert_eq!(status, 200);
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["status"], "ok");
    assert_eq!(json["service"], "orquestra-api");
    assert_eq!(json["database"], "ok");
    assert!(json["timestamp"].as_str().unwrap().ends_with('Z'));
    let (status, body) = http_get(&addr, "/no/such/route");
    assert_eq!(status, 404);
    assert!(body.contains("\"code\":\"not_found\""), "{body}");

    // Self-hosting without GitHub: a user and a token from the CLI work against the server,
    // which generated its session secret into the data folder.
    assert!(dir.path().join("orquestra.secret").exists());
    let cli = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_orquestra"))
            .args(args)
            .current_dir(dir.path())
            .env_remove("ORQUESTRA_DATABASE_URL")
            .env_remove("ORQUESTRA_JWT_SECRET")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    let user = cli(&[
        "user",
        "create",
        "--username",
        "ops",
        "--email",
        "ops@example.com",
    ]);
    assert!(
        user["githubId"].as_i64().unwrap() < 0,
        "local users never collide with GitHub ids"
    );
    let issued = cli(&["token", "issue", "--user", "ops", "--ttl", "1h"]);
    let token = issued["token"].as_str().unwrap();
    let (status, body) = http_get_with(
        &addr,
        "/auth/me",
        &[("Authorization", &format!("Bearer {token}"))],
    );
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("\"username\":\"ops\""), "{body}");
    let missing = Command::new(env!("CARGO_BIN_EXE_orquestra"))
        .args(["token", "issue", "--user", "nobody"])
        .current_dir(dir.path())
        .env_remove("ORQUESTRA_DATABASE_URL")
        .output()
        .unwrap();
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no user"));
    drop(server);

    let migrated = Command::new(env!("CARGO_BIN_EXE_orquestra"))
        .args(["migrate"])
        .current_dir(dir.path())
        .env_remove("ORQUESTRA_DATABASE_URL")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(migrated.stdout).unwrap(),
        "database is up to date\n"
    );
}

#[test]
fn sigterm_shuts_down_gracefully() {
    let dir = tempfile::tempdir().unwrap();
    let (child, addr) = spawn_serve(dir.path(), Stdio::piped());
    assert_eq!(http_get(&addr, "/health").0, 200);
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "exit after SIGTERM: {:?}", out.status);
    assert!(String::from_utf8_lossy(&out.stderr).contains("shutting down"));
}

#[test]
fn json_logs_have_one_object_per_line_and_a_line_per_request() {
    let dir = tempfile::tempdir().unwrap();
    let (child, addr) = spawn_serve_with(
        dir.path(),
        Stdio::piped(),
        &[("ORQUESTRA_LOG_FORMAT", "json"), ("RUST_LOG", "info")],
    );
    let (status, _) = http_get_with(&addr, "/health/ping", &[("x-request-id", "log-test-7")]);
    assert_eq!(status, 200);
    assert_eq!(http_get(&addr, "/nope").0, 404);
    assert!(Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap()
        .success());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    let lines: Vec<serde_json::Value> = stderr
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    let served: Vec<&serde_json::Value> = lines
        .iter()
        .filter(|line| line["fields"]["message"] == "request served")
        .collect();
    assert_eq!(served.len(), 2, "{stderr}");
    let ping = served[0];
    assert_eq!(ping["level"], "INFO");
    assert_eq!(ping["fields"]["status"], 200);
    assert_eq!(ping["span"]["id"], "log-test-7");
    assert_eq!(ping["span"]["method"], "GET");
    assert_eq!(ping["span"]["path"], "/health/ping");
    assert_eq!(served[1]["fields"]["status"], 404);
    assert!(lines
        .iter()
        .any(|line| line["fields"]["message"] == "orquestra listening"));

    // An unknown format stops startup.
    let bad = Command::new(env!("CARGO_BIN_EXE_orquestra"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .current_dir(dir.path())
        .env("ORQUESTRA_LOG_FORMAT", "xml")
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("xml"));
}

#[test]
fn invalid_trusted_proxies_stop_startup_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_orquestra"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .current_dir(dir.path())
        .env_remove("ORQUESTRA_DATABASE_URL")
        .env("ORQUESTRA_TRUSTED_PROXIES", "127.0.0.1/32,10.0.0.0/33")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr.trim(),
        "error: invalid configuration: ORQUESTRA_TRUSTED_PROXIES: \"10.0.0.0/33\" is not a CIDR \
         (such as 10.0.0.0/8 or ::1/128) or an IP address",
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).is_empty(),
        "never served"
    );
    assert!(
        !dir.path().join("orquestra.db").exists(),
        "database untouched"
    );
}

#[test]
fn sigterm_closes_idle_keep_alive_connections() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, addr) = spawn_serve(dir.path(), Stdio::null());
    // A keep-alive connection that has been served and now idles.
    let mut idle = TcpStream::connect(&addr).unwrap();
    write!(idle, "GET /health/ping HTTP/1.1\r\nHost: {addr}\r\n\r\n").unwrap();
    let mut buf = [0u8; 512];
    let n = idle.read(&mut buf).unwrap();
    assert!(buf[..n].starts_with(b"HTTP/1.1 200"));
    let started = std::time::Instant::now();
    assert!(Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap()
        .success());
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    // Well before the 10 s header timeout would have closed it.
    assert!(
        started.elapsed() < std::time::Duration::from_secs(8),
        "{:?}",
        started.elapsed()
    );
    // The server closed the idle connection.
    idle.set_read_timeout(Some(std::time::Duration::from_secs(5)))
        .unwrap();
    let mut rest = Vec::new();
    let _ = idle.read_to_end(&mut rest);
}
