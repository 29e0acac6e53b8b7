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
