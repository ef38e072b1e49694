//! `/programs/{projectId}` and its interactive API reference.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use orquestra_api::intake::IdlVersionList;
use orquestra_api::keys::KnownAddressList;
use orquestra_api::pda::PdaList;
use orquestra_api::projects::ProjectEnvelope;
use orquestra_api::views::{
    AccountsView, DocsView, ErrorsView, EventsView, InstructionEntry, InstructionView,
    InstructionsView, TypesView,
};
use orquestra_web::program::{ProgramPage, Section, Tab};
use orquestra_web::reference;
use serde::Deserialize;

use super::cache::View;
use super::{html, refused, viewer, Pages};
use crate::http_cache::IfNoneMatch;
use crate::rest::{segment, Refusal, Rest};

#[derive(Deserialize)]
pub struct ProgramQuery {
    tab: Option<String>,
    version: Option<i64>,
}

pub async fn page(
    State(pages): State<Pages>,
    Path(project_id): Path<String>,
    Query(q): Query<ProgramQuery>,
    headers: HeaderMap,
    inm: IfNoneMatch,
) -> Response {
    let rest = pages.rest(&headers);
    let viewer = viewer(&rest).await;
    let id = segment(&project_id);
    let project = match rest
        .get_as::<ProjectEnvelope>(format!("/api/projects/{id}"))
        .await
    {
        Ok(envelope) => envelope.project,
        Err(refusal) => return refused(&viewer, "Program", refusal, &inm),
    };
    let Some(tab) = q.tab.as_deref().map_or(Some(Tab::Overview), Tab::parse) else {
        let refusal = Refusal {
            status: StatusCode::NOT_FOUND,
            message: "no such tab".into(),
        };
        return refused(&viewer, "Page", refusal, &inm);
    };
    // Only what this page shows: the version list when there is a choice, the known addresses
    // on the overview.
    let has_choice = project.latest_version > 1;
    let (versions, addresses) = tokio::join!(
        async {
            if has_choice {
                let path = format!("/api/idl/{id}/versions");
                rest.get_as::<IdlVersionList>(path)
                    .await
                    .map(|v| v.versions)
            } else {
                Ok(Vec::new())
            }
        },
        async {
            if tab == Tab::Overview {
                let path = format!("/api/{id}/addresses");
                rest.get_as::<KnownAddressList>(path)
                    .await
                    .map(|a| a.addresses)
            } else {
                Ok(Vec::new())
            }
        },
    );
    let (versions, addresses) = match (versions, addresses) {
        (Ok(v), Ok(a)) => (v, a),
        (Err(refusal), _) | (_, Err(refusal)) => return refused(&viewer, "Program", refusal, &inm),
    };
    let mut program = ProgramPage {
        project,
        head: None,
        pinned: q.version,
        versions,
        addresses,
        tab,
        section: None,
    };
    if program.project.latest_version > 0 {
        let pin = q
            .version
            .map(|v| format!("?version={v}"))
            .unwrap_or_default();
        let list = pages
            .cache
            .view::<InstructionsView>(&rest, format!("/api/{id}/instructions{pin}"))
            .await;
        let list = match list {
            Ok(list) => list,
            Err(refusal) => return refused(&viewer, "Version", refusal, &inm),
        };
        program.head = Some(list.value.head.clone());
        match section(&pages, &rest, &id, q.version, tab, &list).await {
            Ok(section) => program.section = Some(section),
            Err(refusal) => return refused(&viewer, "Program", refusal, &inm),
        }
    }
    html(
        StatusCode::OK,
        orquestra_web::program::render(&viewer, &program),
        &inm,
    )
}

/// The selected tab's content: the overview from the instruction list, any other tab rendered
/// from its views and kept under their tags.
async fn section(
    pages: &Pages,
    rest: &Rest<'_>,
    id: &str,
    pinned: Option<i64>,
    tab: Tab,
    list: &View<InstructionsView>,
) -> Result<Section, Refusal> {
    let pin = pinned.map(|v| format!("?version={v}")).unwrap_or_default();
    let cache = &pages.cache;
    let mut tags = vec![list.tag().to_string()];
    let section = match tab {
        Tab::Overview => {
            let names = list.value.instructions.iter().map(|entry| match entry {
                InstructionEntry::Item(ix) => ix.name.clone(),
                InstructionEntry::Unreadable(item) => item.name.clone(),
            });
            return Ok(Section::Overview {
                instructions: names.collect(),
            });
        }
        Tab::Instructions => {
            let mut details = Vec::with_capacity(list.value.total);
            for entry in &list.value.instructions {
                if let InstructionEntry::Item(ix) = entry {
                    let path = format!("/api/{id}/instructions/{}{pin}", segment(&ix.name));
                    let detail = cache.view::<InstructionView>(rest, path).await?;
                    tags.push(detail.tag().to_string());
                    details.push(detail.value);
                }
            }
            Section::Instructions(details)
        }
        Tab::Accounts | Tab::Account => {
            let view = cache
                .view::<AccountsView>(rest, format!("/api/{id}/accounts{pin}"))
                .await?;
            tags.push(view.tag().to_string());
            if tab == Tab::Accounts {
                Section::Accounts(view.value)
            } else {
                Section::Account(view.value)
            }
        }
        Tab::Types => {
            let view = cache
                .view::<TypesView>(rest, format!("/api/{id}/types{pin}"))
                .await?;
            tags.push(view.tag().to_string());
            Section::Types(view.value)
        }
        Tab::Errors => {
            let view = cache
                .view::<ErrorsView>(rest, format!("/api/{id}/errors{pin}"))
                .await?;
            tags.push(view.tag().to_string());
            Section::Errors(view.value)
        }
        Tab::Events => {
            let view = cache
                .view::<EventsView>(rest, format!("/api/{id}/events{pin}"))
                .await?;
            tags.push(view.tag().to_string());
            Section::Events(view.value)
        }
        Tab::Docs => {
            let view = cache
                .view::<DocsView>(rest, format!("/api/{id}/docs{pin}"))
                .await?;
            tags.push(view.tag().to_string());
            Section::Docs(view.value)
        }
        Tab::Pda => {
            let view = cache
                .view::<PdaList>(rest, format!("/api/{id}/pda{pin}"))
                .await?;
            tags.push(view.tag().to_string());
            Section::Pda(view.value)
        }
    };
    // The project id and pin are in the rendered links and forms; the tags name the views.
    let cacheable = tags.iter().all(|t| t != "-");
    let key = format!("{id}|{}|{pin}|{}", tab.slug(), tags.join(","));
    let html = cache.section(key, cacheable, || {
        orquestra_web::program::section(id, pinned, &section).into_string()
    });
    Ok(Section::Rendered(html))
}

/// `/programs/{projectId}/api`: RapiDoc over the program's OpenAPI document, for those who may
/// see the project.
pub async fn reference(
    State(pages): State<Pages>,
    Path(project_id): Path<String>,
    headers: HeaderMap,
    inm: IfNoneMatch,
) -> Response {
    let rest = pages.rest(&headers);
    let id = segment(&project_id);
    match rest
        .get_as::<ProjectEnvelope>(format!("/api/projects/{id}"))
        .await
    {
        Ok(envelope) => html(
            StatusCode::OK,
            reference::render(&envelope.project.name, &format!("/api/{id}/openapi.json")),
            &inm,
        ),
        Err(refusal) => refused(&viewer(&rest).await, "Program", refusal, &inm),
    }
}
