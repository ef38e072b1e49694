//! The REST API, called in-process: one `http::Request` through the REST router per MCP tool
//! call or per view a web page shows. The routes apply their own visibility and ownership
//! rules to the credentials forwarded, so neither caller can see more than the REST API shows.

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, Method, Request, StatusCode};
use axum::Router;
use serde_json::{json, Value};
use tower::ServiceExt;

/// Largest REST response a tool reads (llms.txt and program-account pages stay far below this).
const MAX_RESPONSE_BYTES: usize = 32 * 1024 * 1024;

/// What a REST call answered.
pub enum Outcome {
    /// 2xx with a JSON object.
    Json(Value),
    /// 2xx with a non-JSON body (`llms.txt`).
    Text { content_type: String, text: String },
    /// Any error status: the REST error object (`{"error": {code, message, details}}`).
    Error { status: StatusCode, body: Value },
}

/// The REST router plus the credentials of the outer request worth forwarding.
pub struct Rest<'a> {
    pub router: &'a Router,
    /// `X-API-Key` of an MCP request, forwarded as is.
    pub api_key: Option<HeaderValue>,
    /// The `Cookie` of a page request (the browser session), forwarded as is.
    pub cookie: Option<HeaderValue>,
}

/// A REST answer that was not the 2xx JSON a page asked for.
#[derive(Debug)]
pub struct Refusal {
    pub status: StatusCode,
    /// The REST error's message.
    pub message: String,
}

impl Rest<'_> {
    /// The credentials the REST call carries: only the MCP request's `X-API-Key`.
    pub fn from_headers<'a>(router: &'a Router, headers: Option<&HeaderMap>) -> Rest<'a> {
        Rest {
            router,
            api_key: headers.and_then(|h| h.get("x-api-key")).cloned(),
            cookie: None,
        }
    }

    /// The credentials a page's REST calls carry: only the browser's cookies.
    pub fn for_browser<'a>(router: &'a Router, headers: &HeaderMap) -> Rest<'a> {
        Rest {
            router,
            api_key: None,
            cookie: headers.get(header::COOKIE).cloned(),
        }
    }

    /// `GET path` read as `T`.
    pub async fn get_as<T: serde::de::DeserializeOwned>(
        &self,
        path: impl AsRef<str>,
    ) -> Result<T, Refusal> {
        match self.get_if_changed(path.as_ref(), None).await? {
            Conditional::Fresh { value, .. } => Ok(value),
            Conditional::NotModified => Err(refusal_internal("304 to a request without a tag")),
        }
    }

    /// `GET path` with `If-None-Match: etag`: [`Conditional::NotModified`] when the caller's copy
    /// is current, else the body read as `T` with its `ETag`. The route still checks who may see
    /// it, so a copy shared between visitors is only ever confirmed to one who may.
    pub async fn get_if_changed<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        etag: Option<&HeaderValue>,
    ) -> Result<Conditional<T>, Refusal> {
        let exchange = self
            .exchange(Method::GET, path, None, etag)
            .await
            .map_err(refusal)?;
        if exchange.status == StatusCode::NOT_MODIFIED {
            return Ok(Conditional::NotModified);
        }
        if !exchange.status.is_success() || !exchange.is_json() {
            return Err(refusal(exchange.into_outcome()));
        }
        let value = serde_json::from_slice(&exchange.bytes).map_err(|e| {
            tracing::error!(error = %e, path, "in-process REST answer does not match its type");
            refusal_internal("internal error")
        })?;
        Ok(Conditional::Fresh {
            etag: exchange.etag,
            value,
            bytes: exchange.bytes.len(),
        })
    }

    /// `POST path` with `body`, read as `T`.
    pub async fn post_as<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        body: Value,
    ) -> Result<T, Refusal> {
        Self::typed(self.post(path, body).await)
    }

    fn typed<T: serde::de::DeserializeOwned>(outcome: Outcome) -> Result<T, Refusal> {
        match outcome {
            Outcome::Json(value) => serde_json::from_value(value).map_err(|e| {
                tracing::error!(error = %e, "in-process REST answer does not match its type");
                refusal_internal("internal error")
            }),
            other => Err(refusal(other)),
        }
    }

    pub async fn get(&self, path: &str) -> Outcome {
        self.call(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Outcome {
        self.call(Method::POST, path, Some(body)).await
    }

    async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Outcome {
        match self.exchange(method, path, body, None).await {
            Ok(exchange) => exchange.into_outcome(),
            Err(outcome) => outcome,
        }
    }

    /// One request through the router, the answer's body read whole.
    async fn exchange(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        if_none_match: Option<&HeaderValue>,
    ) -> Result<Exchange, Outcome> {
        let mut builder = Request::builder()
            .method(method)
            .uri(path)
            .header(header::ACCEPT, "application/json");
        if let Some(key) = &self.api_key {
            builder = builder.header("x-api-key", key.clone());
        }
        if let Some(cookie) = &self.cookie {
            builder = builder.header(header::COOKIE, cookie.clone());
        }
        if let Some(etag) = if_none_match {
            builder = builder.header(header::IF_NONE_MATCH, etag.clone());
        }
        let request = match body {
            Some(body) => builder
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string())),
            None => builder.body(Body::empty()),
        };
        let request = request.map_err(|e| internal(&e))?;
        let response = match self.router.clone().oneshot(request).await {
            Ok(response) => response,
            Err(never) => match never {},
        };
        let status = response.status();
        let content_type = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let etag = response.headers().get(header::ETAG).cloned();
        let bytes = axum::body::to_bytes(response.into_body(), MAX_RESPONSE_BYTES)
            .await
            .map_err(|e| internal(&e))?;
        Ok(Exchange {
            status,
            content_type,
            etag,
            bytes,
        })
    }
}

