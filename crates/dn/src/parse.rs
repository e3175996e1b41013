//! RFC 4514 DN strings, with the RFC 2253 leniencies MQ users write: `;` separators,
//! blanks around separators, quoted values, an `OID.` prefix.

use crate::attr::by_name;
use crate::error::{DnError, ErrorKind};
use crate::name::{AttrKey, Ava, AvaValue, Dn, Rdn};

/// Longest DN string accepted (hostile-input bound; certificates hold far less).
pub const MAX_DN: usize = 64 * 1024;

/// A cursor over the input with error construction.
pub(crate) struct Scanner<'a> {
    pub(crate) s: &'a str,
    pub(crate) at: usize,
    pub(crate) what: &'static str,
}

impl<'a> Scanner<'a> {
    pub(crate) fn new(s: &'a str, what: &'static str) -> Self {
        Self { s, at: 0, what }
    }

    pub(crate) fn err<T>(&self, at: usize, kind: ErrorKind) -> Result<T, DnError> {
        Err(DnError { what: self.what, input: self.s.to_owned(), at, kind })
    }

    pub(crate) fn peek(&self) -> Option<char> {
        self.s[self.at..].chars().next()
    }

    pub(crate) fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.at += c.len_utf8();
        Some(c)
    }

    pub(crate) fn skip_blanks(&mut self) {
        while self.peek() == Some(' ') {
            self.at += 1;
        }
    }

    /// An attribute type: a keyword or a dotted OID (optionally `OID.`-prefixed).
    /// Returns the text; no blank may follow before `=`.
    pub(crate) fn attr_type(&mut self) -> Result<&'a str, DnError> {
        let start = self.at;
        while self.peek().is_some_and(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.') {
            self.at += 1;
        }
        if self.at == start {
            return self.err(start, ErrorKind::ExpectedType);
        }
        let word = &self.s[start..self.at];
        match self.peek() {
            Some('=') => {
                self.at += 1;
                Ok(word)
            }
            Some(' ') => {
                let blank = self.at;
                self.skip_blanks();
                if self.peek() == Some('=') {
                    self.err(blank, ErrorKind::BlankBeforeEquals)
                } else {
                    self.err(blank, ErrorKind::ExpectedEquals)
                }
            }
            _ => self.err(self.at, ErrorKind::ExpectedEquals),
        }
    }
}

fn is_numeric_oid(s: &str) -> bool {
    !s.is_empty()
        && s.split('.').all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        && s.contains('.')
}

fn key(sc: &Scanner<'_>, start: usize, word: &str) -> Result<AttrKey, DnError> {
    let oid = word.strip_prefix("OID.").or_else(|| word.strip_prefix("oid.")).unwrap_or(word);
    if is_numeric_oid(oid) {
        return Ok(AttrKey::from_oid(oid));
    }
    match by_name(word) {
        Some(t) => Ok(AttrKey::Known(t)),
        None => sc.err(start, ErrorKind::UnknownType),
    }
}

impl Dn {
    /// Parses an RFC 4514 / RFC 2253 DN string.
    pub fn parse(s: &str) -> Result<Self, DnError> {
        let mut sc = Scanner::new(s, "DN");
        if s.len() > MAX_DN {
            return sc.err(MAX_DN, ErrorKind::TooLong);
        }
        let mut dn = Self::default();
        sc.skip_blanks();
        if sc.peek().is_none() {
            return Ok(dn);
        }
        let mut rdn = Rdn::default();
        loop {
            sc.skip_blanks();
            let start = sc.at;
            let word = sc.attr_type()?;
            let key = key(&sc, start, word)?;
            let value = value(&mut sc)?;
            rdn.0.push(Ava { key, value });
            match sc.bump() {
                None => {
                    dn.0.push(rdn);
                    return Ok(dn);
                }
                Some('+') => {}
                Some(',' | ';') => dn.0.push(std::mem::take(&mut rdn)),
                Some(_) => unreachable!("value() stops only at a separator or the end"),
            }
        }
    }
}

