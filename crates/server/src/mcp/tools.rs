//! The MCP tools. Each one is a translation to a REST route (see [`super`]); the result's
//! `structuredContent` is the route's JSON and its text content is that same JSON serialised,
//! so clients that only read text lose nothing.

use std::collections::HashSet;
use std::sync::Arc;

use axum::http::request::Parts;
use axum::Router;
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::tool::Extension;
use rmcp::model::{
    CallToolResult, ContentBlock, CustomRequest, CustomResult, ErrorCode, JsonObject,
};
use rmcp::service::RequestContext;
use rmcp::{tool, tool_handler, tool_router, ErrorData, RoleServer, ServerHandler};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

use orquestra_api::account::{FetchedAccount, ProgramAccountsResponse};
use orquestra_api::mcp::{InstructionPage, LlmsTxt, ProgramSearch};
use orquestra_api::pda::{DerivePdaResponse, PdaList};
use orquestra_api::transaction::{
    BuildTransactionResponse, DecodedTransactionResponse, TransactionSimulation,
};
use orquestra_api::views::{InstructionView, InstructionsView};

use super::instructions;
use super::params::*;
use super::results::*;
use crate::rest::{pin, query, segment, Outcome, Rest};
use crate::AppState;

/// Most members of a scoped list `search_programs` looks through.
const MAX_SCOPE_MEMBERS: usize = 500;

/// The server every `/mcp` request gets (cheap to clone: one `Arc`).
#[derive(Clone)]
pub struct Orquestra(Arc<Shared>);

struct Shared {
    rest: Router,
    state: AppState,
    tools: ToolRouter<Orquestra>,
}

/// The tool's arguments as `T`, or the error naming the argument at fault.
pub(super) fn parse<T: DeserializeOwned>(args: JsonObject) -> Result<T, Box<CallToolResult>> {
    serde_path_to_error::deserialize(Value::Object(args)).map_err(|error| {
        let path = crate::extract::pointer_of(error.path());
        let message = error.into_inner().to_string();
        Box::new(invalid_args(
            if path.is_empty() { "/" } else { &path },
            &message,
        ))
    })
}

/// Unwraps a parse, returning the tool error from the tool when it failed.
macro_rules! args {
    ($args:expr) => {
        match $crate::mcp::tools::parse($args) {
            Ok(parsed) => parsed,
            Err(error) => return Ok(*error),
        }
    };
}
pub(super) use args;

// ---------------------------------------------------------------------------------------------
// Tools
// ---------------------------------------------------------------------------------------------

#[tool_router(router = tool_router)]
impl Orquestra {
    /// The server, with its tool router built once and shared by every request.
    pub fn shared(rest: Router, state: AppState) -> Self {
        Orquestra(Arc::new(Shared {
            rest,
            state,
            tools: Self::tool_router() + Self::lifecycle_tools(),
        }))
    }

