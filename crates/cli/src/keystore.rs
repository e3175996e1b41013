//! `mqtls keystore` (runmqakm): create, add a CA, import, list, delete, export, self-sign.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{bail, Context};
use mqtls_cipherspec::{CipherSpecName, KeyType};
use mqtls_pki::{self_signed, CertFacts, Entry, KeyKind, KeySpec, Keystore, Password};

/// Where the password comes from (never logged, never an argument).
#[derive(clap::Args)]
pub(crate) struct Secret {
    /// A stash file holding the password (must be owner-only).
    #[arg(long)]
    stash: Option<PathBuf>,
    /// The environment variable holding the password.
    #[arg(long, default_value = "MQTLS_KEYSTORE_PASSWORD")]
    password_env: String,
}

impl Secret {
    /// The stash file, else the environment variable, else a prompt on a terminal.
    pub(crate) fn password(&self) -> anyhow::Result<Password> {
        if let Some(stash) = &self.stash {
            return Ok(Password::from_stash(stash)?);
        }
        self.entered()
    }

    /// The environment variable, else a prompt on a terminal.
    fn entered(&self) -> anyhow::Result<Password> {
        if let Ok(value) = std::env::var(&self.password_env) {
            return Ok(Password::from_env_value(Some(value))?);
        }
        if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
            return Ok(Password::new(rpassword::prompt_password("Keystore password: ")?)?);
        }
        bail!("no keystore password: give --stash FILE or set {}", self.password_env)
    }
}

/// `mqtls keystore` subcommands.
#[derive(clap::Subcommand)]
pub(crate) enum Cmd {
    /// Create an empty keystore (PKCS#12, owner-only); --stash also writes the stash file.
    Create {
        /// The keystore file.
        keystore: PathBuf,
        #[command(flatten)]
        secret: Secret,
    },
    /// Add a trusted CA certificate (PEM or DER) under a label.
    AddCa {
        /// The keystore file (or PEM directory).
        keystore: PathBuf,
        /// The label.
        label: String,
        /// The CA certificate.
        file: PathBuf,
        #[command(flatten)]
        secret: Secret,
    },
    /// Import a private key and its chain under a label, from PEM (key + certificates) or
    /// from a PKCS#12 file (its only personal entry, or --from-label).
    Import {
        /// The keystore file.
        keystore: PathBuf,
        /// The label (case-sensitive, as CERTLABL names it).
        label: String,
        /// A PEM file with a PKCS#8 key and its certificates, or a .p12 / .pfx file.
        source: PathBuf,
        /// The entry to take from a PKCS#12 source.
        #[arg(long)]
        from_label: Option<String>,
        /// The environment variable holding the PKCS#12 source's password.
        #[arg(long, default_value = "MQTLS_SOURCE_PASSWORD")]
        source_password_env: String,
        #[command(flatten)]
        secret: Secret,
    },
    /// List entries: label, subject, issuer, key, expiry, flags.
    List {
        /// The keystore file (or PEM directory).
        keystore: PathBuf,
        /// Flag personal certificates whose key type does not fit this CipherSpec.
        #[arg(long)]
        cipherspec: Option<String>,
        #[command(flatten)]
        secret: Secret,
    },
    /// Delete an entry.
    Delete {
        /// The keystore file.
        keystore: PathBuf,
        /// The label.
        label: String,
        #[command(flatten)]
        secret: Secret,
    },
    /// Export an entry's certificate (chain) as PEM to standard output.
    Export {
        /// The keystore file (or PEM directory).
        keystore: PathBuf,
        /// The label.
        label: String,
        #[command(flatten)]
        secret: Secret,
    },
    /// Create a self-signed certificate with its key under a label.
    SelfSigned {
        /// The keystore file (created if missing).
        keystore: PathBuf,
        /// The label.
        label: String,
        /// The common name (default: this host's name).
        #[arg(long)]
        cn: Option<String>,
        /// rsa2048, rsa3072, rsa4096, ec256 or ec384.
        #[arg(long, default_value = "ec256")]
        key: String,
        /// Days of validity.
        #[arg(long, default_value_t = 365)]
        days: u32,
        #[command(flatten)]
        secret: Secret,
    },
}

