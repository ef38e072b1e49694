//! `orquestra-server`: the HTTP face of Orquestra, an axum app. Thin by design: parse the
//! request, call the store / engine crates, shape the response. Errors follow DESIGN §5
//! (`{"error":{"code","message","details"}}`).
//!
//! Today it serves `/health`; the product routes arrive with their issues and plug into
//! [`router`] the same way.

mod error;
mod routes;
pub mod time;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use orquestra_store::{Kv, Store};
use tokio::net::TcpListener;

pub use error::ApiError;

/// What every handler can reach. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub kv: Arc<dyn Kv>,
}

/// The whole application router.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(routes::health::routes())
        .fallback(routes::not_found)
        .with_state(state)
}

/// Serves `router(state)` on `listener` until `shutdown` resolves, then drains in-flight requests.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}
