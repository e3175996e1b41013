//! CHLAUTH evaluation: given a partner (channel, address, certificate DNs, remote queue
//! manager, asserted user), decide admit or refuse and the MCAUSER, and say which rule
//! decided and why.
//!
//! The order, as MQ applies it:
//! 1. BLOCKADDR: a partner address on the list is refused before anything else.
//! 2. Of the mapping rules (SSLPEERMAP, USERMAP, QMGRMAP, ADDRESSMAP) whose channel
//!    profile and criteria match, the most specific decides: first the most specific
//!    channel profile (an exact name, then the longest generic prefix, then `*`), then
//!    the rule type (SSLPEERMAP, then USERMAP or QMGRMAP, then ADDRESSMAP), then the most
//!    specific criteria (more SSLPEER parts and fewer wildcards; a narrower ADDRESS).
//! 3. Its USERSRC: NOACCESS refuses, MAP runs as its MCAUSER, CHANNEL as the asserted
//!    client user or the channel's MCAUSER. WARN(YES) admits and reports what it would do.
//! 4. BLOCKUSER: the user the channel would run as is refused if listed by the BLOCKUSER
//!    rule of the most specific matching profile (`*MQADMIN` stands for privileged users).

use std::net::IpAddr;

use crate::address::AddressPattern;
use crate::filter::PeerFilter;
use crate::name::Dn;

/// What a mapping rule does with a matching partner.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UserSrc {
    /// Run as the rule's MCAUSER.
    Map,
    /// Refuse.
    NoAccess,
    /// Run as the asserted client user, else the channel's MCAUSER.
    Channel,
}

/// The kind of rule and its identifying criteria.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RuleKind {
    /// User ids to refuse (`*MQADMIN` for privileged users).
    BlockUser(Vec<String>),
    /// Addresses to refuse.
    BlockAddr(Vec<AddressPattern>),
    /// The partner certificate's subject (and optionally issuer) DN.
    SslPeerMap {
        /// SSLPEER.
        peer: PeerFilter,
        /// SSLCERTI.
        issuer: Option<PeerFilter>,
    },
    /// The partner's address (the rule's `address`).
    AddressMap,
    /// The user id a client asserts (CLNTUSER).
    UserMap(String),
    /// The remote queue manager's name (QMNAME, generic with a trailing `*`).
    QmgrMap(String),
}

/// One CHLAUTH record, compiled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    /// The channel profile (`*`, `APP.*`, `APP.SVRCONN`).
    pub profile: String,
    /// The type and criteria.
    pub kind: RuleKind,
    /// ADDRESS, where the type takes one.
    pub address: Option<AddressPattern>,
    /// USERSRC.
    pub usersrc: UserSrc,
    /// MCAUSER (for USERSRC(MAP)).
    pub mcauser: String,
    /// WARN(YES): report instead of refusing.
    pub warn: bool,
    /// How to name the rule to a person (the SET CHLAUTH command).
    pub label: String,
}

/// The partner of a channel start.
#[derive(Clone, Copy, Debug)]
pub struct Partner<'a> {
    /// The channel name.
    pub channel: &'a str,
    /// Whether this is a client channel (SVRCONN); else a queue-manager channel.
    pub client: bool,
    /// The partner's IP address.
    pub address: IpAddr,
    /// The partner's host name, if resolved.
    pub host: Option<&'a str>,
    /// The subject DN of the partner's certificate.
    pub peer: Option<&'a Dn>,
    /// The issuer DN of the partner's certificate.
    pub issuer: Option<&'a Dn>,
    /// The remote queue manager (queue-manager channels).
    pub remote_qmgr: Option<&'a str>,
    /// The user id the client asserts.
    pub client_user: Option<&'a str>,
    /// The channel definition's MCAUSER.
    pub channel_mcauser: &'a str,
    /// Who `*MQADMIN` stands for: the queue manager's administrators.
    pub privileged: &'a dyn Administrators,
}

/// The users `*MQADMIN` stands for in a BLOCKUSER list: exactly those the queue
/// manager's authority code treats as administrators (IBM MQ: "Privileged users"; on
/// Linux, members of the `mqm` group). The queue manager implements it from the OS
/// accounts; a fixed list of names serves where there are none.
pub trait Administrators {
    /// Whether `user` is an administrator.
    fn contains(&self, user: &str) -> bool;
}

impl<const N: usize> Administrators for [&str; N] {
    fn contains(&self, user: &str) -> bool {
        self.as_slice().contains(&user)
    }
}

impl std::fmt::Debug for dyn Administrators + '_ {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Administrators")
    }
}

/// Admit or refuse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The channel may start and run as this user.
    Admit {
        /// The user the channel runs as.
        mcauser: String,
    },
    /// The channel may not start.
    Refuse,
}

/// The decision and its reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    /// Admit or refuse.
    pub outcome: Outcome,
    /// The rule that decided, if one did.
    pub rule: Option<String>,
    /// Why, in one line.
    pub why: String,
    /// Would-be refusals that WARN(YES) turned into warnings.
    pub warnings: Vec<String>,
}

/// Whether a channel profile covers a channel name.
pub fn profile_matches(profile: &str, channel: &str) -> bool {
    match profile.strip_suffix('*') {
        Some(prefix) => channel.starts_with(prefix),
        None => profile == channel,
    }
}

/// Exact names outrank generics; longer generic prefixes outrank shorter.
fn profile_rank(profile: &str) -> (bool, usize) {
    (!profile.ends_with('*'), profile.trim_end_matches('*').len())
}

