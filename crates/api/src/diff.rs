//! The structured difference between two versions of a program's IDL: which instructions,
//! accounts, types, events and errors were added, removed or changed, each change classed as
//! breaking or compatible for clients built against the older version.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What kind of IDL item a change is about. Changes are ordered by kind in this order.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "camelCase")]
pub enum DiffItemKind {
    /// An instruction.
    Instruction,
    /// An account type (stored account data).
    Account,
    /// A named type definition that is not an account's or an event's own layout.
    Type,
    /// An event.
    Event,
    /// A program error.
    Error,
}

impl DiffItemKind {
    /// The kind's name as serialised (`instruction`, `account`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            DiffItemKind::Instruction => "instruction",
            DiffItemKind::Account => "account",
            DiffItemKind::Type => "type",
            DiffItemKind::Event => "event",
            DiffItemKind::Error => "error",
        }
    }
}

/// Whether an item is new, gone or different.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum ChangeStatus {
    /// Only in the newer IDL.
    Added,
    /// Only in the older IDL.
    Removed,
    /// In both, with at least one difference (listed in `details`).
    Changed,
}

impl ChangeStatus {
    /// The status as serialised (`added`, `removed`, `changed`).
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeStatus::Added => "added",
            ChangeStatus::Removed => "removed",
            ChangeStatus::Changed => "changed",
        }
    }
}

/// Whether a change can break a client built against the older IDL.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "camelCase")]
pub enum Severity {
    /// Existing clients keep working: bytes they send and read mean what they meant.
    Compatible,
    /// Existing clients may send bytes or accounts the program refuses, or misread what it
    /// stores or emits.
    Breaking,
}

impl Severity {
    /// The severity as serialised (`compatible`, `breaking`).
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Compatible => "compatible",
            Severity::Breaking => "breaking",
        }
    }
}

/// What one detail of a changed item is (a short machine code).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ChangeCode {
    /// The bytes identifying the instruction, account or event changed.
    DiscriminatorChanged,
    /// Documentation text changed; nothing on the wire did.
    DocsChanged,
    /// An instruction argument was added (Borsh is positional: older clients send too few bytes).
    ArgAdded,
    /// An instruction argument was removed.
    ArgRemoved,
    /// An instruction argument's type changed.
    ArgRetyped,
    /// An instruction argument changed position relative to the others.
    ArgMoved,
    /// An instruction argument was renamed at the same position with the same type.
    ArgRenamed,
    /// An account was added to an instruction's account list.
    AccountAdded,
    /// An account was removed from an instruction's account list.
    AccountRemoved,
    /// An instruction account changed position relative to the others.
    AccountMoved,
    /// An instruction account was renamed at the same position with the same role.
    AccountRenamed,
    /// An instruction account's signer or writable flag changed.
    RoleChanged,
    /// An instruction account became optional or required.
    OptionalChanged,
    /// The fixed address both IDLs state for an instruction account differs.
    AddressChanged,
    /// The PDA seeds both IDLs state for an instruction account differ.
    PdaChanged,
    /// A field was added to a type or event (its layout changed).
    FieldAdded,
    /// A field was appended at the end of an account, after every existing field.
    FieldAppended,
    /// A field was removed.
    FieldRemoved,
    /// A field's type changed.
    FieldRetyped,
    /// A field changed position relative to the others.
    FieldMoved,
    /// A field was renamed at the same position with the same type.
    FieldRenamed,
    /// A field kept its name and type but starts at another byte offset.
    FieldOffsetChanged,
    /// An enum variant was added.
    VariantAdded,
    /// An enum variant was removed.
    VariantRemoved,
    /// An enum variant changed position or tag value.
    VariantMoved,
    /// An enum variant's payload changed.
    VariantRetyped,
    /// An enum variant was renamed with the same tag and payload.
    VariantRenamed,
    /// A field, argument or type refers to a named type whose layout changed.
    ChangedViaType,
    /// The shape of the item as a whole changed (struct ↔ enum, an alias's target, an enum's
    /// tag size, generic parameters).
    LayoutChanged,
    /// An instruction's return type changed.
    ReturnsChanged,
    /// An error's numeric code changed for the same name.
    CodeChanged,
    /// An error code is now under another name.
    ErrorRenamed,
    /// An error's message changed.
    MessageChanged,
}

