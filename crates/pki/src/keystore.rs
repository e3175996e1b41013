//! Keystores: labelled entries, each a private key with its chain or a trusted
//! certificate. Read from PKCS#12 (OpenSSL 3 defaults, OpenSSL `-legacy`, Java keytool)
//! or a directory of PEM files; written as PKCS#12 (PBES2 AES-256, SHA-256 MAC),
//! owner-only and atomically.

use std::collections::BTreeMap;
use std::path::Path;

use p12_keystore::{Certificate, KeyStore, KeyStoreEntry, Pkcs12ImportPolicy, PrivateKey, PrivateKeyChain};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

use crate::error::PkiError;
use crate::password::Password;

/// One keystore entry.
#[derive(Clone, PartialEq, Eq)]
pub enum Entry {
    /// A private key (PKCS#8 DER) and its chain, end-entity first.
    Personal {
        /// The key.
        key: Vec<u8>,
        /// The chain (DER), end-entity first.
        chain: Vec<Vec<u8>>,
    },
    /// A trusted (CA) certificate.
    Trusted {
        /// The certificate (DER).
        cert: Vec<u8>,
    },
}

impl std::fmt::Debug for Entry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Personal { chain, .. } => {
                write!(f, "Personal {{ key: <redacted>, chain: {} certs }}", chain.len())
            }
            Self::Trusted { .. } => f.write_str("Trusted"),
        }
    }
}

impl Entry {
    /// The entry's own certificate (end-entity or trusted).
    pub fn certificate(&self) -> Option<&[u8]> {
        match self {
            Self::Personal { chain, .. } => chain.first().map(Vec::as_slice),
            Self::Trusted { cert } => Some(cert),
        }
    }
}

/// A set of labelled entries.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Keystore {
    entries: BTreeMap<String, Entry>,
}

/// Largest keystore file read (hostile-input bound).
const MAX_KEYSTORE: u64 = 16 << 20;

impl Keystore {
    /// An empty keystore.
    pub fn new() -> Self {
        Self::default()
    }

    /// Opens a PKCS#12 file, or a directory of PEM files (no password needed).
    pub fn open(path: &Path, password: Option<&Password>) -> Result<Self, PkiError> {
        let io = |source| PkiError::Io { path: path.to_owned(), source };
        if path.is_dir() {
            return Self::from_pem_dir(path);
        }
        let len = std::fs::metadata(path).map_err(io)?.len();
        if len > MAX_KEYSTORE {
            return Err(PkiError::Malformed {
                path: path.to_owned(),
                what: "keystore",
                detail: "larger than 16 MiB".into(),
            });
        }
        let bytes = std::fs::read(path).map_err(io)?;
        let password = password.ok_or(PkiError::Password("a PKCS#12 keystore needs its password"))?;
        Self::from_p12(&bytes, password, path)
    }

    /// Reads PKCS#12 bytes; `path` names the file in errors.
    pub fn from_p12(bytes: &[u8], password: &Password, path: &Path) -> Result<Self, PkiError> {
        use p12_keystore::error::Error as E;
        let store = KeyStore::from_pkcs12(bytes, password.expose(), Pkcs12ImportPolicy::Relaxed).map_err(
            |e| match e {
                E::MacError(_) => PkiError::WrongPassword { path: path.to_owned() },
                E::UnsupportedEncryptionScheme => PkiError::Unsupported {
                    path: path.to_owned(),
                    what: "an encryption scheme other than PBES2/AES, 3DES or RC2-40",
                },
                E::UnsupportedMacAlgorithm => {
                    PkiError::Unsupported { path: path.to_owned(), what: "an unsupported MAC algorithm" }
                }
                E::UnsupportedContentType => PkiError::Unsupported {
                    path: path.to_owned(),
                    what: "public-key (not password) integrity mode",
                },
                E::InvalidParameters => PkiError::TooCostly { path: path.to_owned() },
                E::Pkcs5Error(_) | E::UnpadError => PkiError::WrongPassword { path: path.to_owned() },
                other => PkiError::Malformed {
                    path: path.to_owned(),
                    what: "PKCS#12 keystore",
                    detail: other.to_string(),
                },
            },
        )?;
        let mut out = Self::new();
        for (label, entry) in store.entries() {
            let entry = match entry {
                KeyStoreEntry::PrivateKeyChain(chain) => Entry::Personal {
                    key: chain.key().as_der().to_vec(),
                    chain: chain.certs().iter().map(|c| c.as_der().to_vec()).collect(),
                },
                KeyStoreEntry::Certificate(cert) => Entry::Trusted { cert: cert.as_der().to_vec() },
                KeyStoreEntry::Secret(_) => continue,
            };
            out.entries.insert(label.clone(), entry);
        }
        Ok(out)
    }

    /// Reads every `*.pem` file of a directory; the file stem is the label. A file with a
    /// private key is a personal entry, one with certificates only is trusted.
    pub fn from_pem_dir(dir: &Path) -> Result<Self, PkiError> {
        let io = |source| PkiError::Io { path: dir.to_owned(), source };
        let mut out = Self::new();
        let mut paths: Vec<_> =
            std::fs::read_dir(dir).map_err(io)?.filter_map(Result::ok).map(|e| e.path()).collect();
        paths.sort();
        for path in paths.into_iter().filter(|p| p.extension().is_some_and(|e| e == "pem")) {
            let text = std::fs::read(&path).map_err(|source| PkiError::Io { path: path.clone(), source })?;
            let label = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_owned();
            out.entries.insert(label, Self::pem_entry(&text, &path)?);
        }
        Ok(out)
    }

