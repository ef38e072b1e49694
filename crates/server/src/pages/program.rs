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
    let (versions, addresses) = tokio::join!(
        rest.get_as::<IdlVersionList>(format!("/api/idl/{id}/versions")),
        rest.get_as::<KnownAddressList>(format!("/api/{id}/addresses")),
    );
    let (versions, addresses) = match (versions, addresses) {
        (Ok(v), Ok(a)) => (v.versions, a.addresses),
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
    if !program.versions.is_empty() {
        let pin = q
            .version
            .map(|v| format!("?version={v}"))
            .unwrap_or_default();
        let instructions = match rest
            .get_as::<InstructionsView>(format!("/api/{id}/instructions{pin}"))
            .await
        {
            Ok(view) => view,
            Err(refusal) => return refused(&viewer, "Version", refusal, &inm),
        };
        program.head = Some(instructions.head.clone());
        match section(&rest, &id, &pin, tab, instructions).await {
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

/// The selected tab's content, from its REST view.
async fn section(
    rest: &Rest<'_>,
    id: &str,
    pin: &str,
    tab: Tab,
    instructions: InstructionsView,
) -> Result<Section, Refusal> {
    let names = instructions.instructions.iter().map(|entry| match entry {
        InstructionEntry::Item(ix) => ix.name.clone(),
        InstructionEntry::Unreadable(item) => item.name.clone(),
    });
    Ok(match tab {
        Tab::Overview => Section::Overview {
            instructions: names.collect(),
        },
        Tab::Instructions => {
            let mut details = Vec::with_capacity(instructions.total);
            for entry in &instructions.instructions {
                if let InstructionEntry::Item(ix) = entry {
                    let path = format!("/api/{id}/instructions/{}{pin}", segment(&ix.name));
                    details.push(rest.get_as::<InstructionView>(&path).await?.instruction);
                }
            }
            Section::Instructions(details)
        }
        Tab::Accounts => Section::Accounts(
            rest.get_as::<AccountsView>(format!("/api/{id}/accounts{pin}"))
                .await?,
        ),
        Tab::Types => Section::Types(
            rest.get_as::<TypesView>(format!("/api/{id}/types{pin}"))
                .await?,
        ),
        Tab::Errors => Section::Errors(
            rest.get_as::<ErrorsView>(format!("/api/{id}/errors{pin}"))
                .await?,
        ),
        Tab::Events => Section::Events(
            rest.get_as::<EventsView>(format!("/api/{id}/events{pin}"))
                .await?,
        ),
        Tab::Docs => Section::Docs(
            rest.get_as::<DocsView>(format!("/api/{id}/docs{pin}"))
                .await?
                .docs,
        ),
        Tab::Pda => Section::Pda(
            rest.get_as::<PdaList>(format!("/api/{id}/pda{pin}"))
                .await?,
        ),
        Tab::Account => Section::Account(
            rest.get_as::<AccountsView>(format!("/api/{id}/accounts{pin}"))
                .await?,
        ),
    })
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
