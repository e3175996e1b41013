//! Just enough DER to build OCSP requests and read OCSP responses: a bounds-checked
//! TLV reader and a TLV writer. Only definite lengths, single-byte tags.

use crate::error::PkiError;

/// One element: its tag, its contents, and its whole encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Tlv<'a> {
    pub(crate) tag: u8,
    pub(crate) content: &'a [u8],
    pub(crate) raw: &'a [u8],
}

/// A cursor over a sequence of elements.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Reader<'a> {
    rest: &'a [u8],
}

pub(crate) fn bad(detail: &str) -> PkiError {
    PkiError::Malformed { path: "OCSP response".into(), what: "DER structure", detail: detail.to_owned() }
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Self { rest: bytes }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    /// The next element, whatever its tag.
    pub(crate) fn any(&mut self) -> Result<Tlv<'a>, PkiError> {
        let [tag, first, ..] = *self.rest else { return Err(bad("truncated element")) };
        let (len, header) = if first & 0x80 == 0 {
            (usize::from(first), 2)
        } else {
            let n = usize::from(first & 0x7f);
            if n == 0 || n > 4 || self.rest.len() < 2 + n {
                return Err(bad("unsupported length"));
            }
            (self.rest[2..2 + n].iter().fold(0usize, |a, b| a << 8 | usize::from(*b)), 2 + n)
        };
        let end = header
            .checked_add(len)
            .filter(|e| *e <= self.rest.len())
            .ok_or_else(|| bad("length runs past the end"))?;
        let tlv = Tlv { tag, content: &self.rest[header..end], raw: &self.rest[..end] };
        self.rest = &self.rest[end..];
        Ok(tlv)
    }

    /// The next element, which must have `tag`.
    pub(crate) fn expect(&mut self, tag: u8, what: &str) -> Result<Tlv<'a>, PkiError> {
        let tlv = self.any()?;
        if tlv.tag != tag {
            return Err(bad(&format!("expected {what}")));
        }
        Ok(tlv)
    }

    /// The next element if it has `tag`.
    pub(crate) fn optional(&mut self, tag: u8) -> Result<Option<Tlv<'a>>, PkiError> {
        if self.rest.first() == Some(&tag) {
            return self.any().map(Some);
        }
        Ok(None)
    }
}

/// Tags used here.
pub(crate) mod tag {
    pub(crate) const INTEGER: u8 = 0x02;
    pub(crate) const BIT_STRING: u8 = 0x03;
    pub(crate) const OCTET_STRING: u8 = 0x04;
    pub(crate) const NULL: u8 = 0x05;
    pub(crate) const OID: u8 = 0x06;
    pub(crate) const ENUMERATED: u8 = 0x0A;
    pub(crate) const GENERALIZED_TIME: u8 = 0x18;
    pub(crate) const SEQUENCE: u8 = 0x30;
}

/// Encodes one element.
pub(crate) fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len.to_be_bytes().iter().copied().skip_while(|b| *b == 0).collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend_from_slice(content);
    out
}

/// Encodes a dotted OID.
pub(crate) fn oid(dotted: &str) -> Vec<u8> {
    let arcs: Vec<u64> = dotted.split('.').map(|a| a.parse().expect("literal OIDs are valid")).collect();
    let mut body = vec![(arcs[0] * 40 + arcs[1]) as u8];
    for &arc in &arcs[2..] {
        let mut chunk = vec![(arc & 0x7f) as u8];
        let mut v = arc >> 7;
        while v > 0 {
            chunk.push((v & 0x7f) as u8 | 0x80);
            v >>= 7;
        }
        chunk.reverse();
        body.extend(chunk);
    }
    tlv(tag::OID, &body)
}

/// Parses a GeneralizedTime (`YYYYMMDDHHMMSSZ`, optional fraction) to Unix seconds.
pub(crate) fn generalized_time(content: &[u8]) -> Result<i64, PkiError> {
    let s = std::str::from_utf8(content).map_err(|_| bad("time is not ASCII"))?;
    let s = s.strip_suffix('Z').ok_or_else(|| bad("time is not UTC"))?;
    let s = s.split('.').next().unwrap_or(s);
    let n = |r: std::ops::Range<usize>| {
        s.get(r).and_then(|p| p.parse::<i64>().ok()).ok_or_else(|| bad("bad time"))
    };
    Ok(mqtls_dn::civil::to_unix(n(0..4)?, n(4..6)?, n(6..8)?, n(8..10)?, n(10..12)?, n(12..14)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encode_and_read_back() {
        let inner = tlv(tag::OCTET_STRING, &[7; 200]);
        let outer = tlv(tag::SEQUENCE, &[oid("1.3.6.1.5.5.7.48.1.2"), inner.clone()].concat());
        let mut r = Reader::new(&outer);
        let seq = r.expect(tag::SEQUENCE, "sequence").unwrap();
        assert!(r.is_empty());
        let mut inside = Reader::new(seq.content);
        assert_eq!(inside.expect(tag::OID, "oid").unwrap().content, [0x2B, 6, 1, 5, 5, 7, 48, 1, 2]);
        assert_eq!(inside.expect(tag::OCTET_STRING, "octets").unwrap().raw, inner.as_slice());
        assert!(Reader::new(&[0x30, 0x05, 1]).any().is_err(), "length past the end");
        assert!(Reader::new(&[0x30, 0x89, 1, 1, 1, 1, 1, 1, 1, 1, 1]).any().is_err(), "huge length");
    }

    #[test]
    fn times() {
        assert_eq!(generalized_time(b"20181204153722Z").unwrap(), 1_543_937_842);
        assert_eq!(generalized_time(b"19700101000000.5Z").unwrap(), 0);
        assert!(generalized_time(b"2018").is_err());
    }
}
