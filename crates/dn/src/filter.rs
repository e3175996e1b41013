//! SSLPEER filters, MQ's grammar: `attribute=value` parts separated by `,` or `;`,
//! blanks around separators ignored, attribute names and values matched without regard
//! to case, `ST`/`SP`/`S` synonyms, double-quoted values (separators inside are literal,
//! the quotes are dropped), a `*` wildcard at the start and/or end of an unquoted value,
//! repeated OU and DC matched in order, only MQ's filterable attributes, 1024 bytes.
//!
//! Compile once with [`PeerFilter::parse`]; [`PeerFilter::matches`] allocates nothing.
//!
//! Repeated OU (or DC) parts match the DN's OU (DC) values position by position, in DN
//! string order (`CN=a,OU=Dept,OU=Division,O=x`: the filter `OU=Dept,OU=Division` matches,
//! `OU=Division` alone does not); the DN may have more after them.
//!
//! Any other attribute is single-valued in a filter, and a certificate whose DN carries it
//! more than once (`CN=evil,CN=app1`, or a multi-valued RDN `CN=evil+CN=app1`) matches only
//! when every one of its values matches the part: `CN=app*` does not admit that DN, in
//! either order. IBM's "IBM MQ rules for SSLPEER values" allow repeats only for OU and DC
//! and say nothing of repeated attributes in the certificate; mqtls takes the strict
//! reading, so one name in a certificate cannot vouch for another beside it.

use std::fmt;

use crate::attr::{by_name, AttrType};
use crate::error::{DnError, ErrorKind};
use crate::name::Dn;
use crate::parse::Scanner;

/// MQ's limit on SSLPEER (1024 bytes on Multiplatforms).
pub const MAX_FILTER: usize = 1024;

/// One `attribute=value` part.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Part {
    attr: &'static AttrType,
    /// The value without quotes and wildcards.
    text: String,
    /// `*` before the text.
    lead: bool,
    /// `*` after the text.
    trail: bool,
}

impl Part {
    fn matches(&self, value: &str) -> bool {
        let (v, p) = (value.as_bytes(), self.text.as_bytes());
        match (self.lead, self.trail) {
            (false, false) => eq(v, p),
            (false, true) => v.len() >= p.len() && eq(&v[..p.len()], p),
            (true, false) => v.len() >= p.len() && eq(&v[v.len() - p.len()..], p),
            (true, true) => p.is_empty() || v.windows(p.len()).any(|w| eq(w, p)),
        }
    }
}

fn eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.eq_ignore_ascii_case(y))
}

/// A compiled SSLPEER filter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeerFilter {
    source: String,
    parts: Vec<Part>,
}

impl PeerFilter {
    /// Compiles a filter; every error names the character at fault.
    pub fn parse(s: &str) -> Result<Self, DnError> {
        let mut sc = Scanner::new(s, "SSLPEER");
        if s.len() > MAX_FILTER {
            return sc.err(MAX_FILTER, ErrorKind::TooLong);
        }
        let mut parts: Vec<Part> = Vec::new();
        loop {
            sc.skip_blanks();
            if sc.peek().is_none() {
                return if parts.is_empty() {
                    sc.err(sc.at, ErrorKind::Empty)
                } else {
                    sc.err(sc.at, ErrorKind::ExpectedType)
                };
            }
            let start = sc.at;
            let word = sc.attr_type()?;
            let Some(attr) = by_name(word) else { return sc.err(start, ErrorKind::UnknownType) };
            if !attr.filterable {
                return sc.err(start, ErrorKind::NotFilterable);
            }
            if !attr.repeatable && parts.iter().any(|p| p.attr == attr) {
                return sc.err(start, ErrorKind::Repeated);
            }
            parts.push(value(&mut sc, attr)?);
            sc.skip_blanks();
            match sc.bump() {
                None => return Ok(Self { source: s.to_owned(), parts }),
                Some(',' | ';') => {}
                Some(_) => unreachable!("value() stops only at a separator or the end"),
            }
        }
    }

    /// Whether a certificate DN satisfies every part of the filter.
    pub fn matches(&self, dn: &Dn) -> bool {
        (0..self.parts.len()).all(|i| self.part_matches(i, dn))
    }

