//! The write and on-chain operations of the per-program OpenAPI document: per instruction
//! `…/build`, `…/data` and `…/accounts`, the PDA routes (`/pda`, `/pda/derive`) and the account
//! routes (`/pda/fetch/{address}`, `/accounts/decode`, `/program-accounts/query`).
//!
//! Request and response bodies are the service's wire types (`orquestra_api`), so the document
//! describes exactly what the routes read and answer. The instruction routes narrow the generic
//! `BuildRequest` with the instruction's own `args` (its IDL types) and `accounts` (its account
//! names) through an `allOf`, so a client generated from the document can only send what the
//! instruction takes, and every other field of the request stays available.

use orquestra_api::account::{
    DecodeAccountRequest, DecodeAccountResponse, FetchedAccount, ProgramAccountsRequest,
    ProgramAccountsResponse,
};
use orquestra_api::pda::{DerivePdaRequest, DerivePdaResponse, PdaList};
use orquestra_api::transaction::{
    BuildRequest, BuildTransactionResponse, Cluster, InstructionAccountsResponse,
    InstructionDataResponse,
};
use orquestra_idl::{AccountDefault, AccountItem, Instruction, InstructionAccount, Program};
use serde_json::{json, Map, Value};

use crate::env::Env;
use crate::example::DocumentExamples;
use crate::openapi::{encode_segment, error_responses, get_op, Shared, COMPONENTS};
use crate::render::{flat_accounts, seed_summary};
use crate::schema::{pubkey_schema, SchemaGen, UniqueNames, PUBKEY_PATTERN};

/// Errors every instruction route may answer (they share the request body and resolution).
const INSTRUCTION_ERRORS: &[(&str, &str)] = &[
    ("400", "Malformed JSON"),
    ("401", "Invalid credentials"),
    (
        "403",
        "A custom `rpcUrl` that is not allow-listed or is private",
    ),
    ("404", "Project or instruction not found"),
    ("415", "Not `application/json`"),
    (
        "422",
        "Invalid args (JSON pointer), missing accounts (every one named), bad addresses",
    ),
    ("429", "Rate limited"),
    ("502", "The RPC failed"),
    ("504", "The RPC timed out"),
];

/// What the instruction operations of one document share while it is assembled.
pub(crate) struct InstructionOps<'a, 'p> {
    pub(crate) program: &'p Program,
    pub(crate) base: &'a str,
    pub(crate) gen: &'a mut SchemaGen<'p>,
    pub(crate) shared: &'a mut Shared,
    pub(crate) op_ids: &'a mut UniqueNames,
    pub(crate) examples: &'a DocumentExamples<'p>,
}

impl InstructionOps<'_, '_> {
    /// Adds `…/build`, `…/data` and `…/accounts` of `ix` to `paths`; their request schema is a
    /// component of its own (`<name>_build_input`) so the three share it.
    pub(crate) fn add(&mut self, ix: &Instruction, paths: &mut Map<String, Value>) {
        let input_key = self.gen.reserve(&format!("{}_build_input", ix.name));
        let input = instruction_input(self.program, ix, self.gen);
        self.shared.insert(input_key.clone(), input);
        let generic = self.shared.reference::<BuildRequest>(self.gen);
        let input_ref = json!({ "$ref": format!("{COMPONENTS}{input_key}") });
        let example = self.examples.request(ix);
        let clean = operation_name(&ix.name);
        let prefix = format!("{}/instructions/{}", self.base, encode_segment(&ix.name));

        let build_response = self.shared.reference::<BuildTransactionResponse>(self.gen);
        let mut docs = ix.docs.join("\n").trim().to_string();
        if docs.is_empty() {
            docs = format!("Builds an unsigned transaction calling `{}`.", ix.name);
        }
        let build = Operation {
            id: self.op_ids.claim(&format!("build_{clean}")),
            summary: format!("Build a `{}` transaction", ix.name),
            description: docs,
            response: ("The unsigned transaction, its message, instruction, signers and fee (and simulation when asked)", build_response),
        };
        // `build` needs a fee payer; `data` and `accounts` take the same body without one.
        let body = json!({"allOf": [generic.clone(), input_ref.clone()], "required": ["feePayer"]});
        paths.insert(
            format!("{prefix}/build"),
            json!({ "post": build.into_value(self.shared, body, example.clone()) }),
        );

        let data_response = self.shared.reference::<InstructionDataResponse>(self.gen);
        let data = Operation {
            id: self.op_ids.claim(&format!("instruction_data_{clean}")),
            summary: format!("Encode `{}` data and resolve its accounts", ix.name),
            description: "The encoded instruction data and the resolved account metas, for callers who compose their own transactions.".into(),
            response: ("The encoded instruction data and its accounts", data_response),
        };
        let body = json!({"allOf": [generic.clone(), input_ref.clone()]});
        paths.insert(
            format!("{prefix}/data"),
            json!({ "post": data.into_value(self.shared, body, example.clone()) }),
        );

        let accounts_response = self
            .shared
            .reference::<InstructionAccountsResponse>(self.gen);
        let accounts = Operation {
            id: self.op_ids.claim(&format!("resolve_accounts_{clean}")),
            summary: format!("Resolve the accounts of `{}`", ix.name),
            description: "The account metas `build` would use, without a transaction.".into(),
            response: ("The instruction's accounts, resolved", accounts_response),
        };
        let body = json!({"allOf": [generic, input_ref]});
        paths.insert(
            format!("{prefix}/accounts"),
            json!({ "post": accounts.into_value(self.shared, body, example) }),
        );
    }
}

