//! `orquestra-onchain`: what programs publish on chain, read through [`orquestra_rpc`] and
//! decoded by [`orquestra_tx::published_idl`].
//!
//! [`fetch_published_idl`] finds a program's IDL: first Anchor's IDL account, then the Program
//! Metadata program's canonical `idl` metadata account, then (when an authority is given) that
//! authority's non-canonical one. It follows an `external` data source to the referenced
//! account, and a `url` source only when the caller opts in ([`FetchOptions::allow_url`]: the
//! URL is chosen by whoever wrote the account, so fetching it is a request to an arbitrary host;
//! even then only public `https` hosts are contacted, see
//! [`orquestra_rpc::RpcClient::fetch_public_https`]). The result says which scheme, account and
//! slot the IDL was read from, and who may change it.
//!
//! This crate sits above `rpc` and `tx` (both layer 2, which may not depend on each other): it is
//! the I/O around the pure decoding.

use orquestra_api::ErrorCode;
use orquestra_rpc::{Account, Endpoint, RpcClient, RpcError};
use orquestra_tx::published_idl::{
    anchor_idl_address, check_json, decode_anchor_idl_account, decode_external_content,
    decode_metadata_account, metadata_address, MetadataContent, PublishedIdlError, IDL_SEED,
    MAX_IDL_BYTES, PROGRAM_METADATA_PROGRAM_ID,
};
use serde::Serialize;

/// How the IDL was published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IdlScheme {
    /// Anchor's IDL account (`anchor idl init`/`upgrade`).
    AnchorIdlAccount,
    /// A Program Metadata `idl` metadata account.
    ProgramMetadata,
}

impl IdlScheme {
    /// `anchor_idl_account` or `program_metadata`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AnchorIdlAccount => "anchor_idl_account",
            Self::ProgramMetadata => "program_metadata",
        }
    }
}

/// Where the IDL bytes themselves were.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdlSource {
    /// In the account the scheme points to.
    Account,
    /// In another account a Program Metadata account references, read at `slot`.
    External { address: String, slot: u64 },
    /// At a URL a Program Metadata account holds (fetched only when allowed).
    Url { url: String },
}

/// A program's published IDL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedIdl {
    pub scheme: IdlScheme,
    /// The account the scheme points to (base58): the Anchor IDL account or the metadata account.
    pub account: String,
    /// The slot that account was read at (the RPC answer's `context.slot`).
    pub slot: u64,
    /// Who may change the IDL (base58): the Anchor IDL authority, or a third-party metadata
    /// authority; `None` for canonical metadata, which the program's upgrade authority governs.
    pub authority: Option<String>,
    pub source: IdlSource,
    /// The IDL JSON, as published (checked to be one JSON document, not parsed as an IDL).
    pub idl: Vec<u8>,
}

/// Options of [`fetch_published_idl`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FetchOptions {
    /// Also look for the non-canonical Program Metadata `idl` account of this authority (base58),
    /// after the canonical one.
    pub metadata_authority: Option<String>,
    /// Fetch a `url` data source (public `https` hosts only). Off by default: refused with
    /// [`FetchIdlError::UrlSourceNotAllowed`].
    pub allow_url: bool,
}

/// Why no IDL could be fetched.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FetchIdlError {
    /// The program id or authority cannot be used to derive an address.
    #[error(transparent)]
    Address(PublishedIdlError),
    /// Neither scheme's account exists.
    #[error("no IDL published on chain for {program_id} (tried {})", .tried.join(", "))]
    NotFound {
        program_id: String,
        tried: Vec<String>,
    },
    /// Reading an account failed.
    #[error("reading account {account}: {source}")]
    Rpc {
        account: String,
        source: Box<RpcError>,
    },
    /// The account exists but is not owned by the program that writes that scheme's accounts.
    #[error("account {account} is owned by {owner}, not {expected}")]
    WrongOwner {
        account: String,
        owner: String,
        expected: String,
    },
    /// The account's bytes are not a valid published IDL.
    #[error(transparent)]
    Decode(PublishedIdlError),
    /// A metadata account references an external account that does not exist.
    #[error("metadata account {metadata} references account {account}, which does not exist")]
    ExternalAccountMissing { metadata: String, account: String },
    /// The IDL is published at a URL and URL fetching was not allowed.
    #[error("the IDL is published at a URL ({url}), which is only fetched when allowed")]
    UrlSourceNotAllowed { url: String },
    /// Fetching the URL failed (or was refused by the address policy).
    #[error("fetching the IDL from {url}: {source}")]
    UrlFetch { url: String, source: Box<RpcError> },
}

impl FetchIdlError {
    /// The API error code for this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Address(e) | Self::Decode(e) => e.code(),
            Self::NotFound { .. } => ErrorCode::IdlNotPublished,
            Self::Rpc { source, .. } | Self::UrlFetch { source, .. } => source.code(),
            Self::WrongOwner { .. } => ErrorCode::InvalidAccountData,
            Self::ExternalAccountMissing { .. } => ErrorCode::AccountNotOnChain,
            Self::UrlSourceNotAllowed { .. } => ErrorCode::Forbidden,
        }
    }
}

