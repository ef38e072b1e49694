//! The backend-neutral traits. Every function is one of the data-layer specification's usage examples or complex
//! queries (or what the service needs around them); each backend implements them with its own SQL.

use std::io::{BufRead, Write};

use async_trait::async_trait;

use crate::copy::{CopyProgress, CopyReport, RowPage};
use crate::dump::{ExportSummary, ImportProgress};
use crate::model::*;
use crate::StoreError;

type Result<T> = std::result::Result<T, StoreError>;

/// A connection pool at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolStatus {
    /// Open connections.
    pub size: u32,
    /// Open connections not in use.
    pub idle: u32,
}

/// The application's data access. All multi-row writes are single transactions.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Applies pending migrations; returns the ones applied now (empty when up to date).
    async fn migrate(&self) -> Result<Vec<AppliedMigration>>;
    /// Migrations recorded as applied, oldest first.
    async fn applied_migrations(&self) -> Result<Vec<AppliedMigration>>;
    /// Cheap liveness check of the database.
    async fn ping(&self) -> Result<()>;
    /// The connection pool's size and idle connections now, for monitoring (`None` when the
    /// backend has no pool).
    fn pool_status(&self) -> Option<PoolStatus> {
        None
    }

    // users
    /// Insert or update the user with this `github_id` (after GitHub login).
    async fn upsert_github_user(&self, profile: &GithubProfile) -> Result<User>;
    async fn get_user(&self, id: &str) -> Result<Option<User>>;
    async fn get_user_by_username(&self, username: &str) -> Result<Option<User>>;
    /// Deletes the user and, by cascade, their projects and everything under them.
    async fn delete_user(&self, id: &str) -> Result<bool>;
    /// The data-layer specification's "user with projects": one query with a JSON aggregate, newest project first.
    async fn user_with_projects(&self, id: &str) -> Result<Option<UserWithProjects>>;

    // projects
    /// Creates a project; `Conflict` when the user already has one for this program.
    async fn create_project(&self, project: &NewProject) -> Result<Project>;
    async fn get_project(&self, id: &str) -> Result<Option<Project>>;
    /// The project and its latest IDL version number, in one query (the hot path of every read).
    async fn get_project_with_version(&self, id: &str) -> Result<Option<(Project, Option<i64>)>>;
    async fn update_project(&self, id: &str, update: &ProjectUpdate) -> Result<Option<Project>>;
    /// Deletes the project and, by cascade, its versions, keys, socials and addresses.
    async fn delete_project(&self, id: &str) -> Result<bool>;
    /// A user's projects, newest first.
    async fn list_user_projects(&self, user_id: &str) -> Result<Vec<Project>>;
    /// Every project registered for a program id, newest first (visibility is the caller's policy).
    async fn projects_by_program(&self, program_id: &str) -> Result<Vec<Project>>;
    /// The data-layer specification's "public projects with version count": owner, avatar, versions; newest first.
    async fn list_public_projects(&self, page: Page) -> Result<Paged<PublicProject>>;
    /// The data-layer specification's "project with latest IDL and socials", one query.
    async fn project_details(&self, id: &str) -> Result<Option<ProjectDetails>>;

    /// Creates project `project_id` (from [`crate::ids::new_id`]; chosen by the caller so the docs
    /// stored with version 1 can already link to it) and its version 1 in one transaction.
    async fn create_project_with_version(
        &self,
        project_id: &str,
        project: &NewProject,
        version: NewVersion<'_>,
    ) -> Result<(Project, IdlVersion)>;
    /// Full-text search over public projects (name, description, program id, instruction names),
    /// best match first.
    async fn search_public_projects(&self, query: &str, page: Page)
        -> Result<Paged<PublicProject>>;
    /// Public projects for a sitemap, most recently updated first.
    async fn sitemap(&self, limit: u32) -> Result<Vec<SitemapEntry>>;

    // IDL versions
    /// Appends the next version (max + 1, computed and inserted atomically, its docs generated
    /// for that number and its search terms written in the same transaction) and touches the
    /// project's `updated_at`.
    async fn append_idl_version(
        &self,
        project_id: &str,
        version: NewVersion<'_>,
    ) -> Result<IdlVersion>;
    async fn latest_idl_version(&self, project_id: &str) -> Result<Option<IdlVersion>>;
    /// Only the latest version number (cheap; no bodies).
    async fn latest_version_number(&self, project_id: &str) -> Result<Option<i64>>;
    async fn idl_version(&self, project_id: &str, version: i64) -> Result<Option<IdlVersion>>;
    /// Versions of a project, newest first, without bodies.
    async fn list_idl_versions(&self, project_id: &str) -> Result<Vec<IdlVersionMeta>>;

    // Verification against the chain
    /// Records a check of a version (replacing that version's previous check on the cluster);
    /// `NotFound` when the project has no such version.
    async fn record_verification(&self, check: &NewVerification<'_>) -> Result<Verification>;
    /// A project's latest check per version and cluster, newest version first.
    async fn list_verifications(&self, project_id: &str) -> Result<Vec<Verification>>;
    /// The projects for `program_id` whose latest version matched the published IDL at its
    /// latest check on some cluster.
    async fn verified_projects(&self, program_id: &str) -> Result<Vec<String>>;
    /// Every (project, cluster) checked at least once: what scheduled re-checks go over.
    async fn verification_targets(&self) -> Result<Vec<(String, String)>>;

    // API keys
    /// Creates a key; only its hash is stored. `expires_in_secs: None` never expires; an expiry
    /// the database cannot represent is `ExpiryOutOfRange`, never a key that never expires.
    async fn create_api_key(
        &self,
        project_id: &str,
        expires_in_secs: Option<u64>,
    ) -> Result<IssuedApiKey>;
    /// The key row if the plain key is valid and unexpired. A read-only look-up first; the data-layer specification's
    /// `UPDATE … RETURNING` (setting `last_used` to now) runs only when `last_used` is unset or
    /// older than a minute, so an invalid key writes nothing and a valid one at most once a minute.
    async fn validate_api_key(&self, plain: &str) -> Result<Option<ApiKey>>;
    /// The project a valid, unexpired key acts for, read-only (no `last_used` write): for
    /// per-client accounting such as rate limits, where a write per request would cost too much.
    async fn api_key_project(&self, plain: &str) -> Result<Option<String>>;
    async fn list_api_keys(&self, project_id: &str) -> Result<Vec<ApiKey>>;
    async fn revoke_api_key(&self, project_id: &str, key_id: &str) -> Result<bool>;
    /// Replaces a key with a new one (same expiry policy) in one transaction.
    async fn rotate_api_key(&self, project_id: &str, key_id: &str) -> Result<Option<IssuedApiKey>>;

    // socials
    /// Insert or replace the project's socials (`ON CONFLICT(project_id)`); `None` clears a field.
    async fn upsert_socials(&self, project_id: &str, socials: &Socials) -> Result<ProjectSocials>;
    async fn get_socials(&self, project_id: &str) -> Result<Option<ProjectSocials>>;

    // known addresses
    async fn create_known_address(
        &self,
        project_id: &str,
        address: &NewKnownAddress,
    ) -> Result<KnownAddress>;
    async fn list_known_addresses(&self, project_id: &str) -> Result<Vec<KnownAddress>>;
    async fn get_known_address(&self, project_id: &str, id: &str) -> Result<Option<KnownAddress>>;
    /// Updates an address of this project; `None` when the id is absent or belongs to another project.
    async fn update_known_address(
        &self,
        project_id: &str,
        id: &str,
        address: &NewKnownAddress,
    ) -> Result<Option<KnownAddress>>;
    async fn delete_known_address(&self, project_id: &str, id: &str) -> Result<bool>;

    // sessions
    /// Refuses the session `jti` from now on; `expires_at` (unix seconds) is when the token would
    /// lapse anyway, after which the entry is pruned.
    async fn revoke_session(&self, jti: &str, expires_at: i64) -> Result<()>;
    async fn is_session_revoked(&self, jti: &str) -> Result<bool>;

    // program lists: every function but `scope_project_ids` acts only on the given user's lists
    /// Creates a list with a new scope key (returned in the clear here only); it becomes the user's
    /// default when they have none.
    async fn create_list(&self, user_id: &str, list: &NewProgramList) -> Result<IssuedProgramList>;
    /// The user's lists with their item counts: the default first, then oldest first.
    async fn list_lists(&self, user_id: &str) -> Result<Vec<ProgramList>>;
    /// One of the user's lists; `None` when absent or another user's.
    async fn get_list(&self, user_id: &str, list_id: &str) -> Result<Option<ProgramList>>;
    /// Renames / re-describes one of the user's lists; `None` when absent or another user's.
    async fn update_list(
        &self,
        user_id: &str,
        list_id: &str,
        update: &ProgramListUpdate,
    ) -> Result<Option<ProgramList>>;
    /// Deletes one of the user's lists and its items. No other list is promoted to default.
    async fn delete_list(&self, user_id: &str, list_id: &str) -> Result<bool>;
    /// The user's default list, created (named `Default`) when they have none. The plain scope key
    /// is `Some` only when this call created the list.
    async fn default_list(&self, user_id: &str) -> Result<(ProgramList, Option<String>)>;
    /// Adds a project to one of the user's lists (visibility is the caller's policy). `None` when
    /// the list is absent or another user's; `Conflict` when the project is already in it;
    /// `NotFound` when the project does not exist.
    async fn add_list_item(
        &self,
        user_id: &str,
        list_id: &str,
        project_id: &str,
    ) -> Result<Option<AddedListItem>>;
    /// A page of one of the user's lists, newest-added first, with each project and its owner.
    /// Only projects the list's owner may see (public, or their own) are counted or returned, so a
    /// project made private by someone else after it was added drops out. Empty when the list is
    /// absent or another user's.
    async fn list_items(
        &self,
        user_id: &str,
        list_id: &str,
        page: Page,
    ) -> Result<Paged<ProgramListItem>>;
    /// Removes a project from one of the user's lists; `false` when it was not there.
    async fn remove_list_item(
        &self,
        user_id: &str,
        list_id: &str,
        project_id: &str,
    ) -> Result<bool>;
    /// Replaces the list's scope key and returns the new plain key; the old one stops working at
    /// once. `None` when the list is absent or another user's.
    async fn regenerate_scope_key(&self, user_id: &str, list_id: &str) -> Result<Option<String>>;
    /// What a scope key (`X-Scope-Key`) narrows to: `None` for an unknown key, else the ids of the
    /// list's **public** projects (never private ones, whoever owns them), newest-added first.
    async fn scope_project_ids(&self, scope_key: &str) -> Result<Option<Vec<String>>>;

    // statistics
    /// Row counts of every table, private projects included (operator use).
    async fn totals(&self) -> Result<Totals>;
    /// Counts of public data only (what the public `/api/stats` shows): users, public projects,
    /// their versions and their known addresses.
    async fn public_totals(&self) -> Result<PublicTotals>;
    /// The data-layer specification's statistics queries; `recent` limits the recent-uploads list.
    async fn stats(&self, recent: u32) -> Result<Stats>;
}

