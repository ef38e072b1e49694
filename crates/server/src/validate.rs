//! Field validation shared by the routes; every failure names the field's JSON pointer.

use crate::ApiError;

/// A Solana address: base58 that decodes to exactly 32 bytes.
pub fn pubkey(pointer: &str, value: &str) -> Result<(), ApiError> {
    orquestra_idl::address::parse_address(value)
        .map(drop)
        .map_err(|_| ApiError::invalid(pointer, "expected a 32-byte base58 address"))
}

/// Trimmed text of 1..=max characters.
pub fn required_text(pointer: &str, value: &str, max: usize) -> Result<String, ApiError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(ApiError::invalid(pointer, "must not be empty"));
    }
    optional_text(pointer, Some(value), max).map(|v| v.unwrap_or_default())
}

/// Optional text of at most `max` characters; empty becomes `None`.
pub fn optional_text(
    pointer: &str,
    value: Option<&str>,
    max: usize,
) -> Result<Option<String>, ApiError> {
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    if value.chars().count() > max {
        return Err(ApiError::invalid(
            pointer,
            format!("must be at most {max} characters"),
        ));
    }
    Ok(Some(value.to_string()))
}

/// An absolute `http(s)` URL with a host, at most 300 characters; empty/null clears (`None`).
pub fn optional_url(pointer: &str, value: Option<&str>) -> Result<Option<String>, ApiError> {
    let Some(text) = optional_text(pointer, value, 300)? else {
        return Ok(None);
    };
    match reqwest::Url::parse(&text) {
        Ok(url)
            if matches!(url.scheme(), "http" | "https")
                && url.host_str().is_some_and(|h| !h.is_empty()) =>
        {
            Ok(Some(text))
        }
        _ => Err(ApiError::invalid(pointer, "expected an http(s) URL")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_fields() {
        assert!(pubkey("/p", "11111111111111111111111111111111").is_ok());
        assert!(pubkey("/p", "1111").is_err());
        assert!(pubkey("/p", "0OIl").is_err());
        assert_eq!(required_text("/n", "  x ", 3).unwrap(), "x");
        assert!(required_text("/n", "   ", 3).is_err());
        assert!(required_text("/n", "abcd", 3).is_err());
        assert_eq!(optional_url("/u", Some("")).unwrap(), None);
        assert!(optional_url("/u", Some("https://x.com/a"))
            .unwrap()
            .is_some());
        assert!(optional_url("/u", Some("javascript:alert(1)")).is_err());
        assert!(optional_url("/u", Some("not a url")).is_err());
        let err = optional_url("/socials/twitter", Some("ftp://x")).unwrap_err();
        assert_eq!(err.details[0].path, "/socials/twitter");
    }
}