/// The personal entry to import: from PEM, or from a PKCS#12 file.
fn import_source(source: &Path, from_label: Option<&str>, password_env: &str) -> anyhow::Result<Entry> {
    let bytes = std::fs::read(source).with_context(|| format!("reading {}", source.display()))?;
    let entry = if bytes.starts_with(b"-----") {
        Keystore::pem_entry(&bytes, source)?
    } else {
        let password = Password::from_env_value(std::env::var(password_env).ok())
            .with_context(|| format!("set {password_env} to the password of {}", source.display()))?;
        let other = Keystore::from_p12(&bytes, &password, source)?;
        let personal: Vec<&str> =
            other.entries().filter(|(_, e)| matches!(e, Entry::Personal { .. })).map(|(l, _)| l).collect();
        let label = match (from_label, personal.as_slice()) {
            (Some(l), _) => l,
            (None, [only]) => only,
            (None, many) => bail!(
                "{} holds {} personal entries ({}); choose one with --from-label",
                source.display(),
                many.len(),
                many.join(", ")
            ),
        };
        other.get(label)?.clone()
    };
    if !matches!(entry, Entry::Personal { .. }) {
        bail!("{}: no private key; use add-ca for CA certificates", source.display());
    }
    Ok(entry)
}

fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

fn open(path: &Path, secret: &Secret) -> anyhow::Result<(Keystore, Option<Password>)> {
    if path.is_dir() {
        return Ok((Keystore::open(path, None)?, None));
    }
    let password = secret.password()?;
    Ok((Keystore::open(path, Some(&password))?, Some(password)))
}

fn save(path: &Path, ks: &Keystore, password: Option<Password>) -> anyhow::Result<()> {
    match password {
        Some(p) => Ok(ks.save_p12(path, &p)?),
        None => bail!(
            "{}: PEM directories are read-only to mqtls; add files to the directory instead",
            path.display()
        ),
    }
}

fn pem(label: &str, der: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut b64 = String::new();
    for chunk in der.chunks(3) {
        let n = chunk.iter().fold(0u32, |acc, b| acc << 8 | u32::from(*b)) << (8 * (3 - chunk.len()));
        for i in 0..4 {
            b64.push(if i <= chunk.len() {
                char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize])
            } else {
                '='
            });
        }
    }
    let body: Vec<&str> = b64.as_bytes().chunks(64).map(|c| std::str::from_utf8(c).expect("ascii")).collect();
    format!("-----BEGIN {label}-----\n{}\n-----END {label}-----\n", body.join("\n"))
}

