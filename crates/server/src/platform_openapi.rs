//! `GET /openapi.json`: the platform API's own OpenAPI 3.1 document, generated from the route
//! annotations (`#[utoipa::path]` on every handler, collected by `utoipa_axum`'s `OpenApiRouter`)
//! and finished here with what only the running server knows (its public URL).
//!
//! Not to be confused with `GET /api/{project_id}/openapi.json`, the per-program document built by
//! `orquestra-docs` from a project's IDL.

use axum::extract::State;
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use bytes::Bytes;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::{Operation, PathItem};
use utoipa::openapi::schema::{Object, Type};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::tag::TagBuilder;
use utoipa::openapi::{
    self as oas, Components, Content, InfoBuilder, LicenseBuilder, OpenApi, Ref, RefOr,
    ResponseBuilder, Server,
};

use orquestra_api::platform::OpenApiDocument;

use crate::http_cache::{etag_of, respond, IfNoneMatch};
use crate::ApiError;

/// Where the document is served.
pub const PATH: &str = "/openapi.json";

const DESCRIPTION: &str = "Orquestra turns Solana program IDLs into versioned documentation, a REST \
API, unsigned transactions and decoded accounts.\n\n\
Authentication: `Authorization: Bearer <session token>` (from GitHub sign-in, `/auth/github`), \
`X-API-Key` (a project-scoped key, acting for that one project) or `X-Ingest-Key` (the ingest \
service). Operations listing an empty security requirement (`{}`) next to the schemes also accept \
anonymous callers, to whom private projects are invisible (404); operations with `security: []` \
need no credentials.\n\n\
Paths: the literal segments of `/api/projects/…`, `/api/idl/…`, `/api/lists/…`, \
`/api/transactions/…`, `/api/tx/…`, `/api/ingest/…`, `/api/discovery/…` and `/api/stats` always win \
over `/api/{project_id}/…`; project ids are generated UUIDs, so none is ever one of those words.\n\n\
Besides the responses listed, any operation may answer `500` (`internal`), `408` \
(`request_timeout`, a body arriving too slowly) or `503` (`timeout`, the whole-request limit).\n\n\
Errors share one shape (`ErrorBody`): `{\"error\": {\"code\", \"message\", \"details\": [{\"path\", \
\"message\"}]}}`, where `path` is a JSON pointer into the request.";

/// The tags, in the order a reader meets them.
const TAGS: &[(&str, &str)] = &[
    ("health", "Liveness and readiness"),
    ("auth", "GitHub sign-in and sessions"),
    ("projects", "Projects: create, list, read, update, delete; platform stats"),
    ("socials", "A project's social links"),
    ("keys", "Project API keys (owner only)"),
    ("addresses", "A project's labelled (known) addresses"),
    ("idl", "IDL upload, versions and ingest"),
    ("program", "The generated program API: instructions, accounts, types, errors, events, constants, the IDL and the program's own OpenAPI document"),
    ("docs", "Documentation: CPI.md and llms.txt"),
    ("discovery", "Discovery for crawlers"),
    ("transactions", "Unsigned transactions built from the IDL, instruction data, account resolution, decoding and simulation of any transaction"),
    ("accounts", "On-chain accounts of a program, decoded with its IDL"),
    ("published", "IDLs programs published on chain: import, and verification of stored versions against them"),
    ("lists", "A user's program lists and their scope keys (narrowing MCP search)"),
    ("meta", "This document"),
];

/// The platform API's OpenAPI 3.1 document (this document).
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "meta",
    operation_id = "platformOpenApi",
    responses(
        (status = 200, description = "This OpenAPI 3.1 document, with an `ETag`", body = OpenApiDocument),
        (status = 304, description = "Not modified (`If-None-Match` matched the `ETag`)"),
    ),
)]
async fn document(State(doc): State<Document>, if_none_match: IfNoneMatch) -> Response {
    match doc.body {
        Some((etag, body)) => respond(&if_none_match, etag, body, "application/json"),
        None => ApiError::internal(&"the OpenAPI document could not be serialised").into_response(),
    }
}

/// The serialised document, built once at startup.
#[derive(Clone)]
struct Document {
    /// The ETag and body; `None` if the document could not be serialised.
    body: Option<(HeaderValue, Bytes)>,
}

/// The document's own path, as an operation to merge into the collected document.
fn own_path() -> OpenApi {
    #[derive(utoipa::OpenApi)]
    #[openapi(paths(document))]
    struct Own;
    <Own as utoipa::OpenApi>::openapi()
}