/// A value: `#hex`, `"quoted"`, or an escaped string; stops before `,` `;` `+` or the end.
fn value(sc: &mut Scanner<'_>) -> Result<AvaValue, DnError> {
    sc.skip_blanks();
    match sc.peek() {
        Some('#') => {
            let start = sc.at;
            sc.at += 1;
            let hex_start = sc.at;
            while sc.peek().is_some_and(|c| c.is_ascii_hexdigit()) {
                sc.at += 1;
            }
            let hex = &sc.s[hex_start..sc.at];
            sc.skip_blanks();
            if !matches!(sc.peek(), None | Some(',' | ';' | '+')) || hex.is_empty() || hex.len() % 2 == 1 {
                return sc.err(start, ErrorKind::BadHex);
            }
            let bytes: Vec<u8> = (0..hex.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex digits"))
                .collect();
            if !one_der_element(&bytes) {
                return sc.err(start, ErrorKind::BadBer);
            }
            Ok(AvaValue::Der(bytes))
        }
        Some('"') => {
            let start = sc.at;
            sc.at += 1;
            let mut bytes = Vec::new();
            loop {
                match sc.bump() {
                    None => return sc.err(start, ErrorKind::UnterminatedQuote),
                    Some('"') => break,
                    Some('\\') => escaped(sc, &mut bytes)?,
                    Some(c) => bytes.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes()),
                }
            }
            sc.skip_blanks();
            if !matches!(sc.peek(), None | Some(',' | ';' | '+')) {
                return sc.err(sc.at, ErrorKind::AfterQuote);
            }
            utf8(sc, start, bytes)
        }
        _ => {
            let start = sc.at;
            let mut bytes = Vec::new();
            // Length of `bytes` after the last character that was not an unescaped blank.
            let mut keep = 0;
            loop {
                match sc.peek() {
                    None | Some(',' | ';' | '+') => break,
                    Some('\\') => {
                        sc.at += 1;
                        escaped(sc, &mut bytes)?;
                        keep = bytes.len();
                    }
                    Some(c @ ('"' | '<' | '>' | '\0')) => return sc.err(sc.at, ErrorKind::Unescaped(c)),
                    Some(c) => {
                        sc.at += c.len_utf8();
                        bytes.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                        if c != ' ' {
                            keep = bytes.len();
                        }
                    }
                }
            }
            bytes.truncate(keep);
            utf8(sc, start, bytes)
        }
    }
}

/// After a `\`: a special character, or two hex digits (one byte).
fn escaped(sc: &mut Scanner<'_>, bytes: &mut Vec<u8>) -> Result<(), DnError> {
    let at = sc.at - 1;
    match sc.peek() {
        None => sc.err(at, ErrorKind::TrailingBackslash),
        Some(c) if c.is_ascii_hexdigit() => {
            let pair = sc.s.get(sc.at..sc.at + 2).filter(|p| p.bytes().all(|b| b.is_ascii_hexdigit()));
            let Some(pair) = pair else { return sc.err(at, ErrorKind::BadEscape) };
            bytes.push(u8::from_str_radix(pair, 16).expect("hex digits"));
            sc.at += 2;
            Ok(())
        }
        Some(c @ ('"' | '+' | ',' | ';' | '<' | '>' | '\\' | '#' | '=' | ' ' | '*')) => {
            bytes.push(c as u8);
            sc.at += 1;
            Ok(())
        }
        Some(_) => sc.err(at, ErrorKind::BadEscape),
    }
}

fn utf8(sc: &Scanner<'_>, start: usize, bytes: Vec<u8>) -> Result<AvaValue, DnError> {
    match String::from_utf8(bytes) {
        Ok(s) => Ok(AvaValue::Text(s)),
        Err(_) => sc.err(start, ErrorKind::InvalidUtf8),
    }
}

/// Whether `bytes` is exactly one DER TLV with a single-byte tag.
fn one_der_element(bytes: &[u8]) -> bool {
    let [_tag, len, rest @ ..] = bytes else { return false };
    let (len, rest) = if len & 0x80 == 0 {
        (usize::from(*len), rest)
    } else {
        let n = usize::from(len & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return false;
        }
        (rest[..n].iter().fold(0usize, |acc, b| acc << 8 | usize::from(*b)), &rest[n..])
    };
    rest.len() == len
}

#[cfg(test)]
#[path = "parse_tests.rs"]
mod tests;
