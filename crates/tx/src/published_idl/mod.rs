//! IDLs published on chain, decoded from account bytes (no I/O: the caller fetches the accounts).
//!
//! Two publication schemes:
//!
//! * **Anchor IDL account** ([`anchor_idl_address`], [`decode_anchor_idl_account`]): at
//!   `create_with_seed(find_program_address([], program), "anchor:idl", program)`, owned by the
//!   program; 8-byte `IdlAccount` discriminator, `authority` (32 bytes), `data_len: u32` LE, then
//!   `data_len` bytes of zlib-compressed IDL JSON.
//! * **Program Metadata program** ([`metadata_address`], [`decode_metadata_account`]): a
//!   `metadata` account of `ProgM6JCCvbYkfKqJYHePx4xxSUSqJp7rh8Lyv7nk7S` at the PDA
//!   `[program, seed]` (canonical) or `[program, authority, seed]` (third-party), seed `"idl"`
//!   zero-padded to 16 bytes. Its 96-byte header says how the content is stored (encoding,
//!   compression, format) and where (`direct` in the account, a `url`, or an `external` account
//!   slice, finished by [`decode_external_content`] once the caller has fetched that account).
//!
//! Everything is bounded: declared lengths are checked against the bytes present before use,
//! decompression stops at [`MAX_IDL_BYTES`] (a larger IDL is refused, never allocated), and
//! hostile bytes give a [`PublishedIdlError`] naming the account and field, never a panic.

mod anchor;
mod content;
mod error;
mod metadata;

use solana_address::Address;

pub use anchor::{decode_anchor_idl_account, AnchorIdlAccount};
pub use content::{check_json, Compression, ContentEncoding, Format, MAX_BASE58_CONTENT_BYTES};
pub use error::PublishedIdlError;
pub use metadata::{
    decode_external_content, decode_metadata_account, DataSource, ExternalRef, MetadataAccount,
    MetadataContent, MetadataHeader, EXTERNAL_DATA_LEN, MAX_URL_BYTES, METADATA_HEADER_LEN,
};

/// The largest IDL accepted, in bytes, after decompression and decoding. The largest real IDLs
/// are a few hundred KiB; this leaves room while keeping a hostile compressed stream (a few KiB
/// that inflate to gigabytes) from allocating more than this.
pub const MAX_IDL_BYTES: usize = 16 * 1024 * 1024;

/// The seed Anchor derives its IDL account with.
pub const ANCHOR_IDL_SEED: &str = "anchor:idl";

/// The first 8 bytes of sha256("account:IdlAccount"): Anchor's `IdlAccount` discriminator.
pub const ANCHOR_IDL_ACCOUNT_DISCRIMINATOR: [u8; 8] =
    [0x8c, 0x24, 0xa6, 0x02, 0x67, 0xc5, 0x21, 0xa4];

/// The Program Metadata program.
pub const PROGRAM_METADATA_PROGRAM_ID: &str = "ProgM6JCCvbYkfKqJYHePx4xxSUSqJp7rh8Lyv7nk7S";

/// The Program Metadata seed under which a program's IDL is published.
pub const IDL_SEED: &str = "idl";

/// Program Metadata seeds are this many bytes: UTF-8, zero-padded.
pub const METADATA_SEED_LEN: usize = 16;

/// The Anchor IDL account address of `program_id` (base58 in, base58 out).
pub fn anchor_idl_address(program_id: &str) -> Result<String, PublishedIdlError> {
    let program = parse_key("program id", program_id)?;
    let (base, _) = crate::pda::memo::try_find_program_address(&[], &program)
        .ok_or(PublishedIdlError::NoViableBump)?;
    Address::create_with_seed(&base, ANCHOR_IDL_SEED, &program)
        .map(|a| a.to_string())
        // Only a program id ending in the PDA marker is refused as an owner: no real one does.
        .map_err(|e| PublishedIdlError::InvalidProgramId {
            value: program_id.to_owned(),
            reason: e.to_string(),
        })
}

/// The Program Metadata `metadata` account of `program_id` for `seed`: canonical (seeds
/// `[program, seed]`) without `authority`, the third-party one (`[program, authority, seed]`)
/// with it.
pub fn metadata_address(
    program_id: &str,
    authority: Option<&str>,
    seed: &str,
) -> Result<String, PublishedIdlError> {
    let program = parse_key("program id", program_id)?;
    let metadata_program = parse_key("Program Metadata program id", PROGRAM_METADATA_PROGRAM_ID)?;
    let seed = padded_seed(seed)?;
    let mut seeds: Vec<&[u8]> = vec![program.as_ref()];
    let authority = authority.map(|a| parse_key("authority", a)).transpose()?;
    if let Some(authority) = &authority {
        seeds.push(authority.as_ref());
    }
    seeds.push(&seed);
    crate::pda::memo::try_find_program_address(&seeds, &metadata_program)
        .map(|(address, _)| address.to_string())
        .ok_or(PublishedIdlError::NoViableBump)
}

/// `seed` as the 16 zero-padded bytes the Program Metadata program stores and derives with.
pub fn padded_seed(seed: &str) -> Result<[u8; METADATA_SEED_LEN], PublishedIdlError> {
    let bytes = seed.as_bytes();
    if bytes.len() > METADATA_SEED_LEN {
        return Err(PublishedIdlError::SeedTooLong {
            seed: seed.to_owned(),
        });
    }
    let mut out = [0u8; METADATA_SEED_LEN];
    out[..bytes.len()].copy_from_slice(bytes);
    Ok(out)
}

fn parse_key(what: &'static str, value: &str) -> Result<Address, PublishedIdlError> {
    orquestra_idl::address::parse_address(value)
        .map(Address::from)
        .map_err(|e| match what {
            "authority" => PublishedIdlError::InvalidAuthority {
                value: value.to_owned(),
            },
            _ => PublishedIdlError::InvalidProgramId {
                value: value.to_owned(),
                reason: e.to_string(),
            },
        })
}

/// `len` bytes at `offset` of `data`, or a [`PublishedIdlError::Truncated`] naming the field.
pub(crate) fn field<'a>(
    account: &str,
    data: &'a [u8],
    name: &'static str,
    offset: usize,
    len: usize,
) -> Result<&'a [u8], PublishedIdlError> {
    offset
        .checked_add(len)
        .and_then(|end| data.get(offset..end))
        .ok_or_else(|| PublishedIdlError::Truncated {
            account: account.to_owned(),
            field: name,
            offset,
            needed: len,
            available: data.len().saturating_sub(offset),
        })
}

pub(crate) fn u32_le(bytes: &[u8]) -> u32 {
    let mut b = [0u8; 4];
    let n = bytes.len().min(4);
    b[..n].copy_from_slice(&bytes[..n]);
    u32::from_le_bytes(b)
}

pub(crate) fn address_string(bytes: &[u8]) -> String {
    let mut b = [0u8; 32];
    let n = bytes.len().min(32);
    b[..n].copy_from_slice(&bytes[..n]);
    Address::from(b).to_string()
}

#[cfg(test)]
mod tests;