    /// An entry from PEM text: a PKCS#8 / RSA / EC key plus certificates, or certificates.
    pub fn pem_entry(pem: &[u8], path: &Path) -> Result<Entry, PkiError> {
        let malformed =
            |detail: String| PkiError::Malformed { path: path.to_owned(), what: "PEM file", detail };
        let chain: Vec<Vec<u8>> = CertificateDer::pem_slice_iter(pem)
            .map(|c| c.map(|c| c.to_vec()).map_err(|e| malformed(e.to_string())))
            .collect::<Result<_, _>>()?;
        if chain.is_empty() {
            return Err(malformed("no CERTIFICATE block".into()));
        }
        match PrivateKeyDer::from_pem_slice(pem) {
            Ok(PrivateKeyDer::Pkcs8(k)) => Ok(Entry::Personal { key: k.secret_pkcs8_der().to_vec(), chain }),
            Ok(_) => Err(malformed(
                "the key is not PKCS#8; convert it: openssl pkcs8 -topk8 -nocrypt -in key.pem -out key8.pem"
                    .into(),
            )),
            Err(rustls_pki_types::pem::Error::NoItemsFound) if chain.len() == 1 => {
                Ok(Entry::Trusted { cert: chain.into_iter().next().expect("one") })
            }
            Err(rustls_pki_types::pem::Error::NoItemsFound) => {
                Err(malformed("several certificates but no key: add CA certificates one file each".into()))
            }
            Err(e) => Err(malformed(e.to_string())),
        }
    }

    /// Writes the keystore as PKCS#12, owner-only, replacing the file atomically.
    pub fn save_p12(&self, path: &Path, password: &Password) -> Result<(), PkiError> {
        let mut store = KeyStore::new();
        for (label, entry) in &self.entries {
            let bad = |e: p12_keystore::error::Error| PkiError::Malformed {
                path: path.to_owned(),
                what: "keystore entry",
                detail: e.to_string(),
            };
            let entry = match entry {
                Entry::Personal { key, chain } => {
                    let certs = chain
                        .iter()
                        .map(|c| Certificate::from_der(c))
                        .collect::<Result<Vec<_>, _>>()
                        .map_err(bad)?;
                    let key = PrivateKey::from_der(key).map_err(bad)?;
                    let id = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, &chain[0]);
                    KeyStoreEntry::PrivateKeyChain(PrivateKeyChain::new(id.as_ref(), key, certs))
                }
                Entry::Trusted { cert } => {
                    KeyStoreEntry::Certificate(Certificate::from_der(cert).map_err(bad)?)
                }
            };
            store.add_entry(label, entry);
        }
        let bytes = store
            .writer(password.expose())
            .encryption_iterations(100_000)
            .mac_iterations(100_000)
            .write()
            .map_err(|e| PkiError::Malformed {
                path: path.to_owned(),
                what: "keystore",
                detail: e.to_string(),
            })?;
        crate::write_private(path, &bytes)
    }

    /// The labels, sorted.
    pub fn labels(&self) -> impl Iterator<Item = &str> + '_ {
        self.entries.keys().map(String::as_str)
    }

    /// Every entry with its label.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &Entry)> + '_ {
        self.entries.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// The entry with exactly this label (labels are case-sensitive); the error names
    /// the closest label, case-only differences first.
    pub fn get(&self, label: &str) -> Result<&Entry, PkiError> {
        self.entries
            .get(label)
            .ok_or_else(|| PkiError::NoSuchLabel { label: label.to_owned(), closest: self.closest(label) })
    }

    fn closest(&self, label: &str) -> Option<String> {
        if let Some(same) = self.labels().find(|l| l.eq_ignore_ascii_case(label)) {
            return Some(same.to_owned());
        }
        self.labels()
            .map(|l| (strsim::levenshtein(&l.to_ascii_lowercase(), &label.to_ascii_lowercase()), l))
            .filter(|(d, l)| *d <= 2 + l.len() / 4)
            .min()
            .map(|(_, l)| l.to_owned())
    }

    /// Adds an entry under a new label.
    pub fn add(&mut self, label: &str, entry: Entry) -> Result<(), PkiError> {
        check_label(label)?;
        if self.entries.contains_key(label) {
            return Err(PkiError::LabelExists { label: label.to_owned() });
        }
        self.entries.insert(label.to_owned(), entry);
        Ok(())
    }

    /// Removes an entry.
    pub fn delete(&mut self, label: &str) -> Result<Entry, PkiError> {
        self.get(label)?;
        Ok(self.entries.remove(label).expect("checked"))
    }

    /// Every trusted certificate, plus the top of every personal chain that is self-issued
    /// — the anchors chain validation starts from.
    pub fn trusted(&self) -> Vec<&[u8]> {
        self.entries
            .values()
            .filter_map(|e| match e {
                Entry::Trusted { cert } => Some(cert.as_slice()),
                Entry::Personal { .. } => None,
            })
            .collect()
    }
}
/// The longest certificate label: MQ's CERTLABL holds at most 64 characters.
pub const MAX_LABEL: usize = 64;

/// Refuses a label CERTLABL could not name: empty, over [`MAX_LABEL`] characters, or
/// holding a control character (it would be echoed into logs and terminals).
fn check_label(label: &str) -> Result<(), PkiError> {
    let shown = || label.chars().take(MAX_LABEL).flat_map(char::escape_default).collect::<String>();
    let why = if label.is_empty() {
        "a label is required"
    } else if label.chars().count() > MAX_LABEL {
        "MQ's CERTLABL holds at most 64 characters"
    } else if label.chars().any(char::is_control) {
        "a label may not hold control characters"
    } else {
        return Ok(());
    };
    Err(PkiError::BadLabel { label: shown(), why })
}
