//! `/programs/{projectId}`: one program, one section (tab) per page load.

mod instructions;
mod items;
mod tools;

use std::sync::Arc;

use maud::{html, Markup, PreEscaped};
use orquestra_api::intake::IdlVersionInfo;
use orquestra_api::keys::KnownAddress;
use orquestra_api::pda::PdaList;
use orquestra_api::projects::Project;
use orquestra_api::views::{
    AccountsView, DocsView, ErrorsView, EventsView, InstructionView, TypesView, ViewHead,
};

use crate::layout::{page, Viewer};
use crate::markdown;

/// The sections of a program page, in tab order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Overview,
    Instructions,
    Accounts,
    Types,
    Errors,
    Events,
    Docs,
    Pda,
    Account,
}

impl Tab {
    /// Every tab, in order.
    pub const ALL: [Tab; 9] = [
        Tab::Overview,
        Tab::Instructions,
        Tab::Accounts,
        Tab::Types,
        Tab::Errors,
        Tab::Events,
        Tab::Docs,
        Tab::Pda,
        Tab::Account,
    ];

    /// The tab named by `?tab=`; unknown names are `None`.
    pub fn parse(name: &str) -> Option<Tab> {
        Tab::ALL.into_iter().find(|t| t.slug() == name)
    }

    /// Its `?tab=` value.
    pub fn slug(self) -> &'static str {
        match self {
            Tab::Overview => "overview",
            Tab::Instructions => "instructions",
            Tab::Accounts => "accounts",
            Tab::Types => "types",
            Tab::Errors => "errors",
            Tab::Events => "events",
            Tab::Docs => "docs",
            Tab::Pda => "pda",
            Tab::Account => "account",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Tab::Overview => "Overview",
            Tab::Instructions => "Instructions",
            Tab::Accounts => "Accounts",
            Tab::Types => "Types",
            Tab::Errors => "Errors",
            Tab::Events => "Events",
            Tab::Docs => "Docs",
            Tab::Pda => "PDAs",
            Tab::Account => "Fetch account",
        }
    }
}

/// What the selected tab shows, as the API returned it.
pub enum Section {
    /// The overview: the instruction list only needs names.
    Overview {
        instructions: Vec<String>,
    },
    Instructions(Vec<Arc<InstructionView>>),
    Accounts(Arc<AccountsView>),
    Types(Arc<TypesView>),
    Errors(Arc<ErrorsView>),
    Events(Arc<EventsView>),
    Docs(Arc<DocsView>),
    Pda(Arc<PdaList>),
    /// The account fetcher needs the account type names.
    Account(Arc<AccountsView>),
    /// A section rendered before (by [`section`]).
    Rendered(Arc<str>),
}

/// Everything a program page shows.
pub struct ProgramPage {
    pub project: Project,
    /// The version the page is built from, its format and names.
    pub head: Option<ViewHead>,
    /// The `?version=` the visitor pinned, if any.
    pub pinned: Option<i64>,
    pub versions: Vec<IdlVersionInfo>,
    pub addresses: Vec<KnownAddress>,
    pub tab: Tab,
    /// `None` when the project has no IDL yet.
    pub section: Option<Section>,
}

impl ProgramPage {
    /// The page's own URL for `tab`, keeping a pinned version.
    fn href(&self, tab: Tab) -> String {
        let mut href = format!("/programs/{}?tab={}", self.project.id, tab.slug());
        if let Some(v) = self.pinned {
            href.push_str(&format!("&version={v}"));
        }
        href
    }
}

/// The whole page.
pub fn render(viewer: &Viewer, program: &ProgramPage) -> Markup {
    let project = &program.project;
    let body = html! {
        div.program-head {
            h1 #program-name { (project.name) }
            p.meta {
                code.address { (project.program_id) }
                @if let Some(head) = &program.head {
                    " · " span.badge { (format!("{:?}", head.format)) }
                }
                @if !project.is_public { " · " span.badge.private { "private" } }
                @if let Some(user) = &project.username { " · by " (user) }
            }
            @if let Some(description) = &project.description { p { (description) } }
            (version_picker(program))
        }
        nav.tabs aria-label="Program sections" {
            @for tab in Tab::ALL {
                a href=(program.href(tab)) aria-current=[(tab == program.tab).then_some("page")] { (tab.label()) }
            }
        }
        section.tab-body data-project=(project.id) data-version=[program.pinned] {
            @match &program.section {
                None => p { "This project has no IDL yet." },
                Some(Section::Overview { instructions }) => (overview(program, instructions)),
                Some(section) => (self::section(&project.id, program.pinned, section)),
            }
        }
    };
    page(&project.name, viewer, body)
}

