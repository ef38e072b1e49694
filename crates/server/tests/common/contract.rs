//! The server's promise to its clients, checked on every response a test receives: the platform
//! document (`GET /openapi.json`) must declare the operation, the status and the content type, and
//! a JSON body must validate (draft 2020-12, formats included) against the schema declared for
//! them. Under `/api/{projectId}/…` the program's own document (`GET /api/{projectId}/openapi.json`)
//! is checked too, for the paths it lists. Nothing is checked against the documents' own idea of
//! what they contain: a route missing from a document fails here.
//!
//! Outside the contract: `/mcp` (JSON-RPC, checked by the MCP conformance runner) and `OPTIONS`
//! (CORS preflights, answered by middleware). Requests to paths no operation has are answered
//! `404`/`405` with the error body, which is checked against the documented error schema.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::http::HeaderMap;
use orquestra_store::Store;

use super::document::Document;

/// Whether a response declared with an untyped schema (`{}`, or `type: object` with nothing
/// about its members) fails the test. Off while routes still answer hand-built JSON; every such
/// response is listed by `tests/contract.rs` either way.
pub const STRICT_TYPED_RESPONSES: bool = true;

/// One response as the test received it.
pub struct Exchange<'a> {
    pub method: &'a str,
    pub url: &'a reqwest::Url,
    pub status: u16,
    pub headers: &'a HeaderMap,
    /// `None` for event streams, which are not read here.
    pub body: Option<&'a [u8]>,
}

/// The checker one test server shares between its clients.
pub struct Contract {
    base: String,
    /// Fetches the documents from another loopback address, so it spends none of the rate-limit
    /// budget of the clients under test.
    client: reqwest::Client,
    store: Arc<dyn Store>,
    secret: Vec<u8>,
    platform: tokio::sync::OnceCell<Arc<Document>>,
    /// Program documents by project id; `None` when the project has none (no IDL, not a project).
    programs: Mutex<HashMap<String, Option<Arc<Document>>>>,
    /// (method, platform path template, status) of every response checked.
    hits: Mutex<BTreeSet<(String, String, u16)>>,
}

impl Contract {
    pub fn new(base: String, store: Arc<dyn Store>, secret: Vec<u8>) -> Self {
        let client = reqwest::Client::builder()
            .local_address(Some(std::net::Ipv4Addr::new(127, 0, 0, 2).into()))
            .timeout(Duration::from_secs(60))
            .build()
            .expect("a plain reqwest client builds");
        Self {
            base,
            client,
            store,
            secret,
            platform: tokio::sync::OnceCell::new(),
            programs: Mutex::new(HashMap::new()),
            hits: Mutex::new(BTreeSet::new()),
        }
    }

    /// The platform document as `GET /openapi.json` serves it.
    pub async fn platform(&self) -> Arc<Document> {
        self.platform
            .get_or_init(|| async {
                let url = format!("{}/openapi.json", self.base);
                let response = self
                    .client
                    .get(url)
                    .send()
                    .await
                    .expect("GET /openapi.json");
                assert_eq!(response.status(), 200, "GET /openapi.json");
                Arc::new(Document::new(
                    response.json().await.expect("/openapi.json is JSON"),
                ))
            })
            .await
            .clone()
    }

    /// The program document of `project_id`, fetched as its owner (private projects included).
    pub async fn program(&self, project_id: &str) -> Option<Arc<Document>> {
        let cached = self
            .programs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(project_id)
            .cloned();
        if let Some(cached) = cached {
            return cached;
        }
        let document = self.fetch_program(project_id).await.map(Arc::new);
        self.programs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(project_id.to_string(), document.clone());
        document
    }

    async fn fetch_program(&self, project_id: &str) -> Option<Document> {
        let project = self.store.get_project(project_id).await.ok()??;
        let owner = self.store.get_user(&project.user_id).await.ok()??;
        let (token, _) = orquestra_server::auth::token::issue(
            &self.secret,
            &owner.id,
            &owner.username,
            Duration::from_secs(600),
        )
        .ok()?;
        let url = format!("{}/api/{project_id}/openapi.json", self.base);
        let response = self.client.get(url).bearer_auth(token).send().await.ok()?;
        // 404: no IDL yet, so no program document (the platform one still applies).
        if response.status() != 200 {
            return None;
        }
        Some(Document::new(response.json().await.ok()?))
    }

