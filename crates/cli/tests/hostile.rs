#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Hostile IDLs against a real `orquestra serve` process whose address space is limited to 2 GiB
//! (`prlimit --as`): each one is uploaded, then every read route is requested (views, docs in both
//! forms, llms.txt, OpenAPI, types, PDAs, build, data, account decode, MCP tools). The process
//! must stay up throughout and answer every request with a 2xx or a JSON 4xx.
//!
//! With `HOSTILE_REPORT=1` the test prints each case's slowest request (`bench/hostile.sh` runs it
//! on a release build); it never asserts a time.

#[path = "../../docs/tests/common/hostile.rs"]
mod hostile;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// 2 GiB of address space for the server.
const ADDRESS_SPACE: &str = "2147483648";
const BLOCKHASH: &str = "4uQeVj5tqViQh7yWWGStvkEG1Zmhx6uasJtWCJziofM";

struct Server {
    child: Child,
    addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn start(dir: &std::path::Path) -> Self {
        let mut child = Command::new("prlimit")
            .arg(format!("--as={ADDRESS_SPACE}"))
            .arg("--")
            .arg(env!("CARGO_BIN_EXE_orquestra"))
            .args(["serve", "--listen", "127.0.0.1:0"])
            .current_dir(dir)
            .env_remove("ORQUESTRA_DATABASE_URL")
            .env("ORQUESTRA_RATE_LIMIT_API", "0")
            .env("ORQUESTRA_RATE_LIMIT_BUILD", "0")
            .env("ORQUESTRA_RATE_LIMIT_UPLOAD", "0")
            .env("ORQUESTRA_RATE_LIMIT_MCP", "0")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("prlimit (util-linux) runs the server");
        let stdout = child.stdout.take().unwrap();
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        let addr = line
            .trim()
            .strip_prefix("listening on http://")
            .unwrap_or_else(|| panic!("server did not start: {line:?}"))
            .to_string();
        Server { child, addr }
    }

    fn alive(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }
}

struct Response {
    status: u16,
    body: Vec<u8>,
}

impl Response {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
}

/// One HTTP/1.1 request on a fresh connection (`Connection: close`), chunked bodies decoded.
fn request(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Response {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(120)))
        .unwrap();
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("{method} {path}: no response"));
    let head = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
    let status = head[9..12].parse().unwrap();
    let mut body = raw[split + 4..].to_vec();
    if head.contains("transfer-encoding: chunked") {
        body = dechunk(&body);
    }
    Response { status, body }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = data.windows(2).position(|w| w == b"\r\n") {
        let size =
            usize::from_str_radix(String::from_utf8_lossy(&data[..eol]).trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        let start = eol + 2;
        out.extend_from_slice(&data[start..(start + size).min(data.len())]);
        data = &data[(start + size + 2).min(data.len())..];
    }
    out
}

fn cli(dir: &std::path::Path, args: &[&str]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_orquestra"))
        .args(args)
        .current_dir(dir)
        .env_remove("ORQUESTRA_DATABASE_URL")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn encode_segment(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Requests one route and checks the answer: 2xx, or a 4xx in the JSON error shape.
struct Checker<'a> {
    server: &'a mut Server,
    token: String,
    case: &'static str,
    slowest: (Duration, String),
}

impl Checker<'_> {
    fn send(&mut self, method: &str, path: &str, body: Option<&str>) -> Response {
        let auth = format!("Bearer {}", self.token);
        let mut headers = vec![("Authorization", auth.as_str())];
        if body.is_some() {
            headers.push(("Content-Type", "application/json"));
        }
        if path == "/mcp" {
            headers.push(("Accept", "application/json, text/event-stream"));
        }
        let started = Instant::now();
        let addr = self.server.addr.clone();
        let response = request(&addr, method, path, &headers, body.unwrap_or("").as_bytes());
        let took = started.elapsed();
        let label = format!("{method} {}", &path[..path.len().min(80)]);
        if took > self.slowest.0 {
            self.slowest = (took, label.clone());
        }
        assert!(
            self.server.alive(),
            "{}: the server died on {label}",
            self.case
        );
        assert!(
            response.status < 500,
            "{}: {label} answered {}: {}",
            self.case,
            response.status,
            String::from_utf8_lossy(&response.body[..response.body.len().min(400)])
        );
        // 414 for a path over 64 KiB comes from the HTTP parser, before any route runs (a
        // 100,000-character instruction name cannot be put in a URL); any other refusal is ours.
        if response.status >= 400 && response.status != 414 {
            let error = response.json();
            assert!(
                error["error"]["code"].is_string(),
                "{}: {label} answered {} without the JSON error shape",
                self.case,
                response.status
            );
        }
        response
    }
}

