//! Line-by-line comparison of two revisions of a text (procedures now, protocols later): the
//! lines kept, removed and added, in reading order.

/// What happened to one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineChange {
    /// In both revisions.
    Kept,
    /// Only in the older one.
    Removed,
    /// Only in the newer one.
    Added,
}

impl LineChange {
    /// CSS / API name.
    pub fn as_str(self) -> &'static str {
        match self {
            LineChange::Kept => "kept",
            LineChange::Removed => "removed",
            LineChange::Added => "added",
        }
    }
}

/// Above this many lines on both sides together the texts are compared as wholes (every old
/// line removed, every new one added), so a huge text cannot make the comparison slow.
const MAX_LINES: usize = 4000;

/// The lines of `old` and `new` with what happened to each (longest common subsequence).
pub fn diff_lines(old: &str, new: &str) -> Vec<(LineChange, String)> {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    if a.len() + b.len() > MAX_LINES {
        return a
            .iter()
            .map(|l| (LineChange::Removed, (*l).to_owned()))
            .chain(b.iter().map(|l| (LineChange::Added, (*l).to_owned())))
            .collect();
    }
    // lengths[i][j]: the longest common subsequence of a[i..] and b[j..].
    let mut lengths = vec![vec![0u32; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lengths[i][j] = if a[i] == b[j] {
                lengths[i + 1][j + 1] + 1
            } else {
                lengths[i + 1][j].max(lengths[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::with_capacity(a.len().max(b.len()));
    while i < a.len() && j < b.len() {
        if a[i] == b[j] {
            out.push((LineChange::Kept, a[i].to_owned()));
            i += 1;
            j += 1;
        } else if lengths[i + 1][j] >= lengths[i][j + 1] {
            out.push((LineChange::Removed, a[i].to_owned()));
            i += 1;
        } else {
            out.push((LineChange::Added, b[j].to_owned()));
            j += 1;
        }
    }
    out.extend(
        a[i..]
            .iter()
            .map(|l| (LineChange::Removed, (*l).to_owned())),
    );
    out.extend(b[j..].iter().map(|l| (LineChange::Added, (*l).to_owned())));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use LineChange::{Added, Kept, Removed};

    #[test]
    fn changed_lines_are_found_between_kept_ones() {
        let old = "Postup\n1. Zastavte server\n2. Spusťte skript\n3. Hotovo";
        let new =
            "Postup\n1. Zastavte aplikační server\n2. Spusťte skript\n3. Ověřte verzi\n4. Hotovo";
        let lines: Vec<(LineChange, String)> = diff_lines(old, new);
        assert_eq!(
            lines,
            vec![
                (Kept, "Postup".to_owned()),
                (Removed, "1. Zastavte server".to_owned()),
                (Added, "1. Zastavte aplikační server".to_owned()),
                (Kept, "2. Spusťte skript".to_owned()),
                (Removed, "3. Hotovo".to_owned()),
                (Added, "3. Ověřte verzi".to_owned()),
                (Added, "4. Hotovo".to_owned()),
            ]
        );
    }

    #[test]
    fn identical_and_empty_texts() {
        assert!(diff_lines("a\nb", "a\nb").iter().all(|(c, _)| *c == Kept));
        assert_eq!(diff_lines("", "nový"), vec![(Added, "nový".to_owned())]);
        assert_eq!(diff_lines("starý", ""), vec![(Removed, "starý".to_owned())]);
    }
}
