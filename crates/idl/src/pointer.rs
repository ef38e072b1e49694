//! JSON pointers (RFC 6901), which every problem, defect and codec error carries.

/// Appends one reference token to a JSON pointer, escaping `~` and `/` (RFC 6901).
pub fn join(ptr: &str, token: impl std::fmt::Display) -> String {
    let token = token.to_string();
    let mut out = String::with_capacity(ptr.len() + token.len() + 1);
    out.push_str(ptr);
    out.push('/');
    for c in token.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
    out
}

/// One reference token as a pointer from the root (`/name`, with `~` and `/` escaped).
pub fn token(name: &str) -> String {
    join("", name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_reference_tokens() {
        assert_eq!(join("/types/0", "a/b~c"), "/types/0/a~1b~0c");
        assert_eq!(join("", 3), "/3");
        assert_eq!(token("x"), "/x");
    }
}
