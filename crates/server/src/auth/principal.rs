//! Who is calling: anonymous, a signed-in user (session token), or a project API key.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, Method};
use orquestra_api::ErrorCode;

use super::token::{self, Claims};
use super::{cookie, SESSION_COOKIE};
use crate::config::ServerConfig;
use crate::{ApiError, AppState};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    Anonymous,
    /// A valid, unrevoked session.
    User(Claims),
    /// A valid, unexpired project API key: acts for that one project only.
    ProjectKey {
        project_id: String,
        key_id: String,
    },
}

impl Principal {
    /// The signed-in user's id, if any.
    pub fn user_id(&self) -> Option<&str> {
        match self {
            Principal::User(claims) => Some(&claims.sub),
            _ => None,
        }
    }

    /// Routes that act as a person (create a project, list "mine", manage the session).
    pub fn require_user(&self) -> Result<&Claims, ApiError> {
        match self {
            Principal::User(claims) => Ok(claims),
            Principal::Anonymous => Err(ApiError::unauthorized("sign in required")),
            Principal::ProjectKey { .. } => Err(ApiError::forbidden(
                "a project API key cannot do this; sign in",
            )),
        }
    }
}

/// Where a session token came from.
enum TokenSource<'a> {
    Bearer(&'a str),
    Cookie(&'a str),
}

/// The session token of a request: `Authorization: Bearer` first, then the session cookie.
fn session_token(parts: &Parts) -> Option<TokenSource<'_>> {
    if let Some(value) = parts.headers.get(header::AUTHORIZATION) {
        let value = value.to_str().unwrap_or("");
        return Some(TokenSource::Bearer(
            value.strip_prefix("Bearer ").unwrap_or("").trim(),
        ));
    }
    cookie(&parts.headers, SESSION_COOKIE).map(TokenSource::Cookie)
}

/// The serialised origin (`scheme://host[:port]`, default port dropped, lower case) of a URL;
/// `None` for anything without a host (opaque origins such as `null` never match).
fn origin_of(url: &str) -> Option<String> {
    let origin = url::Url::parse(url).ok()?.origin();
    origin.is_tuple().then(|| origin.ascii_serialization())
}

/// Whether an `Origin` header names this server (`public_url`) or a configured CORS origin.
fn origin_allowed(origin: &HeaderValue, config: &ServerConfig) -> bool {
    let Some(origin) = origin.to_str().ok().and_then(origin_of) else {
        return false;
    };
    std::iter::once(config.public_url.as_str())
        .chain(config.cors_origins.iter().map(String::as_str))
        .filter_map(origin_of)
        .any(|allowed| allowed == origin)
}

/// Cross-site request forgery guard for the session *cookie*, which a browser attaches on its own:
/// an unsafe method (anything but GET, HEAD, OPTIONS, TRACE) must come from this server's origin
/// or a configured CORS origin. `Origin` decides when present (browsers send it on every
/// cross-origin POST, PUT, PATCH and DELETE, and on fetches); without it, `Sec-Fetch-Site` must be
/// `same-origin` or `none`. A request with neither header is not from a current browser (curl,
/// scripts) and is let through. Bearer tokens and API keys are never sent implicitly, so they are
/// not checked.
fn check_cookie_origin(parts: &Parts, config: &ServerConfig) -> Result<(), ApiError> {
    if matches!(
        parts.method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    ) {
        return Ok(());
    }
    let allowed = match parts.headers.get(header::ORIGIN) {
        Some(origin) => origin_allowed(origin, config),
        None => match parts.headers.get("sec-fetch-site") {
            Some(site) => matches!(site.to_str(), Ok("same-origin" | "none")),
            None => true,
        },
    };
    if allowed {
        Ok(())
    } else {
        Err(ApiError::new(
            ErrorCode::CsrfRejected,
            "cross-origin request with a session cookie refused: call from this site or an \
             allowed origin, or send the token as Authorization: Bearer",
        ))
    }
}

impl FromRequestParts<AppState> for Principal {
    type Rejection = ApiError;

    /// An API key or bearer token that is present but wrong is refused (401), never downgraded to
    /// anonymous. A stale session *cookie* is ignored instead, so a browser with an old cookie can
    /// still read public pages. A valid cookie on an unsafe method from another origin is refused
    /// (403 `csrf_rejected`, see [`check_cookie_origin`]).
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(key) = parts.headers.get("x-api-key") {
            let key = key
                .to_str()
                .map_err(|_| ApiError::unauthorized("invalid API key"))?;
            let found = state.store.validate_api_key(key).await?;
            return match found {
                Some(k) => Ok(Principal::ProjectKey {
                    project_id: k.project_id,
                    key_id: k.id,
                }),
                None => Err(ApiError::unauthorized(
                    "invalid, expired or revoked API key",
                )),
            };
        }
        let (token, from_cookie) = match session_token(parts) {
            None => return Ok(Principal::Anonymous),
            Some(TokenSource::Bearer(token)) => (token, false),
            Some(TokenSource::Cookie(token)) => (token, true),
        };
        let claims = match token::verify(&state.config.jwt_secret, token) {
            Ok(claims) if !state.store.is_session_revoked(&claims.jti).await? => claims,
            _ if from_cookie => return Ok(Principal::Anonymous),
            Ok(_) => return Err(ApiError::unauthorized("session has been logged out")),
            Err(_) => return Err(ApiError::unauthorized("invalid or expired session token")),
        };
        if from_cookie {
            check_cookie_origin(parts, &state.config)?;
        }
        Ok(Principal::User(claims))
    }
}
