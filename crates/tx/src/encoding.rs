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

/// Hex is the workspace's one implementation; these names stay for existing callers.
pub use orquestra_idl::hex::{decode as from_hex, encode as to_hex};

/// Text as a Solana [`Address`](solana_address::Address), through the workspace's one address
/// validator (`orquestra_idl::address`).
pub(crate) trait ToAddress {
    fn to_address(&self) -> Result<solana_address::Address, orquestra_idl::address::AddressError>;
}

impl ToAddress for str {
    fn to_address(&self) -> Result<solana_address::Address, orquestra_idl::address::AddressError> {
        orquestra_idl::address::parse_address(self).map(solana_address::Address::from)
    }
}
