//! Text search that Czech users expect: insensitive to case and diacritics, so "resení"
//! finds "Řešení". Both the stored text and the typed query are folded the same way in Rust,
//! so SQLite and PostgreSQL compare the same keys.

/// The letter without its diacritic mark, for the letters of Czech and Slovak (and the
/// common Western ones); anything else is kept.
fn fold(c: char) -> char {
    match c {
        'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' => 'a',
        'č' | 'ç' | 'ć' => 'c',
        'ď' => 'd',
        'é' | 'ě' | 'è' | 'ê' | 'ë' => 'e',
        'í' | 'ì' | 'î' | 'ï' => 'i',
        'ĺ' | 'ľ' | 'ł' => 'l',
        'ň' | 'ñ' | 'ń' => 'n',
        'ó' | 'ô' | 'ö' | 'ò' | 'õ' | 'ő' => 'o',
        'ř' | 'ŕ' => 'r',
        'š' | 'ś' => 's',
        'ť' => 't',
        'ú' | 'ů' | 'ü' | 'ù' | 'û' | 'ű' => 'u',
        'ý' | 'ÿ' => 'y',
        'ž' | 'ź' | 'ż' => 'z',
        other => other,
    }
}

/// The search key of a text: lower case, without diacritics, runs of whitespace as one space.
pub fn search_key(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = true;
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_whitespace() {
            if !space {
                out.push(' ');
                space = true;
            }
        } else {
            out.push(fold(c));
            space = false;
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// One `LIKE` pattern per word of the query: a key matches when it contains every word
/// (folded); `%`, `_` and `\` match themselves (use with `ESCAPE '\'`).
pub fn like_patterns(query: &str) -> Vec<String> {
    search_key(query)
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(like_pattern)
        .collect()
}

/// A `LIKE` pattern matching keys that contain the folded text; `%`, `_` and `\` in it match
/// themselves (use with `ESCAPE '\'`).
pub fn like_pattern(text: &str) -> String {
    let key = search_key(text);
    let mut out = String::with_capacity(key.len() + 2);
    out.push('%');
    for c in key.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diacritics_and_case_do_not_matter() {
        assert_eq!(
            search_key("Řešení  PROBLÉMŮ\ts podatelnou"),
            "reseni problemu s podatelnou"
        );
        assert_eq!(
            search_key("ŽLUŤOUČKÝ kůň úpěl ďábelské ódy"),
            "zlutoucky kun upel dabelske ody"
        );
        assert!(
            search_key("Jak nastavit Skartační řízení").contains(&search_key("skartacni RIZENI"))
        );
        assert_eq!(search_key("  "), "");
    }

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like_pattern("Řešení"), "%reseni%");
        assert_eq!(like_pattern("100%_a\\b"), "%100\\%\\_a\\\\b%");
        assert_eq!(
            like_patterns(" Skartační  ŘÍZENÍ "),
            ["%skartacni%", "%rizeni%"]
        );
        assert!(like_patterns("   ").is_empty());
    }
}

/// Most words of a full-text query that count; the rest are ignored.
pub const MAX_QUERY_WORDS: usize = 8;

/// The words of a full-text query as the index holds them: lower case, without diacritics,
/// split at anything that is not a letter or digit, at most [`MAX_QUERY_WORDS`], each at
/// most 64 characters. Only letters and digits remain, so no word can carry query syntax.
pub fn query_words(query: &str) -> Vec<String> {
    search_key(query)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(MAX_QUERY_WORDS)
        .map(|w| w.chars().take(64).collect())
        .collect()
}

#[cfg(test)]
mod query_tests {
    use super::query_words;

    #[test]
    fn words_are_folded_and_stripped_of_syntax() {
        assert_eq!(
            query_words("Řešení  DATOVÉ-schránky"),
            ["reseni", "datove", "schranky"]
        );
        assert_eq!(
            query_words("\"x\" OR y* NEAR(z)"),
            ["x", "or", "y", "near", "z"]
        );
        assert!(query_words("  -*- ").is_empty());
        assert_eq!(query_words("a b c d e f g h i j").len(), 8);
    }
}
