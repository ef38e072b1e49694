//! Text encodings of transaction bytes: base58 (Solana's default for signatures and small
//! transactions), base64 (what `sendTransaction`/`simulateTransaction` prefer, and the default
//! on the wire) and hex.

use base64::Engine as _;

use crate::TxError;

pub use orquestra_api::transaction::Encoding;

/// Bytes to and from the text of an [`Encoding`].
pub trait TextEncoding {
    /// `bytes` as text.
    fn encode(self, bytes: &[u8]) -> String;
    /// Text back to bytes; surrounding whitespace is ignored.
    fn decode(self, text: &str) -> Result<Vec<u8>, TxError>;
}

impl TextEncoding for Encoding {
    fn encode(self, bytes: &[u8]) -> String {
        match self {
            Encoding::Base58 => to_base58(bytes),
            Encoding::Base64 => to_base64(bytes),
        }
    }

    fn decode(self, text: &str) -> Result<Vec<u8>, TxError> {
        let text = text.trim();
        let invalid = |message: String| TxError::InvalidEncoding {
            encoding: self.as_str(),
            message,
        };
        match self {
            Encoding::Base58 => bs58::decode(text)
                .into_vec()
                .map_err(|e| invalid(e.to_string())),
            Encoding::Base64 => base64::engine::general_purpose::STANDARD
                .decode(text)
                .map_err(|e| invalid(e.to_string())),
        }
    }
}

/// Base58 text of `bytes`.
pub fn to_base58(bytes: &[u8]) -> String {
    bs58::encode(bytes).into_string()
}

/// Standard (padded) base64 text of `bytes`.
pub fn to_base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Lowercase hex of `bytes`.
pub fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

/// Bytes from hex text (either case, optional `0x` prefix); the error says what is wrong.
pub fn from_hex(text: &str) -> Result<Vec<u8>, String> {
    let digits = text.strip_prefix("0x").unwrap_or(text);
    if !digits.len().is_multiple_of(2) {
        return Err("hex has an odd number of digits".to_string());
    }
    let nibble = |c: u8| match c {
        b'0'..=b'9' => Ok(c - b'0'),
        b'a'..=b'f' => Ok(c - b'a' + 10),
        b'A'..=b'F' => Ok(c - b'A' + 10),
        _ => Err(format!("invalid hex digit `{}`", char::from(c))),
    };
    digits
        .as_bytes()
        .chunks(2)
        .map(|pair| match pair {
            [hi, lo] => Ok(nibble(*hi)? << 4 | nibble(*lo)?),
            _ => Err("hex has an odd number of digits".to_string()),
        })
        .collect()
}
