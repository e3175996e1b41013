//! Object authority for client conversations, as MQ's object authority manager grants it
//! with SET AUTHREC: a user may connect, open a queue for input, browse, output or
//! inquire, or run MQSC, only with the matching authority on a profile that covers the
//! object, given to the user (PRINCIPAL) or to one of the user's operating-system groups
//! (GROUP, read from /etc/group and /etc/passwd). Members of the `mqm` group, as in MQ,
//! have every authority. Nothing is granted by default.

use mqtls_channel::reason;
use mqtls_model::{Entity, Store};

/// Authorities ALLMQI stands for.
const MQI: &[&str] =
    &["ALTUSR", "BROWSE", "CONNECT", "GET", "INQ", "PUT", "PASSALL", "PASSID", "SET", "SETALL", "SETID"];
/// Authorities ALLADM stands for.
const ADM: &[&str] = &["CHG", "CLR", "DLT", "DSP", "CTRL", "CTRLX"];

/// A conversation's user and its operating-system groups, read once when the
/// conversation starts (as MQ caches them until REFRESH SECURITY).
#[derive(Clone, Debug)]
pub(crate) struct Principal {
    /// The user id (MCAUSER, or the one the client asserted).
    pub(crate) user: String,
    groups: Vec<String>,
}

impl Principal {
    /// `user` with its groups from /etc/passwd and /etc/group.
    pub(crate) fn of(user: String) -> Self {
        let groups = groups_of(&user);
        Self { user, groups }
    }

    /// Whether the user has `needed` on the object `name` of `objtype` ("QMGR", "QUEUE").
    pub(crate) fn granted(&self, store: &Store, objtype: &str, name: &str, needed: &str) -> bool {
        if self.groups.iter().any(|g| g == "mqm") {
            return true;
        }
        store.authrecs().iter().any(|rec| {
            let who = match &rec.entity {
                Entity::Principal(p) => *p == self.user,
                Entity::Group(g) => self.groups.contains(g),
            };
            who && rec.objtype == objtype
                && (objtype == "QMGR" || profile_matches(&rec.profile, name))
                && rec.authorities.iter().any(|a| {
                    *a == needed
                        || *a == "ALL"
                        || (*a == "ALLMQI" && MQI.contains(&needed))
                        || (*a == "ALLADM" && ADM.contains(&needed))
                })
        })
    }

    /// Refuses with 2035 and the SET AUTHREC that would grant it.
    pub(crate) fn require(
        &self,
        store: &Store,
        objtype: &str,
        name: &str,
        needed: &str,
    ) -> Result<(), (u32, String)> {
        if self.granted(store, objtype, name, needed) {
            return Ok(());
        }
        let user = &self.user;
        let profile = if objtype == "QMGR" { String::new() } else { format!("PROFILE('{name}') ") };
        tracing::warn!(%user, objtype, object = %name, needed, "not authorised");
        Err((
            reason::NOT_AUTHORIZED,
            format!(
                "user '{user}' lacks {needed} authority on {objtype} {name}: SET AUTHREC {profile}OBJTYPE({objtype}) PRINCIPAL('{user}') AUTHADD({needed})"
            ),
        ))
    }
}

/// MQ's generic profiles: `*` any characters within one qualifier, `**` any qualifiers,
/// `?` one character.
fn profile_matches(profile: &str, name: &str) -> bool {
    fn go(p: &[u8], n: &[u8]) -> bool {
        match p {
            [] => n.is_empty(),
            [b'*', b'*', rest @ ..] => (0..=n.len()).any(|i| go(rest, &n[i..])),
            [b'*', rest @ ..] => {
                (0..=n.len()).take_while(|&i| i == 0 || n[i - 1] != b'.').any(|i| go(rest, &n[i..]))
            }
            [b'?', rest @ ..] => !n.is_empty() && n[0] != b'.' && go(rest, &n[1..]),
            [c, rest @ ..] => n.first() == Some(c) && go(rest, &n[1..]),
        }
    }
    go(profile.as_bytes(), name.as_bytes())
}

/// The user's groups: the primary one from /etc/passwd and those /etc/group lists it in.
fn groups_of(user: &str) -> Vec<String> {
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    let group = std::fs::read_to_string("/etc/group").unwrap_or_default();
    let primary = passwd.lines().find_map(|l| {
        let f: Vec<&str> = l.split(':').collect();
        (f.first() == Some(&user)).then(|| f.get(3).map(|g| (*g).to_owned())).flatten()
    });
    group
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split(':').collect();
            let (name, gid, members) = (f.first()?, f.get(2)?, f.get(3).unwrap_or(&""));
            (primary.as_deref() == Some(gid) || members.split(',').any(|m| m == user))
                .then(|| (*name).to_owned())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::profile_matches;

    #[test]
    fn generic_profiles_match_as_in_mq() {
        assert!(profile_matches("APP.Q", "APP.Q"));
        assert!(!profile_matches("APP.Q", "APP.Q2"));
        assert!(profile_matches("APP.*", "APP.Q"));
        assert!(!profile_matches("APP.*", "APP.X.Y"), "* stays within a qualifier");
        assert!(profile_matches("APP.**", "APP.X.Y"));
        assert!(profile_matches("**", "SYSTEM.DEAD.LETTER.QUEUE"));
        assert!(profile_matches("APP.Q?", "APP.Q1"));
        assert!(!profile_matches("APP.Q?", "APP.Q"));
    }
}
