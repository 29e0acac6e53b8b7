//! The text of an incoming message: `format=flowed` joined (RFC 3676), line ends unified,
//! and the reply cut from the quoted previous message and the signature.

/// Joins the soft line breaks of a `format=flowed` text: a line ending in a space continues
/// on the next (with `DelSp=yes` that space goes); space-stuffing is undone; quoted lines
/// join only lines of the same quote depth.
pub fn unflow(text: &str, delsp: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut open: Option<usize> = None;
    for raw in text.split('\n') {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let depth = line.chars().take_while(|c| *c == '>').count();
        let mut content = &line[depth..];
        if let Some(rest) = content.strip_prefix(' ') {
            content = rest;
        }
        let soft = content.ends_with(' ') && content != "-- ";
        if open.is_some_and(|d| d != depth) {
            out.push('\n');
            open = None;
        }
        if open.is_none() && depth > 0 {
            out.push_str(&">".repeat(depth));
            out.push(' ');
        }
        if soft {
            out.push_str(if delsp {
                &content[..content.len() - 1]
            } else {
                content
            });
            open = Some(depth);
        } else {
            out.push_str(content);
            out.push('\n');
            open = None;
        }
    }
    if out.ends_with('\n') {
        out.pop();
    }
    out
}

/// Unix line ends, no trailing spaces, no blank lines at the start or the end.
pub fn normalise(text: &str) -> String {
    let lines: Vec<&str> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l).trim_end())
        .collect();
    let start = lines
        .iter()
        .position(|l| !l.is_empty())
        .unwrap_or(lines.len());
    let end = lines
        .iter()
        .rposition(|l| !l.is_empty())
        .map_or(start, |e| e + 1);
    lines[start..end].join("\n")
}

/// The new text of a reply: everything before the attribution of the quoted message
/// ("Dne … napsal(a):", "On … wrote:", Outlook's "Od:/Odesláno:" block or separator line),
/// before the signature ("-- "), without quoted lines. When nothing would remain the whole
/// text is kept, so nothing the sender wrote is lost.
pub fn reply_part(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut end = lines.len();
    for (i, line) in lines.iter().enumerate() {
        if starts_quote(line, lines.get(i + 1..).unwrap_or_default()) {
            end = i;
            break;
        }
    }
    let kept: Vec<&str> = lines[..end]
        .iter()
        .copied()
        .filter(|line| !line.trim_start().starts_with('>'))
        .collect();
    let reply = normalise(&kept.join("\n"));
    if reply.is_empty() {
        normalise(text)
    } else {
        reply
    }
}

/// Whether `line` (followed by `rest`) starts the signature or the quoted message.
fn starts_quote(line: &str, rest: &[&str]) -> bool {
    let trimmed = line.trim();
    if line == "-- " || trimmed == "--" {
        return true;
    }
    let lower = trimmed.to_lowercase();
    let attribution =
        (lower.starts_with("dne ") && lower.contains("napsal") && lower.ends_with(':'))
            || (lower.starts_with("on ") && lower.ends_with("wrote:"))
            || (lower.starts_with("am ") && lower.ends_with("schrieb:"));
    if attribution {
        return true;
    }
    let separator = lower.trim_matches('-').trim();
    if trimmed.starts_with("-----")
        && matches!(
            separator,
            "original message" | "původní zpráva" | "puvodni zprava"
        )
    {
        return true;
    }
    // Outlook: a header block of the quoted message ("Od:" then "Odesláno:", "From:" then
    // "Sent:"), possibly under a line of underscores.
    let header_block = |l: &str| {
        let l = l.trim_start().to_lowercase();
        ["odesláno:", "sent:", "datum:", "date:", "komu:", "to:"]
            .iter()
            .any(|h| l.starts_with(h))
    };
    if (lower.starts_with("od:") || lower.starts_with("from:"))
        && rest
            .iter()
            .find(|l| !l.trim().is_empty())
            .is_some_and(|l| header_block(l))
    {
        return true;
    }
    trimmed.len() >= 20
        && trimmed.chars().all(|c| c == '_')
        && rest.iter().find(|l| !l.trim().is_empty()).is_some_and(|l| {
            let l = l.trim_start().to_lowercase();
            l.starts_with("od:") || l.starts_with("from:")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flowed_lines_join_and_stuffing_is_undone() {
        let text = "Dobrý den, posílám \r\nvýpis chyby.\r\n From je tam.\r\n> citace \r\n> dál\r\n";
        assert_eq!(
            unflow(text, false),
            "Dobrý den, posílám výpis chyby.\nFrom je tam.\n> citace dál\n"
        );
        assert_eq!(unflow("slo \r\nvo", true), "slovo");
    }

    #[test]
    fn the_quoted_message_and_signature_are_cut() {
        let czech = "Děkuji, už to funguje.\n\nJana\n\nDne 3. 12. 2026 v 10:15 Podpora <podpora@example.cz> napsal(a):\n> Dobrý den,\n> prosíme o ověření.";
        assert_eq!(reply_part(czech), "Děkuji, už to funguje.\n\nJana");
        let english =
            "Works now.\n-- \nJohn Smith\nCity of Example\n\nOn Thu, Dec 3, 2026 wrote:\n> old";
        assert_eq!(reply_part(english), "Works now.");
        let outlook = "Posílám log.\n\n________________________________\nOd: Podpora <podpora@example.cz>\nOdesláno: čtvrtek 3. prosince 2026 10:15\nKomu: Jana\nPředmět: [SD-2026-000001] Nová odpověď";
        assert_eq!(reply_part(outlook), "Posílám log.");
        let outlook_plain = "Ano.\n\nFrom: Podpora\nSent: Thursday\nTo: Jana";
        assert_eq!(reply_part(outlook_plain), "Ano.");
        let separator = "Ok.\n-----Původní zpráva-----\nOd: x";
        assert_eq!(reply_part(separator), "Ok.");
    }

    #[test]
    fn a_bottom_post_keeps_the_new_text_and_an_only_quote_is_kept_whole() {
        assert_eq!(
            reply_part("> otázka?\n\nOdpověď pod citací."),
            "Odpověď pod citací."
        );
        assert_eq!(reply_part("> jen citace"), "> jen citace");
        assert_eq!(
            reply_part("Od: Jana Nováková, odbor informatiky\nDěkuji."),
            "Od: Jana Nováková, odbor informatiky\nDěkuji."
        );
    }
}