/// What [`Rest::get_if_changed`] answered.
pub enum Conditional<T> {
    /// The caller's copy (tagged with the `ETag` it sent) is current.
    NotModified,
    /// A body, with its `ETag` when the route gives one and its size in bytes.
    Fresh {
        etag: Option<HeaderValue>,
        value: T,
        bytes: usize,
    },
}

/// A response as received.
struct Exchange {
    status: StatusCode,
    content_type: String,
    etag: Option<HeaderValue>,
    bytes: bytes::Bytes,
}

impl Exchange {
    fn is_json(&self) -> bool {
        self.content_type.starts_with("application/json")
    }

    fn into_outcome(self) -> Outcome {
        let Exchange {
            status,
            content_type,
            bytes,
            ..
        } = self;
        let is_json = content_type.starts_with("application/json");
        if !status.is_success() {
            let body = serde_json::from_slice::<Value>(&bytes)
                .ok()
                .filter(|v| v.get("error").is_some())
                .unwrap_or_else(|| {
                    json!({"error": {
                        "code": "http_error",
                        "message": format!("HTTP {status}: {}", String::from_utf8_lossy(&bytes)),
                        "details": [],
                    }})
                });
            return Outcome::Error { status, body };
        }
        if is_json {
            match serde_json::from_slice::<Value>(&bytes) {
                Ok(value) => Outcome::Json(value),
                Err(e) => internal(&e),
            }
        } else {
            Outcome::Text {
                content_type,
                text: String::from_utf8_lossy(&bytes).into_owned(),
            }
        }
    }
}

/// What a page says about an answer that is not the JSON it asked for.
fn refusal(outcome: Outcome) -> Refusal {
    match outcome {
        Outcome::Error { status, body } => Refusal {
            status,
            message: body["error"]["message"]
                .as_str()
                .unwrap_or("request failed")
                .to_string(),
        },
        Outcome::Text { content_type, .. } => Refusal {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            message: format!("expected JSON, got {content_type}"),
        },
        Outcome::Json(_) => refusal_internal("unexpected answer"),
    }
}

fn refusal_internal(message: &str) -> Refusal {
    Refusal {
        status: StatusCode::INTERNAL_SERVER_ERROR,
        message: message.into(),
    }
}

fn internal(error: &dyn std::fmt::Display) -> Outcome {
    tracing::error!(%error, "in-process REST call failed");
    Outcome::Error {
        status: StatusCode::INTERNAL_SERVER_ERROR,
        body: json!({"error": {"code": "internal_error", "message": "internal error", "details": []}}),
    }
}

/// One path segment, percent-encoded (everything but RFC 3986 unreserved characters), so a
/// caller's `projectId` or name can never reach another route.
pub fn segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    // `.` and `..` are path syntax, not names.
    match out.as_str() {
        "." => "%2E".into(),
        ".." => "%2E%2E".into(),
        _ => out,
    }
}

/// The `?version=N` that pins a program route to one IDL version (nothing for the latest).
pub fn pin(idl_version: Option<u32>) -> String {
    query([("version", idl_version.map(|v| v.to_string()))])
}

/// `?a=b&c=d` from the pairs whose value is present ("" when none).
pub fn query<'a>(pairs: impl IntoIterator<Item = (&'a str, Option<String>)>) -> String {
    let mut serializer = form_urlencoded::Serializer::new(String::new());
    let mut any = false;
    for (key, value) in pairs {
        if let Some(value) = value {
            serializer.append_pair(key, &value);
            any = true;
        }
    }
    if any {
        format!("?{}", serializer.finish())
    } else {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::{query, segment};

    #[test]
    fn segments_cannot_escape_their_place_in_the_path() {
        assert_eq!(segment("abc_DEF-1.2~"), "abc_DEF-1.2~");
        assert_eq!(segment("../auth/me"), "..%2Fauth%2Fme");
        assert_eq!(segment(".."), "%2E%2E");
        assert_eq!(segment("a b?c#d"), "a%20b%3Fc%23d");
        assert_eq!(segment("é"), "%C3%A9");
    }

    #[test]
    fn queries_skip_absent_values() {
        assert_eq!(query([("a", None)]), "");
        assert_eq!(
            query([
                ("q", Some("a b&c".into())),
                ("x", None),
                ("limit", Some("5".into()))
            ]),
            "?q=a+b%26c&limit=5"
        );
    }
}
