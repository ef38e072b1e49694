//! The one visibility and ownership guard. Every route that touches a project goes through
//! [`project_for`], so a private project is invisible (404) to everyone but its owner and its keys,
//! on every route, present and future.

use orquestra_api::projects::{ProjectSource, Trust};
use orquestra_store::Project;

use crate::auth::Principal;
use crate::{ApiError, AppState};

/// What the caller wants to do with the project.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// See it (and everything derived from it).
    Read,
    /// Change its content: metadata, versions, docs, socials, addresses. Owner or project key.
    Write,
    /// Owner-only acts: delete the project, manage its API keys.
    Own,
}

/// Loads the project if `principal` may `access` it.
///
/// * absent, or private and not the caller's (owner or key) → 404, never revealing existence;
/// * visible but not allowed: anonymous → 401, anyone else → 403.
pub async fn project_for(
    state: &AppState,
    principal: &Principal,
    project_id: &str,
    access: Access,
) -> Result<Project, ApiError> {
    let project = state
        .store
        .get_project(project_id)
        .await?
        .ok_or_else(ApiError::project_not_found)?;
    check(principal, project, access)
}

/// [`project_for`] that also returns the latest IDL version number, from the same single query
/// (the hot path of every program read).
pub async fn project_with_version_for(
    state: &AppState,
    principal: &Principal,
    project_id: &str,
    access: Access,
) -> Result<(Project, Option<i64>), ApiError> {
    let (project, version) = state
        .store
        .get_project_with_version(project_id)
        .await?
        .ok_or_else(ApiError::project_not_found)?;
    Ok((check(principal, project, access)?, version))
}

fn check(principal: &Principal, project: Project, access: Access) -> Result<Project, ApiError> {
    let is_owner = principal.user_id() == Some(project.user_id.as_str());
    let is_key =
        matches!(principal, Principal::ProjectKey { project_id, .. } if *project_id == project.id);
    if !project.is_public && !is_owner && !is_key {
        return Err(ApiError::project_not_found());
    }
    let allowed = match access {
        Access::Read => true,
        Access::Write => is_owner || is_key,
        Access::Own => is_owner,
    };
    if allowed {
        return Ok(project);
    }
    Err(match principal {
        Principal::Anonymous => ApiError::unauthorized("sign in required"),
        Principal::ProjectKey { .. } if is_key => {
            ApiError::forbidden("a project API key cannot do this; the owner must")
        }
        _ => ApiError::forbidden("only the project's owner can do this"),
    })
}

pub use orquestra_api::projects::ProgramBasis;

/// The project that stands for a program id, and why.
#[derive(Debug, Clone)]
pub struct ProgramProject {
    pub project: Project,
    pub basis: ProgramBasis,
    /// Whether the project's latest version equals the program's published IDL (latest check).
    pub verified: bool,
}

impl ProgramProject {
    /// How far the project's IDL can be trusted to describe the deployed program.
    pub fn trust(&self) -> Trust {
        if self.verified {
            Trust::Verified
        } else {
            Trust::Unverified
        }
    }

    /// The project used and why, for responses that used it.
    pub fn source(&self) -> ProjectSource {
        ProjectSource {
            project_id: self.project.id.clone(),
            project_name: self.project.name.clone(),
            trust: self.trust(),
            basis: self.basis,
        }
    }
}

/// The project a caller means by a program id. Anyone can register any program id, so a
/// by-program lookup follows a trust order, never "the newest wins" (which would let a fresh
/// upload with a doctored IDL rename a real program's instructions for everyone):
///
/// 1. the caller's own project (their user's, or their API key's);
/// 2. the oldest public project whose latest version equals the program's published IDL at its
///    latest check (see `verification`);
/// 3. the oldest public project for the program id.
pub async fn project_for_program(
    state: &AppState,
    principal: &Principal,
    program_id: &str,
) -> Result<Option<ProgramProject>, ApiError> {
    let candidates = state.store.projects_by_program(program_id).await?;
    if candidates.is_empty() {
        return Ok(None);
    }
    let verified = state.store.verified_projects(program_id).await?;
    let chosen = |project: Project, basis| ProgramProject {
        verified: verified.contains(&project.id),
        project,
        basis,
    };
    let own = candidates.iter().position(|p| {
        principal.user_id() == Some(p.user_id.as_str())
            || matches!(principal, Principal::ProjectKey { project_id, .. } if *project_id == p.id)
    });
    if let Some(i) = own {
        return Ok(candidates
            .into_iter()
            .nth(i)
            .map(|project| chosen(project, ProgramBasis::Own)));
    }
    // Candidates come newest first, in insertion order (timestamps tie within a second).
    if let Some(i) = candidates
        .iter()
        .rposition(|p| p.is_public && verified.contains(&p.id))
    {
        return Ok(candidates
            .into_iter()
            .nth(i)
            .map(|project| chosen(project, ProgramBasis::Verified)));
    }
    let oldest_public = candidates.into_iter().rfind(|p| p.is_public);
    Ok(oldest_public.map(|project| chosen(project, ProgramBasis::OldestPublic)))
}

/// Whether `principal` may see a project row it already has (for listings).
pub fn can_see(principal: &Principal, project: &Project) -> bool {
    can_see_parts(principal, &project.id, &project.user_id, project.is_public)
}

/// [`can_see`] for rows that carry only the project's id, owner and visibility (joined listings).
pub fn can_see_parts(principal: &Principal, id: &str, owner_id: &str, is_public: bool) -> bool {
    is_public
        || principal.user_id() == Some(owner_id)
        || matches!(principal, Principal::ProjectKey { project_id, .. } if project_id == id)
}
