//! The attribute tables, one per object type, and lookup over them.

pub(crate) mod attr;
mod channel;
mod check;
mod other;
mod qmgr;
mod queue;

pub use attr::{AttrDef, ChlSet, Default, Kind};
pub(crate) use other::{AUTHORITIES, CHLAUTH};

use crate::ObjectType;

/// The attribute table of an object type.
pub fn attributes(otype: ObjectType) -> &'static [AttrDef] {
    match otype {
        ObjectType::Qmgr => qmgr::QMGR,
        ObjectType::Channel => channel::CHANNEL,
        ObjectType::Qlocal => queue::QLOCAL,
        ObjectType::Qmodel => queue::QMODEL,
        ObjectType::Qremote => queue::QREMOTE,
        ObjectType::Qalias => queue::QALIAS,
        ObjectType::Listener => other::LISTENER,
        ObjectType::Authinfo => other::AUTHINFO,
        ObjectType::Namelist => other::NAMELIST,
        ObjectType::Service => other::SERVICE,
        ObjectType::Topic => other::TOPIC,
        ObjectType::Process => other::PROCESS,
        ObjectType::Sub => other::SUB,
    }
}

/// The parameters of SET CHLAUTH (besides the profile, TYPE and ACTION).
pub fn chlauth_attributes() -> &'static [AttrDef] {
    CHLAUTH
}

/// Finds a keyword (or a flag's negative form) in a table.
pub fn lookup(table: &'static [AttrDef], keyword: &str) -> Option<&'static AttrDef> {
    table.iter().find(|d| names(d, keyword))
}

/// Finds a keyword for a channel type: the definition that applies to `chltype` when the
/// keyword has one per type (PORT of AMQP and MQTT), else the first.
pub fn lookup_for(
    table: &'static [AttrDef],
    keyword: &str,
    chltype: Option<crate::ChannelType>,
) -> Option<&'static AttrDef> {
    let applies = |d: &&AttrDef| chltype.is_none_or(|t| d.chl.has(t));
    table.iter().filter(|d| names(d, keyword)).find(applies).or_else(|| lookup(table, keyword))
}

fn names(def: &AttrDef, keyword: &str) -> bool {
    def.keyword == keyword || matches!(def.kind, Kind::Flag { off } if off == keyword)
}

/// The keyword in `candidates` closest to a misspelt one, if it is close enough to be a typo.
pub fn closest<'a>(candidates: impl IntoIterator<Item = &'a str>, word: &str) -> Option<&'a str> {
    let word = word.to_ascii_uppercase();
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(c, &word), c))
        .filter(|(d, c)| *d <= 1 + c.len() / 4)
        .min()
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_unique_and_uppercase() {
        for otype in ObjectType::ALL {
            let table = attributes(otype);
            let mut seen = std::collections::HashMap::new();
            for def in table {
                // A keyword repeats only with disjoint channel types (one definition per type).
                let types = seen.entry(def.keyword).or_insert(0u16);
                assert_eq!(*types & def.chl.0, 0, "{otype:?} repeats {} for one channel type", def.keyword);
                *types |= def.chl.0;
                assert_eq!(def.keyword, def.keyword.to_ascii_uppercase());
            }
        }
    }

    #[test]
    fn per_type_keywords_find_their_type() {
        use crate::ChannelType;
        let table = attributes(ObjectType::Channel);
        let port = |t| lookup_for(table, "PORT", Some(t)).map(|d| d.default_value());
        assert_eq!(port(ChannelType::Amqp), Some(crate::Value::Int(5672)));
        assert_eq!(port(ChannelType::Mqtt), Some(crate::Value::Int(1883)), "IBM: MQTT PORT default 1883");
        let sslcauth = lookup_for(table, "SSLCAUTH", Some(ChannelType::Mqtt)).unwrap();
        assert!(matches!(sslcauth.kind, Kind::Enum(w) if w.contains(&"NEVER")));
        let svrconn = lookup_for(table, "SSLCAUTH", Some(ChannelType::Svrconn)).unwrap();
        assert!(matches!(svrconn.kind, Kind::Enum(w) if !w.contains(&"NEVER")));
    }

    #[test]
    fn defaults_fit_their_kinds() {
        for otype in ObjectType::ALL {
            for def in attributes(otype) {
                let v = def.default_value();
                if !matches!(def.default, Default::None) {
                    def.check(&v).unwrap_or_else(|e| panic!("{otype:?} {}: {e}", def.keyword));
                }
            }
        }
    }

    #[test]
    fn closest_finds_typos_only() {
        let table = attributes(ObjectType::Channel).iter().map(|d| d.keyword);
        assert_eq!(closest(table.clone(), "SSLCHIP"), Some("SSLCIPH"));
        assert_eq!(closest(table.clone(), "sslcauht"), Some("SSLCAUTH"));
        assert_eq!(closest(table, "FROBNICATE"), None);
    }
}
