//! Identifiers and secrets: UUIDv4 row ids and API keys, all from the operating system's CSPRNG.

use sha2::{Digest, Sha256};

use crate::StoreError;

/// A new random (v4) UUID string for a primary key.
pub fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// `n` bytes from the OS CSPRNG.
pub fn random_bytes<const N: usize>() -> Result<[u8; N], StoreError> {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf).map_err(|e| StoreError::Random(e.to_string()))?;
    Ok(buf)
}

/// A new plain API key: `b58_` + 64 hex characters (256 random bits), the established key format.
pub fn new_api_key() -> Result<String, StoreError> {
    Ok(format!("b58_{}", hex::encode(random_bytes::<32>()?)))
}

/// What is stored in `api_keys.key`: SHA-256 of the plain key, hex. A fast hash is right here
/// because keys carry 256 bits of entropy; there is nothing to brute-force.
pub fn hash_api_key(plain: &str) -> String {
    hex::encode(Sha256::digest(plain.as_bytes()))
}

/// A new plain list scope key: `sk_` + 64 hex characters (256 random bits), the established key format.
pub fn new_scope_key() -> Result<String, StoreError> {
    Ok(format!("sk_{}", hex::encode(random_bytes::<32>()?)))
}

/// What is stored in `program_lists.scope_key_hash`: SHA-256 of the plain key, hex (a bearer
/// secret like an API key, hashed the same way).
pub fn hash_scope_key(plain: &str) -> String {
    hash_api_key(plain)
}

/// The part of a scope key a listing may show (`sk_` + 4 hex): enough to tell keys apart, 16 of
/// its 256 bits.
pub fn scope_key_prefix(plain: &str) -> String {
    plain.chars().take(7).collect()
}
