//! Text encodings of transaction bytes: base58 (Solana's default for signatures and small
//! transactions), base64 (what `sendTransaction`/`simulateTransaction` prefer) and hex.

use base64::Engine as _;
use serde::{Deserialize, Serialize};

use crate::TxError;

/// How transaction bytes are written as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Encoding {
    /// Bitcoin-alphabet base58 (the upstream service's default).
    #[default]
    Base58,
    /// Standard base64 with padding.
    Base64,
}

impl Encoding {
    /// The name used in JSON (`base58` / `base64`).
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Base58 => "base58",
            Encoding::Base64 => "base64",
        }
    }

    /// `bytes` as text.
    pub fn encode(self, bytes: &[u8]) -> String {
        match self {
            Encoding::Base58 => to_base58(bytes),
            Encoding::Base64 => to_base64(bytes),
        }
    }

    /// Text back to bytes; surrounding whitespace is ignored.
    pub fn decode(self, text: &str) -> Result<Vec<u8>, TxError> {
        let text = text.trim();
        match self {
            Encoding::Base58 => {
                bs58::decode(text)
                    .into_vec()
                    .map_err(|e| TxError::InvalidEncoding {
                        encoding: self.as_str(),
                        message: e.to_string(),
                    })
            }
            Encoding::Base64 => base64::engine::general_purpose::STANDARD
                .decode(text)
                .map_err(|e| TxError::InvalidEncoding {
                    encoding: self.as_str(),
                    message: e.to_string(),
                }),
        }
    }
}

impl std::str::FromStr for Encoding {
    type Err = TxError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "base58" | "bs58" => Ok(Encoding::Base58),
            "base64" | "b64" => Ok(Encoding::Base64),
            _ => Err(TxError::InvalidEncoding {
                encoding: "encoding",
                message: format!("unknown encoding `{s}` (expected base58 or base64)"),
            }),
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
