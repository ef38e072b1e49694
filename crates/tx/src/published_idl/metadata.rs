//! The Program Metadata program's `metadata` account, as its Codama IDL lays it out:
//!
//! | offset | size | field |
//! |---|---|---|
//! | 0 | 1 | discriminator (`2` = metadata; `0` empty, `1` buffer) |
//! | 1 | 32 | program |
//! | 33 | 32 | authority (all zeroes = none: canonical accounts are governed by the upgrade authority) |
//! | 65 | 1 | mutable |
//! | 66 | 1 | canonical |
//! | 67 | 16 | seed (UTF-8, zero-padded) |
//! | 83 | 1 | encoding (none, utf8, base58, base64) |
//! | 84 | 1 | compression (none, gzip, zlib) |
//! | 85 | 1 | format (none, json, yaml, toml) |
//! | 86 | 1 | data source (direct, url, external) |
//! | 87 | 4 | data length (u32 LE), then 5 bytes of padding |
//! | 96 | data length | data |
//!
//! An `external` source's data is `address (32) ‖ offset: u32 LE ‖ length: u32 LE` (length `0` =
//! to the end of the account); the referenced bytes are compressed and encoded as the header says.

use std::fmt;

use super::content::{decompress, render, unpack, Compression, ContentEncoding, Format};
use super::{address_string, field, padded_seed, u32_le, PublishedIdlError, METADATA_SEED_LEN};

/// The header's length; the data follows it.
pub const METADATA_HEADER_LEN: usize = 96;
/// The length of an `external` reference.
pub const EXTERNAL_DATA_LEN: usize = 40;
/// A URL longer than this (after decompression) is refused.
pub const MAX_URL_BYTES: usize = 4096;

const METADATA_DISCRIMINATOR: u8 = 2;

/// The Program Metadata `dataSource` field: where the content is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataSource {
    /// In the metadata account itself.
    Direct,
    /// At a URL the account holds.
    Url,
    /// In (a slice of) another account.
    External,
}

impl DataSource {
    fn from_byte(value: u8) -> Option<Self> {
        Some(match value {
            0 => Self::Direct,
            1 => Self::Url,
            2 => Self::External,
            _ => return None,
        })
    }

    /// `direct`, `url`, `external`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Direct => "direct",
            Self::Url => "url",
            Self::External => "external",
        }
    }
}

impl fmt::Display for DataSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The decoded header of a `metadata` account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetadataHeader {
    /// The program the metadata describes (base58).
    pub program: String,
    /// The third-party authority (base58); `None` for canonical accounts.
    pub authority: Option<String>,
    pub mutable: bool,
    pub canonical: bool,
    /// The seed without its zero padding.
    pub seed: String,
    pub encoding: ContentEncoding,
    pub compression: Compression,
    pub format: Format,
    pub data_source: DataSource,
    pub data_length: u32,
}

/// Where an `external` source's content is: `length` bytes (`None`: to the end) from `offset`
/// of the account `address`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternalRef {
    pub address: String,
    pub offset: u32,
    pub length: Option<u32>,
}

/// The content of a `metadata` account, as far as its bytes alone can tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MetadataContent {
    /// `direct`: the IDL JSON bytes.
    Idl(Vec<u8>),
    /// `url`: the URL the content is served from (not fetched here).
    Url(String),
    /// `external`: the account slice to fetch, then pass to [`decode_external_content`].
    External(ExternalRef),
}

/// A decoded `metadata` account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetadataAccount {
    pub header: MetadataHeader,
    pub content: MetadataContent,
}

/// Decodes the `metadata` account `account` (base58, for messages), checking that it is the
/// metadata of `program_id` under `seed` and that its format is JSON.
pub fn decode_metadata_account(
    account: &str,
    data: &[u8],
    program_id: &str,
    seed: &str,
) -> Result<MetadataAccount, PublishedIdlError> {
    let header = decode_header(account, data)?;
    if header.program != program_id {
        return Err(PublishedIdlError::Mismatch {
            account: account.to_owned(),
            field: "program",
            expected: program_id.to_owned(),
            found: header.program,
        });
    }
    // Compare the padded forms: a stored seed with bytes after its first zero is another seed.
    let stored_seed = field(account, data, "seed", 67, METADATA_SEED_LEN)?;
    if stored_seed != padded_seed(seed)? {
        return Err(PublishedIdlError::Mismatch {
            account: account.to_owned(),
            field: "seed",
            expected: seed.to_owned(),
            found: header.seed,
        });
    }
    if header.format != Format::Json {
        return Err(PublishedIdlError::UnsupportedFormat {
            account: account.to_owned(),
            format: header.format.as_str(),
        });
    }
    let available = data.len().saturating_sub(METADATA_HEADER_LEN);
    let body = usize::try_from(header.data_length)
        .ok()
        .and_then(|len| data.get(METADATA_HEADER_LEN..METADATA_HEADER_LEN.checked_add(len)?))
        .ok_or_else(|| PublishedIdlError::LengthBeyondAccount {
            account: account.to_owned(),
            field: "dataLength",
            offset: METADATA_HEADER_LEN,
            declared: u64::from(header.data_length),
            available,
        })?;
    let content = match header.data_source {
        DataSource::Direct => {
            MetadataContent::Idl(unpack(account, header.compression, header.encoding, body)?)
        }
        DataSource::Url => {
            let plain = decompress(account, header.compression, body, MAX_URL_BYTES)?;
            let text = render(account, header.encoding, plain, MAX_URL_BYTES)?;
            match String::from_utf8(text) {
                Ok(url) => MetadataContent::Url(url.trim().to_owned()),
                Err(e) => {
                    return Err(PublishedIdlError::InvalidUtf8 {
                        account: account.to_owned(),
                        valid_up_to: e.utf8_error().valid_up_to(),
                    })
                }
            }
        }
        DataSource::External => {
            let reference = field(account, body, "externalData", 0, EXTERNAL_DATA_LEN)?;
            let length = u32_le(&reference[36..40]);
            MetadataContent::External(ExternalRef {
                address: address_string(&reference[..32]),
                offset: u32_le(&reference[32..36]),
                length: (length != 0).then_some(length),
            })
        }
    };
    Ok(MetadataAccount { header, content })
}

