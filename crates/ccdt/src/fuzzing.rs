//! Entry points for the fuzz targets in `fuzz/`. Not part of the public API.

use crate::binary::{read_binary, write_binary};
use crate::json::{read_json, write_json, Mode};

/// Binary reader on arbitrary bytes; what it reads must write and read back equal.
pub fn binary_roundtrip(data: &[u8]) {
    let Ok(channels) = read_binary(data) else { return };
    let mut unique = channels.clone();
    let mut seen = std::collections::HashSet::new();
    unique.retain(|c| seen.insert(c.name.clone()));
    // Values a decoded record can hold but the writer refuses (over-long CONNAME lists
    // rebuilt from text) are a clean error, not a panic.
    if let Ok(bytes) = write_binary(&unique) {
        assert_eq!(read_binary(&bytes).expect("written tables read back"), unique);
    }
}

/// JSON reader (both modes) on arbitrary text: lenient accepts what strict accepts; what
/// is read writes and reads back equal (strictly, when strict mode accepted the input).
pub fn json_roundtrip(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let strict = read_json(text, Mode::Strict);
    let lenient = read_json(text, Mode::Lenient);
    if let Ok(s) = &strict {
        assert_eq!(
            lenient.as_ref().map(|l| &l.channels),
            Ok(&s.channels),
            "lenient must accept what strict accepts"
        );
    }
    if let Ok(ccdt) = lenient {
        let mode = if strict.is_ok() { Mode::Strict } else { Mode::Lenient };
        let again = read_json(&write_json(&ccdt.channels), mode).expect("written JSON reads back");
        assert_eq!(again.channels, ccdt.channels);
    }
}