pub(crate) fn run(cmd: Cmd) -> anyhow::Result<u8> {
    match cmd {
        Cmd::Create { keystore, secret } => {
            if keystore.exists() {
                bail!("{} exists; delete it first", keystore.display());
            }
            let password = match &secret.stash {
                Some(stash) if !stash.exists() => secret.entered()?,
                _ => secret.password()?,
            };
            Keystore::new().save_p12(&keystore, &password)?;
            println!("created {} (owner-only)", keystore.display());
            if let Some(stash) = secret.stash.as_ref().filter(|s| !s.exists()) {
                password.stash(stash)?;
                println!("stashed its password in {} (owner-only)", stash.display());
            }
        }
        Cmd::AddCa { keystore, label, file, secret } => {
            let (mut ks, password) = open(&keystore, &secret)?;
            let bytes = std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let entry = if bytes.starts_with(b"-----") {
                Keystore::pem_entry(&bytes, &file)?
            } else {
                Entry::Trusted { cert: bytes }
            };
            let Entry::Trusted { cert } = entry else {
                bail!("{}: holds a private key; use import", file.display())
            };
            let facts = CertFacts::from_der(&cert)?;
            if !facts.is_ca {
                eprintln!(
                    "mqtls: warning: '{}' is not a CA certificate (no basicConstraints cA)",
                    facts.subject()
                );
            }
            ks.add(&label, Entry::Trusted { cert })?;
            save(&keystore, &ks, password)?;
            println!("added CA '{}' as '{label}'", facts.subject());
        }
        Cmd::Import { keystore, label, source, from_label, source_password_env, secret } => {
            let (mut ks, password) = open(&keystore, &secret)?;
            let entry = import_source(&source, from_label.as_deref(), &source_password_env)?;
            ks.add(&label, entry)?;
            save(&keystore, &ks, password)?;
            println!("imported '{label}'");
        }
        Cmd::List { keystore, cipherspec, secret } => return list(&keystore, cipherspec.as_deref(), &secret),
        Cmd::Delete { keystore, label, secret } => {
            let (mut ks, password) = open(&keystore, &secret)?;
            ks.delete(&label)?;
            save(&keystore, &ks, password)?;
            println!("deleted '{label}'");
        }
        Cmd::Export { keystore, label, secret } => {
            let (ks, _) = open(&keystore, &secret)?;
            match ks.get(&label)? {
                Entry::Personal { chain, .. } => {
                    chain.iter().for_each(|c| print!("{}", pem("CERTIFICATE", c)))
                }
                Entry::Trusted { cert } => print!("{}", pem("CERTIFICATE", cert)),
            }
        }
        Cmd::SelfSigned { keystore, label, cn, key, days, secret } => {
            let spec = KeySpec::parse(&key).with_context(|| {
                format!(
                    "--key {key}: use rsa2048, rsa3072, rsa4096, ec256 or ec384 \
                         (no P-521: the ring TLS provider can neither sign nor verify it)"
                )
            })?;
            let host = std::fs::read_to_string("/etc/hostname")
                .map(|h| h.trim().to_owned())
                .unwrap_or_else(|_| "localhost".into());
            let cn = cn.unwrap_or_else(|| host.clone());
            let (mut ks, password) = if keystore.exists() {
                open(&keystore, &secret)?
            } else {
                (Keystore::new(), Some(secret.password()?))
            };
            ks.add(
                &label,
                self_signed(
                    spec,
                    &cn,
                    "mqtls",
                    &[cn.clone(), "localhost".into(), "127.0.0.1".into()],
                    now(),
                    days,
                )?,
            )?;
            save(&keystore, &ks, password)?;
            println!("created self-signed '{label}' for CN={cn} ({key}, {days} days)");
        }
    }
    Ok(0)
}

fn list(path: &Path, cipherspec: Option<&str>, secret: &Secret) -> anyhow::Result<u8> {
    let (ks, _) = open(path, secret)?;
    let wanted = cipherspec.map(CipherSpecName::new).map(|c| c.key_type());
    let now = now();
    let mut worst = 0;
    for (label, entry) in ks.entries() {
        let Some(der) = entry.certificate() else { continue };
        let f = CertFacts::from_der(der)?;
        let days = f.days_left(now);
        let mut flags = Vec::new();
        if days < 0 {
            flags.push("EXPIRED".to_owned());
        } else if days < 30 {
            flags.push(format!("expires in {days} days"));
        }
        let cert_type = match f.key {
            KeyKind::Rsa(_) => KeyType::Rsa,
            _ => KeyType::Ec,
        };
        if let (Some(want), Entry::Personal { .. }) = (wanted, entry) {
            if !want.admits(cert_type) {
                flags.push(format!("{} key does not fit {}", f.key, cipherspec.unwrap_or_default()));
            }
        }
        if !flags.is_empty() {
            worst = worst.max(if days < 0 { 20 } else { 10 });
        }
        let kind = if matches!(entry, Entry::Personal { .. }) { "personal" } else { "CA" };
        println!(
            "{label}  [{kind}]\n  subject:   {}\n  issuer:    {}\n  key:       {}\n  not after: {} ({days} days)",
            f.subject(),
            f.names.issuer,
            f.key,
            mqtls_pki::utc(f.not_after)
        );
        for flag in flags {
            println!("  ! {flag}");
        }
    }
    Ok(worst)
}
