//! An OpenAPI 3.1.0 document for one program: the generated read endpoints with the project id
//! filled in, and (from [`crate::openapi_tx`]) per instruction typed `POST …/build`, `…/data` and
//! `…/accounts` operations whose request body schema comes from the IDL, plus the PDA and account
//! routes.
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
use orquestra_idl::Program;
use serde_json::{json, Map, Value};

use crate::example::DocumentExamples;
use crate::openapi_tx::{onchain_paths, InstructionOps};
use crate::schema::{SchemaGen, UniqueNames};
use crate::ProgramContext;

pub(crate) const COMPONENTS: &str = "#/components/schemas/";

/// The service's own component schemas of one document, kept apart from the IDL's types.
pub(crate) struct Shared {
    /// Key of the error body every error response has.
    pub(crate) error: String,
    /// Wire schema name → key in this document.
    keys: HashMap<String, String>,
    /// Schemas to add to `components.schemas`, by key, with their `$ref`s pointing at keys.
    schemas: Vec<(String, Value)>,
}

impl Shared {
    fn new(gen: &mut SchemaGen<'_>) -> Self {
        let mut shared = Shared {
            error: String::new(),
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

    /// Adds a schema of this document's own (not a wire type) under `key`, reserved by the caller.
    pub(crate) fn insert(&mut self, key: String, schema: Value) {
        self.schemas.push((key, schema));
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
    // The fixed operation ids come first; an instruction's are prefixed (`build_` …), so they
    // never take a fixed one.
    onchain_paths(&base, &mut gen, &mut shared, &mut op_ids, &mut paths);
    let examples = DocumentExamples::new(program);
    let mut instruction_ops = InstructionOps {
        program,
        base: &base,
        gen: &mut gen,
        shared: &mut shared,
        op_ids: &mut op_ids,
        examples: &examples,
    };
    for ix in &program.instructions {
        instruction_ops.add(ix, &mut paths);
    }
    let version_parameter = json!({
        "name": "version",
        "in": "query",
        "required": false,
        "description": format!("IDL version to answer from (1, 2, …; default: the latest). \
                        This document describes version {}. An unknown version is 404 \
                        `version_not_found`; the `x-idl-version` response header names the version \
                        that answered.", ctx.version),
        "schema": {"type": "integer", "minimum": 1},
    });
    pin_operations(&shared, &mut paths, &version_parameter);

    let mut schemas = gen.finish();
    schemas.extend(shared.schemas);

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
            {"name": "build", "description": "Unsigned transactions, instruction data and resolved accounts for the program's instructions"},
            {"name": "pda", "description": "Deriving the program's PDAs"},
            {"name": "accounts", "description": "The program's accounts read from a cluster or decoded from data"},
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

/// Gives every operation the `version` query parameter, and the `400` a bad one answers.
fn pin_operations(shared: &Shared, paths: &mut Map<String, Value>, parameter: &Value) {
    for operation in paths.values_mut().filter_map(Value::as_object_mut) {
        for op in operation.values_mut() {
            let Some(fields) = op.as_object_mut() else {
                continue;
            };
            match fields.get_mut("parameters") {
                Some(Value::Array(list)) => list.push(parameter.clone()),
                _ => {
                    fields.insert("parameters".into(), json!([parameter.clone()]));
                }
            }
            if op.pointer("/responses/400").is_none() {
                add_bad_query(shared, op, "Invalid query parameter (`version`)");
            }
        }
    }
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
    // Every read answers with an `ETag`, and a matching `If-None-Match` with an empty 304.
    responses.insert(
        "304".into(),
        json!({"description": "Not modified (`If-None-Match` matched the `ETag`)"}),
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
    let mut get_instruction = get_op(shared, "get_instruction", "One instruction: arguments with types and examples, accounts with PDA seeds, an example build request", instruction, name_param);
    if let Some(Value::Object(responses)) = get_instruction.get_mut("responses") {
        responses.extend(error_responses(
            shared,
            &[(
                "422",
                "The instruction's IDL definition is broken (`idl_item_unusable`)",
            )],
        ));
    }
    paths.insert(
        format!("{base}/instructions/{{name}}"),
        json!({ "get": get_instruction }),
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
