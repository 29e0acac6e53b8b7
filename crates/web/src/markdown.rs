//! Markdown typed by users becomes HTML only through an allow-list sanitizer: pulldown-cmark
//! renders, ammonia keeps safe tags and attributes (no script, no event handlers, no
//! `javascript:` links; links get `rel="noopener noreferrer nofollow"`). Raw HTML in the input
//! is escaped by the sanitizer's allow-list, never passed through.
//!
//! Images come only from the portal: an image is kept when it names a file of the same record
//! that the reader may download (by its name, its id or one of its download routes; it is
//! rewritten to that record's download route), or when it is an inline `data:` image of at
//! most [`MAX_INLINE_IMAGE`] bytes. Any other image — `![x](http://elsewhere/p.png)` — becomes
//! a plain link, so no page makes a request to another host.

use std::borrow::Cow;
use std::collections::HashSet;

use percent_encoding::percent_decode_str;
use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd, html};

/// The longest inline `data:` image kept, in characters of its URL (about 48 KiB of image).
pub const MAX_INLINE_IMAGE: usize = 64 * 1024;

/// A file of the record a text belongs to, which the reader may download.
#[derive(Debug, Clone)]
pub struct RecordFile {
    /// The file's id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Where this reader downloads it (e.g. `/customization-orders/{id}/files/{file}`).
    pub route: String,
}

impl RecordFile {
    /// A file of `id` and `name` downloaded at `{folder}/{id}` (e.g. `folder`
    /// `/customization-orders/{order}/files`).
    pub fn under(folder: &str, id: impl ToString, name: &str) -> Self {
        let id = id.to_string();
        RecordFile {
            route: format!("{folder}/{id}"),
            id,
            name: name.to_owned(),
        }
    }

    /// Whether its name says it is a picture a browser shows.
    fn is_image(&self) -> bool {
        let name = self.name.to_lowercase();
        [".png", ".jpg", ".jpeg", ".gif", ".webp"]
            .iter()
            .any(|ext| name.ends_with(ext))
    }
}

/// What an image's source turns into.
enum Source<'f> {
    /// Kept as an image at this address.
    Image(CowStr<'f>),
    /// Shown as a link to this address.
    Link(CowStr<'f>),
}

/// The file of `files` that `destination` names: its name, its id, or a path of the portal
/// ending in its id (`/files/{id}`); never an address of another host.
fn record_file<'f>(destination: &str, files: &'f [RecordFile]) -> Option<&'f RecordFile> {
    let decoded = percent_decode_str(destination).decode_utf8_lossy();
    let decoded = decoded.trim();
    files.iter().find(|f| {
        decoded == f.name
            || decoded == f.id
            || decoded == f.route
            || (decoded.starts_with('/')
                && !decoded.starts_with("//")
                && decoded.rsplit('/').next() == Some(f.id.as_str()))
    })
}

/// Whether `url` is a `data:` address as a browser reads it: tabs, line breaks and other
/// control characters anywhere do not hide the scheme.
fn is_data_url(url: &str) -> bool {
    let read: String = url
        .chars()
        .filter(|c| !c.is_control())
        .collect::<String>()
        .trim_start()
        .to_ascii_lowercase();
    read.starts_with("data:")
}

/// Whether `url` is an inline picture within the size limit.
fn inline_image(url: &str) -> bool {
    url.len() <= MAX_INLINE_IMAGE
        && ["png", "jpeg", "gif", "webp"].iter().any(|kind| {
            url.strip_prefix("data:image/")
                .and_then(|rest| rest.strip_prefix(kind))
                .is_some_and(|rest| rest.starts_with(";base64,"))
        })
}

fn source<'f>(destination: CowStr<'f>, files: &[RecordFile]) -> Source<'f> {
    if inline_image(&destination) {
        return Source::Image(destination);
    }
    match record_file(&destination, files) {
        Some(file) if file.is_image() => Source::Image(file.route.clone().into()),
        Some(file) => Source::Link(file.route.clone().into()),
        None => Source::Link(destination),
    }
}

