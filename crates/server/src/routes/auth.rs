//! `/auth`: GitHub sign-in (browser redirect flow and API-client flow), `me`, `logout`.

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::Json;
use orquestra_api::auth::{CurrentUser, GithubCallback, Me, Session, User};
use orquestra_api::platform::Message;
use orquestra_api::ErrorCode;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{
    cookie, github, set_cookie, state_cookie, token, Principal, SESSION_COOKIE, STATE_COOKIE,
};
use crate::error::ErrorBody;
use crate::extract::JsonBody;
use crate::{time, ApiError, AppState};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(start))
        .routes(routes!(browser_callback, api_callback))
        .routes(routes!(me))
        .routes(routes!(logout))
}

/// The user as the API shows it.
fn user_view(u: orquestra_store::User) -> User {
    User {
        id: u.id,
        username: u.username,
        email: u.email,
        avatar_url: u.avatar_url,
        created_at: time::stored(u.created_at),
    }
}

/// `GET /auth/github`: 302 to GitHub with a fresh `state` bound to this browser by a cookie.
#[utoipa::path(
    get,
    path = "/auth/github",
    tag = "auth",
    operation_id = "githubSignIn",
    responses(
        (status = 302, description = "Redirect to GitHub's authorize page; sets the short-lived \
            sign-in state cookie",
            headers(("Location" = String, description = "GitHub authorize URL"))),
        (status = 503, description = "GitHub sign-in is not configured on this server", body = ErrorBody),
    ),
)]
async fn start(State(state): State<AppState>) -> Result<Response, ApiError> {
    let github = &state.config.github;
    let client_id = github
        .client_id
        .as_deref()
        .ok_or(github::GithubError::NotConfigured)?;
    let (oauth_state, cookie_value) = state_cookie::new_state(&state.config.jwt_secret)
        .ok_or_else(|| ApiError::internal(&"no randomness"))?;
    let mut url = reqwest::Url::parse(&github.authorize_url).map_err(|e| ApiError::internal(&e))?;
    url.query_pairs_mut()
        .append_pair("client_id", client_id)
        .append_pair("redirect_uri", &state.config.oauth_redirect_uri())
        .append_pair("scope", "read:user user:email")
        .append_pair("state", &oauth_state)
        .append_pair("allow_signup", "true");
    let cookie = set_cookie(
        STATE_COOKIE,
        &cookie_value,
        "/auth",
        state_cookie::STATE_TTL_SECS,
        state.config.secure_cookies(),
    );
    Ok(([(header::SET_COOKIE, cookie)], found(url.as_str())).into_response())
}

/// What GitHub appends to the callback URL.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct CallbackQuery {
    /// The authorization code.
    code: Option<String>,
    /// The `state` issued by `GET /auth/github`.
    state: Option<String>,
    /// Set when the user denied access.
    error: Option<String>,
    error_description: Option<String>,
}

/// Checks `state`, signs in with GitHub, upserts the user, issues a session.
async fn complete_sign_in(
    state: &AppState,
    headers: &HeaderMap,
    code: &str,
    oauth_state: &str,
) -> Result<(String, token::Claims, orquestra_store::User), ApiError> {
    let bound = cookie(headers, STATE_COOKIE).unwrap_or("");
    if !state_cookie::check(&state.config.jwt_secret, bound, oauth_state) {
        return Err(ApiError::new(ErrorCode::InvalidState, "sign-in state is missing, expired or does not match this browser; start again at /auth/github",
        ));
    }
    let profile = github::sign_in(
        &state.http,
        &state.config.github,
        code,
        &state.config.oauth_redirect_uri(),
    )
    .await?;
    let user = state.store.upsert_github_user(&profile).await?;
    let (token, claims) = token::issue(
        &state.config.jwt_secret,
        &user.id,
        &user.username,
        state.config.session_ttl,
    )
    .map_err(|e| ApiError::internal(&e))?;
    Ok((token, claims, user))
}

fn session_cookie(state: &AppState, token: &str) -> String {
    set_cookie(
        SESSION_COOKIE,
        token,
        "/",
        state.config.session_ttl.as_secs(),
        state.config.secure_cookies(),
    )
}

fn clear_state_cookie(state: &AppState) -> String {
    set_cookie(STATE_COOKIE, "", "/auth", 0, state.config.secure_cookies())
}

/// `GET /auth/github/callback`: the browser flow. Success sets the session cookie and redirects to
/// the site; failures are a small HTML page with the right status (the token never enters a URL).
#[utoipa::path(
    get,
    path = "/auth/github/callback",
    tag = "auth",
    operation_id = "githubCallbackBrowser",
    params(CallbackQuery),
    responses(
        (status = 302, description = "Signed in: sets the session cookie and redirects to the site",
            headers(("Location" = String, description = "The site's public URL"))),
        (status = 400, description = "Missing `code`/`state`, a state that does not match this \
            browser, or a bad code: an HTML page for a browser, the error body for a client that \
            accepts JSON", content(
            (String = "text/html"),
            (ErrorBody = "application/json"),
        )),
        (status = 403, description = "The user denied access: an HTML page, or the error body", content(
            (String = "text/html"),
            (ErrorBody = "application/json"),
        )),
        (status = 502, description = "GitHub failed (HTML page)", body = String, content_type = "text/html"),
        (status = 503, description = "GitHub sign-in is not configured (HTML page)", body = String, content_type = "text/html"),
        (status = 504, description = "GitHub timed out (HTML page)", body = String, content_type = "text/html"),
    ),
)]
async fn browser_callback(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<CallbackQuery>,
) -> Response {
    let outcome = match (q.error, q.code, q.state) {
        (Some(error), _, _) => Err(ApiError::from(github::GithubError::Denied(
            q.error_description.unwrap_or(error),
        ))),
        (None, Some(code), Some(oauth_state)) => {
            complete_sign_in(&state, &headers, &code, &oauth_state).await
        }
        _ => Err(ApiError::bad_request(
            "the callback needs `code` and `state`",
        )),
    };
    match outcome {
        Ok((token, _, _)) => {
            let location = format!("{}/", state.config.public_url);
            let mut response = found(&location);
            append_cookies(
                &mut response,
                [session_cookie(&state, &token), clear_state_cookie(&state)],
            );
            response
        }
        // A client that asks for JSON gets the error body; a browser gets a page.
        Err(error) if accepts_json(&headers) => error.into_response(),
        Err(error) => {
            let page = format!(
                "<!doctype html><meta charset=utf-8><title>Sign-in failed</title><h1>Sign-in failed</h1><p>{}</p><p><a href=\"/auth/github\">Try again</a></p>",
                html_escape(&error.message)
            );
            let mut response = (error.status, Html(page)).into_response();
            append_cookies(&mut response, [clear_state_cookie(&state)]);
            response
        }
    }
}

