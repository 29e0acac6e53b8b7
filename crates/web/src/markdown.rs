//! Markdown typed by users becomes HTML only through an allow-list sanitizer: pulldown-cmark
//! renders, ammonia keeps safe tags and attributes (no script, no event handlers, no
//! `javascript:` links; links get `rel="noopener noreferrer nofollow"`). Raw HTML in the input
//! is escaped by the sanitizer's allow-list, never passed through.

use pulldown_cmark::{Options, Parser, html};

/// Safe HTML of `text`.
pub fn to_safe_html(text: &str) -> String {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    options.insert(Options::ENABLE_TASKLISTS);
    let mut rendered = String::with_capacity(text.len() * 2);
    html::push_html(&mut rendered, Parser::new_ext(text, options));
    ammonia::Builder::default()
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .link_rel(Some("noopener noreferrer nofollow"))
        .clean(&rendered)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::to_safe_html;

    #[test]
    fn markdown_renders_and_script_never_survives() {
        assert_eq!(
            to_safe_html("**tučně** a _kurzíva_"),
            "<p><strong>tučně</strong> a <em>kurzíva</em></p>\n"
        );
        for hostile in [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "[klik](javascript:alert(1))",
            "<a href=\"javascript:alert(1)\">x</a>",
            "<iframe src=\"https://evil.example\"></iframe>",
            "<svg onload=alert(1)>",
        ] {
            let html = to_safe_html(hostile);
            assert!(!html.contains("<script"), "{hostile} → {html}");
            assert!(!html.contains("onerror"), "{hostile} → {html}");
            assert!(!html.contains("onload"), "{hostile} → {html}");
            assert!(!html.contains("javascript:"), "{hostile} → {html}");
            assert!(!html.contains("<iframe"), "{hostile} → {html}");
        }
        assert!(
            to_safe_html("[web](https://example.cz)")
                .contains("rel=\"noopener noreferrer nofollow\"")
        );
    }
}
