//! Object authority for client conversations, as MQ's object authority manager grants it
//! with SET AUTHREC: a user may connect, open a queue for input, browse, output or
//! inquire, or run MQSC, only with the matching authority on a profile that covers the
//! object, given to the user (PRINCIPAL) or to one of the user's operating-system groups
//! (GROUP, from the OS accounts). Administrators (see `accounts`: the `mqm` group, as in
//! MQ) have every authority. Nothing is granted by default.

use mqtls_channel::reason;
use mqtls_model::{Entity, Excerpt, Store};

use crate::accounts::Accounts;

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
    /// `user` with its groups from `accounts`.
    pub(crate) fn of(user: String, accounts: &Accounts) -> Self {
        let groups = accounts.groups_of(&user);
        Self { user, groups }
    }

    /// Whether the user has `needed` on the object `name` of `objtype` ("QMGR", "QUEUE").
    pub(crate) fn granted(&self, store: &Store, objtype: &str, name: &str, needed: &str) -> bool {
        if Accounts::is_admin(&self.user, &self.groups) {
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
        tracing::warn!(user = %Excerpt::value(user), objtype, object = %Excerpt::value(name), needed, "not authorised");
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