/// Operator functions (the data-layer specification's "Database Administration"): raw SQL, dump and restore.
#[async_trait]
pub trait Admin: Send + Sync + 'static {
    /// Runs one SQL statement and returns its rows.
    async fn query(&self, sql: &str) -> Result<QueryResult>;
    /// Writes a complete SQL dump (schema and data) to `out` as the rows are read, so a database
    /// of any size is exported in bounded memory. [`Admin::import_from`] restores it.
    async fn export_to(&self, out: &mut (dyn Write + Send)) -> Result<ExportSummary>;
    /// Runs a dump read from `input` into this database, which must be empty: one statement at a
    /// time (never the whole dump in memory) inside one transaction, so a failure leaves the
    /// database as empty as it was. `progress` hears how far it got every few megabytes.
    async fn import_from(
        &self,
        input: &mut (dyn BufRead + Send),
        progress: &mut (dyn FnMut(ImportProgress) + Send),
    ) -> Result<ImportProgress>;
    /// [`Admin::export_to`] into a string (for dumps that fit in memory).
    async fn export(&self) -> Result<String> {
        let mut out = Vec::new();
        self.export_to(&mut out).await?;
        String::from_utf8(out).map_err(|e| StoreError::Database(format!("export: {e}")))
    }
    /// [`Admin::import_from`] a dump held in memory, without progress.
    async fn import(&self, script: &str) -> Result<()> {
        let mut input = script.as_bytes();
        self.import_from(&mut input, &mut |_| {}).await.map(|_| ())
    }
    /// For `db copy`: up to `limit` rows of `table` (one of [`crate::copy::COPY_TABLES`]) whose
    /// primary key follows `after` (from the start when `None`), in this backend's key order
    /// (its primary-key index), each cell read as this backend's column type says
    /// ([`crate::copy::Cell`]). Fewer rows once [`crate::copy::PAGE_BYTES`] of values are read, so
    /// big rows never pile up in memory.
    async fn read_page(&self, table: &str, after: Option<&str>, limit: u32) -> Result<RowPage>;
    /// For `db copy`'s verification: the rows of `table` with these primary keys, in the order of
    /// `keys` (absent keys left out), read like [`Admin::read_page`].
    async fn read_rows(&self, table: &str, keys: &[String]) -> Result<RowPage>;
    /// Copies every application table of `source` (another backend or this one) into this
    /// database, which must be migrated to the same migrations and hold no rows: in one
    /// transaction, page by page with [`Admin::read_page`], each value bound as this database's
    /// column type wants, then verified row for row against the source before the transaction
    /// commits, so a failure leaves this database as empty as it was. Call it through
    /// [`crate::copy_database`], which migrates and compares the migrations first.
    async fn copy_from(
        &self,
        source: &dyn Admin,
        progress: &mut (dyn FnMut(CopyProgress) + Send),
    ) -> Result<CopyReport>;
    /// Names of the user tables, sorted.
    async fn tables(&self) -> Result<Vec<String>>;
    /// `CREATE` statements of the schema (tables, indexes, views, triggers).
    async fn schema(&self) -> Result<Vec<String>>;
}
