//! Attribute definitions: what a keyword accepts, its default, where it applies.

use crate::value::Value;
use crate::ChannelType;

/// What values an attribute accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A character string of at most `max` bytes, kept as written when quoted.
    Str {
        /// The MQ field length.
        max: usize,
    },
    /// An integer in `min..=max`.
    Int {
        /// Smallest accepted value.
        min: i64,
        /// Largest accepted value.
        max: i64,
    },
    /// An integer in `min..=max`, or one of the listed words (`KAINT(AUTO)`).
    IntOr {
        /// Smallest accepted value.
        min: i64,
        /// Largest accepted value.
        max: i64,
        /// Words accepted in place of a number.
        words: &'static [&'static str],
    },
    /// One word from a fixed set.
    Enum(&'static [&'static str]),
    /// A list of words from a fixed set (`AUTHADD(PUT,GET)`).
    EnumList(&'static [&'static str]),
    /// A list of strings, each of at most `item_max` bytes (`NAMES(A,B)`).
    List {
        /// Most items accepted.
        max_items: usize,
        /// The MQ field length of one item.
        item_max: usize,
    },
    /// A keyword without a value, with its negative form (`TRIGGER` / `NOTRIGGER`).
    Flag {
        /// The negative keyword.
        off: &'static str,
    },
    /// An SSLCIPH value, checked against the CipherSpec catalog.
    CipherSpec,
    /// An SSLPEER / SSLCERTI filter, compiled to check it.
    DnFilter,
    /// A CHLAUTH ADDRESS pattern.
    Address,
}

/// The default an attribute takes when not given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Default {
    /// No value (an empty string, or absent for lists).
    None,
    /// A string or word.
    Word(&'static str),
    /// A number.
    Int(i64),
    /// A flag's state.
    Flag(bool),
}

impl Default {
    /// The default as a value, if any.
    pub fn value(self, kind: Kind) -> Value {
        match (self, kind) {
            (Self::Word(w), Kind::Enum(_) | Kind::IntOr { .. }) => Value::Word(w.to_owned()),
            (Self::Word(w), _) => Value::Str(w.to_owned()),
            (Self::Int(i), _) => Value::Int(i),
            (Self::Flag(b), _) => Value::Flag(b),
            (Self::None, Kind::List { .. } | Kind::EnumList(_)) => Value::List(Vec::new()),
            (Self::None, Kind::Flag { .. }) => Value::Flag(false),
            (Self::None, _) => Value::Str(String::new()),
        }
    }
}

/// Channel types as a bit set, for attributes valid on some channel types only.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChlSet(pub u16);

impl ChlSet {
    /// Every MQ-protocol channel type (AMQP channels take a few attributes only).
    pub const ALL: Self = Self(0xFF);

    /// Whether the set holds `t`.
    pub fn has(self, t: ChannelType) -> bool {
        self.0 & t.bit() != 0
    }
}

/// One attribute keyword of one object type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AttrDef {
    /// The MQSC keyword.
    pub keyword: &'static str,
    /// What it accepts.
    pub kind: Kind,
    /// Its value when not given.
    pub default: Default,
    /// Channel types it applies to (channels only).
    pub chl: ChlSet,
}

impl AttrDef {
    /// The value the attribute has when not set.
    pub fn default_value(&self) -> Value {
        self.default.value(self.kind)
    }
}

/// Shorthand constructors for the tables.
pub(crate) mod dsl {
    use super::*;

    pub(crate) const fn a(keyword: &'static str, kind: Kind, default: Default) -> AttrDef {
        AttrDef { keyword, kind, default, chl: ChlSet::ALL }
    }
    pub(crate) const fn on(def: AttrDef, chl: u16) -> AttrDef {
        AttrDef { chl: ChlSet(chl), ..def }
    }
    pub(crate) const fn s(max: usize) -> Kind {
        Kind::Str { max }
    }
    pub(crate) const fn n(min: i64, max: i64) -> Kind {
        Kind::Int { min, max }
    }
    pub(crate) const fn e(words: &'static [&'static str]) -> Kind {
        Kind::Enum(words)
    }
    pub(crate) const fn w(word: &'static str) -> Default {
        Default::Word(word)
    }
    pub(crate) const fn i(v: i64) -> Default {
        Default::Int(v)
    }
    pub(crate) const NONE: Default = Default::None;
    pub(crate) const YESNO: Kind = Kind::Enum(&["YES", "NO"]);
    pub(crate) const ENABLED: Kind = Kind::Enum(&["ENABLED", "DISABLED"]);
    pub(crate) const QMGR_ON_OFF: Kind = Kind::Enum(&["QMGR", "OFF", "LOW", "MEDIUM", "HIGH"]);
    pub(crate) const DESCR: AttrDef = a("DESCR", Kind::Str { max: 64 }, Default::None);
}
