//! `orquestra idl fetch PROGRAM_ID`: the IDL a program published on chain (Anchor's IDL account
//! or the Program Metadata program's `idl` account), read through the same RPC policy as the
//! server (`ORQUESTRA_RPC_*_URL` per cluster; a custom URL only when `ORQUESTRA_RPC_ALLOW_CUSTOM`
//! allows its host). The IDL JSON goes to stdout (or `--out FILE`) exactly as published; one
//! summary line (scheme, account, slot) goes to stderr.

use std::io::Write;
use std::path::PathBuf;

use orquestra_onchain::{fetch_published_idl, FetchIdlError, FetchOptions, IdlSource};
use orquestra_rpc::{RpcClient, RpcConfig, RpcError};

/// Arguments of `idl fetch`.
#[derive(Debug, Clone, clap::Args)]
pub struct FetchArgs {
    /// The program id (base58).
    pub program_id: String,
    /// `mainnet-beta` (or `mainnet`), `devnet`, `testnet`, `localnet`, or an RPC URL whose host
    /// `ORQUESTRA_RPC_ALLOW_CUSTOM` allows.
    #[arg(long, value_name = "CLUSTER|URL", default_value = "mainnet-beta")]
    pub cluster: String,
    /// Write the IDL to FILE instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Also look for this authority's non-canonical Program Metadata `idl` account.
    #[arg(long, value_name = "ADDRESS")]
    pub authority: Option<String>,
    /// Fetch an IDL the Program Metadata account publishes at a URL (public https hosts only).
    #[arg(long)]
    pub allow_url: bool,
}

/// Why `idl fetch` failed. `Display` is one line.
#[derive(Debug, thiserror::Error)]
pub enum FetchCliError {
    #[error("invalid RPC configuration: {0}")]
    Config(String),
    #[error("{}", endpoint_line(.0))]
    Endpoint(RpcError),
    #[error(transparent)]
    Fetch(FetchIdlError),
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
}

impl FetchCliError {
    /// The error code of a batch error line.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Config(_) => "invalid_configuration",
            Self::Endpoint(e) => e.code().as_str(),
            Self::Fetch(e) => e.code().as_str(),
            Self::Write { .. } | Self::Runtime(_) => "io_error",
        }
    }
}

fn endpoint_line(e: &RpcError) -> String {
    match e {
        RpcError::CustomRpcNotAllowed { .. } => {
            format!("{e} (allow its host with ORQUESTRA_RPC_ALLOW_CUSTOM, or name a cluster)")
        }
        _ => e.to_string(),
    }
}

/// Runs `idl fetch`, writing the IDL to `out` (stdout) unless `--out` names a file.
pub fn run(args: FetchArgs, out: &mut impl Write) -> Result<(), FetchCliError> {
    let config = RpcConfig::from_env().map_err(|e| FetchCliError::Config(e.to_string()))?;
    let rpc = RpcClient::new(config).map_err(FetchCliError::Endpoint)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(FetchCliError::Runtime)?;
    let options = FetchOptions {
        metadata_authority: args.authority.clone(),
        allow_url: args.allow_url,
    };
    let fetched = runtime.block_on(async {
        let cluster = args.cluster.trim();
        let endpoint = if cluster.contains("://") {
            rpc.endpoint(None, Some(cluster)).await
        } else {
            rpc.endpoint(Some(cluster), None).await
        }
        .map_err(FetchCliError::Endpoint)?;
        fetch_published_idl(&rpc, &endpoint, args.program_id.trim(), &options)
            .await
            .map_err(FetchCliError::Fetch)
    })?;
    match &args.out {
        Some(path) => {
            std::fs::write(path, &fetched.idl).map_err(|source| FetchCliError::Write {
                path: path.clone(),
                source,
            })?
        }
        None => out
            .write_all(&fetched.idl)
            .and_then(|()| out.flush())
            .map_err(|source| FetchCliError::Write {
                path: PathBuf::from("<stdout>"),
                source,
            })?,
    }
    let via = match &fetched.source {
        IdlSource::Account => String::new(),
        IdlSource::External { address, slot } => {
            format!(", data in account {address} at slot {slot}")
        }
        IdlSource::Url { url } => format!(", data from {url}"),
    };
    let authority = fetched
        .authority
        .as_deref()
        .map(|a| format!(", authority {a}"))
        .unwrap_or_default();
    eprintln!(
        "fetched {} bytes: {} account {} at slot {}{authority}{via}",
        fetched.idl.len(),
        fetched.scheme.as_str(),
        fetched.account,
        fetched.slot,
    );
    Ok(())
}