    pub(super) fn rest<'a>(&'a self, parts: &Parts) -> Rest<'a> {
        Rest::from_headers(&self.0.rest, Some(&parts.headers))
    }

    #[tool(
        name = "search_programs",
        description = "Search the Orquestra registry for Solana programs. Give a text `query` (matches name, description, program id and instruction names), or an exact `programId`, or neither for the most recent programs. Returns projects with their projectId (the input of every other tool), name, program id and description. With an X-Scope-Key header, only the programs of that list are searched.",
        input_schema = schema::<SearchPrograms>(),
        output_schema = schema::<ProgramSearch>(),
        annotations(read_only_hint = true, open_world_hint = false)
    )]
    async fn search_programs(
        &self,
        args: JsonObject,
        Extension(parts): Extension<Parts>,
    ) -> Result<CallToolResult, ErrorData> {
        let p: SearchPrograms = args!(args);
        if !(1..=20).contains(&p.limit) {
            return Ok(invalid_args("/limit", "must be 1..=20"));
        }
        if p.query.as_deref().is_some_and(|q| q.chars().count() > 100) {
            return Ok(invalid_args("/query", "at most 100 characters"));
        }
        let query_text = p
            .query
            .as_deref()
            .map(str::trim)
            .filter(|q| !q.is_empty())
            .map(str::to_string);
        let program_id = p
            .program_id
            .as_deref()
            .map(str::trim)
            .filter(|q| !q.is_empty())
            .map(str::to_string);
        let rest = self.rest(&parts);
        if let Some(scope) = parts.headers.get("x-scope-key") {
            return Ok(self
                .scoped_search(&rest, scope, query_text, program_id, p.limit)
                .await);
        }
        if let Some(program_id) = program_id {
            let path = format!("/api/projects/by-program/{}", segment(&program_id));
            return Ok(match rest.get(&path).await {
                Outcome::Error { status, .. } if status.as_u16() == 404 => {
                    search_result(&[], 0, false)
                }
                Outcome::Json(body) => search_result(&[body["project"].clone()], 1, false),
                outcome => result(outcome),
            });
        }
        let path = format!(
            "/api/projects{}",
            query([("q", query_text), ("limit", Some(p.limit.to_string()))])
        );
        Ok(match rest.get(&path).await {
            Outcome::Json(body) => {
                let projects = body["projects"].as_array().cloned().unwrap_or_default();
                let total = body["total"].as_u64().unwrap_or(projects.len() as u64);
                search_result(&projects, total, false)
            }
            other => result(other),
        })
    }

    #[tool(
        name = "list_instructions",
        description = "List a program's instructions, a page at a time. `detail: \"summary\"` (default) gives each instruction's name, first line of docs, argument names and types, signer accounts and counts; `detail: \"full\"` adds every account with its writable/signer/optional flags, PDA seeds and defaults, argument details and the discriminator. Filter with `nameContains`; page with `offset`/`limit` (follow `nextOffset` until it is null). Use get_instruction for one instruction with an example request, before build_instruction.",
        input_schema = schema::<ListInstructions>(),
        output_schema = schema::<InstructionPage>(),
        annotations(read_only_hint = true, open_world_hint = false)
    )]
    async fn list_instructions(
        &self,
        args: JsonObject,
        Extension(parts): Extension<Parts>,
    ) -> Result<CallToolResult, ErrorData> {
        let p: ListInstructions = args!(args);
        if !(1..=200).contains(&p.limit) {
            return Ok(invalid_args("/limit", "must be 1..=200"));
        }
        let path = format!(
            "/api/{}/instructions{}",
            segment(&p.project_id),
            pin(p.idl_version)
        );
        Ok(match self.rest(&parts).get(&path).await {
            Outcome::Json(view) => match typed::<InstructionsView>(view) {
                Ok(view) => match serde_json::to_value(instructions::page(view, &p)) {
                    Ok(page) => success(page),
                    Err(e) => tool_error("internal", &e.to_string()),
                },
                Err(error) => *error,
            },
            other => result(other),
        })
    }

    #[tool(
        name = "get_instruction",
        description = "Everything about one instruction of a program: documentation, arguments with their types and JSON Schema, accounts with writable/signer/optional flags and how each is resolved (PDA seeds, fixed addresses, relations, defaults), the discriminator and a complete example build request.",
        input_schema = schema::<GetInstruction>(),
        output_schema = schema::<InstructionView>(),
        annotations(read_only_hint = true, open_world_hint = false)
    )]
    async fn get_instruction(
        &self,
        args: JsonObject,
        Extension(parts): Extension<Parts>,
    ) -> Result<CallToolResult, ErrorData> {
        let p: GetInstruction = args!(args);
        let path = format!(
            "/api/{}/instructions/{}{}",
            segment(&p.project_id),
            segment(&p.instruction),
            pin(p.idl_version)
        );
        Ok(result(self.rest(&parts).get(&path).await))
    }

    #[tool(
        name = "decode_transaction",
        description = "Decode any serialized Solana transaction (base64 by default, or base58; signed or not): its message, accounts with signer/writable roles, and every instruction. Instructions of programs known here are named and their arguments and accounts decoded with the program's IDL, naming the project used. No projectId needed; no network access.",
        input_schema = schema::<DecodeTransaction>(),
        output_schema = schema::<DecodedTransactionResponse>(),
        annotations(read_only_hint = true, open_world_hint = false)
    )]
    async fn decode_transaction(
        &self,
        args: JsonObject,
        Extension(parts): Extension<Parts>,
    ) -> Result<CallToolResult, ErrorData> {
        let p: DecodeTransaction = args!(args);
        let body = compact(json!({
            "transaction": p.serialized_transaction,
            "encoding": p.encoding.map(TxEncoding::as_str),
        }));
        Ok(result(
            self.rest(&parts)
                .post("/api/transactions/decode", body)
                .await,
        ))
    }

    #[tool(
        name = "build_instruction",
        description = "Build an unsigned Solana transaction (legacy or v0) for one instruction of a program. Accounts the IDL can resolve (PDAs, fixed addresses, well-known programs) may be omitted. Returns the serialized transaction (base64 by default; `encoding: \"base58\"` for base58), the message, the required signers, the fee and, with `simulate: true`, a simulation. Set `cluster` (or `network`) so the blockhash comes from the right cluster (default mainnet-beta), or pass `recentBlockhash`.",
        input_schema = schema::<BuildInstruction>(),
        output_schema = schema::<BuildTransactionResponse>(),
        annotations(read_only_hint = true, open_world_hint = true)
    )]
    async fn build_instruction(
        &self,
        args: JsonObject,
        Extension(parts): Extension<Parts>,
    ) -> Result<CallToolResult, ErrorData> {
        let p: BuildInstruction = args!(args);
        let version: Option<Value> = match p.version.as_deref() {
            None => None,
            Some("legacy") => Some("legacy".into()),
            Some("0" | "v0") => Some(0.into()),
            Some(other) => {
                return Ok(invalid_args(
                    "/version",
                    &format!("expected \"legacy\" or \"0\", got {other:?}"),
                ))
            }
        };
        let body = compact(json!({
            "accounts": p.accounts,
            "args": p.args,
            "feePayer": p.fee_payer,
            "recentBlockhash": p.recent_blockhash,
            "cluster": cluster(p.cluster, p.network),
            "rpcUrl": p.rpc_url,
            "simulate": p.simulate,
            "encoding": p.encoding.map(TxEncoding::as_str),
            "version": version,
            "computeUnitLimit": p.compute_unit_limit,
            "computeUnitPrice": p.compute_unit_price,
        }));
        let path = format!(
            "/api/{}/instructions/{}/build{}",
            segment(&p.project_id),
            segment(&p.instruction),
            pin(p.idl_version)
        );
        Ok(result(self.rest(&parts).post(&path, body).await))
    }

    #[tool(
        name = "simulate_instruction",
        description = "Preflight one instruction without signing: builds the transaction as build_instruction does and simulates it (signature verification off). Returns success or failure, compute units, logs and a program error decoded with the IDL. Use it before asking a user to sign.",
        input_schema = schema::<SimulateInstruction>(),
        output_schema = schema::<BuildTransactionResponse>(),
        annotations(read_only_hint = true, open_world_hint = true)
    )]
    async fn simulate_instruction(
        &self,
        args: JsonObject,
        Extension(parts): Extension<Parts>,
    ) -> Result<CallToolResult, ErrorData> {
        let p: SimulateInstruction = args!(args);
        let body = compact(json!({
            "accounts": p.accounts,
            "args": p.args,
            "feePayer": p.fee_payer,
            "cluster": cluster(p.cluster, p.network),
            "rpcUrl": p.rpc_url,
            "simulate": true,
        }));
        let path = format!(
            "/api/{}/instructions/{}/build{}",
            segment(&p.project_id),
            segment(&p.instruction),
            pin(p.idl_version)
        );
        Ok(result(self.rest(&parts).post(&path, body).await))
    }

    #[tool(
        name = "list_pda_accounts",
        description = "List every PDA a program's IDL defines, de-duplicated, with the instructions and accounts that use it and the seed inputs each needs. Use it before derive_pda.",
        input_schema = schema::<ProjectOnly>(),
        output_schema = schema::<PdaList>(),
        annotations(read_only_hint = true, open_world_hint = false)
    )]
    async fn list_pda_accounts(
        &self,
        args: JsonObject,
        Extension(parts): Extension<Parts>,
    ) -> Result<CallToolResult, ErrorData> {
        let p: ProjectOnly = args!(args);
        let path = format!("/api/{}/pda{}", segment(&p.project_id), pin(p.idl_version));
        Ok(result(self.rest(&parts).get(&path).await))
    }

    #[tool(
        name = "derive_pda",
        description = "Derive a Program Derived Address: an instruction's account (give `instruction` and `account`) or a named PDA (`account` only), from the seed values list_pda_accounts names. Returns the address, bump and every seed's bytes.",
        input_schema = schema::<DerivePda>(),
        output_schema = schema::<DerivePdaResponse>(),
        annotations(read_only_hint = true, open_world_hint = false)
    )]
    async fn derive_pda(
        &self,
        args: JsonObject,
        Extension(parts): Extension<Parts>,
    ) -> Result<CallToolResult, ErrorData> {
        let p: DerivePda = args!(args);
        // `cluster`/`network` are accepted so callers can pass one context to every tool;
        // derivation is offline.
        let _ = (p.cluster, p.network);
        let body = compact(json!({
            "instruction": p.instruction,
            "account": p.account,
            "seedValues": p.seed_values,
            "args": p.args,
            "accounts": p.accounts,
        }));
        let path = format!(
            "/api/{}/pda/derive{}",
            segment(&p.project_id),
            pin(p.idl_version)
        );
        Ok(result(self.rest(&parts).post(&path, body).await))
    }

    #[tool(
        name = "read_llms_txt",
        description = "Read a program's llms.txt: AI-ready Markdown with the overview, every instruction with its arguments and accounts, account types, errors, known addresses and how to call the REST API. Best for understanding a program before building transactions.",
        input_schema = schema::<ProjectOnly>(),
        output_schema = schema::<LlmsTxt>(),
        annotations(read_only_hint = true, open_world_hint = false)
    )]
    async fn read_llms_txt(
        &self,
        args: JsonObject,
        Extension(parts): Extension<Parts>,
    ) -> Result<CallToolResult, ErrorData> {
        let p: ProjectOnly = args!(args);
        let path = format!(
            "/project/{}/llms.txt{}",
            segment(&p.project_id),
            pin(p.idl_version)
        );
        Ok(match self.rest(&parts).get(&path).await {
            Outcome::Text { content_type, text } => {
                let mut llms = success(json!(LlmsTxt {
                    project_id: p.project_id,
                    content_type,
                    llms_txt: text.clone(),
                }));
                // The document is the useful text; the JSON around it adds nothing to read.
                llms.content = vec![ContentBlock::text(text)];
                llms
            }
            other => result(other),
        })
    }

    #[tool(
        name = "fetch_pda_data",
        description = "Fetch one account by address and decode it with the program's IDL: the type is detected from its discriminator (or given as `accountType`) and every field returned as canonical JSON. Unknown data comes back as raw base64. Use derive_pda first to compute a PDA's address.",
        input_schema = schema::<FetchPdaData>(),
        output_schema = schema::<FetchedAccount>(),
        annotations(read_only_hint = true, open_world_hint = true)
    )]
    async fn fetch_pda_data(
        &self,
        args: JsonObject,
        Extension(parts): Extension<Parts>,
    ) -> Result<CallToolResult, ErrorData> {
        let p: FetchPdaData = args!(args);
        let path = format!(
            "/api/{}/pda/fetch/{}{}",
            segment(&p.project_id),
            segment(&p.address),
            query([
                ("cluster", cluster(p.cluster, p.network).map(str::to_string)),
                ("rpcUrl", p.rpc_url),
                ("accountType", p.account_type),
                ("includeRaw", p.include_raw.map(|b| b.to_string())),
                ("version", p.idl_version.map(|v| v.to_string())),
            ])
        );
        Ok(result(self.rest(&parts).get(&path).await))
    }

    #[tool(
        name = "get_program_data",
        description = "Query the accounts a program owns (getProgramAccounts) with filters: an IDL `accountType` (discriminator and size), `dataSize`, raw `memcmp`, and typed `fieldFilters` on fixed-offset fields (values encoded with the IDL). Each account comes back decoded. At least one filter is required.",
        input_schema = schema::<GetProgramData>(),
        output_schema = schema::<ProgramAccountsResponse>(),
        annotations(read_only_hint = true, open_world_hint = true)
    )]
    async fn get_program_data(
        &self,
        args: JsonObject,
        Extension(parts): Extension<Parts>,
    ) -> Result<CallToolResult, ErrorData> {
        let p: GetProgramData = args!(args);
        if !(1..=100).contains(&p.limit) {
            return Ok(invalid_args("/limit", "must be 1..=100"));
        }
        let body = compact(json!({
            "accountType": p.account_type,
            "cluster": cluster(p.cluster, p.network),
            "rpcUrl": p.rpc_url,
            "dataSize": p.data_size,
            "memcmp": p.memcmp,
            "fieldFilters": p.field_filters,
            "limit": p.limit,
            "includeRaw": p.include_raw,
        }));
        let path = format!(
            "/api/{}/program-accounts/query{}",
            segment(&p.project_id),
            pin(p.idl_version)
        );
        Ok(result(self.rest(&parts).post(&path, body).await))
    }

    #[tool(
        name = "simulate_transaction",
        description = "Simulate any serialized transaction (base64 by default, or base58) without signing: signature verification off, blockhash replaced. Returns success or failure, compute units and logs; a program error is decoded when the failing program is known here. No projectId needed.",
        input_schema = schema::<SimulateTransaction>(),
        output_schema = schema::<TransactionSimulation>(),
        annotations(read_only_hint = true, open_world_hint = true)
    )]
    async fn simulate_transaction(
        &self,
        args: JsonObject,
        Extension(parts): Extension<Parts>,
    ) -> Result<CallToolResult, ErrorData> {
        let p: SimulateTransaction = args!(args);
        let body = compact(json!({
            "transaction": p.serialized_transaction,
            "encoding": p.encoding.map(TxEncoding::as_str),
            "cluster": cluster(p.cluster, p.network),
            "rpcUrl": p.rpc_url,
        }));
        Ok(result(
            self.rest(&parts)
                .post("/api/transactions/simulate", body)
                .await,
        ))
    }
}

