//! Attribute values and their MQSC spelling.

use std::fmt;

/// A typed attribute value.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Value {
    /// A character string, case as given.
    Str(String),
    /// A number.
    Int(i64),
    /// A keyword value (`REQUIRED`, `AUTO`).
    Word(String),
    /// A list (`NAMES(A,B)`, `AUTHADD(PUT,GET)`).
    List(Vec<String>),
    /// A flag keyword's state (`TRIGGER` / `NOTRIGGER`).
    Flag(bool),
}

impl Value {
    /// The string or word, if the value is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::Str(s) | Self::Word(s) => Some(s),
            _ => None,
        }
    }

    /// The number, if the value is one.
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Self::Int(i) => Some(*i),
            _ => None,
        }
    }
}

/// Writes `s` as an MQSC quoted string, doubling embedded quotes.
pub fn write_quoted(f: &mut impl fmt::Write, s: &str) -> fmt::Result {
    f.write_char('\'')?;
    for c in s.chars() {
        if c == '\'' {
            f.write_char('\'')?;
        }
        f.write_char(c)?;
    }
    f.write_char('\'')
}

/// Whether a list item can be written bare and read back unchanged.
fn is_bare(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || "._/%*".contains(c))
}

impl fmt::Display for Value {
    /// The value as it appears inside `KEYWORD(...)`; flags print nothing.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Str(s) => write_quoted(f, s),
            Self::Int(i) => write!(f, "{i}"),
            Self::Word(w) => f.write_str(w),
            Self::List(items) => {
                for (n, item) in items.iter().enumerate() {
                    if n > 0 {
                        f.write_str(",")?;
                    }
                    if is_bare(item) {
                        f.write_str(item)?;
                    } else {
                        write_quoted(f, item)?;
                    }
                }
                Ok(())
            }
            Self::Flag(_) => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spelling() {
        assert_eq!(Value::Str("it's".into()).to_string(), "'it''s'");
        assert_eq!(Value::List(vec!["PUT".into(), "a b".into()]).to_string(), "PUT,'a b'");
        assert_eq!(Value::Int(-3).to_string(), "-3");
    }
}
