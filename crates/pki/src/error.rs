//! The crate's one error type.

use std::path::PathBuf;

/// What went wrong with a keystore, a certificate, or a chain.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PkiError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The password does not open the keystore.
    #[error("{path}: wrong password (the PKCS#12 integrity check failed)")]
    WrongPassword {
        /// The keystore.
        path: PathBuf,
    },
    /// A PKCS#12 file using an algorithm mqtls does not read.
    #[error("{path}: uses {what}, which mqtls does not read; convert it: openssl pkcs12 -in {} -legacy -nodes -out tmp.pem && openssl pkcs12 -export -in tmp.pem -out new.p12 (then delete tmp.pem)", path.display())]
    Unsupported {
        /// The keystore.
        path: PathBuf,
        /// The algorithm or structure.
        what: &'static str,
    },
    /// A PKCS#12 file whose key-derivation cost exceeds the cap (or whose parameters are broken).
    #[error(
        "{path}: refused: invalid encryption parameters or more than 1,000,000 key-derivation iterations"
    )]
    TooCostly {
        /// The keystore.
        path: PathBuf,
    },
    /// Bytes that are not the expected structure.
    #[error("{path}: not a {what}: {detail}")]
    Malformed {
        /// The file.
        path: PathBuf,
        /// What it should have been.
        what: &'static str,
        /// The parser's complaint.
        detail: String,
    },
    /// A label that is not in the keystore.
    #[error("no entry labelled '{label}'{}", closest.as_ref().map(|c| format!("; the closest is '{c}'")).unwrap_or_default())]
    NoSuchLabel {
        /// The label asked for.
        label: String,
        /// The nearest existing label (case-only differences first).
        closest: Option<String>,
    },
    /// A label MQ could not name: too long, or holding a control character.
    #[error("label '{label}' cannot be used: {why}")]
    BadLabel {
        /// The label (at most its first 64 characters, control characters shown escaped).
        label: String,
        /// Which rule.
        why: &'static str,
    },
    /// A label that already exists.
    #[error("an entry labelled '{label}' already exists; delete it first or choose another label")]
    LabelExists {
        /// The label.
        label: String,
    },
    /// The password source is unusable.
    #[error("{0}")]
    Password(&'static str),
    /// A stash file others can read.
    #[error("{path}: the password stash is readable by others (mode {mode:o}); chmod 600 it")]
    StashPermissions {
        /// The stash file.
        path: PathBuf,
        /// Its mode.
        mode: u32,
    },
    /// A responder or distribution point could not be reached or answered badly.
    #[error("{url}: {detail}")]
    Network {
        /// Where.
        url: String,
        /// What happened.
        detail: String,
    },
    /// Certificate generation failed.
    #[error("generating the certificate: {0}")]
    Generate(String),
    /// A chain that does not validate.
    #[error("certificate '{subject}': {reason}")]
    Invalid {
        /// The subject of the failing certificate.
        subject: String,
        /// Why.
        reason: String,
    },
}
