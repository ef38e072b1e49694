//! `/`: search public programs, the newest ones, and platform totals.

use maud::{html, Markup};
use orquestra_api::platform::PlatformStats;
use orquestra_api::projects::{PublicProject, PublicProjectPage};

use crate::layout::{count, page, Viewer};

/// What the explore page shows.
pub struct Explore {
    /// The search text, when searching.
    pub query: Option<String>,
    /// The matches of `query`, best first.
    pub results: Option<PublicProjectPage>,
    /// The newest public programs.
    pub newest: PublicProjectPage,
    pub stats: PlatformStats,
}

fn project_list(id: &str, projects: &[PublicProject]) -> Markup {
    html! {
        ul.cards #(id) {
            @for p in projects {
                li {
                    a.program-link href=(format!("/programs/{}", p.id)) { (p.name) }
                    p.meta { code.address { (p.program_id) } " · " (count(usize::try_from(p.version_count).unwrap_or(0), "version")) " · by " (p.username) }
                    @if let Some(d) = &p.description { p { (d) } }
                }
            }
        }
    }
}

pub fn render(viewer: &Viewer, explore: &Explore) -> Markup {
    let body = html! {
        h1 { "Explore Solana programs" }
        p.lead { "Docs, a REST API, transaction building and MCP tools for any program with an IDL." }
        form #search role="search" action="/" method="get" {
            label for="q" { "Search programs" }
            div.inline {
                input #q name="q" type="search" value=[explore.query.as_deref()] placeholder="name, program id or instruction";
                button type="submit" { "Search" }
            }
        }
        @if let (Some(query), Some(results)) = (&explore.query, &explore.results) {
            section aria-labelledby="results-heading" {
                h2 #results-heading { (count(usize::try_from(results.total).unwrap_or(0), "result")) " for “" (query) "”" }
                @if results.projects.is_empty() { p { "No public program matches." } }
                (project_list("results", &results.projects))
            }
        }
        div.grid {
            section aria-labelledby="newest-heading" {
                h2 #newest-heading { "Newest programs" }
                (project_list("newest", &explore.newest.projects))
            }
            section #totals aria-labelledby="totals-heading" {
                h2 #totals-heading { "Platform" }
                dl.stats {
                    dt { "Public programs" } dd { (explore.stats.total_projects) }
                    dt { "IDL versions" } dd { (explore.stats.total_idl_versions) }
                    dt { "Known addresses" } dd { (explore.stats.total_known_addresses) }
                    dt { "Users" } dd { (explore.stats.total_users) }
                }
            }
        }
    };
    page("Explore", viewer, body)
}
