//! Markdown for the bio and product descriptions, made safe for a page that
//! strangers' browsers open: raw HTML is shown as text, images are reduced to
//! their alt text, headings become bold paragraphs (the page owns the
//! outline), and every link is checked and tagged like any other link.

use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};

/// A link inside Markdown that could not be accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadLink {
    pub url: String,
    pub message: String,
    pub help: String,
}

/// Every link destination in `src`, in order: as [`render`] passes it to
/// its tagger (an e-mail autolink with `mailto:`), and as written in the
/// text, so that a loader can find where each one is in its file.
pub fn link_destinations(src: &str) -> Vec<(String, String)> {
    let mut opts = Options::empty();
    opts.insert(Options::ENABLE_STRIKETHROUGH);
    Parser::new_ext(src, opts)
        .filter_map(|event| match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                ..
            }) => Some(
                if matches!(link_type, LinkType::Email) && !dest_url.starts_with("mailto:") {
                    (format!("mailto:{dest_url}"), dest_url.to_string())
                } else {
                    (dest_url.to_string(), dest_url.to_string())
                },
            ),
            _ => None,
        })
        .collect()
}

/// Renders `src` to HTML. `tag_link` receives each link destination and
/// returns the URL to write (tagged) or why it is refused.
pub fn render(
    src: &str,
    mut tag_link: impl FnMut(&str) -> Result<String, BadLink>,
) -> Result<String, Vec<BadLink>> {
    let mut opts = Options::empty();
    opts.insert(Options::ENABLE_STRIKETHROUGH);
    let mut bad = Vec::new();
    let mut events = Vec::new();
    let mut in_image = 0usize;
    for event in Parser::new_ext(src, opts) {
        match event {
            Event::Html(h) | Event::InlineHtml(h) => events.push(Event::Text(h)),
            // a space renders as the line break would, and keeps the page on one line
            Event::SoftBreak => events.push(Event::Text(CowStr::Borrowed(" "))),
            Event::Start(Tag::Image { .. }) => in_image += 1,
            Event::End(TagEnd::Image) => in_image = in_image.saturating_sub(1),
            Event::Start(Tag::Heading { .. }) => {
                events.push(Event::Start(Tag::Paragraph));
                events.push(Event::Start(Tag::Strong));
            }
            Event::End(TagEnd::Heading(_)) => {
                events.push(Event::End(TagEnd::Strong));
                events.push(Event::End(TagEnd::Paragraph));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest =
                    if matches!(link_type, LinkType::Email) && !dest_url.starts_with("mailto:") {
                        format!("mailto:{dest_url}")
                    } else {
                        dest_url.to_string()
                    };
                let url = match tag_link(&dest) {
                    Ok(u) => u,
                    Err(e) => {
                        bad.push(e);
                        String::new()
                    }
                };
                events.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url: CowStr::from(url),
                    title,
                    id,
                }));
            }
            other if in_image > 0 => {
                if let Event::Text(t) = other {
                    events.push(Event::Text(t));
                }
            }
            other => events.push(other),
        }
    }
    if !bad.is_empty() {
        return Err(bad);
    }
    let mut html = String::with_capacity(src.len() * 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    // pulldown-cmark ends each block with a line break, which renders as
    // nothing between blocks: out, so the page stays minified (a code
    // block's lines are its text, so a bio with one keeps them all)
    if !html.contains("<pre>") {
        html = html.replace(">\n", ">");
    }
    // Links leave the page: mark them so the browser sends no opener.
    Ok(html.replace("<a href=", "<a rel=\"noopener\" href="))
}

/// Plain text of Markdown (for meta descriptions and JSON-LD).
pub fn plain_text(src: &str) -> String {
    let mut out = String::new();
    for event in Parser::new(src) {
        match event {
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                out.push_str(&t)
            }
            Event::SoftBreak | Event::HardBreak | Event::End(TagEnd::Paragraph) => out.push(' '),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(src: &str) -> String {
        render(src, |u| Ok(format!("{u}?t=1"))).unwrap()
    }

    #[test]
    fn blocks_and_soft_breaks_leave_no_line_breaks_but_code_keeps_its_lines() {
        assert_eq!(
            ok("one\ntwo\n\n- a\n- b\n\n---\nthree  \nfour"),
            "<p>one two</p><ul><li>a</li><li>b</li></ul><hr /><p>three<br />four</p>"
        );
        let code = ok("x\n\n```\n<b>\n  y\n```\n");
        assert!(
            code.contains("<pre><code>&lt;b&gt;\n  y\n</code></pre>"),
            "{code}"
        );
        // text that was HTML keeps its line breaks (they are its words' spaces)
        assert!(ok("<div>\nhi\n</div>").contains("&lt;div&gt;\nhi\n"));
    }

    #[test]
    fn raw_html_is_shown_as_text() {
        let html = ok("hi <script>alert(1)</script> <b onclick=x>b</b>");
        assert!(!html.contains("<script"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(!html.contains("<b "), "{html}");
    }

    #[test]
    fn links_are_tagged_and_marked() {
        let html = ok("see [shop](https://a.example/x)");
        assert!(
            html.contains(r#"<a rel="noopener" href="https://a.example/x?t=1">shop</a>"#),
            "{html}"
        );
    }

    #[test]
    fn bad_links_are_reported() {
        let err = render("[x](javascript:alert(1)) [y](https://ok.example)", |u| {
            if u.starts_with("https") {
                Ok(u.to_string())
            } else {
                Err(BadLink {
                    url: u.into(),
                    message: "no".into(),
                    help: String::new(),
                })
            }
        })
        .unwrap_err();
        assert_eq!(err.len(), 1);
        assert_eq!(err[0].url, "javascript:alert(1)");
    }

    #[test]
    fn images_become_alt_text_and_headings_paragraphs() {
        let html = ok("# Big\n\n![a cat](https://x.example/c.png)");
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("<h1"), "{html}");
        assert!(html.contains("a cat"), "{html}");
        assert!(html.contains("<p><strong>Big</strong></p>"), "{html}");
    }

    #[test]
    fn plain_text_strips_markup() {
        assert_eq!(
            plain_text("Review **thật**, <i>x</i>\n\nhai"),
            "Review thật, <i>x</i> hai"
        );
    }
}
