//! The operating-system accounts behind user ids: each user's groups (the primary one
//! from the passwd file, the others the group file lists it in), and the one definition
//! of a queue-manager administrator, used both by the authority code (administrators
//! have every authority) and by CHLAUTH's `*MQADMIN`.
//!
//! IBM MQ on Linux counts the members of the `mqm` group as privileged ("Privileged
//! users", <https://www.ibm.com/docs/SSFKSJ_9.4.0/secure/q013300_.html>). mqtls also counts
//! the user ids `mqm` and `root` by name, so that an id asserted over a channel on a
//! machine with no such account is still caught by `*MQADMIN`.

use std::path::PathBuf;

use mqtls_dn::Administrators;

/// The group whose members administer every queue manager.
pub const ADMIN_GROUP: &str = "mqm";

/// User ids that are administrators whatever the account files say.
const ADMIN_NAMES: &[&str] = &["mqm", "root"];

/// Where the accounts are read: `/etc/passwd` and `/etc/group` unless a test gives others.
#[derive(Clone, Debug)]
pub struct Accounts {
    passwd: PathBuf,
    group: PathBuf,
}

impl Default for Accounts {
    fn default() -> Self {
        Self::from_files("/etc/passwd", "/etc/group")
    }
}

impl Accounts {
    /// Accounts read from a passwd-format and a group-format file.
    pub fn from_files(passwd: impl Into<PathBuf>, group: impl Into<PathBuf>) -> Self {
        Self { passwd: passwd.into(), group: group.into() }
    }

    /// `user`'s groups, read now (a file that cannot be read gives none).
    pub fn groups_of(&self, user: &str) -> Vec<String> {
        let passwd = std::fs::read_to_string(&self.passwd).unwrap_or_default();
        let group = std::fs::read_to_string(&self.group).unwrap_or_default();
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

    /// Whether a user with `groups` is an administrator.
    pub fn is_admin(user: &str, groups: &[String]) -> bool {
        ADMIN_NAMES.contains(&user) || groups.iter().any(|g| g == ADMIN_GROUP)
    }
}

impl Administrators for Accounts {
    fn contains(&self, user: &str) -> bool {
        !user.is_empty() && Self::is_admin(user, &self.groups_of(user))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_of_mqm_by_primary_or_listed_group_are_administrators() {
        let dir = std::env::temp_dir().join(format!("mqtls-accounts-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("passwd"),
            "mqadm:x:1001:1001::/home:/bin/sh\nops:x:1002:1002::/:/bin/sh\nalice:x:1003:1003::/:/bin/sh\n",
        )
        .unwrap();
        std::fs::write(dir.join("group"), "mqadm:x:1001:\nmqm:x:990:ops,carol\nops:x:1002:\nalice:x:1003:\n")
            .unwrap();
        let mut accounts = Accounts::from_files(dir.join("passwd"), dir.join("group"));
        for (user, admin) in [
            ("ops", true),
            ("carol", true),
            ("mqm", true),
            ("root", true),
            ("alice", false),
            ("mqadm", false),
            ("", false),
        ] {
            assert_eq!(accounts.contains(user), admin, "{user}");
        }
        std::fs::write(dir.join("passwd"), "mqadm:x:1001:990::/home:/bin/sh\n").unwrap();
        accounts = Accounts::from_files(dir.join("passwd"), dir.join("group"));
        assert!(accounts.contains("mqadm"), "primary group mqm");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