#[test]
fn hostile_idls_never_take_the_server_down() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::start(dir.path());
    cli(
        dir.path(),
        &[
            "user",
            "create",
            "--username",
            "ops",
            "--email",
            "ops@example.com",
        ],
    );
    let token = cli(
        dir.path(),
        &["token", "issue", "--user", "ops", "--ttl", "1h"],
    )["token"]
        .as_str()
        .unwrap()
        .to_string();
    let report = std::env::var_os("HOSTILE_REPORT").is_some();
    let mut summary = Vec::new();
    for case in hostile::corpus() {
        let mut c = Checker {
            server: &mut server,
            token: token.clone(),
            case: case.name,
            slowest: (Duration::ZERO, String::new()),
        };
        let upload = format!(
            r#"{{"name":"hostile {}","programId":"{}","idl":{}}}"#,
            case.name,
            hostile::ADDRESS,
            case.text
        );
        let created = c.send("POST", "/api/idl/upload", Some(&upload));
        if case.refused {
            assert!(
                matches!(created.status, 400 | 413 | 422),
                "{}: {}",
                case.name,
                created.status
            );
            continue;
        }
        assert_eq!(
            created.status,
            201,
            "{}: {}",
            case.name,
            String::from_utf8_lossy(&created.body)
        );
        let id = created.json()["project"]["id"]
            .as_str()
            .unwrap()
            .to_string();
        let api = format!("/api/{id}");
        for path in [
            format!("{api}/instructions"),
            format!("{api}/accounts"),
            format!("{api}/types"),
            format!("{api}/errors"),
            format!("{api}/events"),
            format!("{api}/constants"),
            format!("{api}/pda"),
            format!("{api}/openapi.json"),
            format!("{api}/idl"),
            format!("{api}/idl?normalized=1"),
            format!("{api}/docs"),
            format!("{api}/docs?format=md"),
            format!("/project/{id}/llms.txt"),
            format!("/api/idl/{id}"),
            format!("/api/idl/{id}/versions"),
        ] {
            // Twice: built, then served from the cache.
            c.send("GET", &path, None);
            c.send("GET", &path, None);
        }
        let listed = c.send("GET", &format!("{api}/instructions"), None).json();
        let names: Vec<String> = listed["instructions"]
            .as_array()
            .unwrap()
            .iter()
            .take(3)
            .map(|i| i["name"].as_str().unwrap().to_string())
            .collect();
        for name in &names {
            let segment = encode_segment(name);
            let detail = c
                .send("GET", &format!("{api}/instructions/{segment}"), None)
                .json();
            let mut request = detail["instruction"]["exampleRequest"].clone();
            if !request.is_object() {
                request = json!({"args": {}, "accounts": {}});
            }
            request["recentBlockhash"] = json!(BLOCKHASH);
            request["feePayer"] = json!(hostile::ADDRESS);
            let body = request.to_string();
            c.send(
                "POST",
                &format!("{api}/instructions/{segment}/build"),
                Some(&body),
            );
            c.send(
                "POST",
                &format!("{api}/instructions/{segment}/data"),
                Some(&body),
            );
            c.send(
                "POST",
                &format!("{api}/instructions/{segment}/accounts"),
                Some(&body),
            );
            let mcp = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {
                "name": "build_instruction",
                "arguments": {"projectId": id, "instruction": name, "args": request["args"],
                              "feePayer": hostile::ADDRESS, "recentBlockhash": BLOCKHASH}}});
            c.send("POST", "/mcp", Some(&mcp.to_string()));
        }
        // Account data: a discriminator and a few bytes, decoded as whatever it identifies.
        let data = "CQkJCQkJCQkBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQ==";
        c.send(
            "POST",
            &format!("{api}/accounts/decode"),
            Some(&json!({"data": data}).to_string()),
        );
        for tool in ["list_instructions", "read_llms_txt", "list_pda_accounts"] {
            let mcp = json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call",
                "params": {"name": tool, "arguments": {"projectId": id}}});
            c.send("POST", "/mcp", Some(&mcp.to_string()));
        }
        let health = c.send("GET", "/health", None);
        assert_eq!(health.status, 200);
        summary.push(format!(
            "{:<22} slowest {:>8.1} ms  {}",
            case.name,
            c.slowest.0.as_secs_f64() * 1e3,
            c.slowest.1
        ));
        // The next case declares the same program id.
        let confirm = json!({"confirmName": format!("hostile {}", case.name)}).to_string();
        c.send("DELETE", &format!("/api/idl/{id}"), Some(&confirm));
    }
    assert!(server.alive());
    if report {
        for line in &summary {
            println!("{line}");
        }
    }
}
