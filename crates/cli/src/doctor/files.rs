//! What the doctor checks in the keystore itself: certificates expired or expiring soon
//! (anywhere in a chain, and trusted CAs), and key and stash files others can read.

use std::collections::BTreeSet;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use mqtls_pki::{CertFacts, Entry, Keystore};

use super::{finding, Finding, Severity};

/// The keystore and stash files an MQSSLKEYR-like value names.
pub(super) fn key_files(value: &str) -> Vec<PathBuf> {
    let path = Path::new(value);
    if path.is_dir() {
        return std::fs::read_dir(path).map(|d| d.flatten().map(|e| e.path()).collect()).unwrap_or_default();
    }
    let stem = path.with_extension("");
    let mut files: Vec<PathBuf> = [path.to_owned(), stem.with_extension("p12"), stem.with_extension("sth")]
        .into_iter()
        .filter(|p| p.is_file())
        .collect();
    files.dedup();
    files
}

/// Expired and soon-expiring certificates anywhere in the keystore. An expired one is an
/// error when a channel presents it (its label is in `used`; `None`: every label may be),
/// a warning otherwise: nothing fails until a channel is given that label.
pub(super) fn certificates(
    ks: &Keystore,
    warn_days: i64,
    used: Option<&BTreeSet<String>>,
    fix: &str,
) -> Vec<Finding> {
    let now =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
    let mut out = Vec::new();
    for (label, entry) in ks.entries() {
        let ders: Vec<&Vec<u8>> = match entry {
            Entry::Personal { chain, .. } => chain.iter().collect(),
            Entry::Trusted { cert } => vec![cert],
        };
        for der in ders {
            let Ok(f) = CertFacts::from_der(der) else { continue };
            let days = f.days_left(now);
            let in_use = matches!(entry, Entry::Personal { .. }) && used.is_none_or(|u| u.contains(label));
            let (severity, what) = match days {
                d if d < 0 && in_use => {
                    (Severity::Error, format!("expired {} days ago: partners refuse it", -d))
                }
                d if d < 0 => (
                    Severity::Warning,
                    format!(
                        "expired {} days ago; no channel here presents it, but partners would refuse it",
                        -d
                    ),
                ),
                d if d < warn_days => {
                    (Severity::Warning, format!("expires in {d} days: then partners refuse it"))
                }
                _ => continue,
            };
            out.push(finding(
                "keystore.certificate-expiry",
                severity,
                format!("keystore label '{label}'"),
                &format!("certificate {}", f.names.subject),
                what,
                fix.to_owned(),
            ));
        }
    }
    out
}

/// Keystore and stash files others may read (in a PEM directory, those holding a key).
pub(super) fn permissions(files: &[PathBuf]) -> Vec<Finding> {
    files
        .iter()
        .filter(|p| {
            let pem = p.extension().is_some_and(|e| e.eq_ignore_ascii_case("pem") || e.eq_ignore_ascii_case("key"));
            !pem || std::fs::read_to_string(p).is_ok_and(|t| t.contains("PRIVATE KEY"))
        })
        .filter_map(|p| {
            let mode = std::fs::metadata(p).ok()?.permissions().mode() & 0o777;
            (mode & 0o077 != 0).then(|| {
                finding(
                    "file.readable-by-others",
                    Severity::Warning,
                    format!("file {}", p.display()),
                    &format!("mode {mode:o}"),
                    "not a handshake failure: others on this machine can read the private keys or the password".into(),
                    format!("chmod 600 {}", p.display()),
                )
            })
        })
        .collect()
}

/// A running queue manager of the home whose keystore file changed after it loaded it:
/// what this check reads from the file is not what its channels use.
pub(super) fn refresh_needed(name: &str, store: &mqtls_model::Store) -> Vec<Finding> {
    let Ok(home) = mqtls_qmgr::Home::new(&crate::local::mqtls_home(), name) else { return Vec::new() };
    let running = std::os::unix::net::UnixStream::connect(home.admin_socket()).is_ok();
    if !running || home.keystore_changed_since_load(store) != Some(true) {
        return Vec::new();
    }
    vec![finding(
        "keystore.refresh-needed",
        Severity::Error,
        format!("queue manager {name}"),
        "SSLKEYR",
        "the keystore file changed after the running queue manager loaded it: labels and CAs added since are not in use, so a channel naming one fails its handshake (2393) although the file has it".into(),
        format!("REFRESH SECURITY TYPE(SSL): echo 'REFRESH SECURITY TYPE(SSL)' | mqtls mqsc {name}"),
    )]
}
