//! The frame every page shares: head, header with navigation and the session, main, footer.

use maud::{html, Markup, DOCTYPE};

use crate::assets;

/// Who is looking at the page, as far as the header cares.
#[derive(Debug, Clone, Default)]
pub struct Viewer {
    /// The signed-in user's name; `None` for an anonymous visitor.
    pub username: Option<String>,
}

impl Viewer {
    /// Whether someone is signed in.
    pub fn signed_in(&self) -> bool {
        self.username.is_some()
    }
}

/// What every document's `<head>` starts with: encoding, viewport, colour schemes, title, icon.
pub fn head_common(title: &str) -> Markup {
    html! {
        meta charset="utf-8";
        meta name="viewport" content="width=device-width, initial-scale=1";
        meta name="color-scheme" content="light dark";
        title { (title) }
        link rel="icon" href=(assets::FAVICON.url()) type="image/svg+xml";
    }
}

/// A whole HTML document around `body`.
pub fn page(title: &str, viewer: &Viewer, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                (head_common(&format!("{title} · Orquestra")))
                link rel="stylesheet" href=(assets::APP_CSS.url());
                script type="module" src=(assets::APP_JS.url()) {}
            }
            body {
                a.skip href="#main" { "Skip to content" }
                header.site {
                    a.brand href="/" { "Orquestra" }
                    nav aria-label="Site" {
                        a href="/" { "Explore" }
                        a href="/transactions" { "Transactions" }
                        a href="/api-docs" { "API" }
                        @if viewer.signed_in() { a href="/dashboard" { "Dashboard" } }
                    }
                    div.session {
                        @match &viewer.username {
                            Some(name) => {
                                span #whoami { (name) }
                                button #sign-out type="button" { "Sign out" }
                            }
                            None => a #sign-in href="/auth/github" { "Sign in with GitHub" },
                        }
                    }
                }
                main #main tabindex="-1" { (body) }
                footer.site {
                    a href="/openapi.json" { "OpenAPI" } " · "
                    a href="/health" { "Status" }
                }
            }
        }
    }
}

/// The body of an error page: a heading and one line.
pub fn problem(heading: &str, message: &str) -> Markup {
    html! {
        h1 { (heading) }
        p { (message) }
        p { a href="/" { "Back to explore" } }
    }
}

/// Text with `\n` kept as line breaks (docs lines of an IDL).
pub fn lines(lines: &[String]) -> Markup {
    html! {
        @if !lines.is_empty() {
            p.docs {
                @for (i, line) in lines.iter().enumerate() {
                    @if i > 0 { br; }
                    (line)
                }
            }
        }
    }
}

/// A JSON value for display, pretty-printed and escaped.
pub fn json(value: &serde_json::Value) -> Markup {
    let text = serde_json::to_string_pretty(value).unwrap_or_default();
    html! { pre.json { code { (text) } } }
}

/// `1 arg`, `2 args`: a count with its noun (plural by `s`).
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}