/// Safe HTML of `text`, a Markdown field of a record whose downloadable `files` its images
/// may show.
pub fn to_safe_html(text: &str, files: &[RecordFile]) -> String {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    options.insert(Options::ENABLE_TASKLISTS);
    // Whether each open image became a link, innermost last.
    let mut open_images: Vec<bool> = Vec::new();
    let events = Parser::new_ext(text, options).map(|event| match event {
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => match source(dest_url, files) {
            Source::Image(dest_url) => {
                open_images.push(false);
                Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                })
            }
            Source::Link(dest_url) => {
                open_images.push(true);
                Event::Start(Tag::Link {
                    link_type: LinkType::Inline,
                    dest_url,
                    title,
                    id,
                })
            }
        },
        Event::End(TagEnd::Image) => {
            if open_images.pop().unwrap_or(false) {
                Event::End(TagEnd::Link)
            } else {
                Event::End(TagEnd::Image)
            }
        }
        other => other,
    });
    let mut rendered = String::with_capacity(text.len() * 2);
    html::push_html(&mut rendered, events);
    let routes: HashSet<String> = files
        .iter()
        .filter(|f| f.is_image())
        .map(|f| f.route.clone())
        .collect();
    ammonia::Builder::default()
        .url_schemes(["http", "https", "mailto", "data"].into_iter().collect())
        .link_rel(Some("noopener noreferrer nofollow"))
        .attribute_filter(move |element, attribute, value| {
            match (element, attribute) {
                // An image written as HTML obeys the same rule as one written in Markdown:
                // without a source it shows nothing and fetches nothing.
                ("img", "src") => {
                    (inline_image(value) || routes.contains(value)).then_some(Cow::Borrowed(value))
                }
                (_, "href") if is_data_url(value) => None,
                _ => Some(Cow::Borrowed(value)),
            }
        })
        .clean(&rendered)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::{MAX_INLINE_IMAGE, RecordFile, to_safe_html};

    #[test]
    fn markdown_renders_and_script_never_survives() {
        assert_eq!(
            to_safe_html("**tučně** a _kurzíva_", &[]),
            "<p><strong>tučně</strong> a <em>kurzíva</em></p>\n"
        );
        for hostile in [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "[klik](javascript:alert(1))",
            "<a href=\"javascript:alert(1)\">x</a>",
            "<iframe src=\"https://evil.example\"></iframe>",
            "<svg onload=alert(1)>",
            "[data](data:text/html;base64,PHNjcmlwdD4=)",
            "<a href=\"da&#9;ta:text/html,x\">x</a>",
            "<a href=\"&#1;data:text/html,x\">x</a>",
            "<a href=\"DaTa:text/html,x\">x</a>",
        ] {
            let html = to_safe_html(hostile, &[]);
            assert!(!html.contains("<script"), "{hostile} → {html}");
            assert!(!html.contains("onerror"), "{hostile} → {html}");
            assert!(!html.contains("onload"), "{hostile} → {html}");
            assert!(!html.contains("javascript:"), "{hostile} → {html}");
            assert!(!html.contains("<iframe"), "{hostile} → {html}");
            assert!(!html.contains("text/html"), "{hostile} → {html}");
        }
        assert!(
            to_safe_html("[web](https://example.cz)", &[])
                .contains("rel=\"noopener noreferrer nofollow\"")
        );
    }

    fn files() -> Vec<RecordFile> {
        vec![
            RecordFile::under(
                "/customization-orders/7/files",
                "01a2-schema",
                "schéma zapojení.png",
            ),
            RecordFile::under(
                "/customization-orders/7/files",
                "01a2-smlouva",
                "smlouva.pdf",
            ),
        ]
    }

    #[test]
    fn an_image_of_another_host_becomes_a_plain_link() {
        for text in [
            "![x](http://elsewhere/p.png)",
            "![x](https://elsewhere/p.png \"titulek\")",
            "![x][p]\n\n[p]: http://elsewhere/p.png",
            "![x](//elsewhere/01a2-schema)",
            "![x](http://elsewhere/files/01a2-schema)",
        ] {
            let html = to_safe_html(text, &files());
            assert!(!html.contains("<img"), "{text} → {html}");
            assert!(html.contains("<a href=\""), "{text} → {html}");
            assert!(html.contains(">x</a>"), "{text} → {html}");
        }
        for raw in [
            "<img src=\"http://elsewhere/p.png\">",
            "<p><img src=\"https://elsewhere/p.png\" alt=\"x\"></p>",
            "<img src=\"/files/cizí-soubor\">",
        ] {
            let html = to_safe_html(raw, &files());
            assert!(!html.contains("src="), "{raw} → {html}");
        }
    }

    #[test]
    fn an_image_of_the_record_is_shown_from_its_download_route() {
        let route = "<img src=\"/customization-orders/7/files/01a2-schema\" alt=\"schéma\">";
        for text in [
            "![schéma](<schéma zapojení.png>)",
            "![schéma](sch%C3%A9ma%20zapojen%C3%AD.png)",
            "![schéma](01a2-schema)",
            "![schéma](/files/01a2-schema)",
            "![schéma](/customization-orders/7/files/01a2-schema)",
        ] {
            let html = to_safe_html(text, &files());
            assert!(html.contains(route), "{text} → {html}");
        }
        // A file that is not a picture is linked, not embedded.
        let html = to_safe_html("![smlouva](smlouva.pdf)", &files());
        assert!(
            html.contains("<a href=\"/customization-orders/7/files/01a2-smlouva\""),
            "{html}"
        );
        assert!(!html.contains("<img"), "{html}");
        // Without the file (another record, or one the reader may not download) no image.
        let html = to_safe_html("![schéma](01a2-schema)", &files()[1..]);
        assert!(!html.contains("<img"), "{html}");
    }

    #[test]
    fn a_small_inline_image_is_kept_and_a_large_one_is_not() {
        let small = "data:image/png;base64,iVBORw0KGgo=";
        let html = to_safe_html(&format!("![tečka]({small})"), &[]);
        assert!(html.contains(&format!("<img src=\"{small}\"")), "{html}");
        let large = format!("data:image/png;base64,{}", "A".repeat(MAX_INLINE_IMAGE));
        let html = to_safe_html(&format!("![velký]({large})"), &[]);
        assert!(!html.contains("<img"), "{}", &html[..80]);
        let html = to_safe_html("![svg](data:image/svg+xml;base64,PHN2Zz4=)", &[]);
        assert!(!html.contains("<img") && !html.contains("data:"), "{html}");
    }
}