/// The IDL JSON of an `external` source: the referenced slice of `external_data` (the data of
/// the account `reference.address`), decompressed and rendered as `header` says.
pub fn decode_external_content(
    header: &MetadataHeader,
    reference: &ExternalRef,
    external_data: &[u8],
) -> Result<Vec<u8>, PublishedIdlError> {
    let out_of_range = || PublishedIdlError::ExternalOutOfRange {
        account: reference.address.clone(),
        offset: reference.offset,
        length: reference.length,
        available: external_data.len(),
    };
    let start = usize::try_from(reference.offset).map_err(|_| out_of_range())?;
    let rest = external_data.get(start..).ok_or_else(out_of_range)?;
    let slice = match reference.length {
        None => rest,
        Some(length) => usize::try_from(length)
            .ok()
            .and_then(|length| rest.get(..length))
            .ok_or_else(out_of_range)?,
    };
    unpack(
        &reference.address,
        header.compression,
        header.encoding,
        slice,
    )
}

fn decode_header(account: &str, data: &[u8]) -> Result<MetadataHeader, PublishedIdlError> {
    let discriminator = field(account, data, "discriminator", 0, 1)?[0];
    if discriminator != METADATA_DISCRIMINATOR {
        return Err(PublishedIdlError::WrongDiscriminator {
            account: account.to_owned(),
            expected: "a Program Metadata metadata account",
            found: orquestra_idl::hex::encode(&[discriminator]),
        });
    }
    let byte = |name: &'static str, offset: usize| -> Result<u8, PublishedIdlError> {
        Ok(field(account, data, name, offset, 1)?[0])
    };
    let unknown =
        |name: &'static str, offset: usize, value: u8| PublishedIdlError::UnknownEnumValue {
            account: account.to_owned(),
            field: name,
            offset,
            value,
        };
    let program = address_string(field(account, data, "program", 1, 32)?);
    let authority_bytes = field(account, data, "authority", 33, 32)?;
    let authority = authority_bytes
        .iter()
        .any(|&b| b != 0)
        .then(|| address_string(authority_bytes));
    let mutable = byte("mutable", 65)? != 0;
    let canonical = byte("canonical", 66)? != 0;
    let seed_bytes = field(account, data, "seed", 67, METADATA_SEED_LEN)?;
    let seed_end = seed_bytes
        .iter()
        .position(|&b| b == 0)
        .unwrap_or(seed_bytes.len());
    let seed = String::from_utf8_lossy(&seed_bytes[..seed_end]).into_owned();
    let encoding_byte = byte("encoding", 83)?;
    let encoding = ContentEncoding::from_byte(encoding_byte)
        .ok_or_else(|| unknown("encoding", 83, encoding_byte))?;
    let compression_byte = byte("compression", 84)?;
    let compression = Compression::from_byte(compression_byte)
        .ok_or_else(|| unknown("compression", 84, compression_byte))?;
    let format_byte = byte("format", 85)?;
    let format =
        Format::from_byte(format_byte).ok_or_else(|| unknown("format", 85, format_byte))?;
    let source_byte = byte("dataSource", 86)?;
    let data_source =
        DataSource::from_byte(source_byte).ok_or_else(|| unknown("dataSource", 86, source_byte))?;
    let data_length = u32_le(field(account, data, "dataLength", 87, 4)?);
    // The 5 padding bytes belong to the header: a shorter account is truncated.
    field(account, data, "padding", 91, 5)?;
    Ok(MetadataHeader {
        program,
        authority,
        mutable,
        canonical,
        seed,
        encoding,
        compression,
        format,
        data_source,
        data_length,
    })
}
