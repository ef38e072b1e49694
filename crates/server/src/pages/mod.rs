//! The web dashboard: HTML pages rendered by `orquestra-web` from views fetched through the REST
//! routes in-process, with the browser's session cookie forwarded ([`crate::rest`]). A page can
//! therefore show nothing the JSON API would not show the same visitor: a private project is a
//! 404 page for anyone else, exactly as it is a 404 answer.
//!
//! Pages are `private, no-cache` with an `ETag` of their bytes (a revisit costs a render but no
//! transfer); the assets under `/assets/` are immutable under their versioned URLs.

mod cache;
mod dashboard;
mod program;

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use maud::Markup;
use orquestra_api::auth::Me;
use orquestra_api::platform::PlatformStats;
use orquestra_api::projects::PublicProjectPage;
use orquestra_api::transaction::DecodedTransactionResponse;
use orquestra_web::{explore, reference, transactions, Viewer};
use serde::Deserialize;
use serde_json::json;

use crate::http_cache::IfNoneMatch;
use crate::rest::{query, Refusal, Rest};
use crate::AppState;

/// What the page handlers share: the REST router they call in-process, and what they keep.
#[derive(Clone)]
pub struct Pages {
    rest: Router,
    cache: std::sync::Arc<cache::PageCache>,
}

impl Pages {
    /// A REST client carrying this visitor's cookies.
    fn rest<'a>(&'a self, headers: &HeaderMap) -> Rest<'a> {
        Rest::for_browser(&self.rest, headers)
    }
}

/// The page routes. `rest` is the REST router with its state.
pub fn router(rest: Router) -> Router<AppState> {
    let pages = Pages {
        rest,
        cache: std::sync::Arc::default(),
    };
    Router::new()
        .route("/", get(explore_page))
        .route("/programs/{project_id}", get(program::page))
        .route("/programs/{project_id}/api", get(program::reference))
        .route("/api-docs", get(platform_reference))
        .route("/transactions", get(transactions_page))
        .route("/dashboard", get(dashboard::home))
        .route("/dashboard/projects/{project_id}", get(dashboard::project))
        .route("/dashboard/preview", post(dashboard::preview))
        .with_state(pages)
        .route("/assets/{name}", get(asset))
}

/// The visitor, from `/auth/me` (anonymous when the cookie is absent, stale or revoked).
async fn viewer(rest: &Rest<'_>) -> Viewer {
    if rest.cookie.is_none() {
        return Viewer::default();
    }
    match rest.get_as::<Me>("/auth/me").await {
        Ok(me) => Viewer {
            username: Some(me.user.username),
        },
        Err(_) => Viewer::default(),
    }
}

