//! The generated read API of a program (`/api/{projectId}/…`): instructions, accounts, types,
//! errors, events, constants, PDAs, the IDL and the docs, plus the public sitemap.
//!
//! Every program view starts with [`ViewHead`] (`projectId`, `programName`, `programId`, `version`,
//! `format`); list views follow it with `total` and the list. Field names that clients of the
//! original service read (`isMut`, `isSigner`, `isOptional`, `accountCount`, `argCount`, `msg`) are
//! part of the API and kept next to clearer ones (`writable`, `signer`, `optional`).
//!
//! Values whose shape depends on the program (canonical-JSON examples, argument defaults, the IDL
//! document itself) are `serde_json::Value`, documented as such; everything else is typed.

mod documents;
mod items;

pub use documents::*;
pub use items::*;

pub use crate::intake::{IdlFormat, IdlItemKind, IdlWarning, IdlWarningCode};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What every program view starts with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ViewHead {
    /// The project the program belongs to.
    pub project_id: String,
    /// The program's name, for every IDL format.
    pub program_name: String,
    /// The program's address (base58).
    pub program_id: String,
    /// The IDL version the view is built from.
    pub version: i64,
    /// The format of that IDL.
    pub format: IdlFormat,
}

/// A defect of one item: nothing is encoded or decoded through it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Unusable {
    /// What kind of problem it is.
    pub code: IdlWarningCode,
    /// JSON pointer into the IDL document.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

/// An item the IDL names but the parser could not read: listed so a reader sees the whole IDL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnreadableItem {
    /// The item's name as written (`#N` when it has none).
    pub name: String,
    /// Always `false`.
    pub usable: bool,
    /// Why it could not be read.
    pub unusable: Unusable,
}

/// A list entry of IDL items: the item, or the name of one the parser could not read.
macro_rules! listed {
    ($(#[$doc:meta])* $name:ident, $item:ty) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
        #[serde(untagged)]
        pub enum $name {
            /// A readable item.
            Item($item),
            /// An item the parser could not read.
            Unreadable(UnreadableItem),
        }
    };
}

listed!(
    /// An instruction, or one the parser could not read.
    InstructionEntry,
    InstructionSummary
);
listed!(
    /// An account type, or one the parser could not read.
    AccountTypeEntry,
    AccountTypeView
);
listed!(
    /// A type, or one the parser could not read.
    TypeEntry,
    TypeView
);
listed!(
    /// An error, or one the parser could not read.
    ProgramErrorEntry,
    ProgramErrorView
);
listed!(
    /// An event, or one the parser could not read.
    EventEntry,
    EventView
);
listed!(
    /// A constant, or one the parser could not read.
    ConstantEntry,
    ConstantView
);

/// A list view: the head, the number of entries and the entries.
macro_rules! list_view {
    ($(#[$doc:meta])* $name:ident, $field:ident, $entry:ty) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
        pub struct $name {
            /// Project, program, IDL version and format.
            #[serde(flatten)]
            pub head: ViewHead,
            /// Number of entries.
            pub total: usize,
            /// The entries, in IDL order (unreadable items last).
            pub $field: Vec<$entry>,
        }
    };
}

list_view!(
    /// `GET /api/{projectId}/instructions`.
    InstructionsView,
    instructions,
    InstructionEntry
);
list_view!(
    /// `GET /api/{projectId}/accounts`: account types with their byte layouts.
    AccountsView,
    accounts,
    AccountTypeEntry
);
list_view!(
    /// `GET /api/{projectId}/types`: structs with fields, enums with variants.
    TypesView,
    types,
    TypeEntry
);
list_view!(
    /// `GET /api/{projectId}/errors`.
    ErrorsView,
    errors,
    ProgramErrorEntry
);
list_view!(
    /// `GET /api/{projectId}/events`.
    EventsView,
    events,
    EventEntry
);
list_view!(
    /// `GET /api/{projectId}/constants`.
    ConstantsView,
    constants,
    ConstantEntry
);

/// `GET /api/{projectId}/instructions/{name}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct InstructionView {
    /// Project, program, IDL version and format.
    #[serde(flatten)]
    pub head: ViewHead,
    /// The instruction.
    pub instruction: InstructionDetail,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;
    use std::collections::BTreeMap;

    fn refs(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::Object(o) => {
                if let Some(Value::String(r)) = o.get("$ref") {
                    out.push(r.clone());
                }
                o.values().for_each(|v| refs(v, out));
            }
            Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }

    fn closed<T: ToSchema>() -> Vec<String> {
        let schemas: BTreeMap<String, Value> =
            crate::component_schemas::<T>().into_iter().collect();
        let mut found = Vec::new();
        schemas.values().for_each(|s| refs(s, &mut found));
        found
            .into_iter()
            .filter(|r| {
                r.strip_prefix("#/components/schemas/")
                    .is_none_or(|name| !schemas.contains_key(name))
            })
            .collect()
    }

    #[test]
    fn every_view_schema_refers_only_to_schemas_it_brings() {
        let dangling = [
            closed::<InstructionsView>(),
            closed::<InstructionView>(),
            closed::<AccountsView>(),
            closed::<TypesView>(),
            closed::<ErrorsView>(),
            closed::<EventsView>(),
            closed::<ConstantsView>(),
            closed::<IdlView>(),
            closed::<DocsView>(),
            closed::<Sitemap>(),
        ]
        .concat();
        assert!(dangling.is_empty(), "{dangling:?}");
    }

    #[test]
    fn signer_roles_are_booleans_or_either() {
        for (role, json) in [
            (SignerRole::No, "false"),
            (SignerRole::Yes, "true"),
            (SignerRole::Either, "\"either\""),
        ] {
            assert_eq!(serde_json::to_string(&role).ok().as_deref(), Some(json));
            assert_eq!(serde_json::from_str::<SignerRole>(json).ok(), Some(role));
        }
        assert!(serde_json::from_str::<SignerRole>("\"maybe\"").is_err());
    }
}
