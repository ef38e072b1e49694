//! `orquestra-server`: the HTTP face of Orquestra, an axum app. Thin by design: parse the
//! request, check who may do it ([`access`]), call the store / engine crates, shape the response.
//! Errors have one shape (`{"error":{"code","message","details"}}`, see `error.rs`).

pub mod access;
pub mod auth;
mod chain;
pub mod config;
mod cors;
mod envelope;
mod error;
mod extract;
mod head_timeout;
mod http_cache;
mod listen;
mod mcp;
pub mod metrics;
mod middleware;
mod pages;
mod platform_openapi;
pub mod programs;
pub mod proxy;
mod publish;
pub mod rate_limit;
mod rest;
mod routes;
mod submission;
pub mod time;
mod timeouts;
mod validate;
pub mod verification;
pub mod version;

use std::sync::{Arc, Once};

use axum::Router;
use orquestra_store::{Kv, Store};
use tokio::net::TcpListener;
use utoipa_axum::router::OpenApiRouter;

pub use config::{GithubConfig, RateLimits, ServerConfig, SharedLimitFailure};
pub use error::{ApiError, ErrorDetail};
pub use listen::App;

/// What every handler can reach: one shared [`AppServices`], so the many clones a request makes
/// (every extractor and middleware layer takes the state) are a single reference count.
#[derive(Clone)]
pub struct AppState {
    services: Arc<AppServices>,
}

impl std::ops::Deref for AppState {
    type Target = AppServices;

    fn deref(&self) -> &AppServices {
        &self.services
    }
}

/// The services behind [`AppState`].
pub struct AppServices {
    pub store: Arc<dyn Store>,
    pub kv: Arc<dyn Kv>,
    pub config: Arc<ServerConfig>,
    /// Outbound HTTP (GitHub today; RPC later). Shares connections across requests.
    pub http: reqwest::Client,
    /// Parsed programs by project and version, so no request re-parses an IDL.
    pub programs: programs::ProgramCache,
    /// Solana JSON-RPC with the operator's cluster policy.
    pub rpc: orquestra_rpc::RpcClient,
    /// The database's last health answer, so `/health` polls cost no database round trip.
    pub database_probe: Arc<routes::health::DatabaseProbe>,
    /// What `/metrics` reports.
    pub metrics: Arc<metrics::Metrics>,
    /// Near copies of the views read from a shared KV (see [`http_cache`]).
    pub near_views: http_cache::NearViews,
}

impl AppState {
    /// State with the given RPC client (see [`orquestra_rpc::RpcConfig::from_env`]).
    pub fn with_rpc(
        store: Arc<dyn Store>,
        kv: Arc<dyn Kv>,
        config: ServerConfig,
        rpc: orquestra_rpc::RpcClient,
    ) -> Self {
        let services = AppServices {
            store,
            kv,
            config: Arc::new(config),
            http: http_client(),
            programs: programs::ProgramCache::default(),
            rpc,
            database_probe: Arc::default(),
            metrics: Arc::default(),
            near_views: http_cache::NearViews::default(),
        };
        Self {
            services: Arc::new(services),
        }
    }

    /// State with the default RPC policy (public cluster endpoints, no custom RPC hosts).
    pub fn new(
        store: Arc<dyn Store>,
        kv: Arc<dyn Kv>,
        config: ServerConfig,
    ) -> Result<Self, orquestra_rpc::RpcError> {
        let rpc = orquestra_rpc::RpcClient::new(orquestra_rpc::RpcConfig::default())?;
        Ok(Self::with_rpc(store, kv, config, rpc))
    }
}

/// The outbound client: rustls with the ring provider, system roots, no proxy surprises.
pub fn http_client() -> reqwest::Client {
    static PROVIDER: Once = Once::new();
    PROVIDER.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
    reqwest::Client::builder()
        .user_agent(concat!("orquestra/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(std::time::Duration::from_secs(5))
        .build()
        .unwrap_or_default()
}

/// Every route, and the platform OpenAPI document describing them (finished, with `/openapi.json`
/// itself). Route modules register handlers with `utoipa_axum::routes!`, which takes each path and
/// method from the handler's `#[utoipa::path]`, so what is served is what is documented;
/// `tests/platform_openapi.rs` holds the full list.
fn api(config: &ServerConfig) -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (routes, doc) = OpenApiRouter::new()
        .merge(routes::health::routes())
        .merge(routes::auth::routes())
        .merge(routes::projects::routes())
        .merge(routes::socials::routes())
        .merge(routes::keys::routes())
        .merge(routes::addresses::routes())
        .merge(routes::idl::routes())
        .merge(routes::program::routes())
        .merge(routes::docs::routes())
        .merge(routes::diff::routes())
        .merge(routes::published::routes())
        .merge(routes::discovery::routes())
        .merge(routes::pda::routes())
        .merge(routes::build::routes())
        .merge(routes::transactions::routes())
        .merge(routes::onchain::routes())
        .merge(routes::lists::routes())
        .split_for_parts();
    (routes, platform_openapi::finish(doc, &config.public_url))
}

/// The platform API's OpenAPI 3.1 document, as `GET /openapi.json` serves it.
pub fn openapi(config: &ServerConfig) -> utoipa::openapi::OpenApi {
    api(config).1
}

/// The whole application, every route inside the cross-cutting layers (see `middleware.rs`), as
/// one tower service: what [`serve`] serves, and what in-process callers (benchmarks) can call.
pub fn app(state: &AppState) -> impl App {
    middleware::wrap(router(state), state)
}

/// Every route (REST, OpenAPI, MCP), without the cross-cutting layers.
fn router(state: &AppState) -> Router {
    let (routes, doc) = api(&state.config);
    let app = routes
        .merge(platform_openapi::router(&doc))
        .route("/metrics", axum::routing::get(metrics::serve))
        .fallback(routes::not_found);
    // MCP tools and web pages call the REST routes in-process: the same routes and state,
    // without middleware.
    let rest = app.clone().with_state(state.clone());
    app.merge(mcp::router(rest.clone(), state))
        .merge(pages::router(rest))
        .with_state(state.clone())
}

/// Serves [`app`] on `listener` until `shutdown` resolves, then drains in-flight requests.
/// Connections get [`ServerConfig::header_timeout`] to send each request head and at most
/// [`ServerConfig::max_connections`] are served at once (see `listen.rs`).
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let limits = listen::Limits {
        header_timeout: state.config.header_timeout,
        write_timeout: state.config.body_timeout,
        max_connections: state.config.max_connections,
    };
    // Scheduled re-checks live as long as the server: aborted when it stops serving.
    let rechecks = state
        .config
        .verify_interval
        .map(|every| verification::spawn_rechecks(state.clone(), every));
    let served = listen::serve(listener, app(&state), limits, shutdown).await;
    if let Some(task) = rechecks {
        task.abort();
    }
    served
}
