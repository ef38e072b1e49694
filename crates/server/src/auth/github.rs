//! The GitHub side of sign-in: exchange the code for a token, read the profile and, when the
//! profile email is private, the primary verified email.

use orquestra_api::ErrorCode;
use orquestra_store::GithubProfile;
use serde::Deserialize;

use crate::config::GithubConfig;
use crate::ApiError;

/// Largest GitHub response body read (profiles and email lists are a few KB).
const MAX_RESPONSE_BYTES: usize = 1024 * 1024;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum GithubError {
    #[error("GitHub sign-in is not configured on this server")]
    NotConfigured,
    #[error("GitHub sign-in was denied: {0}")]
    Denied(String),
    #[error("GitHub refused the authorization code: {0}")]
    BadCode(String),
    #[error("GitHub answered with an error: {0}")]
    Upstream(String),
    #[error("GitHub is unreachable: {0}")]
    Unreachable(String),
    #[error("GitHub did not answer in time")]
    Timeout,
}

impl From<GithubError> for ApiError {
    fn from(error: GithubError) -> Self {
        let message = error.to_string();
        match error {
            GithubError::NotConfigured => ApiError::new(ErrorCode::GithubNotConfigured, message),
            GithubError::Denied(_) => ApiError::new(ErrorCode::GithubDenied, message),
            GithubError::BadCode(_) => ApiError::new(ErrorCode::GithubBadCode, message),
            GithubError::Upstream(_) => ApiError::new(ErrorCode::GithubError, message),
            GithubError::Unreachable(_) => ApiError::new(ErrorCode::GithubUnreachable, message),
            GithubError::Timeout => ApiError::new(ErrorCode::GithubTimeout, message),
        }
    }
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

#[derive(Deserialize)]
struct UserResponse {
    id: i64,
    login: String,
    email: Option<String>,
    avatar_url: Option<String>,
}

#[derive(Deserialize)]
struct EmailEntry {
    email: String,
    primary: bool,
    verified: bool,
}

fn transport(error: reqwest::Error) -> GithubError {
    if error.is_timeout() {
        GithubError::Timeout
    } else {
        GithubError::Unreachable(error.to_string())
    }
}

async fn read_json<T: serde::de::DeserializeOwned>(
    response: reqwest::Response,
    what: &str,
) -> Result<T, GithubError> {
    let status = response.status();
    if status.is_server_error() || status == reqwest::StatusCode::TOO_MANY_REQUESTS {
        return Err(GithubError::Upstream(format!("{what}: HTTP {status}")));
    }
    if response
        .content_length()
        .is_some_and(|len| len > MAX_RESPONSE_BYTES as u64)
    {
        return Err(GithubError::Upstream(format!("{what}: response too large")));
    }
    let bytes = response.bytes().await.map_err(transport)?;
    if bytes.len() > MAX_RESPONSE_BYTES {
        return Err(GithubError::Upstream(format!("{what}: response too large")));
    }
    if !status.is_success() {
        return Err(GithubError::Upstream(format!("{what}: HTTP {status}")));
    }
    serde_json::from_slice(&bytes)
        .map_err(|e| GithubError::Upstream(format!("{what}: unexpected response ({e})")))
}

/// Exchanges `code` for an access token and returns the user's profile.
pub async fn sign_in(
    http: &reqwest::Client,
    config: &GithubConfig,
    code: &str,
    redirect_uri: &str,
) -> Result<GithubProfile, GithubError> {
    let (Some(client_id), Some(client_secret)) = (&config.client_id, &config.client_secret) else {
        return Err(GithubError::NotConfigured);
    };
    let response = http
        .post(&config.token_url)
        .timeout(config.timeout)
        .header(reqwest::header::ACCEPT, "application/json")
        .form(&[
            ("client_id", client_id.as_str()),
            ("client_secret", client_secret.as_str()),
            ("code", code),
            ("redirect_uri", redirect_uri),
        ])
        .send()
        .await
        .map_err(transport)?;
    let token: TokenResponse = read_json(response, "token exchange").await?;
    let access_token = match (token.access_token, token.error) {
        (Some(t), None) if !t.is_empty() => t,
        (_, Some(error)) => {
            return Err(GithubError::BadCode(
                token.error_description.unwrap_or(error),
            ))
        }
        _ => {
            return Err(GithubError::Upstream(
                "token exchange: no access_token".into(),
            ))
        }
    };
    let api = config.api_url.trim_end_matches('/');
    let get = |path: &str| {
        http.get(format!("{api}{path}"))
            .timeout(config.timeout)
            .bearer_auth(&access_token)
            .header(reqwest::header::ACCEPT, "application/vnd.github+json")
            .header(reqwest::header::USER_AGENT, "orquestra")
    };
    let user: UserResponse =
        read_json(get("/user").send().await.map_err(transport)?, "GET /user").await?;
    let email = match user.email.filter(|e| !e.is_empty()) {
        Some(email) => email,
        None => {
            let emails: Vec<EmailEntry> = read_json(
                get("/user/emails").send().await.map_err(transport)?,
                "GET /user/emails",
            )
            .await?;
            emails
                .iter()
                .find(|e| e.primary && e.verified)
                .or_else(|| emails.iter().find(|e| e.verified))
                .map(|e| e.email.clone())
                // GitHub's own no-reply address is unique per account.
                .unwrap_or_else(|| format!("{}+{}@users.noreply.github.com", user.id, user.login))
        }
    };
    Ok(GithubProfile {
        github_id: user.id,
        username: user.login,
        email,
        avatar_url: user.avatar_url,
    })
}
