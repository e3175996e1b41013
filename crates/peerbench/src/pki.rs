//! One test PKI for every peer: a CA, the servers' certificates and the client's, EC
//! P-256 (made with the openssl command line, as the project's tests make theirs), in the
//! forms each peer reads: PEM files, PKCS#12 and Java truststores for ActiveMQ, rustls
//! configurations for the Rust clients.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// The password of the PKCS#12 files and truststores (a throw-away PKI).
pub(crate) const PASSWORD: &str = "peerbench";

/// Where the PKI's files are.
#[derive(Clone, Debug)]
pub(crate) struct Pki {
    /// The directory holding them.
    pub(crate) dir: PathBuf,
}

impl Pki {
    /// Makes the CA, `qm1` (mqtls's queue manager), `server` (the other peers) and
    /// `app1` (the client) under `dir`, with `server.p12` and `trust.p12` for Java.
    pub(crate) fn create(dir: &Path) -> Result<Self> {
        for name in ["qm1", "server", "app1"] {
            mqtls_test_support::ca_and_leaf(dir, name, "ec");
        }
        let pass = format!("pass:{PASSWORD}");
        mqtls_test_support::openssl(
            dir,
            &[
                "pkcs12",
                "-export",
                "-in",
                "server.pem",
                "-inkey",
                "server.key",
                "-out",
                "server.p12",
                "-name",
                "server",
                "-passout",
                &pass,
            ],
        );
        mqtls_test_support::openssl(
            dir,
            &[
                "pkcs12", "-export", "-in", "app1.pem", "-inkey", "app1.key", "-out", "app1.p12", "-name",
                "app1", "-passout", &pass,
            ],
        );
        let _ = std::fs::remove_file(dir.join("trust.p12"));
        mqtls_test_support::run(
            dir,
            "keytool",
            &[
                "-importcert",
                "-noprompt",
                "-storetype",
                "PKCS12",
                "-keystore",
                "trust.p12",
                "-storepass",
                PASSWORD,
                "-alias",
                "ca",
                "-file",
                "ca.pem",
            ],
        );
        Ok(Self { dir: dir.to_owned() })
    }

    /// A file of the PKI.
    pub(crate) fn file(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// A file of the PKI as configuration files name it.
    pub(crate) fn path(&self, name: &str) -> String {
        self.file(name).to_string_lossy().into_owned()
    }

    /// A rustls client configuration trusting the CA and presenting `app1`.
    pub(crate) fn client_config(&self) -> Result<rustls::ClientConfig> {
        let mut roots = rustls::RootCertStore::empty();
        for cert in CertificateDer::pem_file_iter(self.file("ca.pem")).context("ca.pem")? {
            roots.add(cert?)?;
        }
        let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(self.file("app1.pem"))
            .context("app1.pem")?
            .collect::<Result<_, _>>()?;
        let key = PrivateKeyDer::from_pem_file(self.file("app1.key")).context("app1.key")?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        Ok(rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .with_root_certificates(roots)
            .with_client_auth_cert(chain, key)?)
    }
}
