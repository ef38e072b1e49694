//! The upload data path: IDL → parse/validate → docs → one SQL transaction → search index and KV.
//! Shared by upload, new version and ingest so the three can never drift apart.

use orquestra_api::ErrorCode;
use std::sync::Arc;

use orquestra_idl::{ParseOptions, Program};
use orquestra_store::kv::{self, keys};
use orquestra_store::{NewProject, NewVersion, Project, StoreError, VersionDocs};
use serde_json::Value;

use crate::{ApiError, AppState};

/// Parses and validates an IDL for `program_id`; refusals list every problem with its pointer.
/// Defects confined to single items are kept as the program's warnings unless `strict`.
pub fn validate_idl(idl: &Value, program_id: &str, strict: bool) -> Result<Program, ApiError> {
    let options = ParseOptions {
        program_id: Some(program_id.to_string()),
        strict,
    };
    let program = orquestra_idl::parse_value(idl, &options).map_err(|error| {
        let mut api = ApiError::new(ErrorCode::InvalidIdl, error.to_string());
        for problem in error.problems() {
            api = api.with_detail(format!("/idl{}", problem.pointer), problem.message);
        }
        api
    })?;
    if let Some(address) = &program.address {
        if address != program_id {
            return Err(ApiError::invalid(
                "/programId",
                format!("does not match the IDL's address {address}"),
            ));
        }
    }
    Ok(program)
}

/// Instruction names for the search index.
fn search_terms(program: &Program) -> String {
    program
        .instructions
        .iter()
        .map(|i| i.name.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The generated `CPI.md` for a version.
pub fn generate_cpi_md(
    state: &AppState,
    project: &ProjectRef<'_>,
    version: i64,
    program: &Program,
    addresses: &[orquestra_store::KnownAddress],
) -> String {
    let known = crate::programs::known_address_refs(addresses);
    let ctx = orquestra_docs::ProgramContext {
        project_id: project.id,
        project_name: project.name,
        description: project.description,
        program_id: project.program_id,
        version,
        base_url: &state.config.public_url,
        known_addresses: &known,
    };
    orquestra_docs::cpi_md(program, &ctx)
}

/// Hand-written docs when given, else docs generated for the version number the store assigns.
fn docs_for<'a>(
    given: Option<&'a str>,
    generate: &'a (dyn Fn(i64) -> String + Sync),
) -> VersionDocs<'a> {
    match given {
        Some(text) => VersionDocs::Given(text),
        None => VersionDocs::Generated(generate),
    }
}

/// The bits of a project the docs need (the project may not exist yet at generation time).
pub struct ProjectRef<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub description: Option<&'a str>,
    pub program_id: &'a str,
}

/// After a write: drop every cached view of the project and prime `IDLS` with the new version.
async fn refresh_caches(
    state: &AppState,
    project_id: &str,
    version: i64,
    idl_json: &str,
    program: Arc<Program>,
) {
    kv::forget_project(state.kv.as_ref(), project_id).await;
    state.programs.forget_project(project_id);
    for key in [
        keys::project_idl(project_id),
        keys::project_version(project_id, version),
    ] {
        state
            .kv
            .put(&key, idl_json.to_string().into(), key.ttl())
            .await;
    }
    state
        .programs
        .insert(project_id, version, program, idl_json.len());
}

pub struct Created {
    pub project: Project,
    pub version: i64,
    pub program: Arc<Program>,
}

/// Creates a project with version 1 from `idl`, which [`validate_idl`] read as `program` for
/// `new.program_id` (callers need the parsed program first, e.g. for a default name).
pub async fn create_project(
    state: &AppState,
    new: NewProject,
    idl: &Value,
    program: Program,
    cpi_md: Option<String>,
) -> Result<Created, ApiError> {
    let idl_json = serde_json::to_string(idl).map_err(|e| ApiError::internal(&e))?;
    let project_id = orquestra_store::ids::new_id();
    let reference = ProjectRef {
        id: &project_id,
        name: &new.name,
        description: new.description.as_deref(),
        program_id: &new.program_id,
    };
    let generate = |version: i64| generate_cpi_md(state, &reference, version, &program, &[]);
    let terms = search_terms(&program);
    let version = NewVersion {
        idl_json: &idl_json,
        docs: docs_for(cpi_md.as_deref(), &generate),
        search_instructions: Some(&terms),
    };
    let (project, row) = state
        .store
        .create_project_with_version(&project_id, &new, version)
        .await
        .map_err(|e| match e {
            StoreError::Conflict { .. } => {
                ApiError::conflict("you already have a project for this program id")
                    .with_detail("/programId", "already used")
            }
            other => other.into(),
        })?;
    let program = Arc::new(program);
    refresh_caches(state, &project.id, row.version, &idl_json, program.clone()).await;
    Ok(Created {
        project,
        version: row.version,
        program,
    })
}

pub struct Versioned {
    pub version: i64,
    /// False when the IDL was identical to the latest version (nothing stored).
    pub created: bool,
    pub program: Arc<Program>,
}

/// Adds a version unless the IDL equals the latest one.
pub async fn add_version(
    state: &AppState,
    project: &Project,
    idl: &Value,
    cpi_md: Option<String>,
    strict: bool,
) -> Result<Versioned, ApiError> {
    let program = validate_idl(idl, &project.program_id, strict)?;
    let latest = state.store.latest_idl_version(&project.id).await?;
    if let Some(latest) = &latest {
        let same_idl =
            serde_json::from_str::<Value>(&latest.idl_json).is_ok_and(|stored| stored == *idl);
        let same_docs = cpi_md.is_none() || cpi_md == latest.cpi_md;
        if same_idl && same_docs {
            // The IDL just parsed is the stored one: no need to load it again.
            return Ok(Versioned {
                version: latest.version,
                created: false,
                program: Arc::new(program),
            });
        }
    }
    let idl_json = serde_json::to_string(idl).map_err(|e| ApiError::internal(&e))?;
    let addresses = match cpi_md {
        Some(_) => Vec::new(),
        None => state.store.list_known_addresses(&project.id).await?,
    };
    let reference = ProjectRef {
        id: &project.id,
        name: &project.name,
        description: project.description.as_deref(),
        program_id: &project.program_id,
    };
    let generate = |version: i64| generate_cpi_md(state, &reference, version, &program, &addresses);
    let terms = search_terms(&program);
    let version = NewVersion {
        idl_json: &idl_json,
        docs: docs_for(cpi_md.as_deref(), &generate),
        search_instructions: Some(&terms),
    };
    let row = state.store.append_idl_version(&project.id, version).await?;
    let program = Arc::new(program);
    refresh_caches(state, &project.id, row.version, &idl_json, program.clone()).await;
    Ok(Versioned {
        version: row.version,
        created: true,
        program,
    })
}
