//! Project bodies: projects, their social links, and which project stands for a program id.

use serde::{Deserialize, Serialize};

use crate::platform::nullable;

/// A project's social links: each an http(s) URL or `null`. As a request body (`PUT`), a link
/// left out, `null` or `""` is cleared.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Socials {
    /// Twitter / X profile URL.
    pub twitter: Option<String>,
    /// Discord invite URL.
    pub discord: Option<String>,
    /// Telegram URL.
    pub telegram: Option<String>,
    /// GitHub URL.
    pub github: Option<String>,
    /// Website URL.
    pub website: Option<String>,
}

/// A project as the API shows it: its metadata, owner, latest version and social links.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Project {
    /// Project id.
    pub id: String,
    /// The owner's user id.
    pub user_id: String,
    /// Display name.
    pub name: String,
    /// Free-text description.
    pub description: Option<String>,
    /// Base58 program address.
    pub program_id: String,
    /// Whether anyone may see the project.
    pub is_public: bool,
    /// When the project was created (RFC 3339).
    #[schema(format = DateTime)]
    pub created_at: Option<String>,
    /// When the project or its IDL last changed (RFC 3339).
    #[schema(format = DateTime)]
    pub updated_at: Option<String>,
    /// The owner's username.
    pub username: Option<String>,
    /// The owner's avatar URL.
    pub avatar_url: Option<String>,
    /// The latest IDL version (0 before the first upload).
    pub latest_version: i64,
    /// Social links.
    pub socials: Socials,
    /// Whether the caller owns the project.
    pub is_owner: bool,
}

/// One project (`{"project": Project}`).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProjectEnvelope {
    /// The project.
    pub project: Project,
}

/// A project in a listing of public projects.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PublicProject {
    /// Project id.
    pub id: String,
    /// The owner's user id.
    pub user_id: String,
    /// Display name.
    pub name: String,
    /// Free-text description.
    pub description: Option<String>,
    /// Base58 program address.
    pub program_id: String,
    /// Always `true` here.
    pub is_public: bool,
    /// When the project was created (RFC 3339).
    #[schema(format = DateTime)]
    pub created_at: Option<String>,
    /// When the project or its IDL last changed (RFC 3339).
    #[schema(format = DateTime)]
    pub updated_at: Option<String>,
    /// The owner's username.
    pub username: String,
    /// The owner's avatar URL.
    pub avatar_url: Option<String>,
    /// Number of IDL versions.
    pub version_count: i64,
}

/// A page of public projects (`GET /api/projects`).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PublicProjectPage {
    /// The projects of this page.
    pub projects: Vec<PublicProject>,
    /// Matching projects in all pages.
    pub total: i64,
    /// Page size used.
    pub limit: u32,
    /// Items skipped.
    pub offset: u32,
}

/// One of the caller's own projects, as listed.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OwnProject {
    /// Project id.
    pub id: String,
    /// The owner's (the caller's) user id.
    pub user_id: String,
    /// Display name.
    pub name: String,
    /// Free-text description.
    pub description: Option<String>,
    /// Base58 program address.
    pub program_id: String,
    /// Whether anyone may see the project.
    pub is_public: bool,
    /// When the project was created (RFC 3339).
    #[schema(format = DateTime)]
    pub created_at: Option<String>,
    /// When the project or its IDL last changed (RFC 3339).
    #[schema(format = DateTime)]
    pub updated_at: Option<String>,
}

/// The caller's projects (`GET /api/projects/mine`).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OwnProjects {
    /// Every project of the caller, public and private.
    pub projects: Vec<OwnProject>,
    /// Number of projects.
    pub total: u64,
}

/// How far a project's IDL is verified to describe the deployed program.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Trust {
    /// Not checked against the program's on-chain IDL, or not equal to it.
    Unverified,
    /// The latest version equals the IDL the program published on chain, at its latest check.
    Verified,
}

/// Why a project was chosen to stand for a program id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProgramBasis {
    /// The caller's own project (their user's, or the project of their API key).
    Own,
    /// A public project whose latest version equals the program's published IDL.
    Verified,
    /// The first public project registered for the program id.
    OldestPublic,
}

/// The project a by-program answer used, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProjectSource {
    /// Project id.
    pub project_id: String,
    /// Project name.
    pub project_name: String,
    /// How far its IDL is verified.
    pub trust: Trust,
    /// Why it was chosen.
    pub basis: ProgramBasis,
}

/// The project standing for a program id (`GET /api/projects/by-program/{program_id}`).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProjectForProgram {
    /// The project.
    pub project: Project,
    /// How far its IDL is verified.
    pub trust: Trust,
    /// Why it was chosen.
    pub basis: ProgramBasis,
}

/// A new project (metadata only; upload an IDL with `PUT /api/idl/{project_id}`).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateProject {
    /// 1–100 characters.
    pub name: String,
    /// Up to 2,000 characters.
    pub description: Option<String>,
    /// Base58 program address.
    pub program_id: String,
    /// Defaults to `true`.
    #[serde(default = "default_true")]
    #[schema(default = true)]
    pub is_public: bool,
}

fn default_true() -> bool {
    true
}

/// A partial update of a project: absent fields are kept; `description: null` clears it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateProject {
    /// 1–100 characters.
    pub name: Option<String>,
    /// Up to 2,000 characters; `null` clears it.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    /// Visibility; owner only.
    pub is_public: Option<bool>,
    /// Replaces every social link.
    pub socials: Option<Socials>,
}

/// A project was deleted.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProjectDeleted {
    /// What was done.
    pub message: String,
    /// The deleted project's id.
    pub project_id: String,
}

/// A project's social links (`GET|PUT /api/projects/{id}/socials`).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProjectSocials {
    /// Project id.
    pub project_id: String,
    /// The links.
    pub socials: Socials,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_partial_update_tells_absent_from_null() {
        let absent: Result<UpdateProject, _> = serde_json::from_str(r#"{"name": "x"}"#);
        assert!(absent.is_ok_and(|u| u.description.is_none()));
        let cleared: Result<UpdateProject, _> = serde_json::from_str(r#"{"description": null}"#);
        assert!(cleared.is_ok_and(|u| u.description == Some(None)));
        let unknown: Result<UpdateProject, _> = serde_json::from_str(r#"{"is_public": true}"#);
        assert!(
            unknown.is_err(),
            "snake_case names are refused, not ignored"
        );
    }

    #[test]
    fn a_new_project_is_public_unless_said_otherwise() {
        let created: Result<CreateProject, _> =
            serde_json::from_str(r#"{"name": "x", "programId": "p"}"#);
        assert!(created.is_ok_and(|c| c.is_public));
    }
}
