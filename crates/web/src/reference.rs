//! The interactive API references (`/api-docs`, `/programs/{projectId}/api`): RapiDoc, served
//! from the binary, pointed at an OpenAPI document of this server.

use maud::{html, Markup, DOCTYPE};

use crate::assets;

/// A full page with RapiDoc showing the document at `spec_url`.
pub fn render(title: &str, spec_url: &str) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                (crate::layout::head_common(&format!("{title} · API reference · Orquestra")))
                script type="module" src=(assets::RAPIDOC_JS.url()) {}
            }
            body style="margin:0" {
                a href="/" style="position:absolute;left:-999px" { "Back to Orquestra" }
                rapi-doc spec-url=(spec_url) render-style="read" show-header="false" allow-try="true"
                    theme="light" regular-font="system-ui, sans-serif" mono-font="ui-monospace, monospace" load-fonts="false"
                    nav-bg-color="#1d2433" primary-color="#5b6cff" {
                    div slot="nav-logo" style="padding:12px 16px" { a href="/" style="color:#fff" { "← Orquestra" } }
                }
            }
        }
    }
}