    /// The first part the DN does not satisfy, as `attribute=value` text (for explanations).
    pub fn first_mismatch(&self, dn: &Dn) -> Option<String> {
        let i = (0..self.parts.len()).find(|i| !self.part_matches(*i, dn))?;
        let p = &self.parts[i];
        let star = |b: bool| if b { "*" } else { "" };
        Some(format!("{}={}{}{}", p.attr.name, star(p.lead), p.text, star(p.trail)))
    }

    /// Part `i` against the DN: the k-th OU (DC) part against the DN's k-th OU (DC) value;
    /// any other part against every value of its attribute (see the module doc).
    fn part_matches(&self, i: usize, dn: &Dn) -> bool {
        let p = &self.parts[i];
        if p.attr.repeatable {
            let k = self.parts[..i].iter().filter(|q| q.attr == p.attr).count();
            dn.values_of(p.attr).nth(k).is_some_and(|v| p.matches(v))
        } else {
            let mut values = dn.values_of(p.attr).peekable();
            values.peek().is_some() && values.all(|v| p.matches(v))
        }
    }

    /// How specific the filter is: more parts, then fewer wildcards, is more specific.
    pub fn specificity(&self) -> (usize, usize) {
        let wild = self.parts.iter().filter(|p| p.lead || p.trail).count();
        (self.parts.len(), self.parts.len() - wild)
    }

    /// The filter as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }
}

impl fmt::Display for PeerFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

/// A value: `"quoted"` (literal) or unquoted with optional `*` at either end.
fn value(sc: &mut Scanner<'_>, attr: &'static AttrType) -> Result<Part, DnError> {
    if sc.peek() == Some('"') {
        let start = sc.at;
        sc.at += 1;
        let mut text = String::new();
        loop {
            match sc.bump() {
                None => return sc.err(start, ErrorKind::UnterminatedQuote),
                Some('"') => break,
                Some(c) => text.push(c),
            }
        }
        sc.skip_blanks();
        if !matches!(sc.peek(), None | Some(',' | ';')) {
            return sc.err(sc.at, ErrorKind::AfterQuote);
        }
        return Ok(Part { attr, text, lead: false, trail: false });
    }
    // (character, byte offset, escaped): blanks are trimmed first, then an unescaped
    // `*` at either end is a wildcard; any other unescaped `*` is an error.
    let mut chars: Vec<(char, usize, bool)> = Vec::new();
    while let Some(c) = sc.peek() {
        let at = sc.at;
        match c {
            ',' | ';' => break,
            '\\' => {
                sc.at += 1;
                match sc.peek() {
                    Some(n @ (',' | ';' | '"' | '\\' | '*' | '+' | '=')) => {
                        sc.at += 1;
                        chars.push((n, at, true));
                    }
                    _ => chars.push(('\\', at, false)),
                }
            }
            '"' => return sc.err(at, ErrorKind::Unescaped('"')),
            c => {
                sc.at += c.len_utf8();
                chars.push((c, at, false));
            }
        }
    }
    let blank = |&(c, _, escaped): &(char, usize, bool)| c == ' ' && !escaped;
    let first = chars.iter().position(|c| !blank(c)).unwrap_or(chars.len());
    let last = chars.iter().rposition(|c| !blank(c)).map_or(first, |i| i + 1);
    let mut body = &chars[first..last];
    let star = |c: Option<&(char, usize, bool)>| c.is_some_and(|&(c, _, escaped)| c == '*' && !escaped);
    let lead = star(body.first());
    if lead {
        body = &body[1..];
    }
    let trail = star(body.last());
    if trail {
        body = &body[..body.len() - 1];
    }
    if let Some(&(_, at, _)) = body.iter().find(|&&(c, _, escaped)| c == '*' && !escaped) {
        return sc.err(at, ErrorKind::InnerWildcard);
    }
    Ok(Part { attr, text: body.iter().map(|&(c, _, _)| c).collect(), lead, trail })
}

#[cfg(test)]
#[path = "filter_tests.rs"]
mod tests;