/// An instruction route's `POST` operation.
struct Operation {
    id: String,
    summary: String,
    description: String,
    /// Description and schema of the `200` answer.
    response: (&'static str, Value),
}

impl Operation {
    fn into_value(self, shared: &Shared, body: Value, example: Option<Value>) -> Value {
        let mut media = Map::new();
        media.insert("schema".into(), body);
        if let Some(example) = example {
            media.insert("example".into(), example);
        }
        post_op(
            shared,
            PostOp {
                id: &self.id,
                tag: "build",
                summary: &self.summary,
                description: Some(&self.description),
                media,
                response: self.response,
                errors: INSTRUCTION_ERRORS,
            },
        )
    }
}

/// The parts of a `POST` operation with a JSON body.
struct PostOp<'a> {
    id: &'a str,
    tag: &'a str,
    summary: &'a str,
    description: Option<&'a str>,
    /// The request body's media type object (`schema`, maybe `example`).
    media: Map<String, Value>,
    response: (&'a str, Value),
    errors: &'a [(&'a str, &'a str)],
}

fn post_op(shared: &Shared, op: PostOp<'_>) -> Value {
    let (what, schema) = op.response;
    let mut responses = Map::new();
    responses.insert(
        "200".into(),
        json!({"description": what, "content": {"application/json": {"schema": schema}}}),
    );
    responses.extend(error_responses(shared, op.errors));
    let mut out = json!({
        "operationId": op.id,
        "summary": op.summary,
        "tags": [op.tag],
        "requestBody": {"required": true, "content": {"application/json": {}}},
        "responses": {},
    });
    if let Some(description) = op.description {
        out["description"] = Value::String(description.to_string());
    }
    out["requestBody"]["content"]["application/json"] = Value::Object(op.media);
    out["responses"] = Value::Object(responses);
    out
}

fn operation_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// What one instruction's requests narrow `BuildRequest` to: its own `args` and `accounts`, and
/// base58 public keys where the generic request only says "string".
fn instruction_input(program: &Program, ix: &Instruction, gen: &mut SchemaGen<'_>) -> Value {
    let args = gen.fields_object(&ix.args, &Env::default(), 0);
    let args_required = ix
        .args
        .iter()
        .any(|f| f.omitted_default.is_none() && f.optional_default.is_none());

    let mut properties = Map::new();
    let mut required = Vec::new();
    // Every account by its dotted path, the form every client can write.
    for (group, a) in flat_accounts(&ix.accounts) {
        let key = match group.as_deref() {
            Some(g) => format!("{g}.{}", a.name),
            None => a.name.clone(),
        };
        // A member of a group may also be given nested, so only top-level accounts are required
        // here; the route names every account still missing.
        if group.is_none() && !a.optional && !resolvable(a) {
            required.push(Value::String(key.clone()));
        }
        properties.insert(key, account_schema(program, a));
    }
    // Groups nested the way Anchor clients write composite accounts.
    for item in &ix.accounts {
        if let AccountItem::Group { name, accounts, .. } = item {
            properties.insert(name.clone(), group_schema(program, accounts));
        }
    }
    let mut accounts = Map::new();
    accounts.insert("type".into(), json!("object"));
    accounts.insert("properties".into(), Value::Object(properties));
    let accounts_required = !required.is_empty();
    if accounts_required {
        accounts.insert("required".into(), Value::Array(required));
    }
    accounts.insert("additionalProperties".into(), Value::Bool(false));

    let mut top_required = Vec::new();
    if args_required {
        top_required.push(json!("args"));
    }
    if accounts_required {
        top_required.push(json!("accounts"));
    }
    let mut fee_payer = pubkey_schema();
    fee_payer["description"] = json!("The base58 public key that pays the fee (the first signer)");
    let mut input = json!({
        "type": "object",
        "description": format!("The arguments and accounts of `{}`.", ix.name),
        "properties": {
            "args": {},
            "accounts": {},
            "feePayer": fee_payer,
            "recentBlockhash": {"type": "string", "pattern": PUBKEY_PATTERN,
                "description": "A base58 blockhash; fetched from the cluster when absent"},
        },
        "required": top_required,
    });
    input["properties"]["args"] = args;
    input["properties"]["accounts"] = Value::Object(accounts);
    input
}

/// Whether the route can find the account's address without the caller.
fn resolvable(a: &InstructionAccount) -> bool {
    a.address.is_some()
        || a.pda.is_some()
        || matches!(&a.default, Some(d) if !matches!(d, AccountDefault::Other { .. }))
}

/// The members of an account group as a nested object.
fn group_schema(program: &Program, items: &[AccountItem]) -> Value {
    let mut properties = Map::new();
    for item in items {
        match item {
            AccountItem::Single(a) => {
                properties.insert(a.name.clone(), account_schema(program, a));
            }
            AccountItem::Group { name, accounts, .. } => {
                properties.insert(name.clone(), group_schema(program, accounts));
            }
        }
    }
    json!({
        "type": "object",
        "description": "Members of an account group by name",
        "properties": properties,
        "additionalProperties": false,
    })
}

/// A base58 address with the account's role; `null` too for an optional account.
fn account_schema(program: &Program, a: &InstructionAccount) -> Value {
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
        notes.push("optional (`null` leaves it out)".into());
    }
    if let Some(pda) = &a.pda {
        let seeds: Vec<String> = pda.seeds.iter().map(|s| seed_summary(program, s)).collect();
        notes.push(format!("PDA of [{}]", seeds.join(", ")));
    }
    if let Some(address) = &a.address {
        notes.push(format!("fixed address {address}"));
    }
    let mut description = notes.join("; ");
    let docs = a.docs.join(" ");
    if !docs.trim().is_empty() {
        if !description.is_empty() {
            description.push_str(". ");
        }
        description.push_str(docs.trim());
    }
    let mut schema = pubkey_schema();
    if let Value::Object(o) = &mut schema {
        if a.optional {
            o.remove("type");
            o.insert("type".into(), json!(["string", "null"]));
        }
        o.insert("description".into(), Value::String(description));
        if let Some(address) = &a.address {
            o.insert("default".into(), Value::String(address.clone()));
        }
    }
    schema
}