impl Orquestra {
    /// `search_programs` narrowed to one program list (`X-Scope-Key`): the list's public
    /// projects, read through the REST API, matched by program id or text (full-text hits first,
    /// then substring matches on name, description and program id), in list order otherwise.
    async fn scoped_search(
        &self,
        rest: &Rest<'_>,
        scope: &axum::http::HeaderValue,
        query_text: Option<String>,
        program_id: Option<String>,
        limit: u32,
    ) -> CallToolResult {
        let invalid = || {
            tool_error(
                "invalid_scope_key",
                "Invalid scope key. Please check your X-Scope-Key header.",
            )
        };
        let Ok(key) = scope.to_str() else {
            return invalid();
        };
        let ids = match self.0.state.store.scope_project_ids(key.trim()).await {
            Ok(Some(ids)) => ids,
            Ok(None) => return invalid(),
            Err(e) => {
                tracing::error!(error = %e, "scope_project_ids");
                return tool_error("internal_error", "internal error");
            }
        };
        let mut members = Vec::new();
        for id in ids.iter().take(MAX_SCOPE_MEMBERS) {
            if let Outcome::Json(mut body) =
                rest.get(&format!("/api/projects/{}", segment(id))).await
            {
                members.push(body["project"].take());
            }
        }
        let chosen: Vec<Value> =
            if let Some(program_id) = &program_id {
                members
                    .into_iter()
                    .filter(|m| m["programId"].as_str() == Some(program_id.as_str()))
                    .collect()
            } else if let Some(text) = &query_text {
                let path = format!(
                    "/api/projects{}",
                    query([("q", Some(text.clone())), ("limit", Some("100".into()))])
                );
                let hits: Vec<String> = match rest.get(&path).await {
                    Outcome::Json(body) => body["projects"]
                        .as_array()
                        .map(|a| {
                            a.iter()
                                .filter_map(|p| p["id"].as_str().map(str::to_string))
                                .collect()
                        })
                        .unwrap_or_default(),
                    _ => Vec::new(),
                };
                let needle = text.to_lowercase();
                let contains = |m: &Value| {
                    ["name", "description", "programId"].iter().any(|k| {
                        m[*k]
                            .as_str()
                            .is_some_and(|s| s.to_lowercase().contains(&needle))
                    })
                };
                let mut ranked: Vec<Value> = hits
                    .iter()
                    .filter_map(|id| members.iter().find(|m| m["id"].as_str() == Some(id)))
                    .cloned()
                    .collect();
                let seen: HashSet<String> = hits.into_iter().collect();
                ranked.extend(members.into_iter().filter(|m| {
                    !m["id"].as_str().is_some_and(|id| seen.contains(id)) && contains(m)
                }));
                ranked
            } else {
                members
            };
        let total = chosen.len();
        let projects: Vec<Value> = chosen.into_iter().take(limit as usize).collect();
        search_result(&projects, total as u64, true)
    }
}

