//! `Content-Disposition: attachment` with RFC 6266 / RFC 8187 file names, so that Czech names
//! round-trip through every browser.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Characters left unescaped in `filename*` (RFC 8187 `attr-char`).
const ATTR_CHAR: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

/// The header value offering `name` as a download, cleaned as an upload's name is (a name
/// stored before that cleaning cannot disguise itself either).
pub fn attachment(name: &str) -> String {
    let name = &crate::name::clean_file_name(name);
    format!(
        "attachment; filename=\"{}\"; filename*=UTF-8''{}",
        ascii_fallback(name),
        utf8_percent_encode(name, ATTR_CHAR)
    )
}

/// An ASCII rendering of `name` for old clients: Czech letters lose their diacritics, other
/// non-ASCII characters, quotes, backslashes and control characters become `_`.
pub fn ascii_fallback(name: &str) -> String {
    name.chars()
        .map(|c| match c {
            'á' => 'a',
            'č' => 'c',
            'ď' => 'd',
            'é' | 'ě' => 'e',
            'í' => 'i',
            'ň' => 'n',
            'ó' => 'o',
            'ř' => 'r',
            'š' => 's',
            'ť' => 't',
            'ú' | 'ů' => 'u',
            'ý' => 'y',
            'ž' => 'z',
            'Á' => 'A',
            'Č' => 'C',
            'Ď' => 'D',
            'É' | 'Ě' => 'E',
            'Í' => 'I',
            'Ň' => 'N',
            'Ó' => 'O',
            'Ř' => 'R',
            'Š' => 'S',
            'Ť' => 'T',
            'Ú' | 'Ů' => 'U',
            'Ý' => 'Y',
            'Ž' => 'Z',
            '"' | '\\' => '_',
            c if c.is_ascii() && !c.is_ascii_control() => c,
            _ => '_',
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use percent_encoding::percent_decode_str;

    #[test]
    fn czech_names_round_trip() {
        let name = "Příloha č. 1 – \"návrh\".pdf";
        let header = attachment(name);
        assert!(header.starts_with("attachment; filename=\"Priloha c. 1 _ _navrh_.pdf\"; "));
        let encoded = header.split("filename*=UTF-8''").nth(1).unwrap();
        assert!(encoded.is_ascii() && !encoded.contains(' ') && !encoded.contains('"'));
        assert_eq!(percent_decode_str(encoded).decode_utf8().unwrap(), name);
    }
}
