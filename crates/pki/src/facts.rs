//! What the rest of the engine needs to know about a certificate.

use mqtls_dn::{CertNames, Dn};
use x509_parser::prelude::{FromDer, GeneralName, ParsedExtension, X509Certificate};
use x509_parser::public_key::PublicKey;

use crate::error::PkiError;

/// The certificate's public key type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyKind {
    /// RSA, with its modulus size in bits.
    Rsa(usize),
    /// EC on a named curve (`P-256`, `P-384`, `P-521`).
    Ec(&'static str),
    /// Ed25519.
    Ed25519,
    /// Anything else.
    Other,
}

impl std::fmt::Display for KeyKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Rsa(bits) => write!(f, "RSA {bits}"),
            Self::Ec(curve) => write!(f, "EC {curve}"),
            Self::Ed25519 => f.write_str("Ed25519"),
            Self::Other => f.write_str("other"),
        }
    }
}

/// Facts about one certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertFacts {
    /// Subject, issuer and serial as MQ shows them.
    pub names: CertNames,
    /// Public key type and size.
    pub key: KeyKind,
    /// Signature algorithm OID.
    pub signature_algorithm: String,
    /// notBefore, seconds since the epoch.
    pub not_before: i64,
    /// notAfter, seconds since the epoch.
    pub not_after: i64,
    /// DNS names and IP addresses from subjectAltName.
    pub sans: Vec<String>,
    /// Whether it is a CA (basicConstraints cA).
    pub is_ca: bool,
    /// SHA-256 fingerprint, uppercase hex pairs joined by `:`.
    pub fingerprint: String,
}

impl CertFacts {
    /// Reads a DER certificate.
    pub fn from_der(der: &[u8]) -> Result<Self, PkiError> {
        let malformed = |detail: String| PkiError::Malformed {
            path: "certificate".into(),
            what: "X.509 certificate",
            detail,
        };
        let (_, cert) = X509Certificate::from_der(der).map_err(|e| malformed(e.to_string()))?;
        let names = CertNames::from_der(der).map_err(|e| malformed(e.to_string()))?;
        let key = match cert.public_key().parsed() {
            Ok(PublicKey::RSA(rsa)) => KeyKind::Rsa(rsa.key_size()),
            Ok(PublicKey::EC(_)) => {
                let curve = cert
                    .public_key()
                    .algorithm
                    .parameters
                    .as_ref()
                    .and_then(|p| p.as_oid().ok())
                    .map(|o| o.to_id_string());
                KeyKind::Ec(match curve.as_deref() {
                    Some("1.2.840.10045.3.1.7") => "P-256",
                    Some("1.3.132.0.34") => "P-384",
                    Some("1.3.132.0.35") => "P-521",
                    _ => "unknown curve",
                })
            }
            _ if cert.public_key().algorithm.algorithm.to_id_string() == "1.3.101.112" => KeyKind::Ed25519,
            _ => KeyKind::Other,
        };
        let mut sans = Vec::new();
        let mut is_ca = false;
        for ext in cert.extensions() {
            match ext.parsed_extension() {
                ParsedExtension::SubjectAlternativeName(san) => {
                    for name in &san.general_names {
                        match name {
                            GeneralName::DNSName(d) => sans.push((*d).to_owned()),
                            GeneralName::IPAddress(ip) => sans.push(ip_text(ip)),
                            _ => {}
                        }
                    }
                }
                ParsedExtension::BasicConstraints(bc) => is_ca = bc.ca,
                _ => {}
            }
        }
        let digest = ring::digest::digest(&ring::digest::SHA256, der);
        Ok(Self {
            names,
            key,
            signature_algorithm: cert.signature_algorithm.algorithm.to_id_string(),
            not_before: cert.validity().not_before.timestamp(),
            not_after: cert.validity().not_after.timestamp(),
            sans,
            is_ca,
            fingerprint: digest.as_ref().iter().map(|b| format!("{b:02X}")).collect::<Vec<_>>().join(":"),
        })
    }

    /// The subject DN.
    pub fn subject(&self) -> &Dn {
        &self.names.subject
    }

    /// Whole days until notAfter at `now` (negative once expired).
    pub fn days_left(&self, now: i64) -> i64 {
        (self.not_after - now).div_euclid(86_400)
    }
}

fn ip_text(bytes: &[u8]) -> String {
    match bytes.len() {
        4 => std::net::Ipv4Addr::new(bytes[0], bytes[1], bytes[2], bytes[3]).to_string(),
        16 => {
            let mut a = [0u8; 16];
            a.copy_from_slice(bytes);
            std::net::Ipv6Addr::from(a).to_string()
        }
        _ => bytes.iter().map(|b| format!("{b:02x}")).collect(),
    }
}
