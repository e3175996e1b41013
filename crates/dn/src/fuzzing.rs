//! Entry points for the fuzz targets in `fuzz/`, and a deliberately simple reference
//! SSLPEER matcher for differential testing. Not part of the public API.

use crate::attr::{by_name, AttrType};
use crate::filter::{PeerFilter, MAX_FILTER};
use crate::name::Dn;

/// Parses bytes as a DN; a parsed DN must render to text that parses back equal.
pub fn dn_roundtrip(data: &[u8]) {
    let Ok(s) = std::str::from_utf8(data) else { return };
    if let Ok(dn) = Dn::parse(s) {
        let text = dn.to_string();
        let again = Dn::parse(&text).unwrap_or_else(|e| panic!("rendered {text:?} does not parse: {e}"));
        assert_eq!(again, dn, "round trip changed {s:?} (rendered {text:?})");
        assert_eq!(again.to_string(), text, "rendering is not stable");
    }
}

/// `filter \n dn`: the compiled filter and the reference must agree on whether the
/// filter is valid and on whether it matches (filters with quotes or escapes are only
/// run, not compared).
pub fn sslpeer_differential(data: &[u8]) {
    let Ok(s) = std::str::from_utf8(data) else { return };
    let (filter, dn) = s.split_once('\n').unwrap_or((s, ""));
    let Ok(dn) = Dn::parse(dn) else { return };
    let ours = PeerFilter::parse(filter);
    if filter.contains(['\\', '"']) {
        if let Ok(f) = ours {
            f.matches(&dn);
        }
        return;
    }
    match (ours, reference_parse(filter)) {
        (Ok(f), Some(parts)) => {
            assert_eq!(f.matches(&dn), reference_matches(&parts, &dn), "filter {filter:?} on DN {dn}");
        }
        (Err(_), None) => {}
        (ours, theirs) => panic!("validity differs for {filter:?}: compiled {ours:?}, reference {theirs:?}"),
    }
}

/// A reference part: attribute, uppercased text, leading and trailing wildcard.
type RefPart = (&'static AttrType, String, bool, bool);

/// Split on separators, split each part at its first `=`, trim, peel `*` at the ends.
fn reference_parse(filter: &str) -> Option<Vec<RefPart>> {
    if filter.len() > MAX_FILTER {
        return None;
    }
    let mut parts: Vec<RefPart> = Vec::new();
    for raw in filter.split([',', ';']) {
        let part = raw.trim_start_matches(' ');
        let (name, value) = part.split_once('=')?;
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.') {
            return None;
        }
        let attr = by_name(name).filter(|a| a.filterable)?;
        if !attr.repeatable && parts.iter().any(|p| p.0 == attr) {
            return None;
        }
        let mut v = value.trim_matches(' ');
        let lead = v.starts_with('*');
        if lead {
            v = &v[1..];
        }
        let trail = v.ends_with('*');
        if trail {
            v = &v[..v.len() - 1];
        }
        if v.contains('*') {
            return None;
        }
        parts.push((attr, v.to_ascii_uppercase(), lead, trail));
    }
    Some(parts)
}

fn reference_matches(parts: &[RefPart], dn: &Dn) -> bool {
    let fits = |(_, text, lead, trail): &RefPart, value: &str| {
        let value = value.to_ascii_uppercase();
        match (lead, trail) {
            (false, false) => value == *text,
            (false, true) => value.starts_with(text.as_str()),
            (true, false) => value.ends_with(text.as_str()),
            (true, true) => value.contains(text.as_str()),
        }
    };
    parts.iter().enumerate().all(|(i, part)| {
        if part.0.repeatable {
            let k = parts[..i].iter().filter(|p| p.0 == part.0).count();
            dn.values_of(part.0).nth(k).is_some_and(|v| fits(part, v))
        } else {
            // Every value of a single-valued attribute must fit (one name cannot vouch
            // for another beside it), and there must be one.
            let values: Vec<&str> = dn.values_of(part.0).collect();
            !values.is_empty() && values.iter().all(|v| fits(part, v))
        }
    })
}
