//! Discovery: `GET /api/discovery/sitemap` (public projects, bounded).

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::Json;
use serde_json::json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::{time, ApiError, AppState};

/// The sitemap protocol's own limit per file.
const SITEMAP_MAX: u32 = 50_000;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(sitemap))
}

/// Public projects for crawlers: where their docs and `llms.txt` live (at most 50,000).
#[utoipa::path(
    get,
    path = "/api/discovery/sitemap",
    tag = "discovery",
    operation_id = "sitemap",
    responses(
        (status = 200, description = "`{\"entries\": [{\"projectId\", \"programId\", \"lastmod\", \"docs\", \"llmsTxt\"}], \"generatedAt\"}`; \
            cacheable for 5 minutes", body = Object),
    ),
)]
async fn sitemap(State(state): State<AppState>) -> Result<impl IntoResponse, ApiError> {
    let entries = state.store.sitemap(SITEMAP_MAX).await?;
    let base = &state.config.public_url;
    let entries: Vec<_> = entries
        .into_iter()
        .map(|e| {
            json!({
                "projectId": e.project_id,
                "programId": e.program_id,
                "lastmod": e.lastmod,
                "docs": format!("{base}/api/{}/docs", e.project_id),
                "llmsTxt": format!("{base}/project/{}/llms.txt", e.project_id),
            })
        })
        .collect();
    Ok((
        [(header::CACHE_CONTROL, "public, max-age=300")],
        Json(json!({ "entries": entries, "generatedAt": time::now_rfc3339() })),
    ))
}
