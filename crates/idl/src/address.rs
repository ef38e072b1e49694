//! Solana addresses as text: the one validator every crate of the workspace uses.

/// Why text is not an address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddressError {
    #[error("`{0}` is not a valid address (32-byte base58)")]
    Invalid(String),
}

/// The 32 bytes of a base58 address. Longer input is refused without decoding all of it.
pub fn parse_address(text: &str) -> Result<[u8; 32], AddressError> {
    let mut bytes = [0u8; 32];
    match bs58::decode(text).onto(&mut bytes[..]) {
        Ok(32) => Ok(bytes),
        _ => Err(AddressError::Invalid(text.to_owned())),
    }
}

/// Whether `text` is a base58 address of exactly 32 bytes.
pub fn is_valid_address(text: &str) -> bool {
    parse_address(text).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses() {
        assert_eq!(
            parse_address("11111111111111111111111111111111"),
            Ok([0; 32])
        );
        assert!(is_valid_address(
            "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA"
        ));
        assert!(!is_valid_address("1111"));
        assert!(!is_valid_address("0OIl"));
        assert!(!is_valid_address(&"2".repeat(60)));
        assert!(!is_valid_address(""));
    }
}
