//! The crate's one error type.

use std::fmt;

/// What is wrong in a DN string or an SSLPEER filter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// An attribute type was expected.
    ExpectedType,
    /// `=` was expected after the attribute type.
    ExpectedEquals,
    /// A blank between the attribute type and `=` (MQ forbids it).
    BlankBeforeEquals,
    /// An attribute type that is not known (and not a dotted OID).
    UnknownType,
    /// An attribute SSLPEER cannot filter on.
    NotFilterable,
    /// A second value for an attribute that may appear once.
    Repeated,
    /// `\` at the end of the input.
    TrailingBackslash,
    /// `\` followed by something that is neither a special character nor two hex digits.
    BadEscape,
    /// A `#` value that is not an even number of hex digits.
    BadHex,
    /// A `#` value that is not one well-formed DER element.
    BadBer,
    /// An unescaped character that must be escaped (`"`, `<`, `>`, NUL).
    Unescaped(char),
    /// A quoted value with no closing quote.
    UnterminatedQuote,
    /// Text after a closing quote and before the next separator.
    AfterQuote,
    /// Escaped bytes that are not UTF-8.
    InvalidUtf8,
    /// A `*` in the middle of a value (only leading or trailing `*` is a wildcard).
    InnerWildcard,
    /// The filter is longer than MQ's 1024-byte limit.
    TooLong,
    /// Nothing to match on.
    Empty,
    /// Bytes that are not a DER X.509 certificate.
    BadCertificate,
    /// An ADDRESS pattern that is not an IPv4 / IPv6 pattern or a host name.
    BadAddress,
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ExpectedType => f.write_str("expected an attribute type such as CN or OU"),
            Self::ExpectedEquals => f.write_str("expected '=' after the attribute type"),
            Self::BlankBeforeEquals => f.write_str("no blank is allowed between the attribute type and '='"),
            Self::UnknownType => f.write_str("unknown attribute type"),
            Self::NotFilterable => f.write_str(
                "SSLPEER can filter only on SERIALNUMBER, MAIL, E, UID, USERID, CN, T, OU, DC, O, STREET, L, ST, SP, S, PC, C, UNSTRUCTUREDNAME, UNSTRUCTUREDADDRESS, DNQ",
            ),
            Self::Repeated => f.write_str("this attribute may appear only once (only OU and DC repeat)"),
            Self::TrailingBackslash => f.write_str("'\\' at the end; escape it as '\\\\'"),
            Self::BadEscape => f.write_str("'\\' must be followed by a special character or two hex digits"),
            Self::BadHex => f.write_str("'#' must be followed by an even number of hex digits"),
            Self::BadBer => f.write_str("the '#' value is not one well-formed DER element"),
            Self::Unescaped(c) => write!(f, "{c:?} must be escaped with '\\'"),
            Self::UnterminatedQuote => f.write_str("quoted value is not closed; add '\"'"),
            Self::AfterQuote => f.write_str("only a separator may follow a closing quote"),
            Self::InvalidUtf8 => f.write_str("escaped bytes are not valid UTF-8"),
            Self::InnerWildcard => f.write_str("'*' is a wildcard only at the start or end of a value"),
            Self::TooLong => f.write_str("longer than 1024 bytes, the most MQ accepts"),
            Self::Empty => f.write_str("empty"),
            Self::BadCertificate => f.write_str("not a DER-encoded X.509 certificate"),
            Self::BadAddress => f.write_str(
                "expected an IP address pattern such as 192.168.1.*, 10.0.0.1-20 or 2001:db8::*, or a host name",
            ),
        }
    }
}

/// A DN string or SSLPEER filter that could not be parsed: what, and at which character.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{what} {input:?}, character {}: {kind}", .at + 1)]
pub struct DnError {
    /// `DN` or `SSLPEER`.
    pub what: &'static str,
    /// The input.
    pub input: String,
    /// Byte offset of the fault.
    pub at: usize,
    /// What is wrong.
    pub kind: ErrorKind,
}
