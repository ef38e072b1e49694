//! Human type strings, Markdown escaping and small text helpers shared by every output.

use std::fmt::Write as _;

use orquestra_api::views::{Discriminator as DiscriminatorView, SeedView, SignerRole, VariantKind};
use orquestra_idl::{
    AccountItem, Count, Discriminator, GenericArg, InstructionAccount, NumberFormat, NumberKind,
    Program, Seed, Signer, StringEncoding, Type, VariantFields,
};

fn number_label(format: NumberFormat) -> String {
    let name = format.kind.name();
    if format.endian == orquestra_idl::Endian::Big && format.kind != NumberKind::ShortU16 {
        format!("{name}be")
    } else {
        name.to_string()
    }
}

fn encoding_name(encoding: StringEncoding) -> &'static str {
    match encoding {
        StringEncoding::Utf8 => "utf8",
        StringEncoding::Base16 => "base16",
        StringEncoding::Base58 => "base58",
        StringEncoding::Base64 => "base64",
    }
}

/// A short, Rust-like description of a type: `u64`, `pubkey`, `string`,
/// `bytes`, `Vec<pubkey>`, `Option<MyStruct>`, `[u8; 32]`, `(u8, bool)`, `Map<string, u64>`,
/// `MyGeneric<u64, 4>`. Codama wrappers get a short note (`string (u8 length)`, `string (32 bytes)`).
pub fn render_type(_program: &Program, ty: &Type) -> String {
    label(ty, 0)
}

const MAX_LABEL_DEPTH: usize = 32;

