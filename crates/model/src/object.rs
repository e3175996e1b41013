//! A defined object: its type, name, attributes and when it was last altered.

use crate::attrs::AttrSet;
use crate::error::ModelError;
use crate::schema::{attributes, lookup_for, AttrDef};
use crate::value::Value;
use crate::{ChannelType, ObjectType};

/// When an object was last changed, as runmqsc shows it (`2026-11-23`, `07.59.58`).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Stamp {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// `HH.MM.SS`.
    pub time: String,
}

impl Stamp {
    /// The stamp for `secs` seconds after the Unix epoch (UTC).
    pub fn from_unix(secs: u64) -> Self {
        let (year, month, day, h, m, s) = mqtls_dn::civil::from_unix(secs as i64);
        Self { date: format!("{year:04}-{month:02}-{day:02}"), time: format!("{h:02}.{m:02}.{s:02}") }
    }
}

/// One defined object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Object {
    otype: ObjectType,
    name: String,
    chltype: Option<ChannelType>,
    attrs: AttrSet,
    altered: Stamp,
}

impl Object {
    /// Makes an object from checked attributes. Channels need CHLTYPE among them.
    pub fn new(otype: ObjectType, name: &str, attrs: AttrSet, altered: Stamp) -> Result<Self, ModelError> {
        check_name(otype, name)?;
        let chltype = match otype {
            ObjectType::Channel => Some(
                attrs
                    .get("CHLTYPE")
                    .and_then(Value::as_str)
                    .and_then(ChannelType::from_keyword)
                    .ok_or(ModelError::Missing { keyword: "CHLTYPE", context: "to define a channel" })?,
            ),
            _ => None,
        };
        Ok(Self { otype, name: name.to_owned(), chltype, attrs, altered })
    }

    /// The object type.
    pub fn object_type(&self) -> ObjectType {
        self.otype
    }

    /// The name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The channel type, for channels.
    pub fn channel_type(&self) -> Option<ChannelType> {
        self.chltype
    }

    /// When it was last defined or altered.
    pub fn altered(&self) -> &Stamp {
        &self.altered
    }

    /// The attributes that were given explicitly (or inherited through LIKE).
    pub fn given(&self) -> &AttrSet {
        &self.attrs
    }

    /// The value of `keyword`: as given, else MQ's default. `None` if the keyword is
    /// not an attribute of this object (or not of its channel type).
    pub fn get(&self, keyword: &str) -> Option<Value> {
        let def = self.def(keyword)?;
        Some(self.attrs.get(def.keyword).cloned().unwrap_or_else(|| def.default_value()))
    }

    /// A string attribute (empty when unset or not applicable).
    pub fn str(&self, keyword: &str) -> String {
        self.get(keyword).and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
    }

    /// A numeric attribute, if set or defaulted to a number.
    pub fn int(&self, keyword: &str) -> Option<i64> {
        self.get(keyword).and_then(|v| v.as_int())
    }

    /// Every attribute that applies, in table order, with defaults filled in.
    pub fn attributes(&self) -> impl Iterator<Item = (&'static str, Value)> + '_ {
        attributes(self.otype).iter().filter(|d| self.applies(d)).map(|d| {
            let value = self.attrs.get(d.keyword).cloned().unwrap_or_else(|| d.default_value());
            (d.keyword, value)
        })
    }

    /// The attribute definition of `keyword` if it applies to this object.
    pub fn def(&self, keyword: &str) -> Option<&'static AttrDef> {
        lookup_for(attributes(self.otype), keyword, self.chltype).filter(|d| self.applies(d))
    }

    fn applies(&self, def: &AttrDef) -> bool {
        self.chltype.is_none_or(|t| def.chl.has(t))
    }

    pub(crate) fn update(&mut self, attrs: AttrSet, altered: Stamp) {
        self.attrs.merge(attrs);
        self.altered = altered;
    }
}

/// Checks a name against MQ's rules: length, and the characters `A-Z a-z 0-9 . / _ %`.
pub fn check_name(otype: ObjectType, name: &str) -> Result<(), ModelError> {
    let bad = |why| Err(ModelError::BadName { object: otype, name: name.to_owned(), why });
    if name.is_empty() {
        return bad("a name is required");
    }
    if name.len() > otype.max_name() {
        return bad(if otype == ObjectType::Channel {
            "channel names are at most 20 characters"
        } else {
            "names are at most 48 characters"
        });
    }
    if otype != ObjectType::Sub && !name.chars().all(|c| c.is_ascii_alphanumeric() || "./_%".contains(c)) {
        return bad("only A-Z, a-z, 0-9, '.', '/', '_' and '%' are allowed");
    }
    Ok(())
}

/// Checks a CHLAUTH profile: a channel name in which `*` stands for any characters
/// (IBM MQ "SET CHLAUTH": the profile is a channel name or a generic one).
pub fn check_chlauth_profile(profile: &str) -> Result<(), ModelError> {
    if profile.chars().all(|c| c == '*') && !profile.is_empty() {
        return Ok(());
    }
    let as_name: String = profile.chars().map(|c| if c == '*' { 'A' } else { c }).collect();
    check_name(ObjectType::Channel, &as_name).map_err(|e| match e {
        ModelError::BadName { object, why, .. } => {
            ModelError::BadName { object, name: profile.to_owned(), why }
        }
        other => other,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chlauth_profiles_are_generic_channel_names() {
        for ok in ["*", "SYSTEM.*", "DEV.*.SVRCONN", "APP1"] {
            assert!(check_chlauth_profile(ok).is_ok(), "{ok}");
        }
        for bad in ["CHLTYPE(SVRCONN)", "a b", "", "TOO.LONG.FOR.A.CHANNEL.*"] {
            assert!(check_chlauth_profile(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn stamp_from_unix() {
        assert_eq!(Stamp::from_unix(0), Stamp { date: "1970-01-01".into(), time: "00.00.00".into() });
        let s = Stamp::from_unix(1_795_420_798); // 2026-11-23 07:59:58 UTC
        assert_eq!((s.date.as_str(), s.time.as_str()), ("2026-11-23", "07.59.58"));
        assert_eq!(Stamp::from_unix(951_782_400).date, "2000-02-29");
    }

    #[test]
    fn names() {
        assert!(check_name(ObjectType::Channel, "DEV.APP.SVRCONN").is_ok());
        let e = check_name(ObjectType::Channel, "A.VERY.LONG.CHANNEL.NAME").unwrap_err();
        assert_eq!(
            e.to_string(),
            "CHANNEL name 'A.VERY.LONG.CHANNEL.NAME': channel names are at most 20 characters"
        );
        assert!(check_name(ObjectType::Qlocal, "bad name").is_err());
        assert!(check_name(ObjectType::Qlocal, "").is_err());
    }

    #[test]
    fn defaults_fill_in_and_channel_type_filters() {
        let attrs =
            AttrSet::from_values(ObjectType::Channel, [("CHLTYPE", Value::Word("SVRCONN".into()))]).unwrap();
        let chl = Object::new(ObjectType::Channel, "APP.SVRCONN", attrs, Stamp::default()).unwrap();
        assert_eq!(chl.get("SSLCAUTH"), Some(Value::Word("REQUIRED".into())));
        assert_eq!(chl.int("SHARECNV"), Some(10));
        assert_eq!(chl.get("XMITQ"), None, "XMITQ does not apply to SVRCONN");
        assert!(chl.attributes().all(|(k, _)| k != "CONNAME"));
    }
}
