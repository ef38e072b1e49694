//! Authentication: session tokens, the signed OAuth `state`, GitHub sign-in, and the
//! [`Principal`] every handler sees.

pub mod github;
pub mod principal;
pub mod state_cookie;
pub mod token;

pub use principal::Principal;

/// Name of the browser session cookie.
pub const SESSION_COOKIE: &str = "orquestra_session";
/// Name of the short-lived cookie that binds an OAuth `state` to the browser.
pub const STATE_COOKIE: &str = "orquestra_oauth_state";

/// Reads one cookie from a `Cookie` header.
pub fn cookie<'a>(headers: &'a axum::http::HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A `Set-Cookie` value: `HttpOnly; SameSite=Lax`, `Secure` behind HTTPS.
pub fn set_cookie(name: &str, value: &str, path: &str, max_age_secs: u64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={value}; Path={path}; Max-Age={max_age_secs}; HttpOnly; SameSite=Lax{secure}")
}