fn label(ty: &Type, depth: usize) -> String {
    if depth > MAX_LABEL_DEPTH {
        return "…".into();
    }
    let l = |t: &Type| label(t, depth + 1);
    match ty {
        Type::Bool { size } if size.kind == NumberKind::U8 => "bool".into(),
        Type::Bool { size } => format!("bool ({})", number_label(*size)),
        Type::Number { format } => number_label(*format),
        Type::PublicKey => "pubkey".into(),
        Type::String {
            encoding: StringEncoding::Utf8,
        } => "string (rest of data)".into(),
        Type::String { encoding } => format!("string ({}, rest of data)", encoding_name(*encoding)),
        Type::Bytes => "bytes (rest of data)".into(),
        Type::SizePrefixed { inner, prefix } => {
            let base = bare(inner, depth);
            if prefix.kind == NumberKind::U32
                && matches!(inner.as_ref(), Type::String { .. } | Type::Bytes)
            {
                base
            } else {
                format!("{base} ({} length)", number_label(*prefix))
            }
        }
        Type::FixedSize { inner, size } => match inner.as_ref() {
            Type::Bytes => format!("[u8; {size}]"),
            Type::String { .. } => format!("{} ({size} bytes)", bare(inner, depth)),
            other => format!("{} (padded to {size} bytes)", l(other)),
        },
        Type::Option {
            inner, fixed: true, ..
        } => format!("COption<{}>", l(inner)),
        Type::Option { inner, prefix, .. } if prefix.kind == NumberKind::U8 => {
            format!("Option<{}>", l(inner))
        }
        Type::Option { inner, prefix, .. } => {
            format!("Option<{}> ({} tag)", l(inner), number_label(*prefix))
        }
        Type::ZeroableOption { inner, .. } => format!("ZeroableOption<{}>", l(inner)),
        Type::RemainderOption { inner } => format!("RemainderOption<{}>", l(inner)),
        Type::Array { inner, count } => match count {
            Count::Fixed { len } => format!("[{}; {len}]", l(inner)),
            Count::Generic { name } => format!("[{}; {name}]", l(inner)),
            Count::Prefixed { prefix } if prefix.kind == NumberKind::U32 => {
                format!("Vec<{}>", l(inner))
            }
            Count::Prefixed { prefix } => {
                format!("Vec<{}> ({} length)", l(inner), number_label(*prefix))
            }
            Count::Remainder => format!("[{}]", l(inner)),
        },
        Type::Set { inner, .. } => format!("Set<{}>", l(inner)),
        Type::Map { key, value, .. } => format!("Map<{}, {}>", l(key), l(value)),
        Type::Tuple { items } | Type::TupleStruct { items } => {
            format!("({})", items.iter().map(l).collect::<Vec<_>>().join(", "))
        }
        Type::Struct { fields } => format!(
            "{{ {} }}",
            fields
                .iter()
                .filter(|f| f.omitted_default.is_none())
                .map(|f| format!("{}: {}", f.name, l(&f.ty)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Type::Enum { variants, .. } => format!(
            "enum {{ {} }}",
            variants
                .iter()
                .map(|v| v.name.as_str())
                .collect::<Vec<_>>()
                .join(" | ")
        ),
        Type::Defined { name, generics } if generics.is_empty() => name.clone(),
        Type::Defined { name, generics } => {
            let args: Vec<String> = generics
                .iter()
                .map(|g| match g {
                    GenericArg::Type { ty } => l(ty),
                    GenericArg::Const { value } => value.clone(),
                })
                .collect();
            format!("{name}<{}>", args.join(", "))
        }
        Type::Generic { name } => name.clone(),
        Type::PreOffset { inner, .. }
        | Type::PostOffset { inner, .. }
        | Type::Sentinel { inner, .. }
        | Type::HiddenPrefix { inner, .. }
        | Type::HiddenSuffix { inner, .. } => label(inner, depth),
    }
}

/// The label of a string/bytes type without the "rest of data" note (its length comes from a wrapper).
fn bare(ty: &Type, depth: usize) -> String {
    match ty {
        Type::String {
            encoding: StringEncoding::Utf8,
        } => "string".into(),
        Type::String { encoding } => format!("string ({})", encoding_name(*encoding)),
        Type::Bytes => "bytes".into(),
        other => label(other, depth + 1),
    }
}

/// Escapes user-controlled text for one Markdown table cell (GFM) or inline text: `\`, `|`,
/// backticks, `[`/`]` (no injected links), `<`, `>` and `&` (no HTML) are escaped, and line breaks
/// become `<br>`, so the text can never end a cell, a row or a table, open a code span, or inject
/// markup.
pub fn escape_cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            '|' => out.push_str("\\|"),
            '`' => out.push_str("\\`"),
            '[' => out.push_str("\\["),
            ']' => out.push_str("\\]"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("<br>");
            }
            '\n' | '\u{2028}' | '\u{2029}' => out.push_str("<br>"),
            c if c.is_control() => out.push(' '),
            c if invisible(c) => push_visible_escape(&mut out, c),
            c => out.push(c),
        }
    }
    out
}

/// Bidi embeddings, overrides and isolates, zero-width and other invisible format characters:
/// in a name they could reorder or hide the text around it (U+202E turns `exe.txt` into
/// `txt.exe`), so rendered text shows them as visible `\u{202E}` escapes instead.
fn invisible(c: char) -> bool {
    matches!(
        c,
        '\u{061C}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
    )
}

fn push_visible_escape(out: &mut String, c: char) {
    let _ = write!(out, "\\u{{{:04X}}}", u32::from(c));
}

/// One line of user-controlled prose outside a table: [`escape_cell`], plus a leading block
/// marker (`#`, `-`, `+`, `=`, `~`, `1.`) escaped so the line stays a paragraph line.
pub(crate) fn escape_line(s: &str) -> String {
    let escaped = escape_cell(s.trim_end());
    let trimmed = escaped.trim_start();
    let lead = escaped.len() - trimmed.len();
    let first = trimmed.chars().next();
    let numbered = {
        let digits = trimmed.bytes().take_while(u8::is_ascii_digit).count();
        digits > 0 && matches!(trimmed.as_bytes().get(digits), Some(b'.' | b')'))
    };
    if matches!(first, Some('#' | '-' | '+' | '=' | '~')) {
        format!("{}\\{}", &escaped[..lead], trimmed)
    } else if numbered {
        let digits = trimmed.bytes().take_while(u8::is_ascii_digit).count();
        format!(
            "{}{}\\{}",
            &escaped[..lead],
            &trimmed[..digits],
            &trimmed[digits..]
        )
    } else {
        escaped
    }
}

