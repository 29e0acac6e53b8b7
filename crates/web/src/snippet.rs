//! Highlighted snippets of search results: the store marks each matching word between two
//! private-use characters; the page shows the text escaped, the marked words in `<mark>`.

use supportweb_app::search::{MARK_END, MARK_START};

/// A piece of a snippet: its text and whether it is a matching word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// The text (escaped by the template).
    pub text: String,
    /// Whether it matched.
    pub marked: bool,
}

/// The pieces of `snippet`; stray marks are dropped, never shown.
pub fn parts(snippet: &str) -> Vec<Part> {
    let mut out: Vec<Part> = Vec::new();
    let mut marked = false;
    let mut text = String::new();
    for c in snippet.chars() {
        let switch = match c {
            MARK_START => Some(true),
            MARK_END => Some(false),
            _ => None,
        };
        match switch {
            Some(next) => {
                if !text.is_empty() {
                    out.push(Part {
                        text: std::mem::take(&mut text),
                        marked,
                    });
                }
                marked = next;
            }
            None => text.push(c),
        }
    }
    if !text.is_empty() {
        out.push(Part { text, marked });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{Part, parts};

    #[test]
    fn marked_words_are_pieces_of_their_own() {
        assert_eq!(
            parts("Chyba \u{E000}datové\u{E001} <b>schránky</b>"),
            vec![
                Part {
                    text: "Chyba ".into(),
                    marked: false
                },
                Part {
                    text: "datové".into(),
                    marked: true
                },
                Part {
                    text: " <b>schránky</b>".into(),
                    marked: false
                },
            ]
        );
    }
}