/// Whether the request's `Accept` names JSON (and not HTML, which a browser lists first).
fn accepts_json(headers: &HeaderMap) -> bool {
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    accept.contains("json") && !accept.contains("text/html")
}

/// `POST /auth/github/callback` with `{"code","state"}`: the API-client flow; the token comes back
/// in the JSON body (and as the cookie, for browser apps).
#[utoipa::path(
    post,
    path = "/auth/github/callback",
    tag = "auth",
    operation_id = "githubCallbackApi",
    request_body = GithubCallback,
    responses(
        (status = 200, description = "Signed in; the session token is in the body (and set as the session cookie)",
            body = Session),
        (status = 400, description = "Malformed JSON, a sign-in state that does not match this client, or a bad code",
            body = ErrorBody),
        (status = 403, description = "The user denied access", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not `application/json`", body = ErrorBody),
        (status = 422, description = "Wrong body shape", body = ErrorBody),
        (status = 502, description = "GitHub failed", body = ErrorBody),
        (status = 503, description = "GitHub sign-in is not configured", body = ErrorBody),
        (status = 504, description = "GitHub timed out", body = ErrorBody),
    ),
)]
async fn api_callback(
    State(state): State<AppState>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<GithubCallback>,
) -> Result<Response, ApiError> {
    let (token, claims, user) = complete_sign_in(&state, &headers, &body.code, &body.state).await?;
    let cookies = [session_cookie(&state, &token), clear_state_cookie(&state)];
    let expires_at = i64::try_from(claims.exp)
        .ok()
        .and_then(|secs| time::rfc3339(secs, 0))
        .ok_or_else(|| ApiError::internal(&"session expiry out of range"))?;
    let mut response = Json(Session {
        token,
        expires_at,
        user: user_view(user),
    })
    .into_response();
    append_cookies(&mut response, cookies);
    Ok(response)
}

/// `GET /auth/me`: the signed-in user and how many projects they own.
#[utoipa::path(
    get,
    path = "/auth/me",
    tag = "auth",
    operation_id = "me",
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The session's user", body = Me),
        (status = 401, description = "Not signed in, or an invalid/revoked session", body = ErrorBody),
        (status = 403, description = "A project API key cannot act as a user", body = ErrorBody),
    ),
)]
async fn me(State(state): State<AppState>, principal: Principal) -> Result<Json<Me>, ApiError> {
    let claims = principal.require_user()?;
    let with_projects = state
        .store
        .user_with_projects(&claims.sub)
        .await?
        .ok_or_else(|| ApiError::unauthorized("the session's user no longer exists"))?;
    let project_count = with_projects.projects.len() as u64;
    let user = user_view(with_projects.user);
    Ok(Json(Me {
        user: CurrentUser {
            id: user.id,
            username: user.username,
            email: user.email,
            avatar_url: user.avatar_url,
            created_at: user.created_at,
            project_count,
        },
    }))
}

/// `POST /auth/logout`: revokes this session token server-side and clears the cookie.
#[utoipa::path(
    post,
    path = "/auth/logout",
    tag = "auth",
    operation_id = "logout",
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "Session revoked and cookie cleared", body = Message),
        (status = 401, description = "Not signed in, or an invalid/revoked session", body = ErrorBody),
        (status = 403, description = "A project API key cannot act as a user", body = ErrorBody),
    ),
)]
async fn logout(State(state): State<AppState>, principal: Principal) -> Result<Response, ApiError> {
    let claims = principal.require_user()?;
    state
        .store
        .revoke_session(&claims.jti, claims.exp as i64)
        .await?;
    let mut response = Json(Message {
        message: "Logged out".into(),
    })
    .into_response();
    append_cookies(
        &mut response,
        [set_cookie(
            SESSION_COOKIE,
            "",
            "/",
            0,
            state.config.secure_cookies(),
        )],
    );
    Ok(response)
}

fn append_cookies<const N: usize>(response: &mut Response, cookies: [String; N]) {
    for cookie in cookies {
        if let Ok(value) = header::HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
}

/// `302 Found` (what OAuth providers and browsers expect), not axum's 303.
fn found(location: &str) -> Response {
    match header::HeaderValue::from_str(location) {
        Ok(value) => (StatusCode::FOUND, [(header::LOCATION, value)]).into_response(),
        Err(_) => ApiError::internal(&"redirect location is not a valid header").into_response(),
    }
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
