//! Distinguished names: ordered RDNs, each with one or more attribute values, rendered
//! the way MQ shows them (RFC 4514 string order and escaping, MQ's short names).

use std::fmt::{self, Write};

use crate::attr::{by_oid, AttrType};

/// The type of one attribute value: a named type, or a dotted OID.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum AttrKey {
    /// A type with a short name.
    Known(&'static AttrType),
    /// Any other type, by dotted OID.
    Oid(String),
}

impl AttrKey {
    /// The key for a dotted OID, named when known.
    pub fn from_oid(oid: &str) -> Self {
        by_oid(oid).map_or_else(|| Self::Oid(oid.to_owned()), Self::Known)
    }

    /// The short name, or the dotted OID.
    pub fn name(&self) -> &str {
        match self {
            Self::Known(t) => t.name,
            Self::Oid(o) => o,
        }
    }
}

/// An attribute value.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum AvaValue {
    /// A string value.
    Text(String),
    /// A value kept as its DER encoding (`#04024869`).
    Der(Vec<u8>),
}

/// One attribute type and value.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Ava {
    /// The type.
    pub key: AttrKey,
    /// The value.
    pub value: AvaValue,
}

impl Ava {
    /// The value as text (`None` for DER-only values).
    pub fn text(&self) -> Option<&str> {
        match &self.value {
            AvaValue::Text(s) => Some(s),
            AvaValue::Der(_) => None,
        }
    }
}

/// A relative distinguished name: one or more values (`OU=Sales+CN=J. Smith`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct Rdn(pub Vec<Ava>);

/// A distinguished name, in string order: the most specific RDN (usually CN) first.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct Dn(pub Vec<Rdn>);

impl Dn {
    /// Every attribute value, in string order.
    pub fn avas(&self) -> impl Iterator<Item = &Ava> + '_ {
        self.0.iter().flat_map(|rdn| rdn.0.iter())
    }

    /// The text values of one attribute type, in string order.
    pub fn values_of<'a>(&'a self, attr: &'static AttrType) -> impl Iterator<Item = &'a str> + 'a {
        self.avas().filter(move |a| a.key == AttrKey::Known(attr)).filter_map(Ava::text)
    }

    /// Whether the DN has no RDNs.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Writes a value with RFC 4514 escaping.
pub(crate) fn escape(f: &mut impl Write, value: &str) -> fmt::Result {
    let last = value.chars().count().saturating_sub(1);
    for (i, c) in value.chars().enumerate() {
        match c {
            '"' | '+' | ',' | ';' | '<' | '>' | '\\' => write!(f, "\\{c}")?,
            '#' | ' ' if i == 0 => write!(f, "\\{c}")?,
            ' ' if i == last => f.write_str("\\ ")?,
            c if c.is_control() => {
                let mut buf = [0; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    write!(f, "\\{b:02X}")?;
                }
            }
            c => f.write_char(c)?,
        }
    }
    Ok(())
}

impl fmt::Display for Ava {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key.name())?;
        f.write_char('=')?;
        match &self.value {
            AvaValue::Text(s) => escape(f, s),
            AvaValue::Der(bytes) => {
                f.write_char('#')?;
                bytes.iter().try_for_each(|b| write!(f, "{b:02X}"))
            }
        }
    }
}

impl fmt::Display for Dn {
    /// RFC 4514 form with MQ's short names: `CN=app1,OU=MQ,O=IBM,C=US`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, rdn) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_char(',')?;
            }
            for (j, ava) in rdn.0.iter().enumerate() {
                if j > 0 {
                    f.write_char('+')?;
                }
                write!(f, "{ava}")?;
            }
        }
        Ok(())
    }
}
