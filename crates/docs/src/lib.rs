//! `orquestra-docs`: everything a reader (person, AI agent or code generator) sees of a program,
//! generated from the normalised [`orquestra_idl::Program`] model.
//!
//! * [`views`]: the bodies of the REST read API (`/api/{projectId}/instructions`, `…/accounts`,
//!   …) as the typed `orquestra_api::views` structs, `programName` always present.
//! * [`example_value`] / [`example_args`]: canonical-JSON example values the codec
//!   accepts, used in views, docs and the OpenAPI document.
//! * [`json_schema`]: draft 2020-12 JSON Schema of a type's canonical JSON.
//! * [`program_openapi`]: an OpenAPI 3.1 document for one program, with a typed `build_<name>`
//!   operation per instruction.
//! * [`cpi_md`] (the `CPI.md` Markdown reference) and [`llms_txt`] (the llms.txt document).
//! * [`diff()`] (the structured difference between two programs, breaking or compatible per change)
//!   and [`render_markdown`] (that difference as a Markdown report).
//! * [`render_type`] (human type strings such as `Vec<pubkey>`) and [`escape_cell`] (Markdown
//!   escaping of user-controlled text).
//!
//! Pure: no I/O, no async, no clock. Every function is deterministic: the same program and context
//! give byte-identical output. Every string that comes from an IDL or a user (names, docs, error
//! messages, labels, descriptions) goes through [`escape_cell`] or a code span before it reaches
//! Markdown, so an IDL cannot break a table or inject HTML.
//!
//! Instruction accounts that Anchor nests in groups (composite accounts) are flattened in every
//! output: each account keeps its own `name`, gains `path` (the dotted group path used as its key in
//! a build request, e.g. `accounts.vault`; equal to `name` at top level) and `group` (the dotted group
//! path, or `null`).

mod api;
pub mod diff;
mod env;
mod example;
mod expand;
mod llms;
mod markdown;
mod openapi;
mod openapi_tx;
mod render;
mod schema;
mod usability;
pub mod views;

pub use diff::{diff, render_markdown};
pub use example::{
    example_args, example_request, example_value, placeholder_pubkey, MAX_DOCUMENT_EXAMPLE_NODES,
    MAX_EXAMPLE_ITEMS, MAX_EXAMPLE_NODES,
};
pub use llms::llms_txt;
pub use markdown::cpi_md;
pub use openapi::program_openapi;
pub use render::{escape_cell, render_type, MAX_DOCUMENT_BYTES, TRUNCATION_MARKER};
pub use schema::{instruction_args_schema, json_schema};

/// What the server knows about the project a program belongs to.
#[derive(Debug, Clone, Copy)]
pub struct ProgramContext<'a> {
    pub project_id: &'a str,
    pub project_name: &'a str,
    pub description: Option<&'a str>,
    /// The project's program address (base58).
    pub program_id: &'a str,
    /// IDL version number the views are built from.
    pub version: i64,
    /// Public base URL of the service, no trailing slash, e.g. `https://orquestra.example`.
    pub base_url: &'a str,
    pub known_addresses: &'a [KnownAddressRef<'a>],
}

/// A labelled address the project owner documented (`known_addresses` table).
#[derive(Debug, Clone, Copy)]
pub struct KnownAddressRef<'a> {
    pub label: &'a str,
    pub address: &'a str,
    pub description: Option<&'a str>,
}

impl ProgramContext<'_> {
    /// `{base_url}/api/{projectId}` (a trailing `/` or `/api` on `base_url` is not doubled).
    pub fn api_base(&self) -> String {
        let base = self.base_url.trim_end_matches('/');
        let base = base.strip_suffix("/api").unwrap_or(base);
        format!("{base}/api/{}", self.project_id)
    }

    /// The service root without a trailing slash or `/api`.
    pub(crate) fn root(&self) -> &str {
        let base = self.base_url.trim_end_matches('/');
        base.strip_suffix("/api").unwrap_or(base)
    }
}
