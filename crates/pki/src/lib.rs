//! Keystores, certificate facts, chain validation and revocation for mqtls channels.
//!
//! I/O stays at the edges: reading and writing keystore files, nothing else; time is
//! passed in.
#![forbid(unsafe_code)]

mod der;
mod error;
mod facts;
mod http;
pub use http::get as http_get;
mod keystore;
mod ocsp;
mod password;
mod selfsigned;
mod verify;

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

pub use error::PkiError;
pub use facts::{CertFacts, KeyKind};
pub use keystore::{Entry, Keystore, MAX_LABEL};
pub use ocsp::{
    request as ocsp_request, responder_url, verify_response, CertStatus, OcspAuthentication, OcspClient,
    OcspDecision,
};
pub use password::Password;
pub use selfsigned::{self_signed, CertAuthority, KeySpec};
pub use verify::{distribution_points, utc, validate, Crls, Role, UnknownStatus};

/// Writes a file readable by its owner only, replacing any old one atomically
/// (a temporary file in the same directory, fsynced, then renamed).
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<(), PkiError> {
    let io = |source| PkiError::Io { path: path.to_owned(), source };
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let tmp = path.with_file_name(format!(".{name}.mqtls-tmp"));
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&tmp)
        .map_err(io)?;
    f.write_all(bytes).map_err(io)?;
    f.sync_all().map_err(io)?;
    std::fs::rename(&tmp, path).map_err(io)
}
