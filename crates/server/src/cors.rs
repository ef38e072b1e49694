//! Cross-origin access for the configured origins (`ORQUESTRA_CORS_ORIGINS`), applied by the
//! envelope.
//!
//! Browsers send `Origin`; other clients (CLIs, servers, agents, the load tool) do not, and their
//! responses carry only the static `Vary` that keeps shared caches from mixing the two. An
//! allowed origin gets `Access-Control-Allow-Origin` (its own value, never `*`, since credentials
//! are allowed), `…-Allow-Credentials` and the headers scripts may read. Every `OPTIONS` request
//! is a preflight, answered here without reaching the routes (or the rate limiter): the methods
//! and request headers the API accepts, for an allowed origin only.

use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::Response;

use crate::envelope::REQUEST_ID;
use crate::version::IDL_VERSION;

/// The allowed origins, exactly as browsers send them (`https://app.example`, no path).
pub struct Cors {
    origins: Vec<HeaderValue>,
    /// Response headers a cross-origin script may read, besides the CORS-safelisted ones.
    expose: HeaderValue,
}

// Static header values (functions rather than constants: a `HeaderValue` constant would be a new
// value at every use anyway, and clippy rightly flags constants with interior mutability).

/// Responses differ by these request headers, whether or not the origin was allowed.
fn vary() -> HeaderValue {
    HeaderValue::from_static(
        "origin, access-control-request-method, access-control-request-headers",
    )
}

fn yes() -> HeaderValue {
    HeaderValue::from_static("true")
}

impl Cors {
    /// Origins that are not valid header values can never match a request, and are dropped.
    pub fn new(origins: &[String]) -> Self {
        let expose = [IDL_VERSION, REQUEST_ID].map(|name: HeaderName| name.as_str().to_string());
        Self {
            origins: origins
                .iter()
                .filter_map(|origin| HeaderValue::from_str(origin).ok())
                .collect(),
            expose: HeaderValue::from_str(&expose.join(","))
                .unwrap_or(HeaderValue::from_static("")),
        }
    }

    /// The request's `Origin`, if it is one of the allowed origins.
    pub fn allowed_origin(&self, headers: &HeaderMap) -> Option<HeaderValue> {
        let origin = headers.get(header::ORIGIN)?;
        self.origins.contains(origin).then(|| origin.clone())
    }

    /// The answer to a preflight (any `OPTIONS` request) from `origin`, if allowed.
    pub fn preflight(&self, origin: Option<HeaderValue>) -> Response {
        let mut response = Response::new(axum::body::Body::empty());
        *response.status_mut() = StatusCode::OK;
        let headers = response.headers_mut();
        headers.insert(header::VARY, vary());
        if let Some(origin) = origin {
            headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            headers.insert(header::ACCESS_CONTROL_ALLOW_CREDENTIALS, yes());
            headers.insert(
                header::ACCESS_CONTROL_ALLOW_METHODS,
                HeaderValue::from_static("GET,POST,PUT,DELETE,OPTIONS"),
            );
            headers.insert(
                header::ACCESS_CONTROL_ALLOW_HEADERS,
                HeaderValue::from_static("content-type,authorization,x-api-key,x-scope-key"),
            );
        }
        response
    }

    /// Adds the CORS headers of an ordinary (non-preflight) response to `origin`.
    pub fn decorate(&self, origin: Option<HeaderValue>, headers: &mut HeaderMap) {
        // Appended: a route's own `Vary` stays.
        headers.append(header::VARY, vary());
        if let Some(origin) = origin {
            headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            headers.insert(header::ACCESS_CONTROL_ALLOW_CREDENTIALS, yes());
            headers.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, self.expose.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request_from(origin: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::ORIGIN, HeaderValue::from_static(origin));
        headers
    }

    #[test]
    fn only_listed_origins_are_allowed_and_echoed() {
        let cors = Cors::new(&["https://app.example".into(), "bad\norigin".into()]);
        let allowed = cors.allowed_origin(&request_from("https://app.example"));
        assert_eq!(allowed.as_ref().unwrap(), "https://app.example");
        assert!(cors
            .allowed_origin(&request_from("https://evil.example"))
            .is_none());
        assert!(cors
            .allowed_origin(&request_from("https://app.example.evil"))
            .is_none());
        assert!(cors.allowed_origin(&HeaderMap::new()).is_none());

        let mut headers = HeaderMap::new();
        cors.decorate(allowed, &mut headers);
        assert_eq!(
            headers[header::ACCESS_CONTROL_ALLOW_ORIGIN],
            "https://app.example"
        );
        assert_eq!(headers[header::ACCESS_CONTROL_ALLOW_CREDENTIALS], "true");
        assert_eq!(
            headers[header::ACCESS_CONTROL_EXPOSE_HEADERS],
            "x-idl-version,x-request-id"
        );
        assert!(headers[header::VARY]
            .to_str()
            .unwrap()
            .starts_with("origin"));
    }

    #[test]
    fn requests_without_an_allowed_origin_get_only_vary() {
        let cors = Cors::new(&["https://app.example".into()]);
        let mut headers = HeaderMap::new();
        cors.decorate(None, &mut headers);
        assert_eq!(headers.len(), 1);
        let preflight = cors.preflight(None);
        assert_eq!(preflight.status(), StatusCode::OK);
        assert_eq!(preflight.headers().len(), 1);
        let preflight = cors.preflight(Some(HeaderValue::from_static("https://app.example")));
        let allow = preflight.headers()[header::ACCESS_CONTROL_ALLOW_HEADERS]
            .to_str()
            .unwrap();
        assert!(
            allow.contains("authorization") && allow.contains("x-api-key"),
            "{allow}"
        );
    }
}
