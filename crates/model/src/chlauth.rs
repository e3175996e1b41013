//! CHLAUTH records (SET CHLAUTH) and AUTHREC records (SET AUTHREC), as stored.

use std::collections::BTreeSet;
use std::fmt;

use crate::attrs::{AttrSet, Finding, Param};
use crate::error::ModelError;
use crate::object::Stamp;
use crate::schema::{AUTHORITIES, CHLAUTH};
use crate::value::Value;

/// The CHLAUTH rule types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ChlauthType {
    /// Refuses listed asserted user ids.
    BlockUser,
    /// Refuses listed partner addresses (profile `*` only).
    BlockAddr,
    /// Maps a partner certificate's DN.
    SslPeerMap,
    /// Maps a partner address.
    AddressMap,
    /// Maps an asserted client user id.
    UserMap,
    /// Maps a remote queue manager name.
    QmgrMap,
}

impl ChlauthType {
    /// Every rule type.
    pub const ALL: [Self; 6] =
        [Self::BlockUser, Self::BlockAddr, Self::SslPeerMap, Self::AddressMap, Self::UserMap, Self::QmgrMap];

    /// The TYPE keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            Self::BlockUser => "BLOCKUSER",
            Self::BlockAddr => "BLOCKADDR",
            Self::SslPeerMap => "SSLPEERMAP",
            Self::AddressMap => "ADDRESSMAP",
            Self::UserMap => "USERMAP",
            Self::QmgrMap => "QMGRMAP",
        }
    }

    /// Parses a TYPE keyword.
    pub fn from_keyword(word: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.keyword() == word)
    }

    /// The parameter that identifies a record of this type within a profile.
    pub fn identity(self) -> &'static str {
        match self {
            Self::BlockUser => "USERLIST",
            Self::BlockAddr => "ADDRLIST",
            Self::SslPeerMap => "SSLPEER",
            Self::AddressMap => "ADDRESS",
            Self::UserMap => "CLNTUSER",
            Self::QmgrMap => "QMNAME",
        }
    }

    /// The parameters a record of this type accepts besides its identity.
    fn accepts(self) -> &'static [&'static str] {
        const MAP: &[&str] = &["ADDRESS", "USERSRC", "MCAUSER", "CHCKCLNT", "WARN", "DESCR", "CUSTOM"];
        match self {
            Self::BlockUser | Self::BlockAddr => &["WARN", "DESCR", "CUSTOM"],
            Self::SslPeerMap => {
                &["SSLCERTI", "ADDRESS", "USERSRC", "MCAUSER", "CHCKCLNT", "WARN", "DESCR", "CUSTOM"]
            }
            Self::AddressMap => &MAP[1..],
            Self::UserMap => MAP,
            Self::QmgrMap => &["ADDRESS", "USERSRC", "MCAUSER", "WARN", "DESCR", "CUSTOM"],
        }
    }
}

impl fmt::Display for ChlauthType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.keyword())
    }
}

/// SET CHLAUTH ACTION.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChlauthAction {
    /// Add a record (the default); fails if it exists. For block lists, adds items.
    Add,
    /// Add or replace.
    Replace,
    /// Remove one record (or, for block lists, the listed items).
    Remove,
    /// Remove every record of this type for the profile.
    RemoveAll,
}

impl ChlauthAction {
    /// The ACTION keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            Self::Add => "ADD",
            Self::Replace => "REPLACE",
            Self::Remove => "REMOVE",
            Self::RemoveAll => "REMOVEALL",
        }
    }

    /// Parses an ACTION keyword.
    pub fn from_keyword(word: &str) -> Option<Self> {
        [Self::Add, Self::Replace, Self::Remove, Self::RemoveAll].into_iter().find(|a| a.keyword() == word)
    }
}

/// One CHLAUTH rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChlauthRecord {
    /// The channel profile (`*`, `APP.*`, or a name).
    pub profile: String,
    /// The rule type.
    pub rtype: ChlauthType,
    /// Its parameters.
    pub attrs: AttrSet,
    /// When it was set.
    pub altered: Stamp,
}

impl ChlauthRecord {
    /// Checks the parameters of a SET CHLAUTH against its TYPE.
    pub fn parse_params(rtype: ChlauthType, params: &[Param<'_>]) -> (AttrSet, Vec<Finding>) {
        let (mut set, mut findings) = AttrSet::build_with(CHLAUTH, "CHLAUTH", None, params);
        for (index, param) in params.iter().enumerate() {
            let Some(def) = CHLAUTH.iter().find(|d| d.keyword == param.keyword) else { continue };
            if def.keyword != rtype.identity() && !rtype.accepts().contains(&def.keyword) {
                set.remove(def.keyword);
                let error = ModelError::NotForChlauthType { keyword: def.keyword, rtype: rtype.keyword() };
                findings.push(Finding { index, error });
            }
        }
        (set, findings)
    }

    /// The value of a parameter, with its default.
    pub fn get(&self, keyword: &str) -> Option<Value> {
        let def = CHLAUTH.iter().find(|d| d.keyword == keyword)?;
        Some(self.attrs.get(keyword).cloned().unwrap_or_else(|| def.default_value()))
    }

    /// The identity value (SSLPEER, ADDRESS, ...), compared when replacing or removing.
    pub fn identity(&self) -> Option<Value> {
        match self.rtype {
            ChlauthType::BlockUser | ChlauthType::BlockAddr => None,
            t => self.get(t.identity()),
        }
    }

    /// Checks that a record to be added has what its type requires.
    pub fn check_complete(&self) -> Result<(), ModelError> {
        let missing = |keyword| ModelError::Missing { keyword, context: "for this CHLAUTH TYPE" };
        let identity = self.rtype.identity();
        if self.attrs.get(identity).is_none() {
            return Err(missing(identity));
        }
        if self.rtype == ChlauthType::BlockAddr && self.profile != "*" {
            return Err(ModelError::Chlauth {
                profile: self.profile.clone(),
                rtype: "BLOCKADDR",
                why: "applies to all channels: use CHLAUTH('*')",
            });
        }
        let maps = !matches!(self.rtype, ChlauthType::BlockUser | ChlauthType::BlockAddr);
        if maps && self.get("USERSRC").and_then(|v| v.as_str().map(str::to_owned)).as_deref() == Some("MAP") {
            let mcauser = self.get("MCAUSER").and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
            if mcauser.trim().is_empty() {
                return Err(ModelError::Missing { keyword: "MCAUSER", context: "with USERSRC(MAP)" });
            }
        }
        self.to_rule().map(drop)
    }
}

/// Who an AUTHREC applies to.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Entity {
    /// A user (PRINCIPAL).
    Principal(String),
    /// A group (GROUP).
    Group(String),
}

