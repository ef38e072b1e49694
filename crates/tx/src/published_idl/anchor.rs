//! Anchor's IDL account: `discriminator (8) ‖ authority (32) ‖ data_len: u32 LE ‖ zlib(IDL JSON)`.

use super::content::{unpack, Compression, ContentEncoding};
use super::{address_string, field, u32_le, PublishedIdlError, ANCHOR_IDL_ACCOUNT_DISCRIMINATOR};

const DISCRIMINATOR_AT: usize = 0;
const AUTHORITY_AT: usize = 8;
const DATA_LEN_AT: usize = 40;
const DATA_AT: usize = 44;

/// A decoded Anchor IDL account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnchorIdlAccount {
    /// Who may change the IDL (base58).
    pub authority: String,
    /// The IDL JSON, decompressed and checked to be JSON.
    pub idl: Vec<u8>,
}

/// Decodes the data of the Anchor IDL account `account` (base58, for error messages).
pub fn decode_anchor_idl_account(
    account: &str,
    data: &[u8],
) -> Result<AnchorIdlAccount, PublishedIdlError> {
    let discriminator = field(account, data, "discriminator", DISCRIMINATOR_AT, 8)?;
    if discriminator != ANCHOR_IDL_ACCOUNT_DISCRIMINATOR {
        return Err(PublishedIdlError::WrongDiscriminator {
            account: account.to_owned(),
            expected: "an Anchor IdlAccount",
            found: orquestra_idl::hex::encode(discriminator),
        });
    }
    let authority = address_string(field(account, data, "authority", AUTHORITY_AT, 32)?);
    let data_len = u32_le(field(account, data, "data_len", DATA_LEN_AT, 4)?);
    let available = data.len().saturating_sub(DATA_AT);
    let compressed = usize::try_from(data_len)
        .ok()
        .and_then(|len| data.get(DATA_AT..DATA_AT.checked_add(len)?))
        .ok_or_else(|| PublishedIdlError::LengthBeyondAccount {
            account: account.to_owned(),
            field: "data_len",
            offset: DATA_AT,
            declared: u64::from(data_len),
            available,
        })?;
    let idl = unpack(
        account,
        Compression::Zlib,
        ContentEncoding::Utf8,
        compressed,
    )?;
    Ok(AnchorIdlAccount { authority, idl })
}
