//! CHLAUTH ADDRESS patterns: `*`, IPv4 with `*` or `a-b` ranges per part
//! (`192.168.*`, `10.0.0.1-20`), IPv6 written in full or ending in `*`, and host names
//! with a leading or trailing `*` (matched only when the partner's host name is known).

use std::net::IpAddr;

use crate::error::{DnError, ErrorKind};

/// One part of an IPv4 pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Octet {
    Exact(u8),
    Range(u8, u8),
    Any,
}

/// A compiled ADDRESS pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AddressPattern {
    /// `*`: every address.
    Any,
    /// IPv4 parts; a trailing `*` part stands for all remaining parts.
    V4(Vec<Octet4>),
    /// IPv6: an exact address, or a textual prefix ending in `*`.
    V6 {
        /// The text before any `*`, lowercase.
        prefix: String,
        /// Whether it ended in `*`.
        generic: bool,
    },
    /// A host name pattern, lowercase, with `*` at either end.
    Host(String),
}

/// A public wrapper so the pattern's parts are visible in Debug output only.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Octet4(Octet);

impl AddressPattern {
    /// Compiles a pattern.
    pub fn parse(s: &str) -> Result<Self, DnError> {
        let bad = |at| Err(DnError { what: "ADDRESS", input: s.to_owned(), at, kind: ErrorKind::BadAddress });
        let t = s.trim();
        if t == "*" {
            return Ok(Self::Any);
        }
        if t.is_empty() {
            return bad(0);
        }
        if t.contains(':') {
            let generic = t.ends_with('*');
            let prefix = t.trim_end_matches('*').to_ascii_lowercase();
            if prefix.contains('*') || !prefix.chars().all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')
            {
                return bad(0);
            }
            if !generic && prefix.parse::<std::net::Ipv6Addr>().is_err() {
                return bad(0);
            }
            return Ok(Self::V6 { prefix, generic });
        }
        let looks_v4 = t.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | '*' | '-'));
        if looks_v4 {
            let mut parts = Vec::new();
            let mut at = 0;
            for (i, part) in t.split('.').enumerate() {
                let octet = match part {
                    "*" => Octet::Any,
                    p => match p.split_once('-') {
                        Some((a, b)) => match (a.parse::<u8>(), b.parse::<u8>()) {
                            (Ok(a), Ok(b)) if a <= b => Octet::Range(a, b),
                            _ => return bad(at),
                        },
                        None => match p.parse::<u8>() {
                            Ok(v) => Octet::Exact(v),
                            Err(_) => return bad(at),
                        },
                    },
                };
                if i >= 4 {
                    return bad(at);
                }
                parts.push(Octet4(octet));
                at += part.len() + 1;
            }
            if parts.len() < 4 && parts.last() != Some(&Octet4(Octet::Any)) {
                return bad(t.len());
            }
            return Ok(Self::V4(parts));
        }
        let inner = t.trim_start_matches('*').trim_end_matches('*');
        if inner.is_empty()
            || inner.contains('*')
            || !inner.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        {
            return bad(0);
        }
        Ok(Self::Host(t.to_ascii_lowercase()))
    }

    /// Whether a partner at `ip` (with `host` name, if known) matches.
    pub fn matches(&self, ip: IpAddr, host: Option<&str>) -> bool {
        match (self, ip) {
            (Self::Any, _) => true,
            (Self::V4(parts), IpAddr::V4(v4)) => {
                let octets = v4.octets();
                let mut rest_any = false;
                octets.iter().enumerate().all(|(i, o)| {
                    if rest_any {
                        return true;
                    }
                    match parts.get(i).map(|p| p.0) {
                        Some(Octet::Any) => {
                            rest_any = parts.len() < 4 && i == parts.len() - 1;
                            true
                        }
                        Some(Octet::Exact(e)) => *o == e,
                        Some(Octet::Range(a, b)) => (a..=b).contains(o),
                        None => false,
                    }
                })
            }
            (Self::V6 { prefix, generic }, IpAddr::V6(v6)) => {
                if *generic {
                    expanded(v6).starts_with(prefix.as_str()) || v6.to_string().starts_with(prefix.as_str())
                } else {
                    prefix.parse::<std::net::Ipv6Addr>().is_ok_and(|p| p == v6)
                }
            }
            (Self::Host(pattern), _) => host.is_some_and(|h| {
                let h = h.to_ascii_lowercase();
                let inner = pattern.trim_matches('*');
                match (pattern.starts_with('*'), pattern.ends_with('*')) {
                    (true, true) => h.contains(inner),
                    (true, false) => h.ends_with(inner),
                    (false, true) => h.starts_with(inner),
                    (false, false) => h == *pattern,
                }
            }),
            _ => false,
        }
    }

    /// How specific the pattern is (more exact parts rank higher; `*` ranks lowest).
    pub fn specificity(&self) -> u32 {
        match self {
            Self::Any => 0,
            Self::V4(parts) => parts
                .iter()
                .map(|p| match p.0 {
                    Octet::Exact(_) => 4,
                    Octet::Range(..) => 2,
                    Octet::Any => 0,
                })
                .sum(),
            Self::V6 { prefix, generic } => {
                if *generic {
                    prefix.len() as u32
                } else {
                    64
                }
            }
            Self::Host(p) => p.trim_matches('*').len() as u32,
        }
    }
}

/// The full, zero-padded lowercase form of an IPv6 address.
fn expanded(v6: std::net::Ipv6Addr) -> String {
    v6.segments().iter().map(|s| format!("{s:04x}")).collect::<Vec<_>>().join(":")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &str, ip: &str) -> bool {
        AddressPattern::parse(p).unwrap().matches(ip.parse().unwrap(), None)
    }

    #[test]
    fn ipv4_patterns() {
        assert!(m("*", "10.1.2.3"));
        assert!(m("192.168.1.10", "192.168.1.10"));
        assert!(!m("192.168.1.10", "192.168.1.11"));
        assert!(m("192.168.*", "192.168.200.7"));
        assert!(!m("192.168.*", "192.169.0.1"));
        assert!(m("10.0.0.1-20", "10.0.0.20"));
        assert!(!m("10.0.0.1-20", "10.0.0.21"));
        assert!(m("10.*.0.1", "10.99.0.1"));
        assert!(!m("10.0.0.*", "::1"));
    }

    #[test]
    fn ipv6_and_hosts() {
        assert!(m("2001:db8::1", "2001:db8:0::1"));
        assert!(m("2001:0db8:*", "2001:db8::7"));
        assert!(!m("2001:0db8:*", "2001:db9::7"));
        let host = AddressPattern::parse("*.example.com").unwrap();
        assert!(host.matches("10.0.0.1".parse().unwrap(), Some("mq1.EXAMPLE.com")));
        assert!(!host.matches("10.0.0.1".parse().unwrap(), None));
    }

    #[test]
    fn bad_patterns_are_refused() {
        for p in ["", "1.2.3", "1.2.3.4.5", "300.1.1.1", "1.2.3.9-2", "1.*.3.*x", "a*b.com", "2001:zz::*"] {
            assert!(AddressPattern::parse(p).is_err(), "{p}");
        }
        assert_eq!(AddressPattern::parse("10.0.0.0/8").unwrap_err().kind, ErrorKind::BadAddress);
    }

    #[test]
    fn specificity_orders_patterns() {
        let s = |p: &str| AddressPattern::parse(p).unwrap().specificity();
        assert!(s("10.0.0.1") > s("10.0.0.1-9"));
        assert!(s("10.0.0.1-9") > s("10.0.0.*"));
        assert!(s("10.0.*") > s("*"));
    }
}