/// Adds the PDA and account routes of the program to `paths`.
pub(crate) fn onchain_paths(
    base: &str,
    gen: &mut SchemaGen<'_>,
    shared: &mut Shared,
    op_ids: &mut UniqueNames,
    paths: &mut Map<String, Value>,
) {
    let list = shared.reference::<PdaList>(gen);
    let mut pdas = get_op(
        shared,
        &op_ids.claim("list_pdas"),
        "Every PDA of the program, de-duplicated, with the inputs each needs",
        list,
        json!([]),
    );
    if let Some(Value::Object(responses)) = pdas.get_mut("responses") {
        responses.insert(
            "304".into(),
            json!({"description": "Not modified (`If-None-Match` matched the `ETag`)"}),
        );
    }
    paths.insert(format!("{base}/pda"), json!({ "get": pdas }));

    let request = shared.reference::<DerivePdaRequest>(gen);
    let response = shared.reference::<DerivePdaResponse>(gen);
    let derive = post_op(
        shared,
        PostOp {
            id: &op_ids.claim("derive_pda"),
            tag: "pda",
            summary: "Derive a PDA of an instruction account or a named PDA",
            description: None,
            media: media(request),
            response: (
                "The derived address (`pda`, `address`), its bump and seeds",
                response,
            ),
            errors: &[
                ("400", "Malformed JSON"),
                ("401", "Invalid credentials"),
                (
                    "404",
                    "No such instruction, account or PDA (or no such project)",
                ),
                ("413", "Body too large"),
                ("415", "Not `application/json`"),
                (
                    "422",
                    "Missing or invalid seed values (details point at them)",
                ),
                ("429", "Rate limited"),
            ],
        },
    );
    paths.insert(format!("{base}/pda/derive"), json!({ "post": derive }));

    let fetched = shared.reference::<FetchedAccount>(gen);
    let cluster = shared.reference::<Cluster>(gen);
    let query = |name: &str, description: &str, schema: Value| json!({"name": name, "in": "query", "required": false, "description": description, "schema": schema});
    let mut network = query("network", "The older name of `cluster`", cluster.clone());
    network["deprecated"] = json!(true);
    let parameters = json!([
        {"name": "address", "in": "path", "required": true,
            "description": "Account address (base58)", "schema": pubkey_schema()},
        query("cluster", "The cluster to read (default `mainnet-beta`)", cluster),
        network,
        query("rpcUrl", "A custom RPC URL; must be on the operator's allow-list", json!({"type": "string"})),
        query("accountType", "Decode as this account type (either casing); by default it is identified by its discriminator", json!({"type": "string"})),
        query("includeRaw", "Include the raw data (base64)", json!({"type": "boolean"})),
    ]);
    let mut fetch = get_op(
        shared,
        &op_ids.claim("fetch_account"),
        "One account read from the cluster, decoded with the IDL when its type is known",
        fetched,
        parameters,
    );
    fetch["tags"] = json!(["accounts"]);
    if let Some(Value::Object(responses)) = fetch.get_mut("responses") {
        responses.extend(error_responses(
            shared,
            &[
                ("400", "Bad address, query or cluster"),
                ("401", "Invalid credentials"),
                (
                    "403",
                    "A custom `rpcUrl` that is not allow-listed or is private",
                ),
                ("502", "The RPC failed"),
                ("504", "The RPC timed out"),
            ],
        ));
    }
    paths.insert(
        format!("{base}/pda/fetch/{{address}}"),
        json!({ "get": fetch }),
    );

    let request = shared.reference::<DecodeAccountRequest>(gen);
    let response = shared.reference::<DecodeAccountResponse>(gen);
    let decode = post_op(
        shared,
        PostOp {
            id: &op_ids.claim("decode_account"),
            tag: "accounts",
            summary: "Decode account data the caller already has, with the IDL",
            description: None,
            media: media(request),
            response: ("The data decoded with the IDL", response),
            errors: &[
                ("400", "Malformed JSON"),
                ("401", "Invalid credentials"),
                ("404", "Project not found, or it has no IDL yet"),
                ("413", "Body too large"),
                ("415", "Not `application/json`"),
                ("422", "`data` not in its encoding, an unknown `accountType`, or data that does not decode (details point at `/data` or `/accountType`)"),
                ("429", "Rate limited"),
            ],
        },
    );
    paths.insert(format!("{base}/accounts/decode"), json!({ "post": decode }));

    let request = shared.reference::<ProgramAccountsRequest>(gen);
    let response = shared.reference::<ProgramAccountsResponse>(gen);
    let query = post_op(
        shared,
        PostOp {
            id: &op_ids.claim("query_program_accounts"),
            tag: "accounts",
            summary:
                "The program's accounts matching typed filters (`getProgramAccounts`), decoded",
            description: None,
            media: media(request),
            response: (
                "The matching accounts, decoded, with the filters sent",
                response,
            ),
            errors: &[
                ("400", "Malformed JSON or unknown cluster"),
                ("401", "Invalid credentials"),
                (
                    "403",
                    "A custom `rpcUrl` that is not allow-listed or is private",
                ),
                ("404", "Project not found"),
                ("415", "Not `application/json`"),
                ("422", "Bad filters (JSON pointer)"),
                ("429", "Rate limited"),
                ("502", "The RPC failed"),
                ("504", "The RPC timed out"),
            ],
        },
    );
    paths.insert(
        format!("{base}/program-accounts/query"),
        json!({ "post": query }),
    );
}

fn media(schema: Value) -> Map<String, Value> {
    let mut media = Map::new();
    media.insert("schema".into(), schema);
    media
}