/// The `429` every `/api/*` operation can answer: the rate limiter stands before every handler
/// there (only `/health`, `/auth/*`, `/openapi.json` and `llms.txt` are outside it).
fn rate_limited() -> oas::Response {
    ResponseBuilder::new()
        .description(
            "Too many requests from this client for this route class (`rate_limited`); \
             `Retry-After` says when to try again",
        )
        .header(
            "Retry-After",
            HeaderBuilder::new()
                .schema(Some(Object::with_type(Type::Integer)))
                .description(Some("Seconds to wait"))
                .build(),
        )
        .content(
            "application/json",
            Content::new(Some(Ref::from_schema_name("ErrorBody"))),
        )
        .build()
}

/// The `503` of an operation that has no other: with a shared (Redis) limiter configured to fail
/// closed, limited requests are refused while Redis cannot decide.
fn limiter_unavailable() -> oas::Response {
    ResponseBuilder::new()
        .description(
            "The shared rate limiter cannot decide and is configured to refuse meanwhile              (`unavailable`); `Retry-After` says when to try again",
        )
        .content(
            "application/json",
            Content::new(Some(Ref::from_schema_name("ErrorBody"))),
        )
        .build()
}

/// Adds [`rate_limited`] and [`limiter_unavailable`] to every `/api/*` operation that does not
/// document a `429` or a `503` itself.
fn document_rate_limits(doc: &mut OpenApi) {
    for (path, item) in doc.paths.paths.iter_mut() {
        if !path.starts_with("/api/") {
            continue;
        }
        for operation in operations(item) {
            let responses = &mut operation.responses.responses;
            responses
                .entry("429".into())
                .or_insert_with(|| RefOr::T(rate_limited()));
            responses
                .entry("503".into())
                .or_insert_with(|| RefOr::T(limiter_unavailable()));
        }
    }
}

/// The operations of a path item, whatever their method.
fn operations(item: &mut PathItem) -> impl Iterator<Item = &mut Operation> {
    [
        &mut item.get,
        &mut item.put,
        &mut item.post,
        &mut item.delete,
        &mut item.options,
        &mut item.head,
        &mut item.patch,
        &mut item.trace,
    ]
    .into_iter()
    .flatten()
}

/// Marks every operation that declares no security as public with `security: []`. Without a
/// top-level requirement an absent list already means "no authentication", but saying it
/// explicitly lets linters and client generators tell a public operation from a forgotten one.
fn mark_public_operations(doc: &mut OpenApi) {
    for item in doc.paths.paths.values_mut() {
        for operation in operations(item) {
            operation.security.get_or_insert_with(Vec::new);
        }
    }
}

/// Completes the document collected from the routes: info, servers, security schemes, tags,
/// explicit `security: []` on public operations, the rate limiter's `429` and the `/openapi.json`
/// operation itself.
pub fn finish(mut doc: OpenApi, public_url: &str) -> OpenApi {
    doc.merge(own_path());
    mark_public_operations(&mut doc);
    document_rate_limits(&mut doc);
    doc.info = InfoBuilder::new()
        .title("Orquestra API")
        .version(env!("CARGO_PKG_VERSION"))
        .description(Some(DESCRIPTION))
        .license(Some(
            LicenseBuilder::new()
                .name("Apache-2.0")
                .identifier(Some("Apache-2.0"))
                .build(),
        ))
        .build();
    doc.servers = Some(vec![Server::new(public_url)]);
    let components = doc.components.get_or_insert_with(Components::new);
    components.add_security_scheme(
        "bearerAuth",
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .bearer_format("JWT")
                .description(Some(
                    "Session token from GitHub sign-in (`POST /auth/github/callback`); browsers \
                     may send it as the session cookie instead",
                ))
                .build(),
        ),
    );
    components.add_security_scheme(
        "apiKeyAuth",
        SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
            "X-API-Key",
            "Project API key: acts for its one project (read, and write content), never as the owner",
        ))),
    );
    components.add_security_scheme(
        "ingestKeyAuth",
        SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
            "X-Ingest-Key",
            "The ingest service's key (`POST /api/ingest/idl`), when the server has one configured",
        ))),
    );
    doc.tags = Some(
        TAGS.iter()
            .map(|(name, description)| {
                TagBuilder::new()
                    .name(*name)
                    .description(Some(*description))
                    .build()
            })
            .collect(),
    );
    doc
}

/// The router serving `doc` at [`PATH`], serialised once, now.
pub fn router<S: Clone + Send + Sync + 'static>(doc: &OpenApi) -> Router<S> {
    let body = serde_json::to_vec(doc)
        .map_err(|e| tracing::error!(error = %e, "serialising the OpenAPI document"))
        .ok()
        .map(|body| (etag_of(&body), Bytes::from(body)));
    Router::new()
        .route(PATH, get(document))
        .with_state(Document { body })
}
