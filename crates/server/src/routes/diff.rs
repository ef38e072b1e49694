//! `GET /api/{projectId}/diff?from=N&to=M`: what changed between two versions of a project's IDL,
//! each change classed as breaking or compatible, as JSON or Markdown.

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use orquestra_api::diff::IdlDiff;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::access::{project_with_version_for, Access};
use crate::auth::Principal;
use crate::error::ErrorBody;
use crate::extract::QueryParams;
use crate::programs::program_at;
use crate::version::{existing, Answered};
use crate::{ApiError, AppState};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(diff))
}

/// The two versions to compare, and the form of the report.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct DiffQuery {
    /// The older version (default: the one before `to`; `to` itself when it is version 1).
    #[param(minimum = 1)]
    from: Option<i64>,
    /// The newer version (default: the latest).
    #[param(minimum = 1)]
    to: Option<i64>,
    /// `json` (default) or `md`/`markdown` for the report as Markdown.
    format: Option<String>,
}

/// What changed between two IDL versions: instructions, accounts, types, errors and events added,
/// removed or changed, each change breaking (old clients or stored data stop working) or compatible.
#[utoipa::path(
    get,
    path = "/api/{project_id}/diff",
    tag = "program",
    operation_id = "diffVersions",
    params(("project_id" = String, Path, description = "Project id"), DiffQuery),
    security((), ("bearerAuth" = []), ("apiKeyAuth" = [])),
    responses(
        (status = 200, description = "The report (`x-idl-version` names `to`); Markdown with `?format=md`",
            content((IdlDiff = "application/json"), (String = "text/markdown"))),
        (status = 400, description = "A version that is not a positive integer, or an unknown `format`", body = ErrorBody),
        (status = 401, description = "Invalid credentials", body = ErrorBody),
        (status = 404, description = "Absent, private to someone else, no IDL yet, or no such version (`version_not_found`)", body = ErrorBody),
    ),
)]
async fn diff(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    QueryParams(q): QueryParams<DiffQuery>,
) -> Result<Response, ApiError> {
    let markdown = match q.format.as_deref() {
        None | Some("json") => false,
        Some("md" | "markdown") => true,
        Some(other) => {
            return Err(
                ApiError::bad_request(format!("unknown format {other:?}: use json or md"))
                    .with_detail("?format", "expected json or md"),
            )
        }
    };
    let to = checked("to", q.to)?;
    let from = checked("from", q.from)?;
    let (project, latest) = project_with_version_for(&state, &principal, &id, Access::Read).await?;
    let Some(latest) = latest else {
        return Err(ApiError::not_found("this project has no IDL yet"));
    };
    let to = existing("to", to.unwrap_or(latest), latest)?;
    let from = existing("from", from.unwrap_or((to - 1).max(1)), latest)?;
    let old = program_at(&state, &project, from).await?;
    let new = program_at(&state, &project, to).await?;
    let mut report = orquestra_docs::diff(&old, &new);
    report.from.version = Some(from);
    report.to.version = Some(to);
    if markdown {
        let text = orquestra_docs::render_markdown(&report);
        let content_type = HeaderValue::from_static("text/markdown; charset=utf-8");
        return Ok((Answered(to), [(header::CONTENT_TYPE, content_type)], text).into_response());
    }
    Ok((Answered(to), Json(report)).into_response())
}

/// A version number from the query: positive, or 400 pointing at the parameter.
fn checked(name: &str, version: Option<i64>) -> Result<Option<i64>, ApiError> {
    match version {
        Some(v) if v < 1 => Err(ApiError::new(
            orquestra_api::ErrorCode::BadQuery,
            format!("invalid query parameter {name}: versions are numbered from 1"),
        )
        .with_detail(format!("?{name}"), "expected a positive integer")),
        other => Ok(other),
    }
}