    /// (method, platform path template, status) of every response checked so far.
    pub fn hits(&self) -> BTreeSet<(String, String, u16)> {
        self.hits
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Checks one response against the platform document and, under `/api/{projectId}/…`, the
    /// program document. `Err` says which route, which status and what is wrong.
    pub async fn check(&self, exchange: &Exchange<'_>) -> Result<(), String> {
        let path = exchange.url.path();
        let method = exchange.method.to_ascii_lowercase();
        if method == "options" || path == "/mcp" || path.starts_with("/mcp/") {
            return Ok(());
        }
        // A successful write may change what a program document says (a new IDL version, a
        // renamed project): fetch them again.
        if !matches!(method.as_str(), "get" | "head") && exchange.status < 400 {
            self.programs
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clear();
        }
        let platform = self.platform().await;
        // Findings are named by the platform route, which both documents share.
        let route = platform
            .route(&method, path)
            .map_or_else(|| path.to_string(), |r| r.path.clone());
        if let Some(r) = platform.route(&method, path) {
            self.hits
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .insert((r.method.clone(), r.path.clone(), exchange.status));
        }
        let mut findings = Vec::new();
        if let Err(finding) = platform.check(&method, path, exchange) {
            findings.push((Doc::Platform, finding));
        }
        let project_id = path
            .strip_prefix("/api/")
            .and_then(|rest| rest.split('/').next())
            .filter(|id| !id.is_empty());
        if let Some(project_id) = project_id {
            if let Some(program) = self.program(project_id).await {
                if program.route(&method, path).is_some() {
                    if let Err(finding) = program.check(&method, path, exchange) {
                        findings.push((Doc::Program, finding));
                    }
                }
            }
        }
        let report_only = std::env::var("ORQUESTRA_CONTRACT_REPORT").is_ok_and(|v| v == "1");
        let mut failures = Vec::new();
        for (doc, (problem, detail)) in findings {
            let violation = format!(
                "contract: {} {path} → {} ({route}): {}: {problem:?}: {detail}",
                exchange.method,
                exchange.status,
                doc.name()
            );
            let known = KNOWN_GAPS.iter().any(|gap| {
                gap.doc.is_none_or(|d| d == doc)
                    && gap.method.is_none_or(|m| m.eq_ignore_ascii_case(&method))
                    && gap.route.is_none_or(|r| r == route)
                    && gap.status.is_none_or(|s| s == exchange.status)
                    && gap.problem == problem
            });
            if known || report_only {
                let label = if known { "known gap" } else { "violation" };
                eprintln!("{label}: {violation}");
            } else {
                failures.push(violation);
            }
        }
        if failures.is_empty() {
            Ok(())
        } else {
            Err(failures.join("\n"))
        }
    }
}

/// Which document a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Doc {
    Platform,
    Program,
}

impl Doc {
    fn name(self) -> &'static str {
        match self {
            Doc::Platform => "platform document (/openapi.json)",
            Doc::Program => "program document (/api/{projectId}/openapi.json)",
        }
    }
}

/// What is wrong with a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// No operation for the method and path, and not the router's `404`/`405`.
    NoOperation,
    /// The operation does not list the status (nor its `NXX` range, nor `default`).
    UndocumentedStatus,
    /// The status does not list the body's content type.
    UndocumentedContent,
    /// The JSON body does not validate against the declared schema.
    BodyMismatch,
    /// The declared schema is untyped (only with [`STRICT_TYPED_RESPONSES`]).
    Untyped,
}

pub(super) type Finding = (Problem, String);

/// A disagreement between the server and its documents that is known and being fixed; it is
/// printed instead of failing. `None` matches anything. Delete entries as the fixes land: an
/// entry that no longer matches anything is harmless but hides nothing.
pub struct Gap {
    pub doc: Option<Doc>,
    pub method: Option<&'static str>,
    /// The platform document's path template.
    pub route: Option<&'static str>,
    pub status: Option<u16>,
    pub problem: Problem,
}

const fn gap(
    doc: Option<Doc>,
    method: Option<&'static str>,
    route: Option<&'static str>,
    status: Option<u16>,
    problem: Problem,
) -> Gap {
    Gap {
        doc,
        method,
        route,
        status,
        problem,
    }
}

/// The gaps on the code this harness was written against (run the server tests with
/// `ORQUESTRA_CONTRACT_REPORT=1` to print every finding instead of stopping at the first).
pub const KNOWN_GAPS: &[Gap] = &[];
