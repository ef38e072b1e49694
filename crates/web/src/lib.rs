//! `orquestra-web`: the web dashboard's pages, rendered on the server as HTML from the API's own
//! typed views, and the static assets (style, script, the API-reference library) the binary
//! embeds. No I/O here: the server fetches the views through its JSON routes, with the
//! visitor's credentials, and hands them to these functions.

pub mod assets;
pub mod dashboard;
pub mod explore;
mod highlight;
pub mod layout;
pub mod markdown;
pub mod program;
pub mod reference;
pub mod transactions;

pub use layout::Viewer;

use maud::Markup;

/// The 404 page: for absent pages and for projects the visitor may not see alike.
pub fn not_found(viewer: &Viewer, what: &str) -> Markup {
    layout::page(
        "Not found",
        viewer,
        layout::problem(
            &format!("{what} not found"),
            "It does not exist, or it is private.",
        ),
    )
}

/// A page for an error the visitor cannot fix by changing the address.
pub fn error(viewer: &Viewer, message: &str) -> Markup {
    layout::page(
        "Error",
        viewer,
        layout::problem("Something went wrong", message),
    )
}
