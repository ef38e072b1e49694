//! [`Store`] and [`Admin`] for [`SqliteStore`]: thin delegation to the per-concept modules.

use async_trait::async_trait;

use super::project_cache::ListingKey;
use super::SqliteStore;
use crate::dump::{ExportSummary, ImportProgress};
use crate::error::db_err;
use crate::model::*;
use crate::{Admin, Store, StoreError};

type Result<T> = std::result::Result<T, StoreError>;

#[async_trait]
impl Store for SqliteStore {
    async fn migrate(&self) -> Result<Vec<AppliedMigration>> {
        self.changing_projects(self.run_migrations()).await
    }
    async fn applied_migrations(&self) -> Result<Vec<AppliedMigration>> {
        self.recorded_migrations().await
    }
    async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(db_err)
    }
    fn pool_status(&self) -> Option<crate::store::PoolStatus> {
        Some(crate::store::PoolStatus {
            size: self.pool.size(),
            idle: u32::try_from(self.pool.num_idle()).unwrap_or(u32::MAX),
        })
    }

    async fn upsert_github_user(&self, profile: &GithubProfile) -> Result<User> {
        // A listing shows its owners' names and avatars.
        self.changing_projects(self.upsert_github_user_impl(profile))
            .await
    }
    async fn get_user(&self, id: &str) -> Result<Option<User>> {
        self.get_user_impl(id).await
    }
    async fn get_user_by_username(&self, username: &str) -> Result<Option<User>> {
        self.get_user_by_username_impl(username).await
    }
    async fn delete_user(&self, id: &str) -> Result<bool> {
        self.changing_projects(self.delete_user_impl(id)).await
    }
    async fn user_with_projects(&self, id: &str) -> Result<Option<UserWithProjects>> {
        self.user_with_projects_impl(id).await
    }

    async fn create_project(&self, project: &NewProject) -> Result<Project> {
        self.changing_projects(self.create_project_impl(project))
            .await
    }
    async fn get_project_with_version(&self, id: &str) -> Result<Option<(Project, Option<i64>)>> {
        self.get_project_with_version_impl(id).await
    }
    async fn get_project(&self, id: &str) -> Result<Option<Project>> {
        self.get_project_impl(id).await
    }
    async fn update_project(&self, id: &str, update: &ProjectUpdate) -> Result<Option<Project>> {
        self.changing_projects(self.update_project_impl(id, update))
            .await
    }
    async fn delete_project(&self, id: &str) -> Result<bool> {
        self.changing_projects(self.delete_project_impl(id)).await
    }
    async fn list_user_projects(&self, user_id: &str) -> Result<Vec<Project>> {
        self.list_user_projects_impl(user_id).await
    }
    async fn projects_by_program(&self, program_id: &str) -> Result<Vec<Project>> {
        self.projects_by_program_impl(program_id).await
    }
    async fn list_public_projects(&self, page: Page) -> Result<Paged<PublicProject>> {
        let key = ListingKey {
            query: None,
            limit: page.limit,
            offset: page.offset,
        };
        self.cached_listing(key, self.list_public_projects_impl(page))
            .await
    }
    async fn project_details(&self, id: &str) -> Result<Option<ProjectDetails>> {
        self.project_details_impl(id).await
    }

    async fn create_project_with_version(
        &self,
        project_id: &str,
        project: &NewProject,
        version: NewVersion<'_>,
    ) -> Result<(Project, IdlVersion)> {
        self.changing_projects(self.create_project_with_version_impl(project_id, project, version))
            .await
    }
    async fn search_public_projects(
        &self,
        query: &str,
        page: Page,
    ) -> Result<Paged<PublicProject>> {
        let key = ListingKey {
            query: Some(query.to_string()),
            limit: page.limit,
            offset: page.offset,
        };
        self.cached_listing(key, self.search_public_projects_impl(query, page))
            .await
    }
    async fn sitemap(&self, limit: u32) -> Result<Vec<SitemapEntry>> {
        self.sitemap_impl(limit).await
    }
    async fn latest_version_number(&self, project_id: &str) -> Result<Option<i64>> {
        self.latest_version_number_impl(project_id).await
    }

    async fn append_idl_version(
        &self,
        project_id: &str,
        version: NewVersion<'_>,
    ) -> Result<IdlVersion> {
        self.changing_projects(self.append_idl_version_impl(project_id, version))
            .await
    }
    async fn latest_idl_version(&self, project_id: &str) -> Result<Option<IdlVersion>> {
        self.latest_idl_version_impl(project_id).await
    }
    async fn idl_version(&self, project_id: &str, version: i64) -> Result<Option<IdlVersion>> {
        self.idl_version_impl(project_id, version).await
    }
    async fn list_idl_versions(&self, project_id: &str) -> Result<Vec<IdlVersionMeta>> {
        self.list_idl_versions_impl(project_id).await
    }
    async fn record_verification(&self, check: &NewVerification<'_>) -> Result<Verification> {
        self.record_verification_impl(check).await
    }
    async fn list_verifications(&self, project_id: &str) -> Result<Vec<Verification>> {
        self.list_verifications_impl(project_id).await
    }
    async fn verified_projects(&self, program_id: &str) -> Result<Vec<String>> {
        self.verified_projects_impl(program_id).await
    }
    async fn verification_targets(&self) -> Result<Vec<(String, String)>> {
        sqlx::query_as("SELECT DISTINCT project_id, cluster FROM idl_verifications ORDER BY project_id, cluster")
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)
    }

    async fn create_api_key(
        &self,
        project_id: &str,
        expires_in_secs: Option<u64>,
    ) -> Result<IssuedApiKey> {
        self.create_api_key_impl(project_id, expires_in_secs).await
    }
    async fn validate_api_key(&self, plain: &str) -> Result<Option<ApiKey>> {
        self.validate_api_key_impl(plain).await
    }
    async fn api_key_project(&self, plain: &str) -> Result<Option<String>> {
        self.api_key_project_impl(plain).await
    }
    async fn list_api_keys(&self, project_id: &str) -> Result<Vec<ApiKey>> {
        self.list_api_keys_impl(project_id).await
    }
    async fn revoke_api_key(&self, project_id: &str, key_id: &str) -> Result<bool> {
        self.revoke_api_key_impl(project_id, key_id).await
    }
    async fn rotate_api_key(&self, project_id: &str, key_id: &str) -> Result<Option<IssuedApiKey>> {
        self.rotate_api_key_impl(project_id, key_id).await
    }

    async fn upsert_socials(&self, project_id: &str, socials: &Socials) -> Result<ProjectSocials> {
        self.upsert_socials_impl(project_id, socials).await
    }
    async fn get_socials(&self, project_id: &str) -> Result<Option<ProjectSocials>> {
        self.get_socials_impl(project_id).await
    }

    async fn create_known_address(
        &self,
        project_id: &str,
        address: &NewKnownAddress,
    ) -> Result<KnownAddress> {
        self.create_known_address_impl(project_id, address).await
    }
    async fn list_known_addresses(&self, project_id: &str) -> Result<Vec<KnownAddress>> {
        self.list_known_addresses_impl(project_id).await
    }
    async fn get_known_address(&self, project_id: &str, id: &str) -> Result<Option<KnownAddress>> {
        self.get_known_address_impl(project_id, id).await
    }
    async fn update_known_address(
        &self,
        project_id: &str,
        id: &str,
        address: &NewKnownAddress,
    ) -> Result<Option<KnownAddress>> {
        self.update_known_address_impl(project_id, id, address)
            .await
    }
    async fn delete_known_address(&self, project_id: &str, id: &str) -> Result<bool> {
        self.delete_known_address_impl(project_id, id).await
    }

    async fn revoke_session(&self, jti: &str, expires_at: i64) -> Result<()> {
        self.revoke_session_impl(jti, expires_at).await
    }
    async fn is_session_revoked(&self, jti: &str) -> Result<bool> {
        self.is_session_revoked_impl(jti).await
    }

    async fn create_list(&self, user_id: &str, list: &NewProgramList) -> Result<IssuedProgramList> {
        self.create_list_impl(user_id, list).await
    }
    async fn list_lists(&self, user_id: &str) -> Result<Vec<ProgramList>> {
        self.list_lists_impl(user_id).await
    }
    async fn get_list(&self, user_id: &str, list_id: &str) -> Result<Option<ProgramList>> {
        self.get_list_impl(user_id, list_id).await
    }
    async fn update_list(
        &self,
        user_id: &str,
        list_id: &str,
        update: &ProgramListUpdate,
    ) -> Result<Option<ProgramList>> {
        self.update_list_impl(user_id, list_id, update).await
    }
    async fn delete_list(&self, user_id: &str, list_id: &str) -> Result<bool> {
        self.delete_list_impl(user_id, list_id).await
    }
    async fn default_list(&self, user_id: &str) -> Result<(ProgramList, Option<String>)> {
        self.default_list_impl(user_id).await
    }
    async fn add_list_item(
        &self,
        user_id: &str,
        list_id: &str,
        project_id: &str,
    ) -> Result<Option<AddedListItem>> {
        self.add_list_item_impl(user_id, list_id, project_id).await
    }
    async fn list_items(
        &self,
        user_id: &str,
        list_id: &str,
        page: Page,
    ) -> Result<Paged<ProgramListItem>> {
        self.list_items_impl(user_id, list_id, page).await
    }
    async fn remove_list_item(
        &self,
        user_id: &str,
        list_id: &str,
        project_id: &str,
    ) -> Result<bool> {
        self.remove_list_item_impl(user_id, list_id, project_id)
            .await
    }
    async fn regenerate_scope_key(&self, user_id: &str, list_id: &str) -> Result<Option<String>> {
        self.regenerate_scope_key_impl(user_id, list_id).await
    }
    async fn scope_project_ids(&self, scope_key: &str) -> Result<Option<Vec<String>>> {
        self.scope_project_ids_impl(scope_key).await
    }

    async fn totals(&self) -> Result<Totals> {
        self.totals_impl().await
    }
    async fn public_totals(&self) -> Result<PublicTotals> {
        self.public_totals_impl().await
    }
    async fn stats(&self, recent: u32) -> Result<Stats> {
        self.stats_impl(recent).await
    }
}

