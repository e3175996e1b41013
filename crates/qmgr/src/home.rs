//! A queue manager's home, `$MQTLS_HOME/qmgrs/<QM>/` (owner-only):
//!
//! | file | holds |
//! |---|---|
//! | `qm.mqsc` | the definitions, rewritten atomically after every change |
//! | `@ipcc/AMQCLCHL.TAB` | the client channel table: every CLNTCONN, as MQ's binary CCDT, rewritten with `qm.mqsc` |
//! | `ssl/key.p12`, `ssl/key.sth` | the keystore and its stashed password (QMGR SSLKEYR names the stem) |
//! | `messages.redb` | the message store |
//! | `admin.sock` | the admin socket, while running |
//! | `qmgr.pid` | the process id, while running |
//! | `qmgr.log` | the log of a background start |
//! | `keystore.loaded` | the keystore file's size and modification time when the running queue manager last loaded it |
//! | `qm.ini` | optional; its `SSL:` stanza's `CDPCheckExtensions=YES` turns CRL distribution-point checks on |

use std::fs;
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::{Path, PathBuf};

use mqtls_model::{Stamp, Store};
use mqtls_mqsc::script;
use mqtls_pki::{self_signed, KeySpec, Keystore, Password};

/// The object set every queue manager starts with: MQ's defaults and back-stop rules.
pub const DEFAULT_OBJECTS: &str = include_str!("default-objects.mqsc");

/// A store holding MQ's system and default objects ([`DEFAULT_OBJECTS`]), as crtmqm makes
/// them: what `qmgr create` and `mqsc --memory` start from.
pub fn default_store(name: &str, stamp: &Stamp) -> Result<Store, HomeError> {
    let mut store = Store::new(name, stamp.clone())?;
    let entries = script::run(DEFAULT_OBJECTS, &mut store, stamp);
    if script::exit_code(&entries) >= 20 {
        let report = script::report(DEFAULT_OBJECTS, &entries, false);
        return Err(HomeError::Definitions { path: PathBuf::from("(default objects)"), report });
    }
    Ok(store)
}

