//! Certificates made here, for a quick start and for the demo: a self-signed site
//! certificate, or a small CA that issues leaves. RSA 2048-4096 or EC P-256 / P-384.

use rcgen::{BasicConstraints, CertificateParams, DistinguishedName, DnType, IsCa, KeyPair, SanType};

use crate::error::PkiError;
use crate::keystore::Entry;

/// The key to generate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeySpec {
    /// RSA with this many bits (2048 to 4096).
    Rsa(usize),
    /// ECDSA on P-256.
    EcP256,
    /// ECDSA on P-384.
    EcP384,
}

impl KeySpec {
    /// Parses `rsa2048`, `rsa3072`, `rsa4096`, `ec256`/`p256`, `ec384`/`p384`.
    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().as_str() {
            "rsa" | "rsa2048" => Some(Self::Rsa(2048)),
            "rsa3072" => Some(Self::Rsa(3072)),
            "rsa4096" => Some(Self::Rsa(4096)),
            "ec" | "ec256" | "p256" | "p-256" => Some(Self::EcP256),
            "ec384" | "p384" | "p-384" => Some(Self::EcP384),
            _ => None,
        }
    }
}

/// Makes a self-signed certificate with `cn` as CN and `sans` as DNS / IP subjectAltNames,
/// valid for `days` from `now` (seconds since the epoch).
pub fn self_signed(
    key: KeySpec,
    cn: &str,
    org: &str,
    sans: &[String],
    now: i64,
    days: u32,
) -> Result<Entry, PkiError> {
    let pair = key_pair(key)?;
    let params = leaf_params(cn, org, sans, now, days)?;
    let cert = params.self_signed(&pair).map_err(fail)?;
    Ok(Entry::Personal { key: pair.serialize_der(), chain: vec![cert.der().to_vec()] })
}

/// A certificate authority that issues leaves (a demo or test PKI, not a production CA:
/// no serial tracking, no revocation).
pub struct CertAuthority {
    pair: KeyPair,
    cert: rcgen::Certificate,
}

impl std::fmt::Debug for CertAuthority {
    /// Never shows the key.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CertAuthority")
            .field("certificate_len", &self.cert.der().len())
            .finish_non_exhaustive()
    }
}

impl CertAuthority {
    /// A self-signed CA named `cn`, `org`, valid for `days` from `now`.
    pub fn new(key: KeySpec, cn: &str, org: &str, now: i64, days: u32) -> Result<Self, PkiError> {
        let pair = key_pair(key)?;
        let mut params = leaf_params(cn, org, &[], now, days)?;
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.extended_key_usages = Vec::new();
        params.key_usages = vec![rcgen::KeyUsagePurpose::KeyCertSign, rcgen::KeyUsagePurpose::CrlSign];
        let cert = params.self_signed(&pair).map_err(fail)?;
        Ok(Self { pair, cert })
    }

    /// The CA certificate (DER), for a keystore's trusted entries.
    pub fn certificate(&self) -> &[u8] {
        self.cert.der()
    }

    /// A leaf for server and client authentication, chain leaf first then this CA.
    pub fn issue(
        &self,
        key: KeySpec,
        cn: &str,
        org: &str,
        sans: &[String],
        now: i64,
        days: u32,
    ) -> Result<Entry, PkiError> {
        let pair = key_pair(key)?;
        let params = leaf_params(cn, org, sans, now, days)?;
        let cert = params.signed_by(&pair, &self.cert, &self.pair).map_err(fail)?;
        Ok(Entry::Personal {
            key: pair.serialize_der(),
            chain: vec![cert.der().to_vec(), self.cert.der().to_vec()],
        })
    }
}

fn fail(e: impl ToString) -> PkiError {
    PkiError::Generate(e.to_string())
}

fn key_pair(key: KeySpec) -> Result<KeyPair, PkiError> {
    match key {
        KeySpec::Rsa(bits) if (2048..=4096).contains(&bits) => {
            use rsa::pkcs8::EncodePrivateKey;
            let private = rsa::RsaPrivateKey::new(&mut rand::thread_rng(), bits).map_err(fail)?;
            let der = private.to_pkcs8_der().map_err(fail)?;
            let der = rustls_pki_types::PrivatePkcs8KeyDer::from(der.as_bytes().to_vec());
            KeyPair::from_pkcs8_der_and_sign_algo(&der, &rcgen::PKCS_RSA_SHA256).map_err(fail)
        }
        KeySpec::Rsa(bits) => Err(fail(format!("RSA keys must be 2048 to 4096 bits, not {bits}"))),
        KeySpec::EcP256 => KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).map_err(fail),
        KeySpec::EcP384 => KeyPair::generate_for(&rcgen::PKCS_ECDSA_P384_SHA384).map_err(fail),
    }
}

fn leaf_params(
    cn: &str,
    org: &str,
    sans: &[String],
    now: i64,
    days: u32,
) -> Result<CertificateParams, PkiError> {
    let mut params = CertificateParams::default();
    // DER order is root first: O, then CN, so the DN reads CN=...,O=... as MQ shows it.
    let mut dn = DistinguishedName::new();
    if !org.is_empty() {
        dn.push(DnType::OrganizationName, org);
    }
    dn.push(DnType::CommonName, cn);
    params.distinguished_name = dn;
    params.subject_alt_names = sans
        .iter()
        .map(|s| match s.parse::<std::net::IpAddr>() {
            Ok(ip) => Ok(SanType::IpAddress(ip)),
            Err(_) => s.clone().try_into().map(SanType::DnsName).map_err(fail),
        })
        .collect::<Result<_, _>>()?;
    let start = time::OffsetDateTime::from_unix_timestamp(now).map_err(fail)?;
    params.not_before = start - time::Duration::minutes(5);
    params.not_after = start + time::Duration::days(i64::from(days));
    params.extended_key_usages =
        vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth, rcgen::ExtendedKeyUsagePurpose::ClientAuth];
    params.key_usages =
        vec![rcgen::KeyUsagePurpose::DigitalSignature, rcgen::KeyUsagePurpose::KeyEncipherment];
    Ok(params)
}
