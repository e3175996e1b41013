//! Turning written values into typed values, and checking typed values, per attribute.

use mqtls_cipherspec::CipherSpecName;
use mqtls_dn::{AddressPattern, PeerFilter, MAX_FILTER};

use super::attr::{AttrDef, Kind};
use crate::error::{ModelError, Severity};
use crate::value::Value;

impl AttrDef {
    /// Reads the values written inside `KEYWORD(...)` (`None` for a bare keyword).
    /// `written` is the keyword as written, to tell a flag's negative form. Findings of
    /// warning severity do not fail the parse: [`AttrDef::check`] reports them.
    pub fn parse(&'static self, written: &str, values: Option<&[String]>) -> Result<Value, ModelError> {
        let keyword = self.keyword;
        if let Kind::Flag { off } = self.kind {
            if values.is_some() {
                return Err(ModelError::NoValueAllowed { keyword });
            }
            return Ok(Value::Flag(written != off));
        }
        let values = values.ok_or(ModelError::ValueRequired { keyword })?;
        let single = || match values {
            [] => Ok(""),
            [one] => Ok(one.as_str()),
            _ => Err(ModelError::TooManyValues { keyword, count: values.len(), max: 1 }),
        };
        let value = match self.kind {
            Kind::Str { .. } => Value::Str(single()?.to_owned()),
            Kind::CipherSpec | Kind::DnFilter | Kind::Address => Value::Str(single()?.to_owned()),
            Kind::Int { min, max } => Value::Int(parse_int(keyword, single()?, min, max)?),
            Kind::IntOr { min, max, words } => {
                let v = single()?;
                match words.iter().find(|w| w.eq_ignore_ascii_case(v)) {
                    Some(w) => Value::Word((*w).to_owned()),
                    None => Value::Int(parse_int(keyword, v, min, max)?),
                }
            }
            Kind::Enum(words) => Value::Word(one_of(keyword, single()?, words)?.to_owned()),
            Kind::EnumList(words) => Value::List(
                values
                    .iter()
                    .map(|v| one_of(keyword, v, words).map(str::to_owned))
                    .collect::<Result<_, _>>()?,
            ),
            Kind::List { .. } => Value::List(values.iter().filter(|v| !v.is_empty()).cloned().collect()),
            Kind::Flag { .. } => unreachable!("handled above"),
        };
        match self.check(&value) {
            Err(e) if e.severity() == Severity::Error => Err(e),
            _ => Ok(value),
        }
    }

    /// Checks a typed value against the attribute's limits.
    pub fn check(&self, value: &Value) -> Result<(), ModelError> {
        let keyword = self.keyword;
        match (self.kind, value) {
            (Kind::Str { max }, Value::Str(s)) => check_len(keyword, s, max),
            (Kind::CipherSpec, Value::Str(s)) => {
                check_len(keyword, s, 32)?;
                if s.trim().is_empty() {
                    return Ok(());
                }
                CipherSpecName::new(s).validate().map_err(|source| ModelError::CipherSpec { keyword, source })
            }
            (Kind::DnFilter, Value::Str(s)) => {
                check_len(keyword, s, MAX_FILTER)?;
                if s.trim().is_empty() {
                    return Ok(());
                }
                PeerFilter::parse(s).map(drop).map_err(|source| ModelError::Dn { keyword, source })
            }
            (Kind::Address, Value::Str(s)) => {
                check_len(keyword, s, 264)?;
                AddressPattern::parse(s).map(drop).map_err(|source| ModelError::Dn { keyword, source })
            }
            (Kind::Int { min, max } | Kind::IntOr { min, max, .. }, Value::Int(v)) => {
                if (min..=max).contains(v) {
                    Ok(())
                } else {
                    Err(ModelError::OutOfRange { keyword, value: *v, min, max })
                }
            }
            (Kind::IntOr { words, .. } | Kind::Enum(words), Value::Word(w)) => {
                one_of(keyword, w, words).map(drop)
            }
            (Kind::EnumList(words), Value::List(items)) => {
                items.iter().try_for_each(|w| one_of(keyword, w, words).map(drop))
            }
            (Kind::List { max_items, item_max }, Value::List(items)) => {
                if items.len() > max_items {
                    return Err(ModelError::TooManyValues { keyword, count: items.len(), max: max_items });
                }
                items.iter().try_for_each(|s| check_len(keyword, s, item_max))
            }
            (Kind::Flag { .. }, Value::Flag(_)) => Ok(()),
            _ => Err(ModelError::NotOneOf { keyword, value: format!("{value:?}"), allowed: vec![] }),
        }
    }
}

