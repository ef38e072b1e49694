//! How published content is stored: compression, text encoding, format. Bounded decompression
//! and the JSON check shared by both schemes.

use std::io::Read;

use base64::Engine as _;

use super::{PublishedIdlError, MAX_IDL_BYTES};

/// The Program Metadata `encoding` field: how the content's *text* maps to the stored bytes.
///
/// The Program Metadata clients write `compress(encode(text))` and read back
/// `decode(decompress(bytes))`, where `encode` turns the text into bytes and `decode` renders
/// bytes as text: `utf8` stores the text's UTF-8 bytes; `base58`/`base64` store the bytes the
/// text spells in that alphabet (so reading renders them back as base58/base64 text); `none`
/// does the same with hexadecimal. The text read back is the content, whose `format` says how to
/// parse it. A JSON IDL is therefore stored `utf8`; the other encodings are rendered faithfully,
/// and their text is then refused by the JSON check unless it happens to be JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContentEncoding {
    None,
    Utf8,
    Base58,
    Base64,
}

impl ContentEncoding {
    pub(crate) fn from_byte(value: u8) -> Option<Self> {
        Some(match value {
            0 => Self::None,
            1 => Self::Utf8,
            2 => Self::Base58,
            3 => Self::Base64,
            _ => return None,
        })
    }

    /// `none`, `utf8`, `base58`, `base64`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Utf8 => "utf8",
            Self::Base58 => "base58",
            Self::Base64 => "base64",
        }
    }
}

/// The Program Metadata `compression` field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    None,
    Gzip,
    Zlib,
}

impl Compression {
    pub(crate) fn from_byte(value: u8) -> Option<Self> {
        Some(match value {
            0 => Self::None,
            1 => Self::Gzip,
            2 => Self::Zlib,
            _ => return None,
        })
    }

    /// `none`, `gzip`, `zlib`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Gzip => "gzip",
            Self::Zlib => "zlib",
        }
    }
}

/// The Program Metadata `format` field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    None,
    Json,
    Yaml,
    Toml,
}

impl Format {
    pub(crate) fn from_byte(value: u8) -> Option<Self> {
        Some(match value {
            0 => Self::None,
            1 => Self::Json,
            2 => Self::Yaml,
            3 => Self::Toml,
            _ => return None,
        })
    }

    /// `none`, `json`, `yaml`, `toml`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Json => "json",
            Self::Yaml => "yaml",
            Self::Toml => "toml",
        }
    }
}

/// Base58 rendering is quadratic in the input length, so it is refused past this many bytes
/// (a JSON IDL is never stored base58; this only bounds the work a hostile account can cause).
pub const MAX_BASE58_CONTENT_BYTES: usize = 8 * 1024;

/// Decompresses `bytes`, reading at most `limit + 1` bytes of output: more than `limit` is
/// [`PublishedIdlError::TooLarge`], so memory stays bounded whatever the stream claims.
pub(crate) fn decompress(
    account: &str,
    compression: Compression,
    bytes: &[u8],
    limit: usize,
) -> Result<Vec<u8>, PublishedIdlError> {
    let too_large = || PublishedIdlError::TooLarge {
        account: account.to_owned(),
        limit,
    };
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    let mut out = Vec::new();
    let read = match compression {
        Compression::None => {
            if bytes.len() > limit {
                return Err(too_large());
            }
            return Ok(bytes.to_vec());
        }
        Compression::Zlib => flate2::read::ZlibDecoder::new(bytes)
            .take(cap)
            .read_to_end(&mut out),
        Compression::Gzip => flate2::read::GzDecoder::new(bytes)
            .take(cap)
            .read_to_end(&mut out),
    };
    read.map_err(|e| PublishedIdlError::Decompress {
        account: account.to_owned(),
        compression: compression.as_str(),
        message: e.to_string(),
    })?;
    if out.len() > limit {
        return Err(too_large());
    }
    Ok(out)
}

/// Renders decompressed bytes as the content text the encoding defines (see
/// [`ContentEncoding`]), refusing before allocating when the text would exceed `limit`.
pub(crate) fn render(
    account: &str,
    encoding: ContentEncoding,
    bytes: Vec<u8>,
    limit: usize,
) -> Result<Vec<u8>, PublishedIdlError> {
    let too_large = || PublishedIdlError::TooLarge {
        account: account.to_owned(),
        limit,
    };
    match encoding {
        ContentEncoding::Utf8 => match std::str::from_utf8(&bytes) {
            Ok(_) => Ok(bytes),
            Err(e) => Err(PublishedIdlError::InvalidUtf8 {
                account: account.to_owned(),
                valid_up_to: e.valid_up_to(),
            }),
        },
        ContentEncoding::None => {
            if bytes.len().saturating_mul(2) > limit {
                return Err(too_large());
            }
            Ok(orquestra_idl::hex::encode(&bytes).into_bytes())
        }
        ContentEncoding::Base64 => {
            if bytes.len().div_ceil(3).saturating_mul(4) > limit {
                return Err(too_large());
            }
            Ok(base64::engine::general_purpose::STANDARD
                .encode(&bytes)
                .into_bytes())
        }
        ContentEncoding::Base58 => {
            if bytes.len() > MAX_BASE58_CONTENT_BYTES.min(limit) {
                return Err(too_large());
            }
            Ok(bs58::encode(&bytes).into_string().into_bytes())
        }
    }
}

/// Checks that `bytes` are one JSON document (UTF-8; serde_json's nesting limit applies).
pub fn check_json(account: &str, bytes: &[u8]) -> Result<(), PublishedIdlError> {
    serde_json::from_slice::<serde::de::IgnoredAny>(bytes)
        .map(|_| ())
        .map_err(|e| PublishedIdlError::NotJson {
            account: account.to_owned(),
            message: e.to_string(),
        })
}

/// Decompresses, renders and checks one stored content: the IDL JSON bytes.
pub(crate) fn unpack(
    account: &str,
    compression: Compression,
    encoding: ContentEncoding,
    bytes: &[u8],
) -> Result<Vec<u8>, PublishedIdlError> {
    let plain = decompress(account, compression, bytes, MAX_IDL_BYTES)?;
    let text = render(account, encoding, plain, MAX_IDL_BYTES)?;
    check_json(account, &text)?;
    Ok(text)
}
