//! An OpenAPI document as the contract checker reads it: operations indexed by path template,
//! the response declared for a status and content type, and compiled response schemas.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, PoisonError};

use axum::http::header::CONTENT_TYPE;
use axum::http::HeaderMap;
use serde_json::{json, Value};

use super::contract::{Exchange, Finding, Problem, STRICT_TYPED_RESPONSES};

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "patch", "head", "options", "trace",
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

    pub(super) fn check(
        &self,
        method: &str,
        path: &str,
        exchange: &Exchange<'_>,
    ) -> Result<(), Finding> {
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
