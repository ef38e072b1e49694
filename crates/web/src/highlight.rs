//! A small syntax highlighter for the code in generated docs (Rust, TypeScript, JSON, shell):
//! keywords, strings, numbers and comments get a class; everything is HTML-escaped. Enough to
//! make examples readable without shipping a highlighting library.

/// A `<pre class="code">` block of `code`, highlighted as `lang`.
pub fn block(lang: &str, code: &str) -> String {
    let lang: String = lang
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .take(20)
        .collect();
    let mut out = format!("<pre class=\"code\" data-lang=\"{lang}\"><code>");
    let keywords = keywords(&lang);
    let line_comment = match lang.as_str() {
        "sh" | "bash" | "shell" | "toml" | "py" | "python" => "#",
        "json" => "\u{0}",
        _ => "//",
    };
    let mut rest = code;
    while let Some(c) = rest.chars().next() {
        let taken = if rest.starts_with(line_comment) {
            let end = rest.find('\n').unwrap_or(rest.len());
            span(&mut out, "com", &rest[..end]);
            end
        } else if c == '"' || c == '\'' || c == '`' {
            let end = string_end(rest, c);
            span(&mut out, "str", &rest[..end]);
            end
        } else if c.is_ascii_digit() {
            let end = rest
                .find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_' || ch == '.'))
                .unwrap_or(rest.len());
            span(&mut out, "num", &rest[..end]);
            end
        } else if c.is_alphabetic() || c == '_' {
            let end = rest
                .find(|ch: char| !(ch.is_alphanumeric() || ch == '_'))
                .unwrap_or(rest.len());
            let word = &rest[..end];
            if keywords.contains(&word) {
                span(&mut out, "kw", word);
            } else {
                escape_into(&mut out, word);
            }
            end
        } else {
            escape_into(&mut out, &rest[..c.len_utf8()]);
            c.len_utf8()
        };
        rest = &rest[taken..];
    }
    out.push_str("</code></pre>\n");
    out
}

fn keywords(lang: &str) -> &'static [&'static str] {
    match lang {
        "rust" | "rs" => &[
            "as", "async", "await", "const", "crate", "else", "enum", "fn", "for", "if", "impl",
            "let", "match", "mod", "mut", "pub", "return", "self", "Self", "struct", "super",
            "trait", "true", "false", "type", "use", "where", "while",
        ],
        "ts" | "typescript" | "js" | "javascript" => &[
            "async",
            "await",
            "const",
            "else",
            "export",
            "false",
            "for",
            "from",
            "function",
            "if",
            "import",
            "interface",
            "let",
            "new",
            "null",
            "return",
            "true",
            "type",
            "undefined",
        ],
        "json" => &["true", "false", "null"],
        "sh" | "bash" | "shell" => &["curl", "export", "echo"],
        _ => &[],
    }
}

/// The end (exclusive) of a string literal opened by `quote` at the start of `text`.
fn string_end(text: &str, quote: char) -> usize {
    let mut escaped = false;
    for (i, c) in text.char_indices().skip(1) {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == quote {
            return i + c.len_utf8();
        } else if c == '\n' && quote != '`' {
            return i;
        }
    }
    text.len()
}

fn span(out: &mut String, class: &str, text: &str) {
    out.push_str("<span class=\"");
    out.push_str(class);
    out.push_str("\">");
    escape_into(out, text);
    out.push_str("</span>");
}

fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::block;

    #[test]
    fn an_unterminated_string_ends_the_line_not_the_block() {
        let html = block("ts", "const a = \"x\nlet b = 1");
        assert!(
            html.contains("<span class=\"str\">&quot;x</span>"),
            "{html}"
        );
        assert!(html.contains("<span class=\"kw\">let</span>"), "{html}");
        assert!(html.contains("<span class=\"num\">1</span>"), "{html}");
    }

    #[test]
    fn the_language_name_cannot_break_out_of_its_attribute() {
        let html = block("x\"><script>", "a");
        assert!(
            html.starts_with("<pre class=\"code\" data-lang=\"xscript\">"),
            "{html}"
        );
    }
}