/// Why a queue manager's home cannot be created, read or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HomeError {
    /// `qmgr create` of a name that exists.
    #[error("queue manager {0} already exists")]
    Exists(String),
    /// A name with no home.
    #[error("queue manager {0} does not exist: create it with mqtls qmgr create {0}")]
    NotFound(String),
    /// A file that cannot be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// Definitions that do not load.
    #[error("{path}: commands failed:\n{report}")]
    Definitions {
        /// The file.
        path: PathBuf,
        /// The runmqsc report.
        report: String,
    },
    /// The keystore.
    #[error(transparent)]
    Keystore(#[from] mqtls_pki::PkiError),
    /// A CLNTCONN the binary client channel table cannot hold.
    #[error("the client channel table @ipcc/AMQCLCHL.TAB: {0}")]
    ClientTable(#[from] mqtls_ccdt::CcdtError),
    /// A queue-manager name MQ would not accept.
    #[error("queue manager name: {0}")]
    Name(#[from] mqtls_model::ModelError),
}

/// The files of one queue manager.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Home {
    /// The queue manager.
    pub name: String,
    /// Its directory.
    pub dir: PathBuf,
}

impl Home {
    /// The home of queue manager `name` under `mqtls_home` (which need not exist). The
    /// name must follow MQ's rules (1-48 of `A-Z a-z 0-9 . / _ %`); its directory is the
    /// name transformed as MQ does (`.` to `!`, `/` to `&`), so no name leaves
    /// `mqtls_home/qmgrs/`.
    pub fn new(mqtls_home: &Path, name: &str) -> Result<Self, HomeError> {
        mqtls_model::check_name(mqtls_model::ObjectType::Qmgr, name)?;
        Ok(Self { name: name.to_owned(), dir: mqtls_home.join("qmgrs").join(directory_name(name)) })
    }

    /// `qm.mqsc`.
    pub fn definitions(&self) -> PathBuf {
        self.dir.join("qm.mqsc")
    }
    /// The keystore stem (`ssl/key`: `key.p12` and `key.sth`), as QMGR SSLKEYR holds it.
    pub fn key_stem(&self) -> PathBuf {
        self.dir.join("ssl").join("key")
    }
    /// `messages.redb`.
    pub fn messages(&self) -> PathBuf {
        self.dir.join("messages.redb")
    }
    /// `admin.sock`.
    pub fn admin_socket(&self) -> PathBuf {
        self.dir.join("admin.sock")
    }
    /// `qmgr.pid`.
    pub fn pid_file(&self) -> PathBuf {
        self.dir.join("qmgr.pid")
    }
    /// `qmgr.log`.
    pub fn log(&self) -> PathBuf {
        self.dir.join("qmgr.log")
    }
    /// `qm.ini`.
    pub fn qm_ini(&self) -> PathBuf {
        self.dir.join("qm.ini")
    }

    /// Whether the home exists: a real directory (not a symbolic link) holding `qm.mqsc`.
    pub fn exists(&self) -> bool {
        fs::symlink_metadata(&self.dir).is_ok_and(|m| m.is_dir())
            && fs::symlink_metadata(self.definitions()).is_ok_and(|m| m.is_file())
    }

    /// dltmqm: removes the home, only when it is one (see [`exists`](Self::exists)).
    pub fn delete(&self) -> Result<(), HomeError> {
        if !self.exists() {
            return Err(HomeError::NotFound(self.name.clone()));
        }
        fs::remove_dir_all(&self.dir).map_err(|source| HomeError::Io { path: self.dir.clone(), source })
    }

    /// crtmqm: the directory (owner-only), the default objects, `extra` MQSC, a keystore
    /// with a stashed random password and a self-signed EC P-256 certificate under MQ's
    /// default label `ibmwebspheremq<qm>` (replace it with a CA-signed one for real use).
    /// `now` is seconds since the epoch. A failure removes what was made.
    pub fn create(&self, extra: Option<&str>, now: u64) -> Result<Store, HomeError> {
        if self.exists() {
            return Err(HomeError::Exists(self.name.clone()));
        }
        let stamp = Stamp::from_unix(now);
        let mut store = default_store(&self.name, &stamp)?;
        let stem = self.key_stem();
        let setup = format!(
            "ALTER QMGR SSLKEYR('{}')\n{}",
            stem.display().to_string().replace('\'', "''"),
            extra.unwrap_or_default()
        );
        let entries = script::run(&setup, &mut store, &stamp);
        if script::exit_code(&entries) >= 20 {
            let report = script::report(&setup, &entries, false);
            return Err(HomeError::Definitions { path: PathBuf::from("(creation script)"), report });
        }
        let made = self.write_new(&store, now);
        if made.is_err() {
            let _ = fs::remove_dir_all(&self.dir);
        }
        made.map(|()| store)
    }

    fn write_new(&self, store: &Store, now: u64) -> Result<(), HomeError> {
        let io = |path: &Path| {
            let path = path.to_owned();
            move |source| HomeError::Io { path, source }
        };
        let ssl = self.dir.join("ssl");
        fs::DirBuilder::new().recursive(true).mode(0o700).create(&ssl).map_err(io(&ssl))?;
        fs::set_permissions(&self.dir, fs::Permissions::from_mode(0o700)).map_err(io(&self.dir))?;
        let password = Password::generate();
        let mut keystore = Keystore::new();
        let label = mqtls_model::default_cert_label(&self.name);
        keystore.add(&label, self_signed(KeySpec::EcP256, &self.name, "mqtls", &[], now as i64, 365)?)?;
        let stem = self.key_stem();
        keystore.save_p12(&stem.with_extension("p12"), &password)?;
        password.stash(&stem.with_extension("sth"))?;
        self.save(store)
    }

    /// `@ipcc/AMQCLCHL.TAB`, where MQ keeps a queue manager's client channel table.
    pub fn client_channel_table(&self) -> PathBuf {
        self.dir.join("@ipcc").join("AMQCLCHL.TAB")
    }

    /// Writes the definitions and the client channel table, each atomically and
    /// owner-only. The table is written first: a CLNTCONN it cannot hold (a character
    /// outside ISO 8859-1) fails the save with the definitions unchanged.
    pub fn save(&self, store: &Store) -> Result<(), HomeError> {
        self.save_client_channel_table(store)?;
        mqtls_pki::write_private(&self.definitions(), mqtls_mqsc::dump(store).as_bytes())?;
        Ok(())
    }

    /// MQ writes every CLNTCONN to the queue manager's AMQCLCHL.TAB as DEFINE, ALTER and
    /// DELETE run (IBM MQ, "Client channel definition table"), SYSTEM.DEF.CLNTCONN
    /// included. Left alone when its bytes would not change; a start writes it too, for
    /// homes made before the table was kept.
    pub fn save_client_channel_table(&self, store: &Store) -> Result<(), HomeError> {
        let bytes = mqtls_ccdt::write_binary(&client_channels(store))?;
        let path = self.client_channel_table();
        if fs::read(&path).is_ok_and(|old| old == bytes) {
            return Ok(());
        }
        let dir = self.dir.join("@ipcc");
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&dir)
            .map_err(|source| HomeError::Io { path: dir.clone(), source })?;
        mqtls_pki::write_private(&path, &bytes)?;
        Ok(())
    }

    /// Reads the definitions back.
    pub fn load(&self, now: u64) -> Result<Store, HomeError> {
        if !self.exists() {
            return Err(HomeError::NotFound(self.name.clone()));
        }
        let path = self.definitions();
        let text =
            fs::read_to_string(&path).map_err(|source| HomeError::Io { path: path.clone(), source })?;
        let stamp = Stamp::from_unix(now);
        let mut store = Store::new(&self.name, stamp.clone())?;
        let entries = script::run(&text, &mut store, &stamp);
        if script::exit_code(&entries) >= 20 {
            return Err(HomeError::Definitions { path, report: script::report(&text, &entries, false) });
        }
        Ok(store)
    }

    /// Opens the keystore QMGR SSLKEYR names (a stem: `.p12` with its `.sth`).
    pub fn keystore(store: &Store) -> Result<Keystore, HomeError> {
        let stem = PathBuf::from(store.qmgr().str("SSLKEYR"));
        let password = Password::from_stash(&stem.with_extension("sth"))?;
        Ok(Keystore::open(&stem.with_extension("p12"), Some(&password))?)
    }

    /// `keystore.loaded`: what the keystore file was when the queue manager last loaded it.
    pub fn loaded_keystore(&self) -> PathBuf {
        self.dir.join("keystore.loaded")
    }

    /// The keystore file QMGR SSLKEYR names, as its size and modification time (what
    /// changes when a label or a CA is added); `None` when it cannot be read.
    pub fn keystore_version(store: &Store) -> Option<String> {
        let file = PathBuf::from(store.qmgr().str("SSLKEYR")).with_extension("p12");
        let meta = fs::metadata(file).ok()?;
        let modified = meta.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?;
        Some(format!("{} {}.{:09}", meta.len(), modified.as_secs(), modified.subsec_nanos()))
    }

    /// Records that the keystore was loaded now (at start, at REFRESH SECURITY TYPE(SSL)).
    pub fn record_keystore_loaded(&self, store: &Store) {
        if let Some(version) = Self::keystore_version(store) {
            let _ = mqtls_pki::write_private(&self.loaded_keystore(), format!("{version}\n").as_bytes());
        }
    }

    /// Whether the keystore file changed after the queue manager last loaded it (`None`:
    /// no record, or no keystore file).
    pub fn keystore_changed_since_load(&self, store: &Store) -> Option<bool> {
        let recorded = fs::read_to_string(self.loaded_keystore()).ok()?;
        Some(recorded.trim() != Self::keystore_version(store)?)
    }

    /// The queue managers under `mqtls_home`, by name.
    pub fn list(mqtls_home: &Path) -> Vec<Self> {
        let mut out: Vec<Self> = fs::read_dir(mqtls_home.join("qmgrs"))
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| Self::new(mqtls_home, &queue_manager_name(e.file_name().to_str()?)).ok())
            .filter(|h| h.exists())
            .collect();
        out.sort_by(|a, b| a.name.cmp(&b.name));
        out
    }
}

