//! Loading a project's parsed [`Program`]: visibility first, then the in-process cache of parsed
//! programs (by project and version), then KV `IDLS`, then SQL. No request re-parses an IDL that
//! is already in memory.

use orquestra_api::ErrorCode;
use std::sync::Arc;

use moka::sync::Cache;
use orquestra_idl::{ItemKind, ParseOptions, Program};
use orquestra_store::kv::{keys, Key};
use orquestra_store::Project;

use crate::access::{project_with_version_for, Access};
use crate::auth::Principal;
use crate::version::{Answered, Pinned};
use crate::{ApiError, AppState};

/// Parsed programs by (project id, version), least recently used evicted first. Bounded by the
/// size of the IDL text each was parsed from (a parsed program takes a few times that), so a few
/// huge IDLs cannot crowd memory the way a count bound would let them.
#[derive(Clone)]
pub struct ProgramCache {
    cache: Cache<(Arc<str>, i64), (Arc<Program>, u32)>,
}

impl ProgramCache {
    pub fn new(max_source_bytes: u64) -> Self {
        let cache = Cache::builder()
            .max_capacity(max_source_bytes)
            .weigher(|_, (_, weight): &(Arc<Program>, u32)| *weight)
            .build();
        Self { cache }
    }

    fn get(&self, project_id: &str, version: i64) -> Option<Arc<Program>> {
        self.cache
            .get(&(Arc::from(project_id), version))
            .map(|(program, _)| program)
    }

    /// Caches `program`, parsed from `source_len` bytes of IDL JSON.
    pub fn insert(&self, project_id: &str, version: i64, program: Arc<Program>, source_len: usize) {
        let weight = u32::try_from(source_len).unwrap_or(u32::MAX).max(1);
        self.cache
            .insert((Arc::from(project_id), version), (program, weight));
    }

    pub fn forget_project(&self, project_id: &str) {
        let doomed: Vec<_> = self
            .cache
            .iter()
            .filter(|(k, _)| &*k.0 == project_id)
            .map(|(k, _)| (*k).clone())
            .collect();
        for key in doomed {
            self.cache.invalidate(&key);
        }
    }
}

impl Default for ProgramCache {
    /// Programs parsed from up to 64 MiB of IDL JSON.
    fn default() -> Self {
        Self::new(64 * 1024 * 1024)
    }
}

/// A project the caller may read, at one version, with its parsed program.
pub struct Loaded {
    pub project: Project,
    pub version: i64,
    /// The project's latest version (equal to `version` unless the request pinned an older one).
    pub latest: i64,
    pub program: Arc<Program>,
}

impl Loaded {
    /// The `x-idl-version` header naming the version that answered.
    pub fn answered(&self) -> Answered {
        Answered(self.version)
    }

    /// The `CACHE` key of a view of this version: `latest_key` (the project's shared key) for the
    /// latest version, else a key of its own under the same project prefix, so a pinned read
    /// never displaces the latest body and every project-wide invalidation still reaches it.
    pub fn cache_key(&self, view: &str, latest_key: impl FnOnce(&str) -> Key) -> Key {
        if self.version == self.latest {
            latest_key(&self.project.id)
        } else {
            keys::api_version_view(&self.project.id, self.version, view)
        }
    }
}

/// Parses stored IDL JSON with the project's program id as the fallback address.
pub fn parse_stored(project: &Project, idl_json: &str) -> Result<Program, ApiError> {
    let options = ParseOptions {
        program_id: Some(project.program_id.clone()),
        ..Default::default()
    };
    // Every stored IDL was validated at upload; failing now means the stored data is damaged.
    orquestra_idl::parse(idl_json, &options)
        .map_err(|e| ApiError::internal(&format!("stored IDL of {}: {e}", project.id)))
}

/// The IDL JSON of one version: KV `IDLS` first, then SQL (and back into KV).
pub async fn idl_json(
    state: &AppState,
    project: &Project,
    version: i64,
) -> Result<String, ApiError> {
    let key = keys::project_version(&project.id, version);
    if let Some(bytes) = state.kv.get(&key).await {
        if let Ok(text) = String::from_utf8(bytes.to_vec()) {
            return Ok(text);
        }
    }
    let row = state
        .store
        .idl_version(&project.id, version)
        .await?
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::VersionNotFound,
                format!("this project has no version {version}"),
            )
        })?;
    state
        .kv
        .put(&key, row.idl_json.clone().into(), key.ttl())
        .await;
    Ok(row.idl_json)
}

/// The parsed program of `project` at `version`.
pub async fn program_at(
    state: &AppState,
    project: &Project,
    version: i64,
) -> Result<Arc<Program>, ApiError> {
    if let Some(program) = state.programs.get(&project.id, version) {
        return Ok(program);
    }
    let json = idl_json(state, project, version).await?;
    let program = Arc::new(parse_stored(project, &json)?);
    state
        .programs
        .insert(&project.id, version, program.clone(), json.len());
    Ok(program)
}

/// Visibility check, then the program at the pinned version (the latest when not pinned); 404
/// `version_not_found` for a version the project does not have.
pub async fn load(
    state: &AppState,
    principal: &Principal,
    project_id: &str,
    pinned: Pinned,
) -> Result<Loaded, ApiError> {
    let (project, latest) =
        project_with_version_for(state, principal, project_id, Access::Read).await?;
    let version = pinned_version(pinned, latest)?;
    let Some(latest) = latest else {
        return Err(ApiError::not_found("this project has no IDL yet"));
    };
    let program = program_at(state, &project, version).await?;
    Ok(Loaded {
        project,
        version,
        latest,
        program,
    })
}

/// The version a request answers from: the pinned one if the project has it, else the latest.
pub fn pinned_version(pinned: Pinned, latest: Option<i64>) -> Result<i64, ApiError> {
    match (pinned.0, latest) {
        (Some(v), latest) => crate::version::existing("version", v, latest.unwrap_or(0)),
        (None, Some(latest)) => Ok(latest),
        (None, None) => Err(ApiError::not_found("this project has no IDL yet")),
    }
}

/// 422 `idl_item_unusable` when `name` is an item the IDL's lenient parse found defective (its
/// definition is broken, so nothing is encoded or decoded through it).
pub fn ensure_usable(program: &Program, kind: ItemKind, name: &str) -> Result<(), ApiError> {
    match program.defect(kind, name) {
        None => Ok(()),
        Some(defect) => Err(ApiError::new(
            ErrorCode::IdlItemUnusable,
            format!(
                "{} `{}` cannot be used: {}",
                kind.label(),
                defect.item,
                defect.message
            ),
        )
        .with_detail(format!("/idl{}", defect.path), defect.message.clone())),
    }
}

/// Known addresses as the docs crate takes them.
pub fn known_address_refs(
    addresses: &[orquestra_store::KnownAddress],
) -> Vec<orquestra_docs::KnownAddressRef<'_>> {
    addresses
        .iter()
        .map(|a| orquestra_docs::KnownAddressRef {
            label: &a.label,
            address: &a.address,
            description: a.description.as_deref(),
        })
        .collect()
}
