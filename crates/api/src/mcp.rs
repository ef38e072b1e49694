//! Results of the MCP tools that are not a REST body as is: search results in one shape, pages of
//! instructions, and llms.txt wrapped for `structuredContent`. Every other tool's result is the
//! body of the REST route it calls.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::views::{InstructionEntry, Unusable, ViewHead};

/// A program found by `search_programs`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProgramMatch {
    /// The project id: the `projectId` of every other tool.
    pub id: String,
    /// The project's name.
    pub name: String,
    /// The program's address (base58).
    pub program_id: String,
    /// The project's description.
    pub description: Option<String>,
}

/// What `search_programs` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProgramSearch {
    /// The matches, best first (newest first when there was no query).
    pub projects: Vec<ProgramMatch>,
    /// How many projects matched in all (may exceed the page).
    pub total: u64,
    /// Whether the search was narrowed to a program list by `X-Scope-Key`.
    pub scoped: bool,
}

/// How much of each instruction a page carries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Detail {
    /// Name, first line of docs, argument names and types, signer accounts, counts.
    #[default]
    Summary,
    /// The instruction list's whole entry: argument details, every account with its flags, PDA
    /// seeds and defaults, the discriminator.
    Full,
}

/// An argument's name and type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ArgBrief {
    /// Argument name.
    pub name: String,
    /// Human type string (`u64`, `Vec<pubkey>`, `Option<Config>`).
    #[serde(rename = "type")]
    pub ty: String,
}

/// An instruction in summary form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InstructionBrief {
    /// Instruction name as in the IDL.
    pub name: String,
    /// The first line of its documentation.
    pub summary: Option<String>,
    /// Number of arguments a request gives.
    pub arg_count: usize,
    /// Number of (flattened) accounts.
    pub account_count: usize,
    /// The arguments.
    pub args: Vec<ArgBrief>,
    /// Paths of the accounts that sign.
    pub signers: Vec<String>,
    /// Whether it can be built.
    pub usable: bool,
    /// Why not, when it cannot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unusable: Option<Unusable>,
}

/// One instruction of a page: in summary form, or the list's whole entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum InstructionPageEntry {
    /// `detail: "summary"`.
    Brief(InstructionBrief),
    /// `detail: "full"` (and items the parser could not read, in either mode).
    Full(InstructionEntry),
}

/// A page of a program's instructions (`list_instructions`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InstructionPage {
    /// Project, program, IDL version and format.
    #[serde(flatten)]
    pub head: ViewHead,
    /// The form of the entries.
    pub detail: Detail,
    /// Instructions that match the filter, in all.
    pub total: usize,
    /// Index of the first entry of this page.
    pub offset: usize,
    /// Most entries a page holds.
    pub limit: usize,
    /// The offset of the next page; `null` on the last one.
    pub next_offset: Option<usize>,
    /// The entries, in IDL order.
    pub instructions: Vec<InstructionPageEntry>,
}

/// A program's llms.txt, as `read_llms_txt` returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LlmsTxt {
    /// The project.
    pub project_id: String,
    /// The document's media type.
    pub content_type: String,
    /// The document (Markdown).
    pub llms_txt: String,
}
