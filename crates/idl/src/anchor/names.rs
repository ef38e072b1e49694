//! Name conversions and sighash discriminators, matching what the Anchor TypeScript client does.

use sha2::{Digest, Sha256};

/// The first 8 bytes of `sha256("{namespace}:{name}")`.
pub fn sighash(namespace: &str, name: &str) -> Vec<u8> {
    let mut hasher = Sha256::new();
    hasher.update(namespace.as_bytes());
    hasher.update(b":");
    hasher.update(name.as_bytes());
    hasher.finalize()[..8].to_vec()
}

/// `snakeCase` of the `snake-case` npm package (change-case 4), which @coral-xyz/anchor 0.29 uses
/// for instruction sighashes: split `aB` / `1B` and `ABc` boundaries, drop non-alphanumerics,
/// lower-case, join with `_`. Digits never start a new word (`initializeV2` → `initialize_v2`,
/// `swap2Tokens` → `swap2_tokens`, `route_v2` → `route_v2`).
pub fn snake_case(input: &str) -> String {
    let chars: Vec<char> = input.chars().collect();
    let sep = '\0';
    // /([a-z0-9])([A-Z])/g
    let mut first = Vec::with_capacity(chars.len() + 4);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if i + 1 < chars.len()
            && (c.is_ascii_lowercase() || c.is_ascii_digit())
            && chars[i + 1].is_ascii_uppercase()
        {
            first.extend([c, sep, chars[i + 1]]);
            i += 2;
        } else {
            first.push(c);
            i += 1;
        }
    }
    // /([A-Z])([A-Z][a-z])/g
    let mut second = Vec::with_capacity(first.len() + 4);
    let mut i = 0;
    while i < first.len() {
        let c = first[i];
        if i + 2 < first.len()
            && c.is_ascii_uppercase()
            && first[i + 1].is_ascii_uppercase()
            && first[i + 2].is_ascii_lowercase()
        {
            second.extend([c, sep, first[i + 1], first[i + 2]]);
            i += 3;
        } else {
            second.push(c);
            i += 1;
        }
    }
    // strip /[^A-Z0-9]+/gi → separator, then trim and join
    let mut words: Vec<String> = vec![String::new()];
    for c in second {
        if c.is_ascii_alphanumeric() {
            if let Some(w) = words.last_mut() {
                w.push(c.to_ascii_lowercase());
            }
        } else if words.last().is_some_and(|w| !w.is_empty()) {
            words.push(String::new());
        }
    }
    words.retain(|w| !w.is_empty());
    words.join("_")
}

/// `camelcase(name, { pascalCase: true, preserveConsecutiveUppercase: true })` of the `camelcase`
/// npm package (v6), which @coral-xyz/anchor 0.29 applies to account names before hashing
/// (`priceUpdateV2` → `PriceUpdateV2`, `my_account` → `MyAccount`): separators are dropped and the
/// next character upper-cased, a character after digits is upper-cased, the first one too; the
/// rest keeps its case.
pub fn pascal_case(input: &str) -> String {
    let trimmed = input.trim().trim_start_matches(['_', '.', '-', ' ']);
    let mut out = String::with_capacity(trimmed.len());
    let mut upper_next = true;
    let mut after_digit = false;
    for c in trimmed.chars() {
        if matches!(c, '_' | '.' | '-' | ' ') {
            upper_next = true;
            after_digit = false;
            continue;
        }
        if upper_next || (after_digit && !c.is_ascii_digit()) {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        upper_next = false;
        after_digit = c.is_ascii_digit();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_matches_change_case() {
        assert_eq!(snake_case("initializeVault"), "initialize_vault");
        assert_eq!(snake_case("initializeV2"), "initialize_v2");
        assert_eq!(snake_case("swap2Tokens"), "swap2_tokens");
        assert_eq!(snake_case("CLMMConfig"), "clmm_config");
        assert_eq!(snake_case("already_snake"), "already_snake");
        assert_eq!(snake_case("x"), "x");
    }

    #[test]
    fn pascal_case_matches_camelcase_npm() {
        assert_eq!(pascal_case("priceUpdateV2"), "PriceUpdateV2");
        assert_eq!(pascal_case("my_account"), "MyAccount");
        assert_eq!(pascal_case("CLMMConfig"), "CLMMConfig");
        assert_eq!(pascal_case("v2account"), "V2Account");
    }
}
