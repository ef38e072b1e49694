//! An instruction's account list, compared as the program sees it: a flat, positional list of
//! account metas (Anchor groups flattened in order), each with its signer and writable flags.

use orquestra_api::diff::{ChangeCode, Severity};
use orquestra_idl::names::loose_key;
use orquestra_idl::pointer::join;
use orquestra_idl::{AccountItem, InstructionAccount, Pda, Program, Seed, Signer};

use super::align::align;
use super::layout::Comparer;
use super::{compare_docs, Draft};
use crate::render::{account_path, flat_accounts, seed_summary};

/// One account of the flattened list.
struct Flat<'a> {
    /// The dotted group path and name as written (`claim.authority`), as a build request keys it.
    path: String,
    /// The same path, casing-insensitive.
    key: String,
    account: &'a InstructionAccount,
}

fn flatten(items: &[AccountItem]) -> Vec<Flat<'_>> {
    flat_accounts(items)
        .into_iter()
        .map(|(group, account)| {
            let path = account_path(group.as_deref(), account);
            Flat {
                key: loose_key(&path),
                path,
                account,
            }
        })
        .collect()
}

/// Compares the account lists of one instruction, whose path is `ix_path`.
pub(super) fn compare(
    cx: &Comparer,
    old: &[AccountItem],
    new: &[AccountItem],
    ix_path: &str,
    d: &mut Draft,
) {
    let (of, nf) = (flatten(old), flatten(new));
    let keys = |list: &[Flat]| list.iter().map(|f| f.key.clone()).collect::<Vec<_>>();
    let al = align(&keys(&of), &keys(&nf));
    let at = |path: &str| join(&join(ix_path, "accounts"), path);
    for &(i, j, moved) in &al.matched {
        let (Some(o), Some(n)) = (of.get(i), nf.get(j)) else {
            continue;
        };
        let p = at(&n.path);
        if moved {
            let message = format!("`{}` moved from position {i} to {j}", n.path);
            d.push(
                p.clone(),
                ChangeCode::AccountMoved,
                Severity::Breaking,
                message,
            );
        }
        same_slot(cx, o.account, n.account, &p, d);
    }
    for &i in &al.same_slot {
        let (Some(o), Some(n)) = (of.get(i), nf.get(i)) else {
            continue;
        };
        let p = at(&n.path);
        let message = format!(
            "`{}` renamed to `{}` (same position {i}); name-keyed clients must use the new name",
            o.path, n.path
        );
        d.push(
            p.clone(),
            ChangeCode::AccountRenamed,
            Severity::Compatible,
            message,
        );
        same_slot(cx, o.account, n.account, &p, d);
    }
    for &i in &al.removed {
        if let Some(o) = of.get(i) {
            let message = format!("`{}` ({}) removed", o.path, role(o.account));
            d.push(
                at(&o.path),
                ChangeCode::AccountRemoved,
                Severity::Breaking,
                message,
            );
        }
    }
    for &j in &al.added {
        let Some(n) = nf.get(j) else { continue };
        let (severity, message) = if j >= of.len() && n.account.optional {
            (
                Severity::Compatible,
                format!(
                    "optional `{}` appended at the end: transactions that leave it out still pass",
                    n.path
                ),
            )
        } else {
            (
                Severity::Breaking,
                format!("`{}` ({}) added at position {j}", n.path, role(n.account)),
            )
        };
        d.push(at(&n.path), ChangeCode::AccountAdded, severity, message);
    }
}

/// Two accounts in the same place of the list.
fn same_slot(
    cx: &Comparer,
    o: &InstructionAccount,
    n: &InstructionAccount,
    path: &str,
    d: &mut Draft,
) {
    if o.writable != n.writable || o.signer != n.signer {
        let message = format!("{} → {}", role(o), role(n));
        d.push(
            path.to_string(),
            ChangeCode::RoleChanged,
            Severity::Breaking,
            message,
        );
    }
    if o.optional != n.optional {
        let (severity, message) = if n.optional {
            (Severity::Compatible, "required → optional")
        } else {
            (Severity::Breaking, "optional → required")
        };
        d.push(
            path.to_string(),
            ChangeCode::OptionalChanged,
            severity,
            message.to_string(),
        );
    }
    if let (Some(a), Some(b)) = (&o.address, &n.address) {
        if a != b {
            d.push(
                join(path, "address"),
                ChangeCode::AddressChanged,
                Severity::Breaking,
                format!("{a} → {b}"),
            );
        }
    }
    if let (Some(a), Some(b)) = (&o.pda, &n.pda) {
        if !same_pda(a, b) {
            d.push(
                join(path, "pda"),
                ChangeCode::PdaChanged,
                Severity::Breaking,
                format!(
                    "{} → {}",
                    pda_text(cx.old.program, a),
                    pda_text(cx.new.program, b)
                ),
            );
        }
    }
    compare_docs(d, path, &o.docs, &n.docs);
}

/// `[seed, seed]`, with ` under PROGRAM` when the PDA belongs to another program.
fn pda_text(program: &Program, pda: &Pda) -> String {
    let seeds: Vec<String> = pda.seeds.iter().map(|s| seed_summary(program, s)).collect();
    match &pda.program {
        Some(p) => format!("[{}] under {}", seeds.join(", "), seed_summary(program, p)),
        None => format!("[{}]", seeds.join(", ")),
    }
}

fn role(a: &InstructionAccount) -> String {
    let access = if a.writable { "writable" } else { "read-only" };
    match a.signer {
        Signer::No => access.to_string(),
        Signer::Yes => format!("{access} signer"),
        Signer::Either => format!("{access}, signer or not"),
    }
}

fn same_pda(a: &Pda, b: &Pda) -> bool {
    let program = match (&a.program, &b.program) {
        (None, None) => true,
        (Some(x), Some(y)) => same_seed(x, y),
        _ => false,
    };
    program
        && a.seeds.len() == b.seeds.len()
        && a.seeds.iter().zip(&b.seeds).all(|(x, y)| same_seed(x, y))
}

/// Seeds compare by meaning: paths to arguments and accounts ignore casing, as the names do.
fn same_seed(a: &Seed, b: &Seed) -> bool {
    match (a, b) {
        (Seed::Arg { path: x, .. }, Seed::Arg { path: y, .. })
        | (Seed::Account { path: x, .. }, Seed::Account { path: y, .. }) => {
            loose_key(x) == loose_key(y)
        }
        (Seed::Variable { name: x, ty: s, .. }, Seed::Variable { name: y, ty: t, .. }) => {
            loose_key(x) == loose_key(y) && s == t
        }
        _ => a == b,
    }
}
