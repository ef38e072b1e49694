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

use axum::http::header::CONTENT_TYPE;
use axum::http::HeaderMap;
use orquestra_store::Store;
use serde_json::{json, Value};

/// Whether a response declared with an untyped schema (`{}`, or `type: object` with nothing
/// about its members) fails the test. Off while routes still answer hand-built JSON; every such
/// response is listed by `tests/contract.rs` either way.
pub const STRICT_TYPED_RESPONSES: bool = false;

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "patch", "head", "options", "trace",
];

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

type Finding = (Problem, String);

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
pub const KNOWN_GAPS: &[Gap] = &[
    // Rate-limited routes do not declare 429.
    gap(
        Some(Doc::Platform),
        None,
        None,
        Some(429),
        Problem::UndocumentedStatus,
    ),
    // Body-limit and content-type refusals some operations do not declare.
    gap(
        Some(Doc::Platform),
        Some("post"),
        Some("/api/transactions/decode"),
        Some(413),
        Problem::UndocumentedStatus,
    ),
    gap(
        Some(Doc::Platform),
        Some("post"),
        Some("/api/{project_id}/program-accounts/query"),
        Some(415),
        Problem::UndocumentedStatus,
    ),
    // The browser callback's errors are JSON, documented as HTML.
    gap(
        Some(Doc::Platform),
        Some("get"),
        Some("/auth/github/callback"),
        None,
        Problem::UndocumentedContent,
    ),
    // An unusable instruction is 422, documented in neither document.
    gap(
        None,
        Some("get"),
        Some("/api/{project_id}/instructions/{name}"),
        Some(422),
        Problem::UndocumentedStatus,
    ),
    // The program document: conditional GETs, Markdown docs, build refusals, and the build
    // response schema (`message`, `instruction.data` declared as strings).
    gap(
        Some(Doc::Program),
        Some("get"),
        None,
        Some(304),
        Problem::UndocumentedStatus,
    ),
    gap(
        Some(Doc::Program),
        Some("get"),
        Some("/api/{project_id}/docs"),
        Some(200),
        Problem::UndocumentedContent,
    ),
    gap(
        Some(Doc::Program),
        Some("post"),
        Some("/api/{project_id}/instructions/{name}/build"),
        Some(403),
        Problem::UndocumentedStatus,
    ),
    gap(
        Some(Doc::Program),
        Some("post"),
        Some("/api/{project_id}/instructions/{name}/build"),
        Some(504),
        Problem::UndocumentedStatus,
    ),
    gap(
        Some(Doc::Program),
        Some("post"),
        Some("/api/{project_id}/instructions/{name}/build"),
        Some(200),
        Problem::BodyMismatch,
    ),
];

/// One operation of a document.
#[derive(Debug, Clone)]
pub struct Route {
    pub method: String,
    pub path: String,
    /// Literal segments; `None` for a `{parameter}`.
    segments: Vec<Option<String>>,
}

impl Route {
    fn matches(&self, segments: &[&str]) -> bool {
        self.segments.len() == segments.len()
            && self
                .segments
                .iter()
                .zip(segments)
                .all(|(want, got)| want.as_deref().is_none_or(|w| w == *got))
    }

    /// Literal segments win over parameters, earliest first (as the router decides).
    fn specificity(&self) -> Vec<bool> {
        self.segments.iter().map(Option::is_some).collect()
    }
}

/// An OpenAPI document with its operations indexed and its compiled response schemas cached.
pub struct Document {
    pub value: Value,
    routes: Vec<Route>,
    validators: Mutex<HashMap<String, Arc<jsonschema::Validator>>>,
}

impl Document {
    pub fn new(value: Value) -> Self {
        let mut routes = Vec::new();
        if let Some(paths) = value["paths"].as_object() {
            for (path, item) in paths {
                let segments: Vec<Option<String>> = path
                    .split('/')
                    .map(|s| (!(s.starts_with('{') && s.ends_with('}'))).then(|| s.to_string()))
                    .collect();
                for method in item.as_object().into_iter().flat_map(|m| m.keys()) {
                    if METHODS.contains(&method.as_str()) {
                        routes.push(Route {
                            method: method.clone(),
                            path: path.clone(),
                            segments: segments.clone(),
                        });
                    }
                }
            }
        }
        Self {
            value,
            routes,
            validators: Mutex::new(HashMap::new()),
        }
    }

    /// Every operation of the document.
    pub fn routes(&self) -> &[Route] {
        &self.routes
    }

