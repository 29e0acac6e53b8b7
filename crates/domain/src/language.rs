//! UI languages: Czech first, English second.

use serde::{Deserialize, Serialize};

/// A language the portal speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// Čeština — the default.
    #[default]
    Cs,
    /// English.
    En,
}

impl Language {
    /// Every supported language, default first.
    pub const ALL: [Language; 2] = [Language::Cs, Language::En];

    /// The BCP 47 tag (`cs`, `en`).
    pub fn tag(self) -> &'static str {
        match self {
            Language::Cs => "cs",
            Language::En => "en",
        }
    }

    /// Parses a tag; accepts region subtags (`cs-CZ`, `en-GB`) and any case.
    pub fn from_tag(tag: &str) -> Option<Self> {
        let primary = tag.split(['-', '_']).next()?.trim().to_ascii_lowercase();
        match primary.as_str() {
            "cs" => Some(Language::Cs),
            "en" => Some(Language::En),
            _ => None,
        }
    }

    /// Picks the best supported language from an `Accept-Language` header value, honouring
    /// quality values. `None` when the header names no supported language.
    pub fn negotiate(accept_language: &str) -> Option<Self> {
        let mut best: Option<(f32, usize, Language)> = None;
        for (position, part) in accept_language.split(',').enumerate() {
            let mut pieces = part.split(';');
            let Some(language) = pieces.next().and_then(|t| Language::from_tag(t.trim())) else {
                continue;
            };
            let quality = pieces
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if quality <= 0.0 {
                continue;
            }
            let better = match best {
                None => true,
                Some((q, pos, _)) => quality > q || (quality == q && position < pos),
            };
            if better {
                best = Some((quality, position, language));
            }
        }
        best.map(|(_, _, language)| language)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiation_honours_quality_and_order() {
        assert_eq!(Language::negotiate("en-US,en;q=0.9"), Some(Language::En));
        assert_eq!(
            Language::negotiate("de-DE, cs;q=0.8, en;q=0.7"),
            Some(Language::Cs)
        );
        assert_eq!(
            Language::negotiate("en;q=0.5, cs;q=0.9"),
            Some(Language::Cs)
        );
        assert_eq!(Language::negotiate("de, fr"), None);
        assert_eq!(Language::negotiate("en;q=0, cs"), Some(Language::Cs));
        assert_eq!(Language::negotiate(""), None);
    }
}
