//! The MCP tools that follow a program over time: diffs between IDL versions and imports of the
//! IDL a program published on chain. Like every tool, each is one REST call.

use axum::http::request::Parts;
use rmcp::handler::server::tool::Extension;
use rmcp::model::{CallToolResult, JsonObject};
use rmcp::{tool, tool_router, ErrorData};

use orquestra_api::diff::IdlDiff;
use orquestra_api::published::IdlImported;
use serde_json::json;

use super::params::*;
use super::results::*;
use super::tools::{args, Orquestra};
use crate::rest::{query, segment};

#[tool_router(router = lifecycle_tools, vis = "pub(super)")]
impl Orquestra {
    #[tool(
        name = "diff_versions",
        description = "Compare two IDL versions of a program: the instructions, accounts, types, errors and events added, removed or changed, each change classed as breaking (discriminator, argument, account layout or account role changed; item removed) or compatible (new item, field appended to a grown account, docs only), with a JSON pointer to what changed. Defaults: `to` the latest version, `from` the one before it.",
        input_schema = schema::<DiffVersions>(),
        output_schema = schema::<IdlDiff>(),
        annotations(read_only_hint = true, open_world_hint = false)
    )]
    async fn diff_versions(
        &self,
        args: JsonObject,
        Extension(parts): Extension<Parts>,
    ) -> Result<CallToolResult, ErrorData> {
        let p: DiffVersions = args!(args);
        let path = format!(
            "/api/{}/diff{}",
            segment(&p.project_id),
            query([
                ("from", p.from.map(|v| v.to_string())),
                ("to", p.to.map(|v| v.to_string())),
            ])
        );
        Ok(result(self.rest(&parts).get(&path).await))
    }

    #[tool(
        name = "import_program",
        description = "Import the IDL a Solana program published on chain (Anchor's IDL account, else the Program Metadata program's `idl` account) as a new version of the project of the request's X-API-Key, which must be for that program. The stored version is marked verified with the slot and account it was read from; an IDL equal to the latest version stores nothing. Needs an X-API-Key header.",
        input_schema = schema::<ImportProgram>(),
        output_schema = schema::<IdlImported>(),
        annotations(read_only_hint = false, open_world_hint = true)
    )]
    async fn import_program(
        &self,
        args: JsonObject,
        Extension(parts): Extension<Parts>,
    ) -> Result<CallToolResult, ErrorData> {
        let p: ImportProgram = args!(args);
        let body = compact(json!({
            "programId": p.program_id,
            "cluster": cluster(p.cluster, p.network),
            "rpcUrl": p.rpc_url,
            "metadataAuthority": p.metadata_authority,
        }));
        Ok(result(
            self.rest(&parts).post("/api/idl/import", body).await,
        ))
    }
}