impl Rule {
    fn type_rank(&self) -> u8 {
        match self.kind {
            RuleKind::SslPeerMap { .. } => 3,
            RuleKind::UserMap(_) | RuleKind::QmgrMap(_) => 2,
            RuleKind::AddressMap => 1,
            RuleKind::BlockUser(_) | RuleKind::BlockAddr(_) => 0,
        }
    }

    fn criteria_rank(&self) -> (usize, usize, u32) {
        let (parts, exact) = match &self.kind {
            RuleKind::SslPeerMap { peer, issuer } => {
                let (p, e) = peer.specificity();
                let (ip, ie) = issuer.as_ref().map_or((0, 0), PeerFilter::specificity);
                (p + ip, e + ie)
            }
            RuleKind::QmgrMap(q) => (1, usize::from(!q.ends_with('*'))),
            _ => (0, 0),
        };
        (parts, exact, self.address.as_ref().map_or(0, AddressPattern::specificity))
    }

    /// Whether this mapping rule's criteria match the partner.
    fn matches(&self, p: &Partner<'_>) -> bool {
        if !profile_matches(&self.profile, p.channel) {
            return false;
        }
        if let Some(a) = &self.address {
            if !a.matches(p.address, p.host) {
                return false;
            }
        }
        match &self.kind {
            RuleKind::SslPeerMap { peer, issuer } => {
                p.peer.is_some_and(|dn| peer.matches(dn))
                    && issuer.as_ref().is_none_or(|f| p.issuer.is_some_and(|dn| f.matches(dn)))
            }
            RuleKind::AddressMap => self.address.is_some(),
            RuleKind::UserMap(user) => p.client && p.client_user == Some(user.as_str()),
            RuleKind::QmgrMap(q) => !p.client && p.remote_qmgr.is_some_and(|r| profile_matches(q, r)),
            RuleKind::BlockUser(_) | RuleKind::BlockAddr(_) => false,
        }
    }
}

/// Decides whether `partner` may start its channel under `rules`.
pub fn evaluate(rules: &[Rule], partner: &Partner<'_>) -> Decision {
    let mut warnings = Vec::new();
    for rule in rules {
        if let RuleKind::BlockAddr(list) = &rule.kind {
            if list.iter().any(|a| a.matches(partner.address, partner.host)) {
                let why = format!("address {} is on the BLOCKADDR list", partner.address);
                if !rule.warn {
                    return Decision {
                        outcome: Outcome::Refuse,
                        rule: Some(rule.label.clone()),
                        why,
                        warnings,
                    };
                }
                warnings.push(format!("{why} (WARN(YES): admitted)"));
            }
        }
    }
    let best = rules.iter().filter(|r| r.type_rank() > 0 && r.matches(partner)).max_by(|a, b| {
        (profile_rank(&a.profile), a.type_rank(), a.criteria_rank()).cmp(&(
            profile_rank(&b.profile),
            b.type_rank(),
            b.criteria_rank(),
        ))
    });
    let fallback =
        partner.client_user.filter(|u| partner.client && partner.channel_mcauser.is_empty() && !u.is_empty());
    let channel_user = fallback.unwrap_or(partner.channel_mcauser).to_owned();
    let (mcauser, rule, why) = match best {
        None => (
            channel_user,
            None,
            "no CHLAUTH mapping rule matches; the channel's own settings apply".to_owned(),
        ),
        Some(rule) => match rule.usersrc {
            UserSrc::NoAccess if !rule.warn => {
                let why = "the most specific matching rule has USERSRC(NOACCESS)".to_owned();
                return Decision { outcome: Outcome::Refuse, rule: Some(rule.label.clone()), why, warnings };
            }
            UserSrc::NoAccess => {
                warnings.push("USERSRC(NOACCESS) would refuse (WARN(YES): admitted)".to_owned());
                (channel_user, Some(rule), "the matching rule only warns".to_owned())
            }
            UserSrc::Map => {
                (rule.mcauser.clone(), Some(rule), format!("mapped to MCAUSER('{}')", rule.mcauser))
            }
            UserSrc::Channel => {
                (channel_user, Some(rule), "USERSRC(CHANNEL): the channel's user applies".to_owned())
            }
        },
    };
    if let Some(block) = blocking_rule(rules, partner, &mcauser) {
        let why = format!("user '{mcauser}' is on the BLOCKUSER list");
        if !block.warn {
            return Decision { outcome: Outcome::Refuse, rule: Some(block.label.clone()), why, warnings };
        }
        warnings.push(format!("{why} (WARN(YES): admitted)"));
    }
    Decision { outcome: Outcome::Admit { mcauser }, rule: rule.map(|r| r.label.clone()), why, warnings }
}

/// The BLOCKUSER rule of the most specific matching profile, if it lists `user`.
fn blocking_rule<'r>(rules: &'r [Rule], partner: &Partner<'_>, user: &str) -> Option<&'r Rule> {
    let lists = rules
        .iter()
        .filter(|r| matches!(r.kind, RuleKind::BlockUser(_)) && profile_matches(&r.profile, partner.channel));
    let best = lists.max_by_key(|r| profile_rank(&r.profile))?;
    let RuleKind::BlockUser(users) = &best.kind else { return None };
    let hit = users
        .iter()
        .any(|u| u == user || (u.eq_ignore_ascii_case("*MQADMIN") && partner.privileged.contains(user)));
    hit.then_some(best)
}

#[cfg(test)]
#[path = "chlauth_tests.rs"]
mod tests;