/// The CLNTCONN channels of `store` as CCDT entries, in name order.
pub fn client_channels(store: &Store) -> Vec<mqtls_ccdt::ClientChannel> {
    store
        .matching(&[mqtls_model::ObjectType::Channel], "*")
        .filter(|o| o.channel_type() == Some(mqtls_model::ChannelType::Clntconn))
        .map(mqtls_ccdt::from_object)
        .collect()
}

/// MQ's name transformation for a queue manager's directory: `.` becomes `!` and `/`
/// becomes `&` (IBM MQ docs, "IBM MQ file names"); the other legal characters stay.
fn directory_name(qmgr: &str) -> String {
    qmgr.chars()
        .map(|c| match c {
            '.' => '!',
            '/' => '&',
            c => c,
        })
        .collect()
}

/// The queue manager a directory under `qmgrs/` belongs to (the reverse of
/// [`directory_name`]).
fn queue_manager_name(dir: &str) -> String {
    dir.chars()
        .map(|c| match c {
            '!' => '.',
            '&' => '/',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_map_to_one_directory_under_qmgrs() {
        let root = Path::new("/srv/mqtls");
        for (name, dir) in [
            ("QM1", "QM1"),
            ("queue.manager", "queue!manager"),
            ("../../x", "!!&!!&x"),
            (".", "!"),
            ("/abs", "&abs"),
            ("a%b_c", "a%b_c"),
        ] {
            let home = Home::new(root, name).unwrap();
            assert_eq!(home.dir, root.join("qmgrs").join(dir), "{name}");
            assert_eq!(queue_manager_name(dir), name);
        }
    }

    #[test]
    fn names_mq_refuses_have_no_home() {
        for bad in ["", "a b", "QM\\1", "x\n", &"Q".repeat(49)] {
            let e = Home::new(Path::new("/srv"), bad).unwrap_err();
            assert!(matches!(e, HomeError::Name(_)), "{bad:?}: {e}");
        }
    }
}