#[tool_handler(
    router = self.0.tools,
    name = "orquestra",
    instructions = "Orquestra turns Solana program IDLs into docs, REST APIs and unsigned transactions. Start with search_programs to find a projectId, then list_instructions / get_instruction / read_llms_txt to understand the program, list_pda_accounts / derive_pda for addresses, build_instruction or simulate_instruction for transactions, fetch_pda_data / get_program_data to read accounts, and decode_transaction to read any transaction. Send X-API-Key to reach a private project of yours; X-Scope-Key narrows search_programs to one program list."
)]
impl ServerHandler for Orquestra {
    /// rmcp hands over requests it could not type: unknown methods (-32601), and standard
    /// methods whose params are malformed, which are -32602, not "method not found".
    async fn on_custom_request(
        &self,
        request: CustomRequest,
        _context: RequestContext<RoleServer>,
    ) -> Result<CustomResult, ErrorData> {
        if STANDARD_METHODS.contains(&request.method.as_str()) {
            Err(ErrorData::invalid_params(
                format!("invalid params for {}", request.method),
                None,
            ))
        } else {
            Err(ErrorData::new(
                ErrorCode::METHOD_NOT_FOUND,
                format!("method not found: {}", request.method),
                None,
            ))
        }
    }
}

/// The request methods of the MCP specification.
const STANDARD_METHODS: &[&str] = &[
    "initialize",
    "ping",
    "tools/list",
    "tools/call",
    "resources/list",
    "resources/read",
    "resources/templates/list",
    "resources/subscribe",
    "resources/unsubscribe",
    "prompts/list",
    "prompts/get",
    "completion/complete",
    "logging/setLevel",
    "tasks/get",
    "tasks/list",
    "tasks/result",
    "tasks/cancel",
    "server/discover",
];
