//! Discovery: `GET /api/discovery/sitemap` (public projects, bounded).

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::Json;
use orquestra_api::views::{Sitemap, SitemapEntry};
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
        (status = 200, description = "Public projects; cacheable for 5 minutes", body = Sitemap),
    ),
)]
async fn sitemap(State(state): State<AppState>) -> Result<impl IntoResponse, ApiError> {
    let entries = state.store.sitemap(SITEMAP_MAX).await?;
    let base = &state.config.public_url;
    let entries = entries
        .into_iter()
        .map(|e| SitemapEntry {
            docs: format!("{base}/api/{}/docs", e.project_id),
            llms_txt: format!("{base}/project/{}/llms.txt", e.project_id),
            lastmod: e.lastmod.as_deref().and_then(sqlite_time_to_rfc3339),
            project_id: e.project_id,
            program_id: e.program_id,
        })
        .collect();
    Ok((
        [(header::CACHE_CONTROL, "public, max-age=300")],
        Json(Sitemap {
            entries,
            generated_at: time::now_rfc3339(),
        }),
    ))
}

/// SQLite's `CURRENT_TIMESTAMP` text (`YYYY-MM-DD HH:MM:SS`, UTC) as RFC 3339; `None` for text
/// in any other form, so a sitemap never shows a date a crawler cannot parse.
fn sqlite_time_to_rfc3339(text: &str) -> Option<String> {
    chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S")
        .ok()
        .and_then(|t| time::rfc3339(t.and_utc().timestamp(), 0))
}
