//! `/dashboard` (the signed-in user's projects, uploads and program lists) and
//! `/dashboard/projects/{projectId}` (one project's settings: versions, visibility, socials,
//! known addresses, custom docs, API keys). Every form posts to the JSON API from `app.js`.

use maud::{html, Markup, PreEscaped};
use orquestra_api::intake::IdlVersionInfo;
use orquestra_api::keys::{ApiKey, KnownAddress};
use orquestra_api::lists::{ProgramList, ProgramListItem};
use orquestra_api::projects::{OwnProject, Project};

use crate::layout::{count, page, problem, Viewer};
use crate::markdown;

/// The signed-out dashboard: a sign-in prompt.
pub fn sign_in(viewer: &Viewer) -> Markup {
    page(
        "Dashboard",
        viewer,
        html! {
            h1 { "Dashboard" }
            p { "Sign in to upload IDLs and manage your projects and API keys." }
            p { a.button href="/auth/github" { "Sign in with GitHub" } }
        },
    )
}

/// What `/dashboard` shows.
pub struct Dashboard {
    pub projects: Vec<OwnProject>,
    pub lists: Vec<ListWithItems>,
}

/// A program list with the first page of its projects.
pub struct ListWithItems {
    pub list: ProgramList,
    /// Newest-added first.
    pub items: Vec<ProgramListItem>,
}

pub fn render(viewer: &Viewer, dashboard: &Dashboard) -> Markup {
    let body = html! {
        h1 { "Your projects" }
        section aria-labelledby="upload-heading" {
            h2 #upload-heading { "Upload an IDL" }
            form.api-form #upload data-endpoint="/api/idl/upload" data-method="POST" data-then="upload" {
                div.drop-zone #drop-zone {
                    label for="idl-file" { "IDL file" }
                    input #idl-file name="idl" type="file" accept=".json,application/json" required data-kind="file-json";
                    small.muted { "Anchor (any version), Shank or Codama JSON. You can also drop the file here." }
                }
                div.field {
                    label for="project-name" { "Project name " span.muted { "(default: the IDL's name)" } }
                    input #project-name name="name" type="text" maxlength="100";
                }
                div.field {
                    label for="program-id" { "Program id " span.muted { "(default: the IDL's address)" } }
                    input #program-id name="programId" type="text" spellcheck="false";
                }
                label.toggle { input name="isPublic" type="checkbox" data-kind="bool" checked; " Public" }
                div.actions { button type="submit" { "Upload" } }
                p.form-error role="alert" hidden {}
                div #upload-result aria-live="polite" {}
            }
        }
        section aria-labelledby="projects-heading" {
            h2 #projects-heading { "Projects (" (dashboard.projects.len()) ")" }
            @if dashboard.projects.is_empty() { p { "No projects yet." } }
            ul.cards #my-projects {
                @for p in &dashboard.projects {
                    li {
                        a.project-link href=(format!("/dashboard/projects/{}", p.id)) { (p.name) }
                        @if !p.is_public { " " span.badge.private { "private" } }
                        p.meta { code.address { (p.program_id) } " · " a href=(format!("/programs/{}", p.id)) { "public page" } }
                    }
                }
            }
        }
        section aria-labelledby="lists-heading" {
            h2 #lists-heading { "Program lists" }
            p.muted { "A list scopes an MCP or API client to some programs through its scope key." }
            ul.cards #lists {
                @for ListWithItems { list, items } in &dashboard.lists {
                    li {
                        strong { (list.name) } @if list.is_default { " " span.badge { "default" } }
                        p.meta { (count(usize::try_from(list.item_count).unwrap_or(0), "program")) " · scope key " code { (list.scope_key_prefix) "…" } }
                        @if !items.is_empty() {
                            ul.list-items {
                                @for item in items {
                                    li {
                                        a href=(format!("/programs/{}", item.project_id)) { (item.name) }
                                        " " code.address { (item.program_id) }
                                        form.api-form.inline data-endpoint=(format!("/api/lists/{}/items/{}", list.id, item.project_id)) data-method="DELETE" data-then="reload" {
                                            button type="submit" aria-label=(format!("Remove {} from {}", item.name, list.name)) { "Remove" }
                                            p.form-error role="alert" hidden {}
                                        }
                                    }
                                }
                            }
                            @let more = usize::try_from(list.item_count).unwrap_or(0).saturating_sub(items.len());
                            @if more > 0 { p.meta { "and " (more) " more" } }
                        }
                        form.api-form data-endpoint=(format!("/api/lists/{}/items", list.id)) data-method="POST" data-then="reload" {
                            label for=(format!("add-{}", list.id)) { "Add a project by id" }
                            div.inline {
                                input #(format!("add-{}", list.id)) name="projectId" type="text" required;
                                button type="submit" { "Add" }
                            }
                            p.form-error role="alert" hidden {}
                        }
                        form.api-form data-endpoint=(format!("/api/lists/{}/scope-key", list.id)) data-method="POST" data-then="secret" {
                            button type="submit" { "New scope key" }
                            p.form-error role="alert" hidden {}
                            div.issued-secret aria-live="polite" {}
                        }
                        form.api-form data-endpoint=(format!("/api/lists/{}", list.id)) data-method="DELETE" data-then="reload" data-confirm=(format!("Delete the list {}? Its scope key stops working.", list.name)) {
                            button.danger type="submit" aria-label=(format!("Delete the list {}", list.name)) { "Delete list" }
                            p.form-error role="alert" hidden {}
                        }
                    }
                }
            }
            form.api-form #new-list data-endpoint="/api/lists" data-method="POST" data-then="reload" {
                label for="list-name" { "New list" }
                div.inline {
                    input #list-name name="name" type="text" required maxlength="100";
                    button type="submit" { "Create list" }
                }
                p.form-error role="alert" hidden {}
            }
        }
    };
    page("Dashboard", viewer, body)
}