/// One difference inside a changed item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChangeDetail {
    /// JSON-pointer-like path of what changed, named with the newer IDL's names where the item
    /// exists in it (`/instructions/swap/args/amount`, `/accounts/Pool/fields/fee`).
    pub path: String,
    /// What kind of difference this is.
    pub code: ChangeCode,
    /// The difference for people, with the old and new values (`u64 → u32`).
    pub message: String,
    /// Whether this difference alone can break existing clients.
    pub severity: Severity,
}

/// One item that was added, removed or changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ItemChange {
    /// What kind of item it is.
    pub kind: DiffItemKind,
    /// The item's name: in the newer IDL if it is there, else in the older one.
    pub name: String,
    /// Added, removed or changed.
    pub status: ChangeStatus,
    /// The most severe of its details; for added and removed items, that of the item itself.
    pub severity: Severity,
    /// For a changed item, each difference found; empty for added and removed items.
    pub details: Vec<ChangeDetail>,
}

/// How many items of one kind were added, removed and changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct KindCounts {
    /// Items only in the newer IDL.
    pub added: usize,
    /// Items only in the older IDL.
    pub removed: usize,
    /// Items in both that differ.
    pub changed: usize,
}

/// Counts over all changes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DiffSummary {
    /// Items whose change is breaking.
    pub breaking: usize,
    /// Items whose change is compatible.
    pub compatible: usize,
    /// Instructions added, removed and changed.
    pub instructions: KindCounts,
    /// Account types added, removed and changed.
    pub accounts: KindCounts,
    /// Type definitions added, removed and changed.
    pub types: KindCounts,
    /// Events added, removed and changed.
    pub events: KindCounts,
    /// Errors added, removed and changed.
    pub errors: KindCounts,
}

impl DiffSummary {
    /// The counts of one kind.
    pub fn kind(&self, kind: DiffItemKind) -> &KindCounts {
        match kind {
            DiffItemKind::Instruction => &self.instructions,
            DiffItemKind::Account => &self.accounts,
            DiffItemKind::Type => &self.types,
            DiffItemKind::Event => &self.events,
            DiffItemKind::Error => &self.errors,
        }
    }

    /// The counts of one kind, to update.
    pub fn kind_mut(&mut self, kind: DiffItemKind) -> &mut KindCounts {
        match kind {
            DiffItemKind::Instruction => &mut self.instructions,
            DiffItemKind::Account => &mut self.accounts,
            DiffItemKind::Type => &mut self.types,
            DiffItemKind::Event => &mut self.events,
            DiffItemKind::Error => &mut self.errors,
        }
    }
}

/// Which program and version one side of a diff is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DiffProgram {
    /// The program's name in its IDL.
    pub name: String,
    /// Base58 program id, when the IDL (or the caller) states one.
    pub program_id: Option<String>,
    /// The IDL's format (`anchor`, `anchor-legacy`, `shank`, `codama`).
    pub format: String,
    /// The stored IDL version number, when the caller knows it (the engine leaves it empty).
    pub version: Option<i64>,
}

/// The difference between an older (`from`) and a newer (`to`) IDL of a program.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct IdlDiff {
    /// The older IDL.
    pub from: DiffProgram,
    /// The newer IDL.
    pub to: DiffProgram,
    /// Whether any change is breaking.
    pub breaking: bool,
    /// Counts per severity and per kind.
    pub summary: DiffSummary,
    /// Every added, removed or changed item, ordered by kind, then name.
    pub changes: Vec<ItemChange>,
}
