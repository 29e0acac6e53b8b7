//! HTTP `Range: bytes=…` requests (RFC 9110 §14) for downloads.

use std::ops::Range;

/// The requested range cannot be served; answer 416 with `Content-Range: bytes */size`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("range not satisfiable")]
pub struct Unsatisfiable;

/// Interprets a `Range` header against content of `size` bytes.
///
/// - `Ok(None)`: serve the whole content (another unit, or several ranges, which we answer
///   with the full body as RFC 9110 permits);
/// - `Ok(Some(r))`: serve the half-open byte range `r` with 206;
/// - `Err(Unsatisfiable)`: malformed, or starting beyond the end — 416.
pub fn parse(header: &str, size: u64) -> Result<Option<Range<u64>>, Unsatisfiable> {
    let header = header.trim();
    let Some(spec) = header.strip_prefix("bytes=") else {
        return if header.contains('=') {
            Ok(None)
        } else {
            Err(Unsatisfiable)
        };
    };
    if spec.contains(',') {
        return Ok(None);
    }
    let (first, last) = spec.trim().split_once('-').ok_or(Unsatisfiable)?;
    let number = |t: &str| -> Result<u64, Unsatisfiable> {
        if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Unsatisfiable);
        }
        t.parse().map_err(|_| Unsatisfiable)
    };
    let range = if first.is_empty() {
        let suffix = number(last)?;
        if suffix == 0 || size == 0 {
            return Err(Unsatisfiable);
        }
        size.saturating_sub(suffix)..size
    } else {
        let start = number(first)?;
        let end = if last.is_empty() {
            size
        } else {
            let last = number(last)?;
            if last < start {
                return Err(Unsatisfiable);
            }
            last.saturating_add(1).min(size)
        };
        if start >= size {
            return Err(Unsatisfiable);
        }
        start..end
    };
    Ok(Some(range))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn satisfiable_forms() {
        assert_eq!(parse("bytes=0-0", 10), Ok(Some(0..1)));
        assert_eq!(parse("bytes=2-5", 10), Ok(Some(2..6)));
        assert_eq!(parse("bytes=2-", 10), Ok(Some(2..10)));
        assert_eq!(parse("bytes=-3", 10), Ok(Some(7..10)));
        assert_eq!(parse("bytes=-30", 10), Ok(Some(0..10)));
        assert_eq!(parse("bytes=5-99", 10), Ok(Some(5..10)), "end is clamped");
        assert_eq!(
            parse("bytes=0-1, 4-5", 10),
            Ok(None),
            "several ranges: whole body"
        );
        assert_eq!(parse("items=0-1", 10), Ok(None), "other units are ignored");
    }

    #[test]
    fn unsatisfiable_forms() {
        for bad in [
            "bytes=10-",
            "bytes=10-20",
            "bytes=5-2",
            "bytes=-0",
            "bytes=a-b",
            "bytes=",
            "bytes=1",
            "nonsense",
            "bytes=--1",
        ] {
            assert_eq!(parse(bad, 10), Err(Unsatisfiable), "{bad}");
        }
        assert_eq!(
            parse("bytes=0-", 0),
            Err(Unsatisfiable),
            "empty content has no bytes"
        );
    }
}