/// What `/dashboard/projects/{projectId}` shows.
pub struct ProjectSettings {
    pub project: Project,
    pub versions: Vec<IdlVersionInfo>,
    pub keys: Vec<ApiKey>,
    pub addresses: Vec<KnownAddress>,
    /// The current docs and whether the owner wrote them.
    pub docs: Option<(String, bool)>,
}

pub fn project(viewer: &Viewer, settings: &ProjectSettings) -> Markup {
    let p = &settings.project;
    let api = format!("/api/projects/{}", p.id);
    let socials = [
        ("website", "Website", &p.socials.website),
        ("github", "GitHub", &p.socials.github),
        ("twitter", "X / Twitter", &p.socials.twitter),
        ("discord", "Discord", &p.socials.discord),
        ("telegram", "Telegram", &p.socials.telegram),
    ];
    let body = html! {
        p { a href="/dashboard" { "← Your projects" } }
        h1 #program-name { (p.name) }
        p.meta { code.address { (p.program_id) } " · " a href=(format!("/programs/{}", p.id)) { "public page" } }

        section aria-labelledby="visibility-heading" {
            h2 #visibility-heading { "Visibility" }
            form.api-form #visibility-form data-endpoint=(api) data-method="PUT" data-then="reload" {
                label.toggle { input name="isPublic" type="checkbox" data-kind="bool" checked[p.is_public]; " Public: anyone can read this program" }
                div.actions { button type="submit" { "Save visibility" } }
                p.form-error role="alert" hidden {}
            }
        }

        section aria-labelledby="versions-heading" {
            h2 #versions-heading { "IDL versions" }
            ol #versions reversed {
                @for v in settings.versions.iter().rev() {
                    li { a href=(format!("/programs/{}?version={}", p.id, v.version)) { "v" (v.version) } " " span.muted { (v.created_at.as_deref().unwrap_or("")) } }
                }
            }
            form.api-form #new-version data-endpoint=(format!("/api/idl/{}", p.id)) data-method="PUT" data-then="version" {
                label for="version-file" { "New version (IDL file)" }
                input #version-file name="idl" type="file" accept=".json,application/json" required data-kind="file-json";
                div.actions { button type="submit" { "Publish version" } }
                p.form-error role="alert" hidden {}
                output.api-result aria-live="polite" {}
            }
        }

        section aria-labelledby="keys-heading" {
            h2 #keys-heading { "API keys" }
            p.muted { "A key acts for this project only, in the " code { "X-API-Key" } " header." }
            form.api-form #new-key data-endpoint=(format!("{api}/keys")) data-method="POST" data-then="key" {
                div.field {
                    label for="key-expiry" { "Expires in days " span.muted { "(empty: never)" } }
                    input #key-expiry name="expiresInDays" type="number" min="1" max="3650" data-kind="number";
                }
                div.actions { button type="submit" { "Create key" } }
                p.form-error role="alert" hidden {}
            }
            div #issued-key aria-live="polite" {}
            ul #keys {
                @for key in &settings.keys {
                    li data-key-id=(key.id) {
                        code { (key.id) }
                        span.muted {
                            " created " (key.created_at.as_deref().unwrap_or("?"))
                            " · last used " (key.last_used.as_deref().unwrap_or("never"))
                            @if let Some(e) = &key.expires_at { " · expires " (e) }
                        }
                        form.api-form.inline data-endpoint=(format!("{api}/keys/{}/rotate", key.id)) data-method="POST" data-then="key" {
                            button type="submit" { "Rotate" }
                        }
                        form.api-form.inline data-endpoint=(format!("{api}/keys/{}", key.id)) data-method="DELETE" data-then="reload" data-confirm="Revoke this key? Clients using it stop working." {
                            button.danger type="submit" { "Revoke" }
                        }
                    }
                }
            }
        }

        section aria-labelledby="socials-heading" {
            h2 #socials-heading { "Links" }
            form.api-form #socials-form data-endpoint=(api) data-method="PUT" data-then="reload" {
                @for (field, label, value) in socials {
                    div.field {
                        label for=(format!("social-{field}")) { (label) }
                        input #(format!("social-{field}")) name=(format!("socials.{field}")) type="text" value=[value.as_deref()] data-kind="nullable-string";
                    }
                }
                div.actions { button type="submit" { "Save links" } }
                p.form-error role="alert" hidden {}
            }
        }

        section aria-labelledby="addresses-heading" {
            h2 #addresses-heading { "Known addresses" }
            ul #addresses {
                @for a in &settings.addresses {
                    li {
                        strong { (a.label) } " " code { (a.address) }
                        @if let Some(d) = &a.description { " — " (d) }
                        form.api-form.inline data-endpoint=(format!("/api/{}/addresses/{}", p.id, a.id)) data-method="DELETE" data-then="reload" {
                            button.danger type="submit" { "Delete" }
                        }
                    }
                }
            }
            form.api-form data-endpoint=(format!("/api/{}/addresses", p.id)) data-method="POST" data-then="reload" {
                div.field { label for="address-label" { "Label" } input #address-label name="label" type="text" required maxlength="100"; }
                div.field { label for="address-value" { "Address" } input #address-value name="address" type="text" required spellcheck="false"; }
                div.field { label for="address-description" { "Description" } input #address-description name="description" type="text"; }
                div.actions { button type="submit" { "Add address" } }
                p.form-error role="alert" hidden {}
            }
        }

        section aria-labelledby="docs-heading" {
            h2 #docs-heading { "Documentation" }
            @match &settings.docs {
                None => p { "Publish an IDL first." },
                Some((docs, is_custom)) => {
                    p.muted { @if *is_custom { "Custom docs are published." } @else { "The generated CPI.md is published; edit it to replace it." } }
                    form.api-form #docs-form data-endpoint=(format!("/api/{}/docs", p.id)) data-method="PUT" data-then="reload" {
                        div.editor {
                            div.field {
                                label for="docs-editor" { "Markdown" }
                                textarea #docs-editor name="docs" rows="18" spellcheck="true" data-preview="docs-preview" { (docs) }
                            }
                            div {
                                h3 { "Preview" }
                                article.markdown #docs-preview { (PreEscaped(markdown::to_html(docs))) }
                            }
                        }
                        div.actions { button type="submit" { "Publish docs" } }
                        p.form-error role="alert" hidden {}
                    }
                }
            }
        }

        section aria-labelledby="danger-heading" {
            h2 #danger-heading { "Delete" }
            form.api-form data-endpoint=(format!("/api/idl/{}", p.id)) data-method="DELETE" data-then="dashboard" {
                div.field {
                    label for="confirm-name" { "Type the project's name to delete it with all its versions" }
                    input #confirm-name name="confirmName" type="text" required autocomplete="off";
                }
                div.actions { button.danger type="submit" { "Delete project" } }
                p.form-error role="alert" hidden {}
            }
        }
    };
    page(&p.name, viewer, body)
}

/// A project page the viewer may not manage: the same answer as for a missing one.
pub fn not_found(viewer: &Viewer) -> Markup {
    page(
        "Not found",
        viewer,
        problem("Project not found", "No project of yours has this id."),
    )
}
