//! Row types and inputs of the [`Store`](crate::Store). Timestamps are the database's own text
//! (`YYYY-MM-DD HH:MM:SS`, UTC) so that they round-trip exactly.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct User {
    pub id: String,
    pub github_id: i64,
    pub username: String,
    pub email: String,
    pub avatar_url: Option<String>,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
}

/// What GitHub (or `orquestra user create`) tells us about a user.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct GithubProfile {
    pub github_id: i64,
    pub username: String,
    pub email: String,
    pub avatar_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Project {
    pub id: String,
    pub user_id: String,
    pub name: String,
    pub description: Option<String>,
    pub program_id: String,
    pub is_public: bool,
    pub custom_docs: Option<String>,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewProject {
    pub user_id: String,
    pub name: String,
    pub description: Option<String>,
    pub program_id: String,
    pub is_public: bool,
}

/// A partial update: `None` leaves a column alone; `Some(None)` clears a nullable one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProjectUpdate {
    pub name: Option<String>,
    pub description: Option<Option<String>>,
    pub is_public: Option<bool>,
    pub custom_docs: Option<Option<String>>,
}

/// One entry of the data-layer specification's "user with projects" aggregate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectRef {
    pub id: String,
    pub name: String,
    pub program_id: String,
    pub is_public: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserWithProjects {
    pub user: User,
    pub projects: Vec<ProjectRef>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct IdlVersion {
    pub id: String,
    pub project_id: String,
    pub idl_json: String,
    pub cpi_md: Option<String>,
    pub version: i64,
    pub created_at: Option<String>,
}

/// A version without its (possibly large) bodies, for listings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct IdlVersionMeta {
    pub id: String,
    pub version: i64,
    pub created_at: Option<String>,
}

/// The outcome of checking a stored IDL version against the IDL its program published on chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VerificationOutcome {
    /// The stored IDL equals the published one.
    Match,
    /// The program published a different IDL.
    Mismatch,
    /// The program published no IDL on that cluster.
    NotPublished,
}

impl VerificationOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Match => "match",
            Self::Mismatch => "mismatch",
            Self::NotPublished => "not_published",
        }
    }
}

/// One check to record (replacing the version's previous check on the same cluster).
#[derive(Debug, Clone)]
pub struct NewVerification<'a> {
    pub project_id: &'a str,
    pub version: i64,
    pub cluster: &'a str,
    pub outcome: VerificationOutcome,
    /// How the program published its IDL (`anchor_idl_account`, `program_metadata`).
    pub scheme: Option<&'a str>,
    /// The account the published IDL was read from.
    pub account: Option<&'a str>,
    /// The slot it was read at.
    pub slot: Option<i64>,
}

/// The latest check of one version on one cluster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Verification {
    pub version: i64,
    pub cluster: String,
    pub verified: bool,
    /// `match`, `mismatch` or `not_published`.
    pub outcome: String,
    pub scheme: Option<String>,
    pub account: Option<String>,
    pub slot: Option<i64>,
    pub checked_at: Option<String>,
}

/// The data-layer specification's "project with latest IDL and socials", from one query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ProjectDetails {
    #[sqlx(flatten)]
    pub project: Project,
    pub idl_json: Option<String>,
    pub idl_version: Option<i64>,
    pub twitter: Option<String>,
    pub discord: Option<String>,
    pub telegram: Option<String>,
    pub github: Option<String>,
    pub website: Option<String>,
}

/// A row of the public listing: never carries `custom_docs` (it can be large).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct PublicProject {
    pub id: String,
    pub user_id: String,
    pub name: String,
    pub description: Option<String>,
    pub program_id: String,
    pub is_public: bool,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
    pub username: String,
    pub avatar_url: Option<String>,
    pub version_count: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub limit: u32,
    pub offset: u32,
}

impl Page {
    /// The largest page any listing returns.
    pub const MAX_LIMIT: u32 = 100;

    /// A page with `limit` capped at [`Page::MAX_LIMIT`].
    pub fn new(limit: u32, offset: u32) -> Self {
        Self {
            limit: limit.clamp(1, Self::MAX_LIMIT),
            offset,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub limit: u32,
    pub offset: u32,
}

/// A public project as listed in the sitemap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct SitemapEntry {
    pub project_id: String,
    pub program_id: String,
    pub lastmod: Option<String>,
}

/// A stored API key (the hash, never the plain key).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ApiKey {
    pub id: String,
    pub project_id: String,
    #[serde(skip)]
    pub key: String,
    pub last_used: Option<String>,
    pub created_at: Option<String>,
    pub expires_at: Option<String>,
}

