//! Keystore passwords: from a stash file (owner-only), an environment variable, or given.
//! Never printed: `Debug` shows a placeholder.

use std::fmt;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use crate::error::PkiError;

/// A keystore password.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

impl Password {
    /// A password given directly (from a prompt).
    pub fn new(secret: String) -> Result<Self, PkiError> {
        if secret.is_empty() {
            return Err(PkiError::Password("the keystore password is empty"));
        }
        Ok(Self(secret))
    }

    /// A random password (32 characters from 62, about 190 bits) for a keystore whose
    /// password only ever lives in its stash file.
    pub fn generate() -> Self {
        use rand::Rng;
        const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        let mut rng = rand::rngs::OsRng;
        Self((0..32).map(|_| char::from(CHARS[rng.gen_range(0..CHARS.len())])).collect())
    }

    /// Reads a stash file: its first line is the password; the file must be owner-only.
    pub fn from_stash(path: &Path) -> Result<Self, PkiError> {
        let io = |source| PkiError::Io { path: path.to_owned(), source };
        let mode = std::fs::metadata(path).map_err(io)?.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(PkiError::StashPermissions { path: path.to_owned(), mode });
        }
        let text = std::fs::read_to_string(path).map_err(io)?;
        Self::new(text.lines().next().unwrap_or("").to_owned())
    }

    /// Reads an environment variable's value (passed in; this crate reads no environment).
    pub fn from_env_value(value: Option<String>) -> Result<Self, PkiError> {
        Self::new(value.ok_or(PkiError::Password("the password environment variable is not set"))?)
    }

    /// The secret, for the PKCS#12 codec.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }

    /// Writes a stash file, owner-only.
    pub fn stash(&self, path: &Path) -> Result<(), PkiError> {
        crate::write_private(path, format!("{}\n", self.0).as_bytes())
    }
}
