//! `/dashboard`, `/dashboard/projects/{projectId}` and the docs editor's preview.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use orquestra_api::intake::IdlVersionList;
use orquestra_api::keys::{ApiKeyList, KnownAddressList};
use orquestra_api::lists::{ProgramListItemPage, ProgramListList};
use orquestra_api::projects::{OwnProjects, ProjectEnvelope};
use orquestra_api::views::DocsView;
use orquestra_web::dashboard::{self, Dashboard, ListWithItems, ProjectSettings};

use super::{html, refused, viewer, Pages};
use crate::http_cache::IfNoneMatch;
use crate::rest::segment;

/// Projects of each list shown on the dashboard (the rest is counted).
const LIST_ITEMS_SHOWN: u32 = 20;

/// Largest Markdown the preview renders (the docs route's own limit).
const MAX_PREVIEW_BYTES: usize = 1024 * 1024;

pub async fn home(State(pages): State<Pages>, headers: HeaderMap, inm: IfNoneMatch) -> Response {
    let rest = pages.rest(&headers);
    let viewer = viewer(&rest).await;
    if !viewer.signed_in() {
        return html(StatusCode::OK, dashboard::sign_in(&viewer), &inm);
    }
    let (projects, lists) = tokio::join!(
        rest.get_as::<OwnProjects>("/api/projects/mine"),
        rest.get_as::<ProgramListList>("/api/lists"),
    );
    let (projects, lists) = match (projects, lists) {
        (Ok(projects), Ok(lists)) => (projects, lists),
        (Err(refusal), _) | (_, Err(refusal)) => return refused(&viewer, "Page", refusal, &inm),
    };
    // One in-process read per list (a user has a handful), each its first page.
    let mut with_items = Vec::with_capacity(lists.lists.len());
    for list in lists.lists {
        let path = format!(
            "/api/lists/{}/items?limit={LIST_ITEMS_SHOWN}",
            segment(&list.id)
        );
        match rest.get_as::<ProgramListItemPage>(path).await {
            Ok(page) => with_items.push(ListWithItems {
                list,
                items: page.items,
            }),
            Err(refusal) => return refused(&viewer, "Page", refusal, &inm),
        }
    }
    let page = Dashboard {
        projects: projects.projects,
        lists: with_items,
    };
    html(StatusCode::OK, dashboard::render(&viewer, &page), &inm)
}

pub async fn project(
    State(pages): State<Pages>,
    Path(project_id): Path<String>,
    headers: HeaderMap,
    inm: IfNoneMatch,
) -> Response {
    let rest = pages.rest(&headers);
    let viewer = viewer(&rest).await;
    if !viewer.signed_in() {
        return html(StatusCode::UNAUTHORIZED, dashboard::sign_in(&viewer), &inm);
    }
    let id = segment(&project_id);
    let project = match rest
        .get_as::<ProjectEnvelope>(format!("/api/projects/{id}"))
        .await
    {
        Ok(envelope) if envelope.project.is_owner => envelope.project,
        // Someone else's project, public or not: there is nothing here to manage.
        Ok(_) => return html(StatusCode::NOT_FOUND, dashboard::not_found(&viewer), &inm),
        Err(refusal) => return refused(&viewer, "Project", refusal, &inm),
    };
    let (versions, keys, addresses, docs) = tokio::join!(
        rest.get_as::<IdlVersionList>(format!("/api/idl/{id}/versions")),
        rest.get_as::<ApiKeyList>(format!("/api/projects/{id}/keys")),
        rest.get_as::<KnownAddressList>(format!("/api/{id}/addresses")),
        rest.get_as::<DocsView>(format!("/api/{id}/docs")),
    );
    let (versions, keys, addresses) = match (versions, keys, addresses) {
        (Ok(v), Ok(k), Ok(a)) => (v.versions, k.keys, a.addresses),
        (Err(refusal), _, _) | (_, Err(refusal), _) | (_, _, Err(refusal)) => {
            return refused(&viewer, "Project", refusal, &inm)
        }
    };
    // No IDL yet: the docs route has nothing to show, and the page says so.
    let docs = docs.ok().map(|d| (d.docs, d.is_custom));
    let settings = ProjectSettings {
        project,
        versions,
        keys,
        addresses,
        docs,
    };
    html(StatusCode::OK, dashboard::project(&viewer, &settings), &inm)
}

/// `POST /dashboard/preview`: Markdown in, the HTML the docs page would show out.
pub async fn preview(body: String) -> Response {
    if body.len() > MAX_PREVIEW_BYTES {
        return crate::ApiError::new(
            orquestra_api::ErrorCode::PayloadTooLarge,
            "docs exceed 1 MB",
        )
        .into_response();
    }
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        orquestra_web::markdown::to_html(&body),
    )
        .into_response()
}
