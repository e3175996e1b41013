//! ISO-8601 UTC timestamps (`2018-12-04T15:37:22.000Z`) to and from Unix seconds.

use mqtls_dn::civil::{from_unix, to_unix};

/// Parses `YYYY-MM-DDTHH:MM:SS[.fff]Z`.
pub(crate) fn parse_iso(s: &str) -> Option<i64> {
    let s = s.strip_suffix('Z')?;
    let (date, time) = s.split_once('T')?;
    let mut d = date.split('-').map(|p| p.parse::<i64>().ok());
    let (y, m, day) = (d.next()??, d.next()??, d.next()??);
    let time = time.split('.').next()?;
    let mut t = time.split(':').map(|p| p.parse::<i64>().ok());
    let (h, mi, sec) = (t.next()??, t.next()??, t.next()??);
    let valid = (1..=12).contains(&m) && (1..=31).contains(&day) && h < 24 && mi < 60 && sec < 61;
    valid.then(|| to_unix(y, m, day, h, mi, sec))
}

/// Formats Unix seconds as `YYYY-MM-DDTHH:MM:SS.000Z`.
pub(crate) fn format_iso(secs: i64) -> String {
    let (y, m, d, h, mi, s) = from_unix(secs);
    format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}.000Z")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        assert_eq!(parse_iso("2018-12-04T15:37:22.000Z"), Some(1_543_937_842));
        assert_eq!(format_iso(1_543_937_842), "2018-12-04T15:37:22.000Z");
        assert_eq!(parse_iso("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(format_iso(0x6849_B380), "2025-06-11T16:49:04.000Z");
        assert_eq!(parse_iso("yesterday"), None);
        assert_eq!(parse_iso("2018-13-04T15:37:22.000Z"), None);
    }
}
