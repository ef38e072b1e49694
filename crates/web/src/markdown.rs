//! Markdown (`CPI.md`, custom docs) to HTML. Raw HTML in the source is shown as text, never
//! passed through: docs are written by project owners and read by everyone, so they must not
//! be able to put script into someone else's page. Fenced code is highlighted by [`highlight`].

use pulldown_cmark::{CodeBlockKind, CowStr, Event, Options, Parser, Tag, TagEnd};

use crate::highlight;

/// `markdown` rendered as safe HTML.
pub fn to_html(markdown: &str) -> String {
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let mut events = Vec::new();
    let mut code: Option<(String, String)> = None;
    for event in Parser::new_ext(markdown, options) {
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(lang) => {
                        lang.split_whitespace().next().unwrap_or("").to_string()
                    }
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((lang, String::new()));
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some((lang, text)) = code.take() {
                    events.push(Event::Html(CowStr::from(highlight::block(&lang, &text))));
                }
            }
            Event::Text(text) if code.is_some() => {
                if let Some((_, buffer)) = code.as_mut() {
                    buffer.push_str(&text);
                }
            }
            // Raw HTML becomes visible text.
            Event::Html(html) | Event::InlineHtml(html) => events.push(Event::Text(html)),
            // Links and images keep only web and relative targets (no `javascript:`).
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                events.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url: safe_url(dest_url),
                    title,
                    id,
                }));
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                events.push(Event::Start(Tag::Image {
                    link_type,
                    dest_url: safe_url(dest_url),
                    title,
                    id,
                }));
            }
            other => events.push(other),
        }
    }
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    html
}

fn safe_url(url: CowStr<'_>) -> CowStr<'_> {
    let lower = url.trim_start().to_ascii_lowercase();
    let scheme = lower.split_once(':').map(|(s, _)| s);
    let allowed = match scheme {
        None => true,
        Some(s) if s.contains(['/', '?', '#']) => true,
        Some(s) => matches!(s, "http" | "https" | "mailto"),
    };
    if allowed {
        url
    } else {
        CowStr::from("#")
    }
}

#[cfg(test)]
mod tests {
    use super::to_html;

    #[test]
    fn raw_html_is_text_and_script_links_are_dropped() {
        let html = to_html("# T\n\n<script>alert(1)</script>\n\nhi <img src=x onerror=alert(1)> [x](javascript:alert(1)) [ok](https://a.b/c)");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(html.contains("href=\"https://a.b/c\""), "{html}");
        assert!(html.contains("<h1>T</h1>"), "{html}");
    }

    #[test]
    fn fenced_code_is_highlighted_and_escaped() {
        let html = to_html("```rust\nlet x = \"<b>\"; // note\n```\n");
        assert!(
            html.contains("<pre class=\"code\" data-lang=\"rust\">"),
            "{html}"
        );
        assert!(html.contains("<span class=\"kw\">let</span>"), "{html}");
        assert!(
            html.contains("<span class=\"str\">&quot;&lt;b&gt;&quot;</span>"),
            "{html}"
        );
        assert!(
            html.contains("<span class=\"com\">// note</span>"),
            "{html}"
        );
    }
}