/// Docs lines as one escaped Markdown paragraph (lines joined with hard breaks); blank IDL lines
/// separate paragraphs.
pub(crate) fn docs_block(docs: &[String]) -> String {
    let mut out = String::new();
    let mut pending_break = false;
    for line in docs.iter().flat_map(|d| d.lines()) {
        if line.trim().is_empty() {
            if !out.is_empty() {
                pending_break = true;
            }
            continue;
        }
        if pending_break {
            out.push_str("\n\n");
            pending_break = false;
        } else if !out.is_empty() {
            out.push_str("  \n");
        }
        out.push_str(&escape_line(line));
    }
    out
}

/// Docs lines joined into one table cell.
pub(crate) fn docs_cell(docs: &[String]) -> String {
    let joined = docs
        .iter()
        .map(|d| d.trim())
        .filter(|d| !d.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    escape_cell(&joined)
}

/// An inline code span of user-controlled text that is safe inside a table cell: the fence is
/// longer than any backtick run in the text, `|` is escaped (GFM removes the escape inside code
/// spans in tables) and line breaks become spaces.
pub(crate) fn code(s: &str) -> String {
    let mut flat = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_control() || c == '\u{2028}' || c == '\u{2029}' {
            flat.push(' ');
        } else if invisible(c) {
            push_visible_escape(&mut flat, c);
        } else {
            flat.push(c);
        }
    }
    let flat = flat.replace('|', "\\|");
    if flat.is_empty() {
        return "` `".into();
    }
    let longest = longest_run(&flat, '`');
    let fence = "`".repeat(longest + 1);
    if longest > 0 || flat.starts_with(' ') || flat.ends_with(' ') {
        format!("{fence} {flat} {fence}")
    } else {
        format!("{fence}{flat}{fence}")
    }
}

fn longest_run(s: &str, c: char) -> usize {
    let (mut best, mut cur) = (0, 0);
    for ch in s.chars() {
        if ch == c {
            cur += 1;
            best = best.max(cur);
        } else {
            cur = 0;
        }
    }
    best
}

/// A fenced code block whose fence cannot be closed by the content.
/// Largest generated Markdown document (CPI.md, llms.txt). Output is already proportional to the
/// IDL (examples and expansions have budgets); this is the last bound, for huge IDLs.
pub const MAX_DOCUMENT_BYTES: usize = 8 * 1024 * 1024;

/// What ends a document cut at [`MAX_DOCUMENT_BYTES`].
pub const TRUNCATION_MARKER: &str =
    "\n\n---\n\n**Truncated:** this document is longer than 8 MiB. \
Every instruction, account and type is still available from the program's REST routes.\n";

/// `text` cut to [`MAX_DOCUMENT_BYTES`] at a line end, with a visible marker, when it is longer.
pub(crate) fn cap_document(mut text: String) -> String {
    if text.len() <= MAX_DOCUMENT_BYTES {
        return text;
    }
    let mut cut = MAX_DOCUMENT_BYTES - TRUNCATION_MARKER.len() - 4;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    if let Some(line_end) = text[..cut].rfind('\n') {
        cut = line_end;
    }
    text.truncate(cut);
    // Close a code fence the cut left open, so the marker renders as text.
    if text.matches("\n```").count() % 2 == 1 {
        text.push_str("\n```");
    }
    text.push_str(TRUNCATION_MARKER);
    text
}

/// Invisible format characters in the content (JSON bodies and commands carrying them) are
/// written as JSON `\uXXXX` escapes, which mean the same character to a JSON parser.
pub(crate) fn fenced(lang: &str, content: &str) -> String {
    let mut visible = String::with_capacity(content.len());
    for c in content.chars() {
        if invisible(c) {
            let _ = write!(visible, "\\u{:04X}", u32::from(c));
        } else {
            visible.push(c);
        }
    }
    let fence = "`".repeat(longest_run(&visible, '`').max(2) + 1);
    format!("{fence}{lang}\n{visible}\n{fence}")
}