/// OBJTYPE values of SET AUTHREC.
pub const AUTHREC_OBJTYPES: &[&str] = &[
    "QMGR", "QUEUE", "TOPIC", "CHANNEL", "CLNTCONN", "AUTHINFO", "LISTENER", "NAMELIST", "PROCESS",
    "SERVICE", "COMMINFO", "RQMNAME",
];

/// One authority record (SET AUTHREC): parsed and stored; enforced by the queue manager.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthRec {
    /// The profile (`Q1`, `**`, empty for QMGR).
    pub profile: String,
    /// OBJTYPE.
    pub objtype: &'static str,
    /// PRINCIPAL or GROUP.
    pub entity: Entity,
    /// Granted authorities.
    pub authorities: BTreeSet<&'static str>,
}

/// Checks an authority keyword (AUTHADD / AUTHRMV item).
pub fn authority(word: &str) -> Result<&'static str, ModelError> {
    AUTHORITIES.iter().copied().find(|a| a.eq_ignore_ascii_case(word)).ok_or_else(|| ModelError::NotOneOf {
        keyword: "AUTHADD",
        value: word.to_owned(),
        allowed: AUTHORITIES.to_vec(),
    })
}

/// Checks an OBJTYPE keyword.
pub fn authrec_objtype(word: &str) -> Result<&'static str, ModelError> {
    AUTHREC_OBJTYPES.iter().copied().find(|a| a.eq_ignore_ascii_case(word)).ok_or_else(|| {
        ModelError::NotOneOf {
            keyword: "OBJTYPE",
            value: word.to_owned(),
            allowed: AUTHREC_OBJTYPES.to_vec(),
        }
    })
}

impl ChlauthRecord {
    /// The record as a person reads it: `CHLAUTH('APP') TYPE(SSLPEERMAP) SSLPEER('CN=x')`.
    pub fn label(&self) -> String {
        let mut label = String::from("CHLAUTH(");
        let _ = crate::value::write_quoted(&mut label, &self.profile);
        label.push_str(&format!(") TYPE({})", self.rtype.keyword()));
        let identity = self.rtype.identity();
        let extra = ["ADDRESS", "SSLCERTI"].into_iter().filter(|k| *k != identity);
        for kw in std::iter::once(identity).chain(extra) {
            if let Some(v) = self.attrs.get(kw) {
                label.push_str(&format!(" {kw}({v})"));
            }
        }
        label
    }

    /// Compiles the record into a rule the evaluator runs.
    pub fn to_rule(&self) -> Result<mqtls_dn::Rule, ModelError> {
        use mqtls_dn::{AddressPattern, PeerFilter, RuleKind, UserSrc};
        let text = |kw: &str| self.get(kw).and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
        let list = |kw: &str| match self.attrs.get(kw) {
            Some(Value::List(items)) => items.clone(),
            _ => Vec::new(),
        };
        let dn_err = |keyword| move |source| ModelError::Dn { keyword, source };
        let filter = |kw: &'static str| PeerFilter::parse(&text(kw)).map_err(dn_err(kw));
        let kind = match self.rtype {
            ChlauthType::BlockUser => RuleKind::BlockUser(list("USERLIST")),
            ChlauthType::BlockAddr => RuleKind::BlockAddr(
                list("ADDRLIST")
                    .iter()
                    .map(|a| AddressPattern::parse(a))
                    .collect::<Result<_, _>>()
                    .map_err(dn_err("ADDRLIST"))?,
            ),
            ChlauthType::SslPeerMap => {
                let issuer =
                    if text("SSLCERTI").trim().is_empty() { None } else { Some(filter("SSLCERTI")?) };
                RuleKind::SslPeerMap { peer: filter("SSLPEER")?, issuer }
            }
            ChlauthType::AddressMap => RuleKind::AddressMap,
            ChlauthType::UserMap => RuleKind::UserMap(text("CLNTUSER")),
            ChlauthType::QmgrMap => RuleKind::QmgrMap(text("QMNAME")),
        };
        let address = match text("ADDRESS") {
            a if a.trim().is_empty() => None,
            a => Some(AddressPattern::parse(&a).map_err(dn_err("ADDRESS"))?),
        };
        let usersrc = match text("USERSRC").as_str() {
            "NOACCESS" => UserSrc::NoAccess,
            "CHANNEL" => UserSrc::Channel,
            _ => UserSrc::Map,
        };
        Ok(mqtls_dn::Rule {
            profile: self.profile.clone(),
            kind,
            address,
            usersrc,
            mcauser: text("MCAUSER"),
            warn: text("WARN") == "YES",
            label: self.label(),
        })
    }
}
