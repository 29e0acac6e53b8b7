//! The server decides a file's media type from its first bytes, never from the client.

/// How many leading bytes [`content_type`] looks at.
pub const HEAD_BYTES: usize = 16;

/// Media type of content starting with `head`. Only formats recognised by their signature get
/// a specific type; everything else is `application/octet-stream`.
pub fn content_type(head: &[u8]) -> &'static str {
    const SIGNATURES: &[(&[u8], &str)] = &[
        (b"\x89PNG\r\n\x1a\n", "image/png"),
        (b"\xff\xd8\xff", "image/jpeg"),
        (b"GIF87a", "image/gif"),
        (b"GIF89a", "image/gif"),
        (b"%PDF-", "application/pdf"),
        (b"PK\x03\x04", "application/zip"),
    ];
    if head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        return "image/webp";
    }
    SIGNATURES
        .iter()
        .find(|(signature, _)| head.starts_with(signature))
        .map(|(_, media_type)| *media_type)
        .unwrap_or("application/octet-stream")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_signatures_and_nothing_else() {
        assert_eq!(content_type(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), "image/png");
        assert_eq!(content_type(b"%PDF-1.7\n"), "application/pdf");
        assert_eq!(content_type(b"RIFF\0\0\0\0WEBPVP8 "), "image/webp");
        assert_eq!(
            content_type(b"<svg onload=alert(1)>"),
            "application/octet-stream"
        );
        assert_eq!(content_type(b"<html><script>"), "application/octet-stream");
        assert_eq!(content_type(b""), "application/octet-stream");
    }
}