pub(crate) use orquestra_idl::hex::encode as hex;

const B58: &[u8; 58] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/// Base58 (Bitcoin alphabet) of bytes.
pub(crate) fn base58(bytes: &[u8]) -> String {
    let zeros = bytes.iter().take_while(|b| **b == 0).count();
    let mut digits: Vec<u8> = Vec::with_capacity(bytes.len() * 138 / 100 + 1);
    for &b in &bytes[zeros..] {
        let mut carry = u32::from(b);
        for d in digits.iter_mut() {
            carry += u32::from(*d) << 8;
            *d = (carry % 58) as u8;
            carry /= 58;
        }
        while carry > 0 {
            digits.push((carry % 58) as u8);
            carry /= 58;
        }
    }
    let mut s = "1".repeat(zeros);
    s.extend(
        digits
            .iter()
            .rev()
            .map(|d| char::from(B58[usize::from(*d)])),
    );
    s
}

/// Const seed bytes as text: the UTF-8 string when it is printable, else `0x…` hex.
pub(crate) fn const_text(bytes: &[u8]) -> Option<String> {
    let s = std::str::from_utf8(bytes).ok()?;
    (!s.is_empty() && s.chars().all(|c| !c.is_control())).then(|| s.to_string())
}

/// A one-line description of a seed: `"receipts"`, `0x0102`, `arg store_name (string)`,
/// `account signer`, `account pool.mint (field of Pool)`, `variable mint (pubkey)`, `program id`.
pub(crate) fn seed_summary(program: &Program, seed: &Seed) -> String {
    match seed {
        Seed::Const { bytes } => match const_text(bytes) {
            Some(text) => format!("{text:?}"),
            None if bytes.len() == 32 => format!("address {}", base58(bytes)),
            None => format!("0x{}", hex(bytes)),
        },
        Seed::Arg { path, ty } => match ty {
            Some(t) => format!("arg {path} ({})", render_type(program, t)),
            None => format!("arg {path}"),
        },
        Seed::Account { path, account } => match account {
            Some(a) => format!("account {path} (field of {a})"),
            None => format!("account {path}"),
        },
        Seed::Variable { name, ty, .. } => {
            format!("variable {name} ({})", render_type(program, ty))
        }
        Seed::ProgramId => "program id".into(),
    }
}

/// The description of a seed used in views.
pub(crate) fn seed_view(program: &Program, seed: &Seed) -> SeedView {
    let description = seed_summary(program, seed);
    match seed {
        Seed::Const { bytes } => SeedView::Const {
            bytes: bytes.clone(),
            hex: hex(bytes),
            text: const_text(bytes),
            description,
            address: None,
        },
        Seed::Arg { path, ty } => SeedView::Arg {
            path: path.clone(),
            ty: ty.as_ref().map(|t| render_type(program, t)),
            description,
        },
        Seed::Account { path, account } => SeedView::Account {
            path: path.clone(),
            account: account.clone(),
            description,
        },
        Seed::Variable { name, ty, docs } => SeedView::Variable {
            name: name.clone(),
            ty: render_type(program, ty),
            docs: docs.clone(),
            description,
        },
        Seed::ProgramId => SeedView::ProgramId { description },
    }
}

/// The program a PDA is derived under (`None` = this program); a 32-byte constant also shows
/// its base58 address.
pub(crate) fn pda_program_view(program: &Program, seed: Option<&Seed>) -> Option<SeedView> {
    let seed = seed?;
    let mut view = seed_view(program, seed);
    if let (Seed::Const { bytes }, SeedView::Const { address, .. }) = (seed, &mut view) {
        if bytes.len() == 32 {
            *address = Some(base58(bytes));
        }
    }
    Some(view)
}

