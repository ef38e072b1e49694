//! An OpenAPI 3.1.0 document for one program: the generated read endpoints with the project id
//! filled in, and a typed `POST …/instructions/{name}/build` operation (`build_<name>`) per
//! instruction whose request body schema comes from the IDL.
//!
//! The responses of the read endpoints and the error body are the service's own wire types
//! (`orquestra_api`), whose schemas come from the same derive the platform document uses, so the
//! document describes exactly what is served. They share `components.schemas` with the IDL's
//! types, under names that never collide with an IDL type's.

use std::collections::HashMap;

use orquestra_api::error::ErrorBody;
use orquestra_api::utoipa::ToSchema;
use orquestra_api::views::{
    AccountsView, ConstantsView, DocsView, ErrorsView, EventsView, IdlView, InstructionView,
    InstructionsView, TypesView,
};
use orquestra_idl::{AccountDefault, Instruction, Program};
use serde_json::{json, Map, Value};

use crate::env::Env;
use crate::example::DocumentExamples;
use crate::render::{account_path, flat_accounts, seed_summary};
use crate::schema::UniqueNames;
use crate::schema::{number_schema, pubkey_schema, SchemaGen};
use crate::ProgramContext;

const COMPONENTS: &str = "#/components/schemas/";

/// The service's own component schemas of one document, kept apart from the IDL's types.
pub(crate) struct Shared {
    /// Key of the error body every error response has.
    pub(crate) error: String,
    pub(crate) build_response: String,
    /// Wire schema name → key in this document.
    keys: HashMap<String, String>,
    /// Schemas to add to `components.schemas`, by key, with their `$ref`s pointing at keys.
    schemas: Vec<(String, Value)>,
}

impl Shared {
    fn new(gen: &mut SchemaGen<'_>) -> Self {
        let mut shared = Shared {
            error: String::new(),
            build_response: gen.reserve("BuildTransactionResponse"),
            keys: HashMap::new(),
            schemas: Vec::new(),
        };
        shared.error = shared.add::<ErrorBody>(gen);
        shared
    }

    /// Adds the schema of wire type `T` (and of every schema it refers to) to the document;
    /// returns `T`'s key.
    pub(crate) fn add<T: ToSchema>(&mut self, gen: &mut SchemaGen<'_>) -> String {
        let mut added = Vec::new();
        for (name, schema) in orquestra_api::component_schemas::<T>() {
            if let std::collections::hash_map::Entry::Vacant(slot) = self.keys.entry(name) {
                let key = gen.reserve(slot.key());
                slot.insert(key.clone());
                added.push((key, schema));
            }
        }
        for (key, mut schema) in added {
            self.point_refs_at_keys(&mut schema);
            self.schemas.push((key, schema));
        }
        let name = T::name();
        self.keys
            .get(name.as_ref())
            .cloned()
            .unwrap_or_else(|| name.into_owned())
    }

    /// A `$ref` to the schema of wire type `T`, added to the document.
    pub(crate) fn reference<T: ToSchema>(&mut self, gen: &mut SchemaGen<'_>) -> Value {
        json!({ "$ref": format!("{COMPONENTS}{}", self.add::<T>(gen)) })
    }