    /// The operation serving `method` on the concrete `path` (`HEAD` is served by `GET`). As in
    /// the router, the path is chosen first (literal segments over parameters), then the method:
    /// `GET /api/idl/upload` is the upload path answering `405`, not `GET /api/idl/{project_id}`.
    pub fn route(&self, method: &str, path: &str) -> Option<&Route> {
        let method = if method == "head" { "get" } else { method };
        let segments: Vec<&str> = path.split('/').collect();
        let best = self
            .routes
            .iter()
            .filter(|r| r.matches(&segments))
            .max_by_key(|r| r.specificity())?;
        self.routes
            .iter()
            .find(|r| r.path == best.path && r.method == method)
    }

    fn has_path(&self, path: &str) -> bool {
        let segments: Vec<&str> = path.split('/').collect();
        self.routes.iter().any(|r| r.matches(&segments))
    }

    fn operation(&self, route: &Route) -> &Value {
        &self.value["paths"][&route.path][&route.method]
    }

    fn check(&self, method: &str, path: &str, exchange: &Exchange<'_>) -> Result<(), Finding> {
        let Some(route) = self.route(method, path) else {
            // No operation: the router's own answer, in the documented error shape.
            let expected = if self.has_path(path) { 405 } else { 404 };
            if exchange.status != expected {
                return Err((
                    Problem::NoOperation,
                    format!("no operation documents {method} {path} (a route without a schema)"),
                ));
            }
            let Some(pointer) = self.error_schema_pointer() else {
                return Err((
                    Problem::NoOperation,
                    "the document declares no error schema".into(),
                ));
            };
            return self
                .validate_body(&pointer, exchange)
                .map_err(|e| (Problem::BodyMismatch, e));
        };
        let operation = self.operation(route);
        let status = exchange.status.to_string();
        let range = format!("{}XX", exchange.status / 100);
        let (key, response) = [status.as_str(), range.as_str(), "default"]
            .into_iter()
            .find_map(|k| operation["responses"].get(k).map(|r| (k, r)))
            .ok_or_else(|| {
                (
                    Problem::UndocumentedStatus,
                    format!(
                        "status {status} is not documented for {} {} (documented: {})",
                        route.method.to_uppercase(),
                        route.path,
                        keys(&operation["responses"])
                    ),
                )
            })?;
        let response = self.resolve(response);
        let body = exchange.body.unwrap_or_default();
        let content_type = content_type(exchange.headers);
        if body.is_empty() && exchange.body.is_some() {
            return Ok(());
        }
        let Some(content_type) = content_type else {
            return Err((
                Problem::UndocumentedContent,
                "a body without a content type".into(),
            ));
        };
        let content = &response["content"];
        let Some(media) = media_key(content, &content_type) else {
            return Err((
                Problem::UndocumentedContent,
                format!(
                    "content type {content_type} is not documented for status {key} of {} {} \
                 (documented: {})",
                    route.method.to_uppercase(),
                    route.path,
                    keys(content)
                ),
            ));
        };
        if exchange.body.is_none() || !is_json(&content_type) {
            return Ok(());
        }
        let pointer = format!(
            "/paths/{}/{}/responses/{}/content/{}/schema",
            escape(&route.path),
            route.method,
            escape(key),
            escape(media)
        );
        // The response may itself be a `$ref` to `components/responses`.
        let pointer = match operation["responses"][key]
            .get("$ref")
            .and_then(Value::as_str)
        {
            Some(r) => format!(
                "{}/content/{}/schema",
                r.trim_start_matches('#'),
                escape(media)
            ),
            None => pointer,
        };
        if STRICT_TYPED_RESPONSES && self.is_untyped(self.value.pointer(&pointer)) {
            return Err((
                Problem::Untyped,
                format!("the schema of status {key} ({media}) is untyped (STRICT_TYPED_RESPONSES)"),
            ));
        }
        self.validate_body(&pointer, exchange)
            .map_err(|e| (Problem::BodyMismatch, e))
    }

    /// The schema the document declares for error bodies (`ErrorBody`, or a 404's schema).
    fn error_schema_pointer(&self) -> Option<String> {
        for name in ["ErrorBody", "Error"] {
            if self.value["components"]["schemas"].get(name).is_some() {
                return Some(format!("/components/schemas/{name}"));
            }
        }
        None
    }

