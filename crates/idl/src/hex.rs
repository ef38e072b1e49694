//! Hexadecimal text ↔ bytes: the one implementation every crate of the workspace uses.

/// Why hex text could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HexError {
    #[error("hex has an odd number of digits")]
    OddLength,
    #[error("invalid hex digit `{0}`")]
    InvalidDigit(char),
}

/// Lowercase hex of `bytes`.
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    push(&mut out, bytes);
    out
}

/// Appends the lowercase hex of `bytes` to `out`.
pub fn push(out: &mut String, bytes: &[u8]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
}

/// Bytes from hex text: either case, an optional `0x` prefix, an even number of digits.
pub fn decode(text: &str) -> Result<Vec<u8>, HexError> {
    let digits = text.strip_prefix("0x").unwrap_or(text);
    if digits.len() % 2 == 1 {
        return Err(HexError::OddLength);
    }
    digits
        .as_bytes()
        .chunks(2)
        .map(|pair| match pair {
            [hi, lo] => Ok(nibble(*hi)? << 4 | nibble(*lo)?),
            _ => Err(HexError::OddLength),
        })
        .collect()
}

fn nibble(c: u8) -> Result<u8, HexError> {
    match c {
        b'0'..=b'9' => Ok(c - b'0'),
        b'a'..=b'f' => Ok(c - b'a' + 10),
        b'A'..=b'F' => Ok(c - b'A' + 10),
        // A multi-byte UTF-8 character shows as its first byte's Latin-1 reading; still a
        // clear "not a hex digit".
        _ => Err(HexError::InvalidDigit(char::from(c))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_errors() {
        assert_eq!(encode(&[0, 10, 255]), "000aff");
        assert_eq!(decode("000aFF"), Ok(vec![0, 10, 255]));
        assert_eq!(decode("0x0a"), Ok(vec![10]));
        assert_eq!(decode(""), Ok(vec![]));
        assert_eq!(decode("abc"), Err(HexError::OddLength));
        assert_eq!(decode("zz"), Err(HexError::InvalidDigit('z')));
    }
}
