//! Sign-in bodies: users and sessions.

use serde::{Deserialize, Serialize};

/// A user as the API shows it.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct User {
    /// User id.
    pub id: String,
    /// GitHub username.
    pub username: String,
    /// E-mail address from GitHub.
    pub email: String,
    /// Avatar image URL.
    pub avatar_url: Option<String>,
    /// When the user first signed in (RFC 3339).
    #[schema(format = DateTime)]
    pub created_at: Option<String>,
}

/// The signed-in user with the number of projects they own.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CurrentUser {
    /// User id.
    pub id: String,
    /// GitHub username.
    pub username: String,
    /// E-mail address from GitHub.
    pub email: String,
    /// Avatar image URL.
    pub avatar_url: Option<String>,
    /// When the user first signed in (RFC 3339).
    #[schema(format = DateTime)]
    pub created_at: Option<String>,
    /// Projects the user owns, public and private.
    pub project_count: u64,
}

/// `GET /auth/me`.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Me {
    /// The session's user.
    pub user: CurrentUser,
}

/// The API-client sign-in: the `code` and `state` GitHub handed to the client.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GithubCallback {
    /// The authorization code from GitHub's redirect.
    pub code: String,
    /// The `state` issued by `GET /auth/github`.
    pub state: String,
}

/// A new session.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Session {
    /// Session token (JWT): send it as `Authorization: Bearer <token>`.
    pub token: String,
    /// When the session expires (RFC 3339).
    #[schema(format = DateTime)]
    pub expires_at: String,
    /// The signed-in user.
    pub user: User,
}