fn version_picker(program: &ProgramPage) -> Markup {
    let current = program.head.as_ref().map(|h| h.version);
    html! {
        @if program.versions.len() > 1 {
            form.version-picker method="get" action=(format!("/programs/{}", program.project.id)) {
                input type="hidden" name="tab" value=(program.tab.slug());
                label for="version" { "IDL version" }
                select #version name="version" data-autosubmit {
                    @for v in &program.versions {
                        option value=(v.version) selected[Some(v.version) == current] {
                            "v" (v.version)
                            @if let Some(at) = &v.created_at { " — " (at.get(..10).unwrap_or(at)) }
                        }
                    }
                }
                noscript { button type="submit" { "Show" } }
            }
        }
    }
}

/// A tab's content other than the overview: a pure function of its views, so it can be kept
/// and reused for as long as they are current.
pub fn section(project_id: &str, pinned: Option<i64>, section: &Section) -> Markup {
    match section {
        Section::Overview { .. } => html! {},
        Section::Rendered(html) => PreEscaped(html.to_string()),
        Section::Instructions(list) => instructions::render(project_id, pinned, list),
        Section::Accounts(view) => items::accounts(view),
        Section::Types(view) => items::types(view),
        Section::Errors(view) => items::errors(view),
        Section::Events(view) => items::events(view),
        Section::Docs(view) => html! {
            p.links {
                a href=(format!("/api/{project_id}/docs?format=md")) { "CPI.md" } " · "
                a href=(format!("/project/{project_id}/llms.txt")) { "llms.txt" }
            }
            article.markdown { (PreEscaped(markdown::to_html(&view.docs))) }
        },
        Section::Pda(list) => tools::pdas(project_id, list),
        Section::Account(view) => tools::account_fetch(project_id, view),
    }
}

fn overview(program: &ProgramPage, instructions: &[String]) -> Markup {
    let project = &program.project;
    let socials = [
        ("Website", &project.socials.website),
        ("GitHub", &project.socials.github),
        ("X / Twitter", &project.socials.twitter),
        ("Discord", &project.socials.discord),
        ("Telegram", &project.socials.telegram),
    ];
    html! {
        div.grid {
            section {
                h2 { "Program" }
                dl {
                    dt { "Program id" } dd { code { (project.program_id) } }
                    @if let Some(head) = &program.head {
                        dt { "IDL name" } dd { (head.program_name) }
                        dt { "Format" } dd { (format!("{:?}", head.format)) }
                        dt { "Version" } dd { "v" (head.version) " of " (project.latest_version) }
                    }
                    @if let Some(at) = &project.updated_at { dt { "Updated" } dd { (at) } }
                }
                h3 { "Links" }
                ul.links {
                    li { a href=(format!("/programs/{}/api", project.id)) { "Interactive API reference" } }
                    li { a href=(format!("/api/{}/openapi.json", project.id)) { "OpenAPI document" } }
                    li { a href=(format!("/project/{}/llms.txt", project.id)) { "llms.txt" } }
                    li { a href=(format!("/api/{}/idl", project.id)) { "IDL (JSON)" } }
                    @for (label, url) in socials {
                        @if let Some(url) = url.as_deref().filter(|u| u.starts_with("https://") || u.starts_with("http://")) {
                            li { a href=(url) rel="noopener nofollow" { (label) } }
                        }
                    }
                }
            }
            section {
                h2 { "Instructions (" (instructions.len()) ")" }
                ul.columns {
                    @for name in instructions {
                        li { a href=(format!("{}#ix-{name}", program.href(Tab::Instructions))) { code { (name) } } }
                    }
                }
            }
            @if !program.addresses.is_empty() {
                section {
                    h2 { "Known addresses" }
                    table {
                        thead { tr { th { "Label" } th { "Address" } th { "Description" } } }
                        tbody {
                            @for a in &program.addresses {
                                tr { td { (a.label) } td { code { (a.address) } } td { (a.description.as_deref().unwrap_or("")) } }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A discriminator as text: hex bytes, or the data size it implies.
fn discriminator(d: &Option<orquestra_api::views::Discriminator>) -> Markup {
    use orquestra_api::views::Discriminator;
    html! {
        @match d {
            Some(Discriminator::Bytes { hex, offset, .. }) => {
                code.hex { (hex) }
                @if *offset > 0 { " at byte " (offset) }
            }
            Some(Discriminator::Size { size }) => { "data of " (size) " bytes" }
            None => span.muted { "none" },
        }
    }
}

/// Why an item of the IDL cannot be used, with the JSON pointer at fault.
fn unusable(u: &Option<orquestra_api::views::Unusable>) -> Markup {
    html! {
        @if let Some(u) = u {
            p.warning role="note" { "Not usable: " (u.message) " (" code { (u.path) } ")" }
        }
    }
}
