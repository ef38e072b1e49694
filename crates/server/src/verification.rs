//! Stored IDL versions checked against the IDL their program published on chain: the check
//! itself, its record, and the scheduled re-checks (`ORQUESTRA_VERIFY_INTERVAL`).
//!
//! A version is verified when its IDL equals the published one as JSON values (key order and
//! whitespace aside): anything looser would let a doctored IDL pass for the deployed program.
//! URL-published IDLs are never fetched by the server (an IDL account naming a URL must not make
//! the server request arbitrary hosts).

use std::time::Duration;

use orquestra_api::published::{
    PublicationScheme, PublishedIdlInfo, VerificationOutcome as OutcomeView, VerificationView,
};
use orquestra_api::transaction::Cluster;
use orquestra_onchain::{fetch_published_idl, FetchIdlError, FetchOptions, IdlScheme, IdlSource};
use orquestra_rpc::Endpoint;
use orquestra_store::{NewVerification, Project, Verification, VerificationOutcome};
use serde_json::Value;

use crate::programs::idl_json;
use crate::{ApiError, AppState};

pub use orquestra_onchain::PublishedIdl;

/// The IDL `program_id` published on `endpoint`'s cluster, or the API error saying why not.
pub async fn fetch_published(
    state: &AppState,
    endpoint: &Endpoint,
    program_id: &str,
    metadata_authority: Option<String>,
) -> Result<PublishedIdl, ApiError> {
    let options = FetchOptions {
        metadata_authority,
        allow_url: false,
    };
    fetch_published_idl(&state.rpc, endpoint, program_id, &options)
        .await
        .map_err(fetch_error)
}

fn fetch_error(error: FetchIdlError) -> ApiError {
    let api = ApiError::new(error.code(), error.to_string());
    match error {
        FetchIdlError::NotFound { .. } => api.with_detail("/programId", "no IDL published"),
        _ => api,
    }
}

/// Checks version `version` of `project` against what its program published on `endpoint`, and
/// records the outcome. A program that published nothing is a `not_published` check, not an error.
pub async fn check_version(
    state: &AppState,
    project: &Project,
    version: i64,
    endpoint: &Endpoint,
    metadata_authority: Option<String>,
) -> Result<Verification, ApiError> {
    let options = FetchOptions {
        metadata_authority,
        allow_url: false,
    };
    let network = endpoint.network();
    match fetch_published_idl(&state.rpc, endpoint, &project.program_id, &options).await {
        Ok(published) => {
            let stored: Value = serde_json::from_str(&idl_json(state, project, version).await?)
                .map_err(|e| ApiError::internal(&e))?;
            let matches =
                serde_json::from_slice::<Value>(&published.idl).is_ok_and(|p| p == stored);
            record(
                state,
                &project.id,
                version,
                network,
                Some(&published),
                matches,
            )
            .await
        }
        Err(FetchIdlError::NotFound { .. }) => {
            record(state, &project.id, version, network, None, false).await
        }
        Err(error) => Err(fetch_error(error)),
    }
}

/// Records a check of `version`: against `published` (matching or not), or nothing published.
pub async fn record(
    state: &AppState,
    project_id: &str,
    version: i64,
    network: &str,
    published: Option<&PublishedIdl>,
    matches: bool,
) -> Result<Verification, ApiError> {
    let outcome = match (published, matches) {
        (None, _) => VerificationOutcome::NotPublished,
        (Some(_), true) => VerificationOutcome::Match,
        (Some(_), false) => VerificationOutcome::Mismatch,
    };
    let slot = published.map(|p| i64::try_from(p.slot).unwrap_or(i64::MAX));
    let check = NewVerification {
        project_id,
        version,
        cluster: network,
        outcome,
        scheme: published.map(|p| p.scheme.as_str()),
        account: published.map(|p| p.account.as_str()),
        slot,
    };
    Ok(state.store.record_verification(&check).await?)
}

/// Where and when a published IDL was read, as the API shows it.
pub fn published_info(published: &PublishedIdl, network: String) -> PublishedIdlInfo {
    PublishedIdlInfo {
        scheme: scheme_view(published.scheme),
        account: published.account.clone(),
        slot: published.slot,
        authority: published.authority.clone(),
        external_account: match &published.source {
            IdlSource::External { address, .. } => Some(address.clone()),
            IdlSource::Account | IdlSource::Url { .. } => None,
        },
        network,
    }
}

fn scheme_view(scheme: IdlScheme) -> PublicationScheme {
    match scheme {
        IdlScheme::AnchorIdlAccount => PublicationScheme::AnchorIdlAccount,
        IdlScheme::ProgramMetadata => PublicationScheme::ProgramMetadata,
    }
}

/// A recorded check as the API shows it.
pub fn view(check: Verification) -> VerificationView {
    let outcome = match check.outcome.as_str() {
        "match" => OutcomeView::Match,
        "mismatch" => OutcomeView::Mismatch,
        _ => OutcomeView::NotPublished,
    };
    let scheme = match check.scheme.as_deref() {
        Some("anchor_idl_account") => Some(PublicationScheme::AnchorIdlAccount),
        Some("program_metadata") => Some(PublicationScheme::ProgramMetadata),
        _ => None,
    };
    VerificationView {
        version: check.version,
        network: check.cluster,
        verified: check.verified,
        outcome,
        scheme,
        account: check.account,
        slot: check.slot.and_then(|s| u64::try_from(s).ok()),
        checked_at: crate::time::stored(check.checked_at),
    }
}

/// Every `every`, re-checks the latest version of each project already checked once, on each
/// cluster it was checked on: a program upgraded on chain stops counting as verified without
/// anyone asking. Custom RPC URLs are not remembered, so only named clusters are re-checked.
pub fn spawn_rechecks(state: AppState, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every);
        ticks.tick().await; // the first tick is immediate; the first round waits a whole period
        loop {
            ticks.tick().await;
            recheck_all(&state).await;
        }
    })
}

/// One round of scheduled re-checks; failures are logged and the round goes on.
pub async fn recheck_all(state: &AppState) {
    let targets = match state.store.verification_targets().await {
        Ok(targets) => targets,
        Err(error) => {
            tracing::warn!(%error, "scheduled verification: listing targets failed");
            return;
        }
    };
    for (project_id, cluster) in targets {
        let Some(cluster) = Cluster::ALL.into_iter().find(|c| c.as_str() == cluster) else {
            continue;
        };
        if let Err(error) = recheck(state, &project_id, cluster).await {
            tracing::warn!(project = %project_id, cluster = cluster.as_str(), error = %error.message, "scheduled verification failed");
        }
    }
}

async fn recheck(state: &AppState, project_id: &str, cluster: Cluster) -> Result<(), ApiError> {
    let Some((project, Some(version))) = state.store.get_project_with_version(project_id).await?
    else {
        return Ok(());
    };
    let endpoint = crate::chain::endpoint(state, Some(cluster), None).await?;
    let check = check_version(state, &project, version, &endpoint, None).await?;
    tracing::info!(project = %project.id, version, cluster = cluster.as_str(), outcome = %check.outcome, "scheduled verification");
    Ok(())
}
