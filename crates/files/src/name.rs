//! The display name of an uploaded file. It is shown and offered in downloads, never used as
//! a path.

/// Invisible format characters (Unicode category Cf): bidirectional controls that make
/// `faktura\u{202e}fdp.exe` show as `fakturaexe.pdf`, zero-width characters, the byte-order
/// mark, the soft hyphen and tags. None of them belongs in a file name.
const INVISIBLE: &[(char, char)] = &[
    ('\u{00AD}', '\u{00AD}'),
    ('\u{0600}', '\u{0605}'),
    ('\u{061C}', '\u{061C}'),
    ('\u{06DD}', '\u{06DD}'),
    ('\u{070F}', '\u{070F}'),
    ('\u{0890}', '\u{0891}'),
    ('\u{08E2}', '\u{08E2}'),
    ('\u{180E}', '\u{180E}'),
    ('\u{200B}', '\u{200F}'),
    ('\u{202A}', '\u{202E}'),
    ('\u{2060}', '\u{2064}'),
    ('\u{2066}', '\u{206F}'),
    ('\u{FEFF}', '\u{FEFF}'),
    ('\u{FFF9}', '\u{FFFB}'),
    ('\u{110BD}', '\u{110BD}'),
    ('\u{110CD}', '\u{110CD}'),
    ('\u{13430}', '\u{1343F}'),
    ('\u{1BCA0}', '\u{1BCA3}'),
    ('\u{1D173}', '\u{1D17A}'),
    ('\u{E0001}', '\u{E0001}'),
    ('\u{E0020}', '\u{E007F}'),
];

/// Whether `c` is an invisible format character (see [`INVISIBLE`]).
pub fn is_invisible(c: char) -> bool {
    INVISIBLE
        .iter()
        .any(|&(first, last)| (first..=last).contains(&c))
}

/// Cleans a client-supplied file name: keeps the last path segment, drops control and
/// invisible format characters (bidirectional controls among them), trims, and limits it to
/// 200 characters. An empty result becomes `soubor`.
pub fn clean_file_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last
        .chars()
        .filter(|&c| !c.is_control() && !is_invisible(c))
        .collect::<String>()
        .trim()
        .trim_start_matches('.')
        .chars()
        .take(200)
        .collect();
    if cleaned.trim().is_empty() {
        "soubor".to_owned()
    } else {
        cleaned.trim().to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_paths_and_control_characters() {
        assert_eq!(clean_file_name("../../etc/passwd"), "passwd");
        assert_eq!(
            clean_file_name("C:\\Users\\jana\\Zápis z jednání.docx"),
            "Zápis z jednání.docx"
        );
        assert_eq!(clean_file_name("a\u{0}b\r\nc.txt"), "abc.txt");
        assert_eq!(clean_file_name("..."), "soubor");
        assert_eq!(clean_file_name(""), "soubor");
        assert_eq!(clean_file_name(".htaccess"), "htaccess");
        assert_eq!(clean_file_name(&"ř".repeat(300)).chars().count(), 200);
    }

    #[test]
    fn no_name_disguises_itself_with_invisible_characters() {
        assert_eq!(clean_file_name("faktura\u{202e}fdp.exe"), "fakturafdp.exe");
        for c in [
            '\u{202A}',
            '\u{202B}',
            '\u{202C}',
            '\u{202D}',
            '\u{202E}',
            '\u{2066}',
            '\u{2067}',
            '\u{2068}',
            '\u{2069}',
            '\u{200E}',
            '\u{200F}',
            '\u{061C}',
            '\u{200B}',
            '\u{FEFF}',
            '\u{00AD}',
            '\u{E0041}',
        ] {
            assert_eq!(
                clean_file_name(&format!("zápis{c}.pdf")),
                "zápis.pdf",
                "{c:?}"
            );
        }
        assert_eq!(clean_file_name("\u{202e}\u{2066}"), "soubor");
    }
}
