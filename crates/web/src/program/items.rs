//! The reference tabs: account types with their layouts, defined types, errors and events.

use maud::{html, Markup};
use orquestra_api::views::{
    AccountTypeEntry, AccountsView, ErrorsView, EventEntry, EventsView, FieldView,
    ProgramErrorEntry, TypeEntry, TypeKind, TypesView, UnreadableItem,
};

use super::{discriminator, unusable};
use crate::layout::lines;

fn unreadable(item: &UnreadableItem) -> Markup {
    html! {
        details.item.unreadable {
            summary { code { (item.name) } " " span.badge.private { "unreadable" } }
            p.warning { (item.unusable.message) " (" code { (item.unusable.path) } ")" }
        }
    }
}

fn fields(fields: &[FieldView]) -> Markup {
    html! {
        @if !fields.is_empty() {
            table {
                thead { tr { th { "Field" } th { "Type" } th { "Docs" } } }
                tbody {
                    @for f in fields {
                        tr { td { code { (f.name) } } td { code { (f.ty) } } td { (f.docs.join(" ")) } }
                    }
                }
            }
        }
    }
}

pub fn accounts(view: &AccountsView) -> Markup {
    html! {
        @if view.accounts.is_empty() { p { "The IDL declares no account types." } }
        @for entry in &view.accounts {
            @match entry {
                AccountTypeEntry::Unreadable(item) => (unreadable(item)),
                AccountTypeEntry::Item(account) => details.item #(format!("account-{}", account.name)) open {
                    summary { code { (account.name) } @if let Some(size) = account.size { span.muted { " · " (size) " bytes" } } }
                    (lines(&account.docs))
                    (unusable(&account.unusable))
                    p { "Discriminator: " (discriminator(&account.discriminator)) }
                    table {
                        thead { tr { th { "Field" } th { "Type" } th { "Offset" } th { "Size" } } }
                        tbody {
                            @for f in &account.fields {
                                tr {
                                    td { code { (f.name) } (lines(&f.docs)) }
                                    td { code { (f.ty) } }
                                    td { @if let Some(o) = f.offset { (o) } @else { "—" } }
                                    td { @if let Some(s) = f.size { (s) } @else { "variable" } }
                                }
                            }
                        }
                    }
                },
            }
        }
    }
}

pub fn types(view: &TypesView) -> Markup {
    html! {
        @if view.types.is_empty() { p { "The IDL defines no types." } }
        @for entry in &view.types {
            @match entry {
                TypeEntry::Unreadable(item) => (unreadable(item)),
                TypeEntry::Item(ty) => details.item #(format!("type-{}", ty.name)) {
                    summary {
                        code { (ty.name) }
                        span.muted { " · " (match ty.kind {
                            TypeKind::Struct => "struct",
                            TypeKind::TupleStruct => "tuple struct",
                            TypeKind::Enum => "enum",
                            TypeKind::Alias => "alias",
                        }) }
                    }
                    (lines(&ty.docs))
                    (unusable(&ty.unusable))
                    @if let Some(alias) = &ty.alias_of { p { "Alias of " code { (alias) } } }
                    (fields(&ty.fields))
                    @if !ty.variants.is_empty() {
                        table {
                            thead { tr { th { "Variant" } th { "Index" } th { "Fields" } } }
                            tbody {
                                @for v in &ty.variants {
                                    tr {
                                        td { code { (v.name) } (lines(&v.docs)) }
                                        td { (v.discriminant) }
                                        td { @for f in &v.fields { code { (f.name) ": " (f.ty) } " " } }
                                    }
                                }
                            }
                        }
                    }
                },
            }
        }
    }
}

pub fn errors(view: &ErrorsView) -> Markup {
    html! {
        @if view.errors.is_empty() { p { "The IDL declares no errors." } }
        @else {
            table.errors {
                thead { tr { th { "Code" } th { "Hex" } th { "Name" } th { "Message" } } }
                tbody {
                    @for entry in &view.errors {
                        @match entry {
                            ProgramErrorEntry::Item(e) => tr #(format!("error-{}", e.code)) {
                                td { (e.code) } td { code { (format!("0x{:x}", e.code)) } }
                                td { code { (e.name) } } td { (e.msg.as_deref().unwrap_or("")) }
                            },
                            ProgramErrorEntry::Unreadable(item) => tr {
                                td colspan="2" { "—" } td { code { (item.name) } } td.warning { (item.unusable.message) }
                            },
                        }
                    }
                }
            }
        }
    }
}

pub fn events(view: &EventsView) -> Markup {
    html! {
        @if view.events.is_empty() { p { "The IDL declares no events." } }
        @for entry in &view.events {
            @match entry {
                EventEntry::Unreadable(item) => (unreadable(item)),
                EventEntry::Item(event) => details.item open {
                    summary { code { (event.name) } }
                    (lines(&event.docs))
                    (unusable(&event.unusable))
                    p { "Discriminator: " (discriminator(&event.discriminator)) }
                    (fields(&event.fields))
                },
            }
        }
    }
}