/// A key as created: the row plus the plain key, which is shown once and never stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IssuedApiKey {
    pub key: ApiKey,
    pub plain: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Socials {
    pub twitter: Option<String>,
    pub discord: Option<String>,
    pub telegram: Option<String>,
    pub github: Option<String>,
    pub website: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ProjectSocials {
    pub id: String,
    pub project_id: String,
    pub twitter: Option<String>,
    pub discord: Option<String>,
    pub telegram: Option<String>,
    pub github: Option<String>,
    pub website: Option<String>,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct KnownAddress {
    pub id: String,
    pub project_id: String,
    pub label: String,
    pub address: String,
    pub description: Option<String>,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewKnownAddress {
    pub label: String,
    pub address: String,
    pub description: Option<String>,
}

/// Row counts, for the public `/api/stats` (cheap: no per-user grouping).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Totals {
    pub users: i64,
    pub public_projects: i64,
    pub projects: i64,
    pub idl_versions: i64,
    pub known_addresses: i64,
}

/// What anonymous callers may see (`/api/stats`): registered users, and public projects with
/// their versions and known addresses. Nothing about private projects is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct PublicTotals {
    pub users: i64,
    pub projects: i64,
    pub idl_versions: i64,
    pub known_addresses: i64,
}

/// The data-layer specification's "Common SQL Queries", as one report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stats {
    pub users: i64,
    pub public_projects: i64,
    pub projects: i64,
    pub idl_versions: i64,
    pub known_addresses: i64,
    pub recent_uploads: Vec<RecentUpload>,
    pub per_user: Vec<UserStats>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct RecentUpload {
    pub name: String,
    pub version: i64,
    pub created_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct UserStats {
    pub username: String,
    pub project_count: i64,
    pub version_count: i64,
}

/// A migration as recorded in the database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct AppliedMigration {
    pub version: i64,
    pub name: String,
    pub applied_at: Option<String>,
}

/// A raw query's result for `orquestra db query` / `db shell`: column names and JSON cells
/// (INTEGER → number, REAL → number, TEXT → string, BLOB → `{"hex": …}`, NULL → null).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QueryResult {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<serde_json::Value>>,
    /// Rows changed, for statements that change rows.
    pub rows_affected: u64,
}

/// A program list as stored and listed: never the scope key itself, only its prefix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ProgramList {
    pub id: String,
    pub user_id: String,
    pub name: String,
    pub description: Option<String>,
    pub is_default: bool,
    /// `sk_` + the key's first 4 hex characters.
    pub scope_key_prefix: String,
    pub item_count: i64,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
}

/// A list's name and description (validated by the caller).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewProgramList {
    pub name: String,
    pub description: Option<String>,
}

/// A partial update: `None` leaves a column alone; `Some(None)` clears the description.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProgramListUpdate {
    pub name: Option<String>,
    pub description: Option<Option<String>>,
}

/// A list as created (or its key as regenerated): the row plus the plain scope key, which is shown
/// once and never stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IssuedProgramList {
    pub list: ProgramList,
    pub scope_key: String,
}

/// An item just added to a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct AddedListItem {
    pub item_id: String,
    pub list_id: String,
    pub added_at: Option<String>,
}

/// A list item joined with its project and the project's owner (never `custom_docs`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ProgramListItem {
    pub item_id: String,
    pub added_at: Option<String>,
    pub project_id: String,
    /// The project's owner.
    pub user_id: String,
    pub name: String,
    pub description: Option<String>,
    pub program_id: String,
    pub is_public: bool,
    pub updated_at: Option<String>,
    pub username: String,
    pub avatar_url: Option<String>,
}

/// What a new IDL version stores: the IDL, its docs, and the instruction names the search index
/// gets. All of it is written in the one transaction that assigns the version number.
#[derive(Clone, Copy)]
pub struct NewVersion<'a> {
    pub idl_json: &'a str,
    pub docs: VersionDocs<'a>,
    /// Instruction names for the search index; `None` leaves the index as it is.
    pub search_instructions: Option<&'a str>,
}

impl<'a> NewVersion<'a> {
    /// A version with no docs and no search-index change.
    pub fn plain(idl_json: &'a str) -> Self {
        Self {
            idl_json,
            docs: VersionDocs::None,
            search_instructions: None,
        }
    }
}

/// The `CPI.md` stored with a new version.
#[derive(Clone, Copy)]
pub enum VersionDocs<'a> {
    None,
    /// Hand-written docs, stored as given.
    Given(&'a str),
    /// Docs generated for the version number the write assigns (inside its transaction, so
    /// concurrent uploads never store docs that name another version).
    Generated(&'a (dyn Fn(i64) -> String + Sync)),
}

impl VersionDocs<'_> {
    pub(crate) fn for_version(&self, version: i64) -> Option<std::borrow::Cow<'_, str>> {
        match self {
            VersionDocs::None => None,
            VersionDocs::Given(text) => Some(std::borrow::Cow::Borrowed(text)),
            VersionDocs::Generated(generate) => Some(std::borrow::Cow::Owned(generate(version))),
        }
    }
}