    fn validate_body(&self, pointer: &str, exchange: &Exchange<'_>) -> Result<(), String> {
        let Some(body) = exchange.body.filter(|b| !b.is_empty()) else {
            return Ok(());
        };
        let instance: Value = serde_json::from_slice(body).map_err(|e| {
            format!(
                "the body is not JSON ({e}): {}",
                String::from_utf8_lossy(&body[..body.len().min(300)])
            )
        })?;
        let validator = self.validator(pointer)?;
        let errors: Vec<String> = validator
            .iter_errors(&instance)
            .take(8)
            .map(|e| format!("  at {}: {e}", e.instance_path()))
            .collect();
        if errors.is_empty() {
            return Ok(());
        }
        let mut shown = instance.to_string();
        if shown.len() > 1500 {
            let mut cut = 1500;
            while !shown.is_char_boundary(cut) {
                cut -= 1;
            }
            shown.truncate(cut);
            shown.push('…');
        }
        Err(format!(
            "the body does not match #{pointer}:\n{}\nbody: {shown}",
            errors.join("\n")
        ))
    }

    /// A validator for the schema at `pointer`, with the document's components beside it so that
    /// `#/components/schemas/…` references resolve.
    fn validator(&self, pointer: &str) -> Result<Arc<jsonschema::Validator>, String> {
        let mut cache = self
            .validators
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(v) = cache.get(pointer) {
            return Ok(v.clone());
        }
        let schema = self
            .value
            .pointer(pointer)
            .ok_or_else(|| format!("#{pointer} is not in the document"))?;
        let root = json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "components": self.value["components"],
            "$defs": {"response": schema},
            "$ref": "#/$defs/response",
        });
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(true)
            .build(&root)
            .map_err(|e| format!("#{pointer} does not compile: {e}"))?;
        let validator = Arc::new(validator);
        cache.insert(pointer.to_string(), validator.clone());
        Ok(validator)
    }

    /// Follows a local `$ref` chain.
    fn resolve<'a>(&'a self, mut value: &'a Value) -> &'a Value {
        for _ in 0..16 {
            match value.get("$ref").and_then(Value::as_str) {
                Some(r) => match self.value.pointer(r.trim_start_matches('#')) {
                    Some(target) => value = target,
                    None => return value,
                },
                None => return value,
            }
        }
        value
    }

    /// `{}`, `true`, or `type: object` saying nothing about its members.
    pub fn is_untyped(&self, schema: Option<&Value>) -> bool {
        let Some(schema) = schema.map(|s| self.resolve(s)) else {
            return true;
        };
        match schema {
            Value::Bool(b) => *b,
            Value::Object(map) => {
                let described = [
                    "properties",
                    "additionalProperties",
                    "patternProperties",
                    "items",
                    "prefixItems",
                    "oneOf",
                    "anyOf",
                    "allOf",
                    "$ref",
                    "enum",
                    "const",
                ]
                .iter()
                .any(|k| map.contains_key(*k));
                let only_object = match map.get("type") {
                    None => true,
                    Some(Value::String(t)) => t == "object",
                    Some(_) => false,
                };
                only_object && !described
            }
            _ => false,
        }
    }

    /// `METHOD path status media` of every JSON response whose schema is untyped.
    pub fn untyped_responses(&self) -> Vec<String> {
        let mut out = BTreeSet::new();
        for route in &self.routes {
            let responses = &self.operation(route)["responses"];
            for (status, response) in responses.as_object().into_iter().flatten() {
                let response = self.resolve(response);
                for (media, body) in response["content"].as_object().into_iter().flatten() {
                    if is_json(media) && self.is_untyped(body.get("schema")) {
                        out.insert(format!(
                            "{} {} {status} {media}",
                            route.method.to_uppercase(),
                            route.path
                        ));
                    }
                }
            }
        }
        out.into_iter().collect()
    }
}

/// The media type of a response, lowercased and without parameters.
fn content_type(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(CONTENT_TYPE)?.to_str().ok()?;
    let essence = value.split(';').next()?.trim().to_ascii_lowercase();
    (!essence.is_empty()).then_some(essence)
}

/// The declared media type key that covers `content_type` (exact, `type/*` or `*/*`).
fn media_key<'a>(content: &'a Value, content_type: &str) -> Option<&'a str> {
    let declared = content.as_object()?;
    let major = content_type.split('/').next().unwrap_or_default();
    let wildcard = format!("{major}/*");
    let found = [content_type, wildcard.as_str(), "*/*"]
        .into_iter()
        .find_map(|want| {
            declared
                .keys()
                .find(|k| k.split(';').next().unwrap_or_default().trim() == want)
        });
    found.map(String::as_str)
}

fn is_json(media: &str) -> bool {
    let essence = media.split(';').next().unwrap_or_default().trim();
    essence == "application/json" || essence.ends_with("+json")
}

/// A JSON pointer token.
fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

fn keys(value: &Value) -> String {
    match value.as_object() {
        Some(map) if !map.is_empty() => map.keys().cloned().collect::<Vec<_>>().join(", "),
        _ => "none".into(),
    }
}