/// A rendered page: `ETag` of its bytes, 304 when the browser has them, no shared caching.
fn html(status: StatusCode, markup: Markup, if_none_match: &IfNoneMatch) -> Response {
    let body = markup.into_string();
    // A page is rebuilt for every request; its tag must cost far less than the page (a SHA-256
    // of a 200 KB instruction list costs more than rendering it). xxh3 is for change detection.
    let tag = format!("\"{:032x}\"", xxhash_rust::xxh3::xxh3_128(body.as_bytes()));
    let etag = HeaderValue::from_str(&tag).unwrap_or(HeaderValue::from_static("\"\""));
    let mut response = if status == StatusCode::OK && if_none_match.matches(&etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        (status, body).into_response()
    };
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(header::ETAG, etag);
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
    );
    headers.append(header::VARY, HeaderValue::from_static("cookie"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data: https:; style-src 'self' 'unsafe-inline'; \
             script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; \
             form-action 'self'",
        ),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// The page for a REST refusal: 404 (absent or private) as a not-found page, anything else as
/// an error page with the same status.
fn refused(viewer: &Viewer, what: &str, refusal: Refusal, inm: &IfNoneMatch) -> Response {
    if refusal.status == StatusCode::NOT_FOUND {
        return html(
            StatusCode::NOT_FOUND,
            orquestra_web::not_found(viewer, what),
            inm,
        );
    }
    html(
        refusal.status,
        orquestra_web::error(viewer, &refusal.message),
        inm,
    )
}

#[derive(Deserialize)]
struct ExploreQuery {
    q: Option<String>,
}

async fn explore_page(
    State(pages): State<Pages>,
    Query(q): Query<ExploreQuery>,
    headers: HeaderMap,
    inm: IfNoneMatch,
) -> Response {
    let rest = pages.rest(&headers);
    let query_text = q.q.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let search_path = query_text.as_ref().map(|text| {
        format!(
            "/api/projects{}",
            query([("q", Some(text.clone())), ("limit", Some("20".into()))])
        )
    });
    let (viewer, newest, stats, results) = tokio::join!(
        viewer(&rest),
        rest.get_as::<PublicProjectPage>("/api/projects?limit=12"),
        rest.get_as::<PlatformStats>("/api/stats"),
        async {
            match &search_path {
                Some(path) => Some(rest.get_as::<PublicProjectPage>(path).await),
                None => None,
            }
        },
    );
    let (newest, stats) = match (newest, stats) {
        (Ok(newest), Ok(stats)) => (newest, stats),
        (Err(refusal), _) | (_, Err(refusal)) => return refused(&viewer, "Page", refusal, &inm),
    };
    let results = match results.transpose() {
        Ok(results) => results,
        Err(refusal) => return refused(&viewer, "Page", refusal, &inm),
    };
    let page = explore::Explore {
        query: query_text,
        results,
        newest,
        stats,
    };
    html(StatusCode::OK, explore::render(&viewer, &page), &inm)
}

async fn platform_reference(inm: IfNoneMatch) -> Response {
    html(
        StatusCode::OK,
        reference::render("Orquestra platform", "/openapi.json"),
        &inm,
    )
}

#[derive(Deserialize)]
struct TransactionsQuery {
    tx: Option<String>,
    encoding: Option<String>,
}

async fn transactions_page(
    State(pages): State<Pages>,
    Query(q): Query<TransactionsQuery>,
    headers: HeaderMap,
    inm: IfNoneMatch,
) -> Response {
    let rest = pages.rest(&headers);
    let viewer = viewer(&rest).await;
    let encoding = match q.encoding.as_deref() {
        Some("base58") => "base58",
        _ => "base64",
    };
    let input = q.tx.map(|t| t.trim().to_string()).filter(|t| !t.is_empty());
    let decoded = match &input {
        Some(tx) => Some(
            rest.post_as::<DecodedTransactionResponse>(
                "/api/transactions/decode",
                json!({"transaction": tx, "encoding": encoding}),
            )
            .await
            .map_err(|refusal| refusal.message),
        ),
        None => None,
    };
    let status = match &decoded {
        Some(Err(_)) => StatusCode::UNPROCESSABLE_ENTITY,
        _ => StatusCode::OK,
    };
    let page = transactions::Transactions {
        input,
        encoding: encoding.to_string(),
        decoded,
    };
    html(status, transactions::render(&viewer, &page), &inm)
}

#[derive(Deserialize)]
struct AssetQuery {
    v: Option<String>,
}

/// `/assets/{name}`: immutable under its versioned URL, gzip where a compressed copy exists.
async fn asset(
    Path(name): Path<String>,
    Query(q): Query<AssetQuery>,
    headers: HeaderMap,
    inm: IfNoneMatch,
) -> Response {
    let Some(asset) = orquestra_web::assets::find(&name) else {
        return crate::ApiError::not_found(format!("no asset {name}")).into_response();
    };
    let etag = HeaderValue::from_static(asset.etag());
    let versioned =
        q.v.is_some_and(|v| asset.url().ends_with(&format!("?v={v}")));
    let cache = if versioned {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=300"
    };
    let gzip = asset.gzip.filter(|_| {
        headers
            .get(header::ACCEPT_ENCODING)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.split(',').any(|e| e.trim().starts_with("gzip")))
    });
    let mut response = if inm.matches(&etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        Response::new(Body::from(gzip.unwrap_or(asset.bytes)))
    };
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(asset.content_type),
    );
    h.insert(header::ETAG, etag);
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if asset.gzip.is_some() {
        h.append(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    if gzip.is_some() {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    response
}
