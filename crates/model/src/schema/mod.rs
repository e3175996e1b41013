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

/// Finds a keyword (or a flag's negative form) in a table.
pub fn lookup(table: &'static [AttrDef], keyword: &str) -> Option<&'static AttrDef> {
    table.iter().find(|d| d.keyword == keyword || matches!(d.kind, Kind::Flag { off } if off == keyword))
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
            let mut seen = std::collections::HashSet::new();
            for def in table {
                assert!(seen.insert(def.keyword), "{otype:?} repeats {}", def.keyword);
                assert_eq!(def.keyword, def.keyword.to_ascii_uppercase());
            }
        }
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