/// The instruction/account discriminator shown to readers: the first byte discriminator, else the
/// first size discriminator.
pub(crate) fn discriminator_view(
    discriminators: &[Discriminator],
    prefix: &[u8],
) -> Option<DiscriminatorView> {
    let bytes = discriminators.iter().find_map(|d| match d {
        Discriminator::Bytes { offset, bytes } => Some((*offset, bytes.as_slice())),
        Discriminator::Size { .. } => None,
    });
    match bytes {
        Some((offset, b)) => Some(DiscriminatorView::Bytes {
            offset,
            bytes: b.to_vec(),
            hex: hex(b),
        }),
        None if !prefix.is_empty() => Some(DiscriminatorView::Bytes {
            offset: 0,
            bytes: prefix.to_vec(),
            hex: hex(prefix),
        }),
        None => match discriminators.first() {
            Some(Discriminator::Size { size }) => Some(DiscriminatorView::Size { size: *size }),
            _ => None,
        },
    }
}

/// A discriminator for Markdown: `0x…` hex (with offset when not 0), `data size N`, or `none`.
pub(crate) fn discriminator_text(discriminators: &[Discriminator], prefix: &[u8]) -> String {
    match discriminator_view(discriminators, prefix) {
        Some(DiscriminatorView::Bytes { offset: 0, hex, .. }) => format!("0x{hex}"),
        Some(DiscriminatorView::Bytes { offset, hex, .. }) => format!("0x{hex} at offset {offset}"),
        Some(DiscriminatorView::Size { size }) => format!("data size {size}"),
        None => "none".into(),
    }
}

/// Every account of an instruction, flattened in order: (dotted group path or `None`, account).
pub(crate) fn flat_accounts(items: &[AccountItem]) -> Vec<(Option<String>, &InstructionAccount)> {
    fn walk<'a>(
        items: &'a [AccountItem],
        group: Option<&str>,
        out: &mut Vec<(Option<String>, &'a InstructionAccount)>,
    ) {
        for item in items {
            match item {
                AccountItem::Single(a) => out.push((group.map(str::to_string), a)),
                AccountItem::Group { name, accounts, .. } => {
                    let path = match group {
                        Some(g) => format!("{g}.{name}"),
                        None => name.clone(),
                    };
                    walk(accounts, Some(&path), out);
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(items, None, &mut out);
    out
}

/// The key of an account in a build request: its dotted path.
pub(crate) fn account_path(group: Option<&str>, account: &InstructionAccount) -> String {
    match group {
        Some(g) => format!("{g}.{}", account.name),
        None => account.name.clone(),
    }
}

pub(crate) fn signer_role(signer: Signer) -> SignerRole {
    match signer {
        Signer::No => SignerRole::No,
        Signer::Yes => SignerRole::Yes,
        Signer::Either => SignerRole::Either,
    }
}

/// The variant count/kind summary of an enum body, for listings.
pub(crate) fn variant_kind(fields: &VariantFields) -> VariantKind {
    match fields.shape() {
        "unit" => VariantKind::Unit,
        "struct" => VariantKind::Struct,
        _ => VariantKind::Tuple,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn base58_matches_known_values() {
        assert_eq!(base58(&[0u8; 32]), "11111111111111111111111111111111");
        assert_eq!(base58(&[0, 0, 1]), "112");
        assert_eq!(base58(b"hello world"), "StV1DL6CwTryKyV");
    }

    #[test]
    fn cells_cannot_break_tables() {
        let s = escape_cell("a|b\nc\r\n`x` <script>&\\|");
        assert_eq!(s, "a\\|b<br>c<br>\\`x\\` &lt;script&gt;&amp;\\\\\\|");
        assert!(!s.contains('\n'));
    }

    #[test]
    fn code_spans_survive_backticks_and_pipes() {
        assert_eq!(code("abc"), "`abc`");
        assert_eq!(code("a`b"), "`` a`b ``");
        assert_eq!(code("a|b\nc"), "`a\\|b c`");
    }

    #[test]
    fn leading_block_markers_are_escaped() {
        assert_eq!(escape_line("# Title"), "\\# Title");
        assert_eq!(escape_line("1. item"), "1\\. item");
        assert_eq!(escape_line("plain"), "plain");
    }
}