fn check_len(keyword: &'static str, s: &str, max: usize) -> Result<(), ModelError> {
    let len = s.chars().count();
    if len > max {
        return Err(ModelError::TooLong { keyword, len, max });
    }
    Ok(())
}

fn parse_int(keyword: &'static str, v: &str, min: i64, max: i64) -> Result<i64, ModelError> {
    v.parse().map_err(|_| ModelError::NotANumber { keyword, value: v.to_owned(), min, max })
}

fn one_of(
    keyword: &'static str,
    v: &str,
    words: &'static [&'static str],
) -> Result<&'static str, ModelError> {
    words.iter().copied().find(|w| w.eq_ignore_ascii_case(v)).ok_or_else(|| ModelError::NotOneOf {
        keyword,
        value: v.to_owned(),
        allowed: words.to_vec(),
    })
}

#[cfg(test)]
mod tests {
    use crate::schema::{attributes, lookup};
    use crate::{ModelError, ObjectType, Severity, Value};

    fn parse(otype: ObjectType, kw: &str, vals: Option<&[&str]>) -> Result<Value, ModelError> {
        let def = lookup(attributes(otype), kw).expect("keyword");
        let owned: Option<Vec<String>> = vals.map(|v| v.iter().map(|s| s.to_string()).collect());
        def.parse(kw, owned.as_deref())
    }

    #[test]
    fn values_by_kind() {
        use ObjectType::*;
        assert_eq!(parse(Channel, "HBINT", Some(&["30"])), Ok(Value::Int(30)));
        assert_eq!(parse(Channel, "KAINT", Some(&["auto"])), Ok(Value::Word("AUTO".into())));
        assert_eq!(parse(Channel, "SSLCAUTH", Some(&["OPTIONAL"])), Ok(Value::Word("OPTIONAL".into())));
        assert_eq!(parse(Qlocal, "NOTRIGGER", None), Ok(Value::Flag(false)));
        assert_eq!(parse(Qlocal, "TRIGGER", None), Ok(Value::Flag(true)));
        assert_eq!(
            parse(Namelist, "NAMES", Some(&["A", "B"])),
            Ok(Value::List(vec!["A".into(), "B".into()]))
        );
        assert_eq!(parse(Channel, "SSLCIPH", Some(&[""])), Ok(Value::Str(String::new())));
    }

    #[test]
    fn errors_say_why() {
        use ObjectType::*;
        let e = parse(Channel, "SSLCAUTH", Some(&["MAYBE"])).unwrap_err();
        assert_eq!(e.to_string(), "SSLCAUTH(MAYBE): expected one of REQUIRED, OPTIONAL");
        let e = parse(Channel, "BATCHSZ", Some(&["0"])).unwrap_err();
        assert_eq!(e.to_string(), "BATCHSZ(0): out of range 1 to 9999");
        let e = parse(Channel, "HBINT", Some(&["soon"])).unwrap_err();
        assert_eq!(e.to_string(), "HBINT(soon): expected a number from 0 to 999999999");
        let e = parse(Channel, "DESCR", Some(&[&"x".repeat(65)])).unwrap_err();
        assert_eq!(e.to_string(), "DESCR: value is 65 characters, the maximum is 64");
        assert_eq!(parse(Channel, "HBINT", None), Err(ModelError::ValueRequired { keyword: "HBINT" }));
        assert_eq!(
            parse(Qlocal, "TRIGGER", Some(&["YES"])),
            Err(ModelError::NoValueAllowed { keyword: "TRIGGER" })
        );
        let e = parse(Channel, "CONNAME", Some(&["a", "b"])).unwrap_err();
        assert_eq!(e.to_string(), "CONNAME: 2 values given, at most 1 allowed");
    }

    #[test]
    fn sslciph_is_checked_against_the_catalog() {
        let refused =
            parse(ObjectType::Channel, "SSLCIPH", Some(&["TLS_RSA_WITH_AES_256_CBC_SHA256"])).unwrap();
        let def = lookup(attributes(ObjectType::Channel), "SSLCIPH").unwrap();
        assert_eq!(def.check(&refused).unwrap_err().severity(), Severity::Warning);
        let e = parse(ObjectType::Channel, "SSLCIPH", Some(&["NONSENSE"])).unwrap_err();
        assert_eq!(e.severity(), Severity::Error);
        assert!(parse(ObjectType::Channel, "SSLCIPH", Some(&["ANY_TLS13"])).is_ok());
    }
}