    fn point_refs_at_keys(&self, schema: &mut Value) {
        match schema {
            Value::Object(o) => {
                for (k, child) in o.iter_mut() {
                    match child {
                        Value::String(target) if k == "$ref" => {
                            let key = target
                                .strip_prefix(COMPONENTS)
                                .and_then(|name| self.keys.get(name));
                            if let Some(key) = key {
                                *target = format!("{COMPONENTS}{key}");
                            }
                        }
                        _ => self.point_refs_at_keys(child),
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|v| self.point_refs_at_keys(v)),
            _ => {}
        }
    }
}

/// The OpenAPI 3.1.0 document of `program` as served for project `ctx.project_id`.
pub fn program_openapi(program: &Program, ctx: &ProgramContext<'_>) -> Value {
    let mut gen = SchemaGen::new(program, COMPONENTS);
    // Every non-generic IDL type gets its own name first; the service's own schemas come after.
    for t in program.types.iter().filter(|t| t.generics.is_empty()) {
        gen.key(&t.name);
    }
    let mut shared = Shared::new(&mut gen);

    let base = format!("/api/{}", encode_segment(ctx.project_id));
    let mut paths = Map::new();
    read_paths(program, &base, &mut shared, &mut gen, &mut paths);
    let mut op_ids = UniqueNames::default();
    let examples = DocumentExamples::new(program);
    for ix in &program.instructions {
        let path = format!("{base}/instructions/{}/build", encode_segment(&ix.name));
        let op = build_operation(program, ix, &mut gen, &shared, &mut op_ids, &examples);
        let mut item = Map::new();
        item.insert("post".into(), op);
        paths.insert(path, Value::Object(item));
    }

    let mut schemas = gen.finish();
    schemas.extend(shared.schemas);
    schemas.insert(shared.build_response.clone(), build_response_schema());

    let title = if ctx.project_name.is_empty() || ctx.project_name == program.name {
        format!("{} API", program.name)
    } else {
        format!("{} ({}) API", ctx.project_name, program.name)
    };
    let mut description = format!(
        "Generated REST API of Solana program `{}` ({}), IDL version {} of project `{}`. \
         Build endpoints return unsigned transactions; values use Orquestra's canonical JSON \
         (64-bit and larger integers as decimal strings, public keys in base58).",
        program.name, ctx.program_id, ctx.version, ctx.project_id
    );
    if let Some(d) = ctx.description.filter(|d| !d.trim().is_empty()) {
        description.push_str("\n\n");
        description.push_str(d);
    }
    // Large parts are moved in after `json!`, which would deep-copy them.
    let mut document = json!({
        "openapi": "3.1.0",
        "info": {
            "title": title,
            "version": ctx.version.to_string(),
            "description": description,
        },
        "servers": [{"url": ctx.root()}],
        "security": [{}, {"apiKeyAuth": []}, {"bearerAuth": []}],
        "tags": [
            {"name": "program", "description": "What the program's IDL describes"},
            {"name": "build", "description": "Unsigned transactions for the program's instructions"},
        ],
        "paths": {},
        "components": {
            "schemas": {},
            "securitySchemes": {
                "apiKeyAuth": {"type": "apiKey", "in": "header", "name": "X-API-Key",
                    "description": "Project API key (needed for private projects)"},
                "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
            },
        },
    });
    document["paths"] = Value::Object(paths);
    document["components"]["schemas"] = Value::Object(schemas);
    document
}

/// A path segment with everything but unreserved characters percent-encoded.
pub(crate) fn encode_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Error responses by status, each with the error body schema.
pub(crate) fn error_responses(shared: &Shared, codes: &[(&str, &str)]) -> Map<String, Value> {
    let mut out = Map::new();
    for (code, what) in codes {
        out.insert(
            (*code).to_string(),
            json!({
                "description": what,
                "content": {"application/json": {"schema": {"$ref": format!("{COMPONENTS}{}", shared.error)}}},
            }),
        );
    }
    out
}

/// A read operation answering `response` (a schema, usually a `$ref` from [`Shared::reference`])
/// as JSON, or the error body for an unknown project or item and rate limits.
pub(crate) fn get_op(
    shared: &Shared,
    op_id: &str,
    summary: &str,
    response: Value,
    parameters: Value,
) -> Value {
    let mut responses = Map::new();
    responses.insert(
        "200".into(),
        json!({"description": summary, "content": {"application/json": {"schema": response}}}),
    );
    responses.extend(error_responses(
        shared,
        &[
            ("404", "Unknown or private project (or unknown item)"),
            ("429", "Rate limited"),
        ],
    ));
    json!({
        "operationId": op_id,
        "summary": summary,
        "tags": ["program"],
        "parameters": parameters,
        "responses": responses,
    })
}

fn read_paths(
    program: &Program,
    base: &str,
    shared: &mut Shared,
    gen: &mut SchemaGen<'_>,
    paths: &mut Map<String, Value>,
) {
    let lists = [
        (
            "instructions",
            "list_instructions",
            "List the instructions",
            shared.reference::<InstructionsView>(gen),
        ),
        (
            "accounts",
            "list_accounts",
            "List the account types with their layouts",
            shared.reference::<AccountsView>(gen),
        ),
        (
            "types",
            "list_types",
            "List the custom types",
            shared.reference::<TypesView>(gen),
        ),
        (
            "errors",
            "list_errors",
            "List the error codes",
            shared.reference::<ErrorsView>(gen),
        ),
        (
            "events",
            "list_events",
            "List the events",
            shared.reference::<EventsView>(gen),
        ),
        (
            "constants",
            "list_constants",
            "List the constants",
            shared.reference::<ConstantsView>(gen),
        ),
    ];
    for (key, op, summary, response) in lists {
        paths.insert(
            format!("{base}/{key}"),
            json!({ "get": get_op(shared, op, summary, response, json!([])) }),
        );
    }
    let names: Vec<&str> = program
        .instructions
        .iter()
        .map(|i| i.name.as_str())
        .collect();
    let name_param = json!([{
        "name": "name",
        "in": "path",
        "required": true,
        "description": "Instruction name (snake_case and camelCase both match)",
        "schema": {"type": "string", "examples": names.iter().take(3).collect::<Vec<_>>()},
    }]);
    let instruction = shared.reference::<InstructionView>(gen);
    paths.insert(
        format!("{base}/instructions/{{name}}"),
        json!({ "get": get_op(shared, "get_instruction", "One instruction: arguments with types and examples, accounts with PDA seeds, an example build request", instruction, name_param) }),
    );
    let docs_view = shared.reference::<DocsView>(gen);
    let mut docs = get_op(
        shared,
        "get_docs",
        "Documentation (JSON, or with `format=md` the CPI.md Markdown)",
        docs_view,
        json!([{
            "name": "format",
            "in": "query",
            "required": false,
            "schema": {"type": "string", "enum": ["json", "md", "markdown"], "default": "json"},
        }]),
    );
    if let Some(Value::Object(o)) = docs.pointer_mut("/responses/200/content") {
        o.insert(
            "text/markdown".into(),
            json!({"schema": {"type": "string"}}),
        );
    }
    add_bad_query(shared, &mut docs, "Unknown `format`");
    paths.insert(format!("{base}/docs"), json!({ "get": docs }));
    let idl_view = shared.reference::<IdlView>(gen);
    let mut idl = get_op(
        shared,
        "get_idl",
        "The IDL the API is generated from",
        idl_view,
        json!([{
            "name": "normalized",
            "in": "query",
            "required": false,
            "description": "`1` or `true`: the engine's normalised model instead of the IDL as uploaded",
            "schema": {"type": "string"},
        }]),
    );
    add_bad_query(shared, &mut idl, "Invalid query parameter");
    paths.insert(format!("{base}/idl"), json!({ "get": idl }));
}

/// Adds the `400` answer of an operation with query parameters.
fn add_bad_query(shared: &Shared, op: &mut Value, what: &str) {
    if let Some(Value::Object(responses)) = op.get_mut("responses") {
        responses.extend(error_responses(shared, &[("400", what)]));
    }
}

fn operation_id(name: &str, taken: &mut UniqueNames) -> String {
    let clean: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    taken.claim(&format!("build_{clean}"))
}

fn build_operation(
    program: &Program,
    ix: &Instruction,
    gen: &mut SchemaGen<'_>,
    shared: &Shared,
    op_ids: &mut UniqueNames,
    examples: &DocumentExamples<'_>,
) -> Value {
    let args = gen.fields_object(&ix.args, &Env::default(), 0);
    let args_required = ix
        .args
        .iter()
        .any(|f| f.omitted_default.is_none() && f.optional_default.is_none());

    let mut account_props = Map::new();
    let mut account_required = Vec::new();
    for (group, a) in flat_accounts(&ix.accounts) {
        let key = account_path(group.as_deref(), a);
        let mut notes = Vec::new();
        if a.writable {
            notes.push("writable".to_string());
        }
        match a.signer {
            orquestra_idl::Signer::Yes => notes.push("signer".into()),
            orquestra_idl::Signer::Either => notes.push("may be a signer".into()),
            orquestra_idl::Signer::No => {}
        }
        if a.optional {
            notes.push("optional".into());
        }
        if let Some(pda) = &a.pda {
            let seeds: Vec<String> = pda.seeds.iter().map(|s| seed_summary(program, s)).collect();
            notes.push(format!("PDA of [{}]", seeds.join(", ")));
        }
        if let Some(address) = &a.address {
            notes.push(format!("fixed address {address}"));
        }
        let docs = a.docs.join(" ");
        let mut description = notes.join("; ");
        if !docs.trim().is_empty() {
            if !description.is_empty() {
                description.push_str(". ");
            }
            description.push_str(docs.trim());
        }
        let mut s = pubkey_schema();
        if let Value::Object(o) = &mut s {
            o.insert("description".into(), Value::String(description));
            if let Some(address) = &a.address {
                o.insert("default".into(), Value::String(address.clone()));
            }
        }
        let resolvable = a.address.is_some()
            || a.pda.is_some()
            || matches!(&a.default, Some(d) if !matches!(d, AccountDefault::Other { .. }));
        if !a.optional && !resolvable {
            account_required.push(Value::String(key.clone()));
        }
        account_props.insert(key, s);
    }
    let mut accounts = Map::new();
    accounts.insert("type".into(), json!("object"));
    accounts.insert("properties".into(), Value::Object(account_props));
    let accounts_required = !account_required.is_empty();
    if accounts_required {
        accounts.insert("required".into(), Value::Array(account_required));
    }
    accounts.insert("additionalProperties".into(), Value::Bool(false));

    let mut required = vec![json!("feePayer")];
    if args_required {
        required.insert(0, json!("args"));
    }
    if accounts_required {
        required.insert(required.len() - 1, json!("accounts"));
    }
    let mut fee_payer = pubkey_schema();
    if let Value::Object(o) = &mut fee_payer {
        o.insert(
            "description".into(),
            json!("public key that pays the fee (first signer)"),
        );
    }
    let mut unit_price = number_schema(orquestra_idl::NumberKind::U64);
    if let Value::Object(o) = &mut unit_price {
        o.insert(
            "description".into(),
            json!("priority fee in micro-lamports per compute unit (u64 as a decimal string)"),
        );
    }
    let mut schema = json!({
        "type": "object",
        "properties": {
            "args": {},
            "accounts": {},
            "feePayer": fee_payer,
            "recentBlockhash": {"type": "string", "pattern": "^[1-9A-HJ-NP-Za-km-z]{32,44}$",
                "description": "base58 blockhash; fetched from the cluster when absent"},
            "encoding": {"type": "string", "enum": ["base64", "base58"],
                "description": "encoding of the returned transaction"},
            "version": {"anyOf": [{"type": "string", "const": "legacy"}, {"type": "integer", "const": 0}],
                "description": "transaction message version: \"legacy\" or 0"},
            "computeUnitLimit": {"type": "integer", "minimum": 0, "maximum": 4294967295u64,
                "description": "adds a ComputeBudget SetComputeUnitLimit instruction"},
            "computeUnitPrice": unit_price,
            "simulate": {"type": "boolean", "description": "simulate the transaction on the cluster"},
            "network": {"type": "string", "description": "cluster to use (mainnet-beta, devnet, testnet, localnet)"},
        },
        "required": required,
    });
    schema["properties"]["args"] = args;
    schema["properties"]["accounts"] = Value::Object(accounts);

    let mut responses = Map::new();
    responses.insert(
        "200".into(),
        json!({
            "description": "The unsigned transaction",
            "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{}", shared.build_response)}}},
        }),
    );
    responses.extend(error_responses(
        shared,
        &[
            ("400", "Malformed request body"),
            ("404", "Unknown or private project"),
            (
                "422",
                "Invalid arguments or accounts (details name the JSON pointer)",
            ),
            ("429", "Rate limited"),
            ("502", "Cluster RPC failed"),
        ],
    ));
    let mut description = ix.docs.join("\n").trim().to_string();
    if description.is_empty() {
        description = format!("Builds an unsigned transaction calling `{}`.", ix.name);
    }
    let mut media = Map::new();
    media.insert("schema".into(), schema);
    if let Some(example) = examples.request(ix) {
        media.insert("example".into(), example);
    }
    let mut op = json!({
        "operationId": operation_id(&ix.name, op_ids),
        "summary": format!("Build a `{}` transaction", ix.name),
        "description": description,
        "tags": ["build"],
        "requestBody": {
            "required": true,
            "content": {"application/json": {}},
        },
        "responses": {},
    });
    op["requestBody"]["content"]["application/json"] = Value::Object(media);
    op["responses"] = Value::Object(responses);
    op
}

