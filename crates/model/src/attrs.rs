//! The attributes given on one DEFINE, ALTER or SET, checked against the schema.

use std::collections::BTreeMap;

use crate::error::{ModelError, Severity};
use crate::schema::{attributes, closest, lookup_for, AttrDef, Kind};
use crate::value::Value;
use crate::{ChannelType, ObjectType};

/// One parameter as written: the keyword (already uppercased) and its values, if any.
#[derive(Clone, Copy, Debug)]
pub struct Param<'a> {
    /// The keyword.
    pub keyword: &'a str,
    /// The values inside the parentheses; `None` for a bare keyword.
    pub values: Option<&'a [String]>,
}

/// A finding about the parameter at `index` in the list given to [`AttrSet::build`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// Which parameter.
    pub index: usize,
    /// What is wrong.
    pub error: ModelError,
}

/// Typed attribute values. A keyword outside the table is an error, as runmqsc's AMQ8405.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AttrSet {
    values: BTreeMap<&'static str, Value>,
}

impl AttrSet {
    /// Checks `params` against the table of `otype` (and `chltype` for channels).
    /// Every finding is returned; the set holds what could be accepted.
    pub fn build(
        otype: ObjectType,
        chltype: Option<ChannelType>,
        params: &[Param<'_>],
    ) -> (Self, Vec<Finding>) {
        Self::build_with(attributes(otype), otype.keyword(), chltype, params)
    }

    pub(crate) fn build_with(
        table: &'static [AttrDef],
        what: &'static str,
        chltype: Option<ChannelType>,
        params: &[Param<'_>],
    ) -> (Self, Vec<Finding>) {
        let mut set = Self::default();
        let mut findings = Vec::new();
        for (index, param) in params.iter().enumerate() {
            let mut push = |error| findings.push(Finding { index, error });
            let Some(def) = lookup_for(table, param.keyword, chltype) else {
                let keywords = table.iter().flat_map(|d| {
                    let off = match d.kind {
                        Kind::Flag { off } => Some(off),
                        _ => None,
                    };
                    std::iter::once(d.keyword).chain(off)
                });
                push(match closest(keywords, param.keyword) {
                    Some(suggestion) => {
                        ModelError::Misspelt { keyword: param.keyword.to_owned(), object: what, suggestion }
                    }
                    None => ModelError::Unknown { keyword: param.keyword.to_owned(), object: what },
                });
                continue;
            };
            if let Some(t) = chltype {
                if !def.chl.has(t) {
                    push(ModelError::NotForChannelType { keyword: def.keyword, chltype: t });
                    continue;
                }
            }
            if set.values.contains_key(def.keyword) {
                push(ModelError::Repeated { keyword: def.keyword });
                continue;
            }
            match def.parse(param.keyword, param.values) {
                Ok(value) => {
                    if let Err(warning) = def.check(&value) {
                        push(warning);
                    }
                    set.values.insert(def.keyword, value);
                }
                Err(error) => push(error),
            }
        }
        (set, findings)
    }

    /// Builds a set from typed values, for programs that define objects directly.
    pub fn from_values(
        otype: ObjectType,
        values: impl IntoIterator<Item = (&'static str, Value)>,
    ) -> Result<Self, ModelError> {
        Self::from_table(attributes(otype), otype.keyword(), values)
    }

    /// Builds the parameters of a CHLAUTH record from typed values.
    pub fn from_chlauth_values(
        values: impl IntoIterator<Item = (&'static str, Value)>,
    ) -> Result<Self, ModelError> {
        Self::from_table(crate::schema::CHLAUTH, "CHLAUTH", values)
    }

    fn from_table(
        table: &'static [AttrDef],
        what: &'static str,
        values: impl IntoIterator<Item = (&'static str, Value)>,
    ) -> Result<Self, ModelError> {
        let mut set = Self::default();
        let values: Vec<_> = values.into_iter().collect();
        let chltype = values
            .iter()
            .find(|(k, _)| *k == "CHLTYPE")
            .and_then(|(_, v)| v.as_str().and_then(ChannelType::from_keyword));
        for (keyword, value) in values {
            let def = lookup_for(table, keyword, chltype)
                .ok_or_else(|| ModelError::Unknown { keyword: keyword.into(), object: what })?;
            match def.check(&value) {
                Err(e) if e.severity() == Severity::Error => return Err(e),
                _ => set.values.insert(def.keyword, value),
            };
        }
        Ok(set)
    }

    /// The value of `keyword`, if given.
    pub fn get(&self, keyword: &str) -> Option<&Value> {
        self.values.get(keyword)
    }

    /// Sets a value (already checked by the caller).
    pub(crate) fn insert(&mut self, keyword: &'static str, value: Value) {
        self.values.insert(keyword, value);
    }

    /// Removes a value, returning it.
    pub(crate) fn remove(&mut self, keyword: &str) -> Option<Value> {
        self.values.remove(keyword)
    }

    /// Given values, in keyword order.
    pub fn values(&self) -> impl Iterator<Item = (&'static str, &Value)> + '_ {
        self.values.iter().map(|(k, v)| (*k, v))
    }

    /// Overlays `other` on `self` (ALTER).
    pub(crate) fn merge(&mut self, other: Self) {
        self.values.extend(other.values);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn findings_point_at_the_parameter() {
        let cauth = strings(&["REQUIRED"]);
        let conn = strings(&["host(1414)"]);
        let weird = strings(&["1"]);
        let params = [
            Param { keyword: "SSLCAUTH", values: Some(&cauth) },
            Param { keyword: "SSLCHIP", values: Some(&cauth) },
            Param { keyword: "CLNTWGHT", values: Some(&weird) },
            Param { keyword: "CONNAME", values: Some(&conn) },
            Param { keyword: "FUTUREATTR", values: Some(&weird) },
            Param { keyword: "SSLCAUTH", values: Some(&cauth) },
        ];
        let (set, findings) = AttrSet::build(ObjectType::Channel, Some(ChannelType::Svrconn), &params);
        let got: Vec<_> = findings.iter().map(|f| (f.index, f.error.to_string())).collect();
        assert_eq!(
            got,
            vec![
                (1, "SSLCHIP: unknown attribute of CHANNEL, did you mean SSLCIPH?".to_string()),
                (2, "CLNTWGHT is not valid for CHLTYPE(SVRCONN)".to_string()),
                (3, "CONNAME is not valid for CHLTYPE(SVRCONN)".to_string()),
                (
                    4,
                    "FUTUREATTR: not an attribute of CHANNEL in IBM MQ (runmqsc: AMQ8405 syntax error)"
                        .to_string()
                ),
                (5, "SSLCAUTH given more than once".to_string()),
            ]
        );
        assert_eq!(set.get("SSLCAUTH"), Some(&Value::Word("REQUIRED".into())));
        assert_eq!(set.values().count(), 1, "only the first SSLCAUTH is kept: {set:?}");
    }

    #[test]
    fn negative_flag_forms_are_known() {
        let params =
            [Param { keyword: "NOTRIGGER", values: None }, Param { keyword: "NOSHARE", values: None }];
        let (set, findings) = AttrSet::build(ObjectType::Qlocal, None, &params);
        assert!(findings.is_empty(), "{findings:?}");
        assert_eq!(set.get("TRIGGER"), Some(&Value::Flag(false)));
        assert_eq!(set.get("SHARE"), Some(&Value::Flag(false)));
    }
}