#[async_trait]
impl Admin for SqliteStore {
    async fn query(&self, sql: &str) -> Result<QueryResult> {
        self.changing_projects(self.query_impl(sql)).await
    }
    async fn export_to(&self, out: &mut (dyn std::io::Write + Send)) -> Result<ExportSummary> {
        self.export_impl(out).await
    }
    async fn import_from(
        &self,
        input: &mut (dyn std::io::BufRead + Send),
        progress: &mut (dyn FnMut(ImportProgress) + Send),
    ) -> Result<ImportProgress> {
        self.changing_projects(self.import_impl(input, progress))
            .await
    }
    async fn read_page(
        &self,
        table: &str,
        after: Option<&str>,
        limit: u32,
    ) -> Result<crate::RowPage> {
        self.read_page_impl(table, after, limit).await
    }
    async fn read_rows(&self, table: &str, keys: &[String]) -> Result<crate::RowPage> {
        self.read_rows_impl(table, keys).await
    }
    async fn copy_from(
        &self,
        source: &dyn Admin,
        progress: &mut (dyn FnMut(crate::CopyProgress) + Send),
    ) -> Result<crate::CopyReport> {
        self.copy_from_impl(source, progress).await
    }
    async fn tables(&self) -> Result<Vec<String>> {
        self.tables_impl().await
    }
    async fn schema(&self) -> Result<Vec<String>> {
        self.schema_impl().await
    }
}
