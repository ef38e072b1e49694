//! Solana JSON-RPC client with the operator's cluster policy.
//!
//! * **Clusters** (`mainnet-beta` — alias `mainnet` —, `devnet`, `testnet`, `localnet`) map to
//!   operator-configured URLs ([`RpcConfig`], `ORQUESTRA_RPC_*_URL`). A name outside those four is
//!   [`RpcError::UnknownCluster`]: there is no silent mainnet fallback.
//! * **Custom RPC** (a request's own `rpcUrl`) is refused unless its host is on
//!   `ORQUESTRA_RPC_ALLOW_CUSTOM` (exact, case-insensitive, one trailing dot ignored; http/https; no
//!   user info). An entry `host` allows any port, `host:port` only that port (see [`AllowedHost`]).
//!   IP hosts in any form the URL parser accepts (`[::1]`, `2130706433`, `0x7f.1`) are matched as
//!   the IP they denote, and an allow-listed IP literal is the operator's explicit permission.
//!   An allow-listed *name* is resolved once and every address is checked: one that is
//!   private/loopback/link-local/CGNAT/unique-local/multicast/unspecified/reserved is only
//!   permitted when that IP is itself listed for the request's port (`127.0.0.1` any port,
//!   `127.0.0.1:8899` only 8899). Addresses not permitted are never contacted (none left: refused);
//!   the connection is pinned to the permitted ones through a resolver that answers only for that
//!   host, so neither DNS rebinding nor a second lookup under another spelling can swap them.
//! * **Transport**: no redirects, no proxies, a per-attempt deadline, a streamed response-size cap
//!   (per-call overridable), and retries on transport failures only — never on a timeout, an HTTP
//!   status or a JSON-RPC error.
//! * **Public documents** ([`RpcClient::fetch_public_https`], for content published by URL on
//!   chain): `https` only, every resolved address public (no allow-list applies), pinned, capped.
//! * **Errors** are typed ([`RpcError`]); [`RpcError::code`] names the API error code (which carries the
//!   HTTP status: this crate chooses none); messages carry host names, never full URLs (they may hold API keys).
//!
//! ```no_run
//! # async fn demo() -> Result<(), orquestra_rpc::RpcError> {
//! use orquestra_rpc::{RpcClient, RpcConfig};
//! let rpc = RpcClient::new(RpcConfig::default())?;
//! let endpoint = rpc.endpoint(Some("devnet"), None).await?;
//! let hash = rpc.get_latest_blockhash(&endpoint).await?;
//! println!("{} valid until {}", hash.blockhash, hash.last_valid_block_height);
//! # Ok(()) }
//! ```

mod config;
mod endpoint;
mod error;
mod fetch;
mod methods;
mod transport;
mod types;

use std::sync::Arc;

use serde_json::Value;

pub use config::{
    cluster_env_var, default_cluster_url, parse_allow_list, parse_cluster, AllowedHost, Cluster,
    RpcConfig, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_RETRIES, DEFAULT_TIMEOUT,
};
pub use endpoint::{canonical_ip, is_public, Endpoint, EndpointKind};
pub use error::{ConfigError, RpcError};
pub use types::{
    check_pubkey, Account, Commitment, DataSlice, Filter, LatestBlockhash, MemcmpBytes,
    ProgramAccounts, ProgramAccountsQuery, ReturnData, SimulateOptions, SimulateResult, WithSlot,
    MAX_MEMCMP_BYTES,
};

/// The RPC client: the policy plus one pooled HTTP client for the configured clusters.
/// Cheap to clone.
#[derive(Clone, Debug)]
pub struct RpcClient {
    config: Arc<RpcConfig>,
    http: reqwest::Client,
}

impl RpcClient {
    /// Builds the shared HTTP client (installing the rustls `ring` provider once per process).
    pub fn new(config: RpcConfig) -> Result<Self, RpcError> {
        let http = transport::build(transport::client_builder(config.timeout))?;
        Ok(Self {
            config: Arc::new(config),
            http,
        })
    }

    /// The policy this client enforces.
    pub fn config(&self) -> &RpcConfig {
        &self.config
    }

    /// Chooses the endpoint for a request.
    ///
    /// * `rpc_url` (non-blank) wins and must pass the allow-list and address checks;
    /// * otherwise `cluster` (non-blank) must be a known name;
    /// * otherwise the configured default cluster (`mainnet-beta`).
    ///
    /// A non-blank unknown `cluster` is an error even when `rpc_url` is given.
    pub async fn endpoint(
        &self,
        cluster: Option<&str>,
        rpc_url: Option<&str>,
    ) -> Result<Endpoint, RpcError> {
        let cluster = match cluster.map(str::trim).filter(|s| !s.is_empty()) {
            Some(name) => config::parse_cluster(name)?,
            None => self.config.default_cluster,
        };
        match rpc_url.map(str::trim).filter(|s| !s.is_empty()) {
            Some(url) => {
                let timeout = self.config.timeout;
                let build = |host: &str, addrs: &[std::net::SocketAddr]| {
                    transport::pinned_client(timeout, host, addrs)
                };
                endpoint::for_custom(&self.config, url, build, &self.http).await
            }
            None => self.cluster_endpoint(cluster),
        }
    }

    /// The endpoint of a configured cluster.
    pub fn cluster_endpoint(&self, cluster: Cluster) -> Result<Endpoint, RpcError> {
        endpoint::for_cluster(&self.config, &self.http, cluster)
    }

    /// A raw JSON-RPC call with the default size cap; returns `result`.
    pub async fn call(
        &self,
        endpoint: &Endpoint,
        method: &str,
        params: Value,
    ) -> Result<Value, RpcError> {
        self.call_with_limit(endpoint, method, params, None).await
    }

    /// A raw JSON-RPC call with an optional per-call size cap.
    pub async fn call_with_limit(
        &self,
        endpoint: &Endpoint,
        method: &str,
        params: Value,
        max_response_bytes: Option<usize>,
    ) -> Result<Value, RpcError> {
        transport::call(
            endpoint,
            method,
            params,
            self.config.timeout,
            self.config.retries,
            max_response_bytes.unwrap_or(self.config.max_response_bytes),
        )
        .await
    }
}