fn build_response_schema() -> Value {
    let account = json!({
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "pubkey": {"type": "string"},
            "isSigner": {"type": "boolean"},
            "isWritable": {"type": "boolean"},
        },
    });
    json!({
        "type": "object",
        "description": "An unsigned transaction and what it contains",
        "properties": {
            "transaction": {"type": "string"},
            "serializedTransaction": {"type": "string", "description": "wire-format transaction in `encoding`"},
            "encoding": {"type": "string", "enum": ["base64", "base58"]},
            "message": {"type": "string"},
            "accounts": {"type": "array", "items": account},
            "instruction": {"type": "object", "properties": {
                "name": {"type": "string"},
                "programId": {"type": "string"},
                "data": {"type": "string"},
                "accounts": {"type": "array", "items": account},
            }},
            "estimatedFee": {"type": "integer"},
            "network": {"type": "string"},
            "recentBlockhash": {"type": "string"},
            "lastValidBlockHeight": {"type": "integer"},
            "blockhashSource": {"type": "string"},
            "wireFormat": {"type": "string"},
            "simulationError": {},
            "simulationLogs": {"anyOf": [{"type": "null"}, {"type": "array", "items": {"type": "string"}}]},
            "riskLevel": {"type": "string", "enum": ["low", "medium", "high"]},
            "riskReasons": {"type": "array", "items": {"type": "string"}},
        },
    })
}
