//! `orquestra serve`: open and migrate the database, build the KV, listen, serve until a signal.

use std::io::IsTerminal;
use std::sync::Arc;

use orquestra_server::AppState;
use orquestra_store::{Kv, MemoryKv, OpenOptions, RedisKv};

use crate::error::CliError;

#[derive(clap::Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "ORQUESTRA_LISTEN", default_value = "127.0.0.1:8787")]
    listen: String,
    /// KV cache: `memory` (embedded, 64 MiB), `memory:MEGABYTES`, or
    /// `redis://[user:password@]host[:port][/db]` (shared by several instances).
    #[arg(long = "kv", env = "ORQUESTRA_KV_URL", default_value = "memory")]
    kv_url: String,
    /// Database connections each instance keeps at most (PostgreSQL: mind the server's
    /// `max_connections` across all instances).
    #[arg(long, env = "ORQUESTRA_DB_MAX_CONNECTIONS", default_value_t = 8,
          value_parser = clap::value_parser!(u32).range(1..))]
    db_max_connections: u32,
    /// Log lines on stderr: `text` (readable) or `json` (one object per line, for collectors).
    #[arg(long, env = "ORQUESTRA_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
    #[command(flatten)]
    service: crate::config::ServiceArgs,
}

/// How `serve` writes its log lines.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

fn kv_from_url(url: &str) -> Result<Arc<dyn Kv>, CliError> {
    match url.split_once(':') {
        None if url == "memory" => Ok(Arc::new(MemoryKv::default())),
        Some(("memory", megabytes)) => {
            let mb: u64 = megabytes.parse().map_err(|_| {
                CliError::Config(format!(
                    "ORQUESTRA_KV_URL {url:?}: expected memory:MEGABYTES"
                ))
            })?;
            Ok(Arc::new(MemoryKv::new(mb.saturating_mul(1024 * 1024))))
        }
        // Redis being down at start is not an error: the KV answers misses until it is back.
        Some(("redis", _)) => RedisKv::connect(url)
            .map(|kv| Arc::new(kv) as Arc<dyn Kv>)
            // The URL may hold a password: the message does not repeat it.
            .map_err(|e| CliError::Config(format!("ORQUESTRA_KV_URL: {e}"))),
        _ => Err(CliError::Config(format!(
            "ORQUESTRA_KV_URL {url:?}: expected `memory`, `memory:MEGABYTES` or `redis://…`"
        ))),
    }
}

pub async fn serve(database: &str, args: ServeArgs) -> Result<(), CliError> {
    init_logging(args.log_format);
    let kv = kv_from_url(&args.kv_url)?;
    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await
        .map_err(|e| CliError::Io {
            context: format!("listening on {}", args.listen),
            source: e,
        })?;
    let local = listener.local_addr().map_err(|e| CliError::Io {
        context: "reading the bound address".into(),
        source: e,
    })?;
    // Configuration errors stop startup before the database is touched.
    let config = crate::config::server_config(args.service, &local, database)?;
    let db = orquestra_store::open(
        database,
        OpenOptions {
            max_connections: args.db_max_connections,
            ..OpenOptions::default()
        },
    )
    .await?;
    for migration in db.store.migrate().await? {
        tracing::info!(migration = %migration.name, "applied migration");
    }
    if config.github.client_id.is_none() {
        tracing::warn!("GitHub sign-in is not configured (ORQUESTRA_GITHUB_CLIENT_ID); use `orquestra token issue`");
    }
    let rpc_config =
        orquestra_rpc::RpcConfig::from_env().map_err(|e| CliError::Config(e.to_string()))?;
    let rpc = orquestra_rpc::RpcClient::new(rpc_config)
        .map_err(|e| CliError::Config(format!("RPC client: {e}")))?;
    let state = AppState::with_rpc(db.store, kv, config, rpc);
    tracing::info!(address = %local, database, "orquestra listening");
    // Printed (not only logged) so scripts and tests can wait for readiness and learn the port.
    println!("listening on http://{local}");
    orquestra_server::serve(listener, state, shutdown_signal())
        .await
        .map_err(|e| CliError::Io {
            context: "serving".into(),
            source: e,
        })
}

fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Text => logs.with_ansi(std::io::stderr().is_terminal()).try_init(),
        // The request span's fields (id, method, path) go with every line, as in text.
        LogFormat::Json => logs.json().with_current_span(true).try_init(),
    };
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
