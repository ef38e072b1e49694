//! Casing of item and field names, shared by every format and the codec: camelCase ↔ snake_case,
//! and the casing-insensitive key lenient lookups compare.

/// The key lenient lookups compare: lower-cased without `_` and `-`, so
/// `initialize_vault`, `initializeVault` and `InitializeVault` compare equal.
pub fn loose_key(name: &str) -> String {
    name.chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

/// snake_case → camelCase (`some_field` → `someField`); leaves names without `_` alone.
pub fn to_camel(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for (i, c) in name.chars().enumerate() {
        if c == '_' && i > 0 {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// camelCase → snake_case (`someField` → `some_field`, `fieldV2` → `field_v2`).
pub fn to_snake(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn camel_snake() {
        assert_eq!(to_camel("some_field"), "someField");
        assert_eq!(to_snake("someField"), "some_field");
        assert_eq!(loose_key("Some_Field"), loose_key("someField"));
    }
}