/// Fetches the IDL `program_id` (base58) published on the cluster behind `endpoint`.
pub async fn fetch_published_idl(
    rpc: &RpcClient,
    endpoint: &Endpoint,
    program_id: &str,
    options: &FetchOptions,
) -> Result<PublishedIdl, FetchIdlError> {
    let mut candidates = vec![
        (
            IdlScheme::AnchorIdlAccount,
            anchor_idl_address(program_id).map_err(FetchIdlError::Address)?,
        ),
        (
            IdlScheme::ProgramMetadata,
            metadata_address(program_id, None, IDL_SEED).map_err(FetchIdlError::Address)?,
        ),
    ];
    if let Some(authority) = &options.metadata_authority {
        let address = metadata_address(program_id, Some(authority), IDL_SEED)
            .map_err(FetchIdlError::Address)?;
        candidates.push((IdlScheme::ProgramMetadata, address));
    }
    for (scheme, address) in &candidates {
        let Some((slot, account)) = read(rpc, endpoint, address).await? else {
            continue;
        };
        return match scheme {
            IdlScheme::AnchorIdlAccount => {
                owned_by(address, &account, program_id)?;
                let decoded = decode_anchor_idl_account(address, &account.data)
                    .map_err(FetchIdlError::Decode)?;
                Ok(PublishedIdl {
                    scheme: *scheme,
                    account: address.clone(),
                    slot,
                    authority: Some(decoded.authority),
                    source: IdlSource::Account,
                    idl: decoded.idl,
                })
            }
            IdlScheme::ProgramMetadata => {
                owned_by(address, &account, PROGRAM_METADATA_PROGRAM_ID)?;
                let metadata =
                    decode_metadata_account(address, &account.data, program_id, IDL_SEED)
                        .map_err(FetchIdlError::Decode)?;
                let (source, idl) = content(
                    rpc,
                    endpoint,
                    address,
                    &metadata.header,
                    metadata.content,
                    options,
                )
                .await?;
                Ok(PublishedIdl {
                    scheme: *scheme,
                    account: address.clone(),
                    slot,
                    authority: metadata.header.authority,
                    source,
                    idl,
                })
            }
        };
    }
    Err(FetchIdlError::NotFound {
        program_id: program_id.to_owned(),
        tried: candidates.into_iter().map(|(_, address)| address).collect(),
    })
}

/// The IDL bytes of a decoded metadata account, following `external` and (if allowed) `url`.
async fn content(
    rpc: &RpcClient,
    endpoint: &Endpoint,
    metadata_account: &str,
    header: &orquestra_tx::published_idl::MetadataHeader,
    content: MetadataContent,
    options: &FetchOptions,
) -> Result<(IdlSource, Vec<u8>), FetchIdlError> {
    match content {
        MetadataContent::Idl(idl) => Ok((IdlSource::Account, idl)),
        MetadataContent::External(reference) => {
            let Some((slot, external)) = read(rpc, endpoint, &reference.address).await? else {
                return Err(FetchIdlError::ExternalAccountMissing {
                    metadata: metadata_account.to_owned(),
                    account: reference.address,
                });
            };
            let idl = decode_external_content(header, &reference, &external.data)
                .map_err(FetchIdlError::Decode)?;
            Ok((
                IdlSource::External {
                    address: reference.address,
                    slot,
                },
                idl,
            ))
        }
        MetadataContent::Url(url) => {
            let shown = shown_url(&url);
            if !options.allow_url {
                return Err(FetchIdlError::UrlSourceNotAllowed { url: shown });
            }
            let idl = rpc
                .fetch_public_https(&url, MAX_IDL_BYTES)
                .await
                .map_err(|source| FetchIdlError::UrlFetch {
                    url: shown.clone(),
                    source: Box::new(source),
                })?;
            check_json(&shown, &idl).map_err(FetchIdlError::Decode)?;
            Ok((IdlSource::Url { url }, idl))
        }
    }
}

/// `getAccountInfo` with its slot; `None` when the account does not exist.
async fn read(
    rpc: &RpcClient,
    endpoint: &Endpoint,
    address: &str,
) -> Result<Option<(u64, Account)>, FetchIdlError> {
    let answer = rpc
        .get_account_info_with_slot(endpoint, address)
        .await
        .map_err(|source| FetchIdlError::Rpc {
            account: address.to_owned(),
            source: Box::new(source),
        })?;
    Ok(answer.value.map(|account| (answer.slot, account)))
}

/// Only the program that writes a scheme's accounts can create one at its derived address, so a
/// different owner means the bytes are not what the scheme says.
fn owned_by(address: &str, account: &Account, owner: &str) -> Result<(), FetchIdlError> {
    if account.owner == owner {
        Ok(())
    } else {
        Err(FetchIdlError::WrongOwner {
            account: address.to_owned(),
            owner: account.owner.clone(),
            expected: owner.to_owned(),
        })
    }
}

/// A URL as shown in messages: on-chain text anyone can write, so control characters are dropped
/// and the length is bounded.
fn shown_url(url: &str) -> String {
    const MAX_CHARS: usize = 256;
    let mut out: String = url
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_CHARS)
        .collect();
    if url.chars().count() > MAX_CHARS {
        out.push('…');
    }
    out
}
