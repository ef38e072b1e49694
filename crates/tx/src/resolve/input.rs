//! The accounts of a request as callers write them: flat names and dotted group paths
//! (`"pool.authority"`), or composite groups nested the way Anchor clients write them
//! (`{"pool": {"authority": …}}`). Both become the flat map [`super::ResolveRequest`] takes.

use std::collections::BTreeMap;

use orquestra_api::transaction::AccountInput;

use super::ResolveError;

/// Deeper than any IDL nests account groups; bounds the walk over untrusted input.
const MAX_GROUP_DEPTH: usize = 16;

/// The accounts keyed by flat path (`group.account`), nested groups flattened. An account given
/// both ways must have the same value in both, else [`ResolveError::ConflictingAccounts`].
pub fn flatten_accounts(
    accounts: &BTreeMap<String, Option<AccountInput>>,
) -> Result<BTreeMap<String, Option<String>>, ResolveError> {
    let mut flat = BTreeMap::new();
    for (name, value) in accounts {
        insert(&mut flat, name.clone(), value.as_ref(), 0)?;
    }
    Ok(flat)
}

fn insert(
    flat: &mut BTreeMap<String, Option<String>>,
    path: String,
    value: Option<&AccountInput>,
    depth: usize,
) -> Result<(), ResolveError> {
    match value {
        Some(AccountInput::Group(members)) => {
            if depth >= MAX_GROUP_DEPTH {
                return Err(ResolveError::TooDeep {
                    account: path,
                    max: MAX_GROUP_DEPTH,
                });
            }
            for (name, member) in members {
                insert(flat, format!("{path}.{name}"), member.as_ref(), depth + 1)?;
            }
            Ok(())
        }
        leaf => {
            let address = match leaf {
                Some(AccountInput::Address(address)) => Some(address.clone()),
                _ => None,
            };
            match flat.get(&path) {
                Some(existing) if *existing != address => {
                    Err(ResolveError::ConflictingAccounts { account: path })
                }
                _ => {
                    flat.insert(path, address);
                    Ok(())
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> BTreeMap<String, Option<AccountInput>> {
        serde_json::from_str(json).unwrap_or_default()
    }

    #[test]
    fn nested_groups_become_dotted_paths() {
        let flat = flatten_accounts(&parse(
            r#"{"payer": "P", "pool": {"authority": "A", "inner": {"vault": "V"}, "extra": null}}"#,
        ));
        let expected = BTreeMap::from([
            ("payer".to_string(), Some("P".to_string())),
            ("pool.authority".to_string(), Some("A".to_string())),
            ("pool.extra".to_string(), None),
            ("pool.inner.vault".to_string(), Some("V".to_string())),
        ]);
        assert_eq!(flat.ok(), Some(expected));
    }

    #[test]
    fn both_spellings_must_agree() {
        let same = flatten_accounts(&parse(
            r#"{"pool": {"authority": "A"}, "pool.authority": "A"}"#,
        ));
        assert_eq!(same.map(|f| f.len()).ok(), Some(1));
        let conflict = flatten_accounts(&parse(
            r#"{"pool": {"authority": "A"}, "pool.authority": "B"}"#,
        ));
        assert!(matches!(
            conflict,
            Err(ResolveError::ConflictingAccounts { account }) if account == "pool.authority"
        ));
    }

    #[test]
    fn depth_is_bounded() {
        let mut json = String::from("\"A\"");
        for _ in 0..40 {
            json = format!("{{\"g\": {json}}}");
        }
        let input = parse(&format!("{{\"root\": {json}}}"));
        assert!(matches!(
            flatten_accounts(&input),
            Err(ResolveError::TooDeep { .. })
        ));
    }
}
