//! The display name of an uploaded file. It is shown and offered in downloads, never used as
//! a path.

/// Cleans a client-supplied file name: keeps the last path segment, drops control characters,
/// trims, and limits it to 200 characters. An empty result becomes `soubor`.
pub fn clean_file_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control())
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
}
