//! Who is calling: anonymous, a signed-in user (session token), or a project API key.

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;

use super::token::{self, Claims};
use super::{cookie, SESSION_COOKIE};
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

impl FromRequestParts<AppState> for Principal {
    type Rejection = ApiError;

    /// An API key or bearer token that is present but wrong is refused (401), never downgraded to
    /// anonymous. A stale session *cookie* is ignored instead, so a browser with an old cookie can
    /// still read public pages.
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
        Ok(Principal::User(claims))
    }
}
