//! OCSP: build the request, send it over HTTP, verify the response fully (signature by
//! the issuer or a delegated responder with the OCSP-signing EKU, CertID match, nonce,
//! thisUpdate / nextUpdate with clock skew), cache good and revoked answers until
//! nextUpdate, and decide per OCSPAuthentication what unknown or unreachable means.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use ring::digest::{digest, SHA1_FOR_LEGACY_USE_ONLY};
use rustls_pki_types::CertificateDer;
use webpki::{anchor_from_trusted_cert, EndEntityCert, KeyUsage};
use x509_parser::prelude::{GeneralName, ParsedExtension, X509Certificate};

use crate::der::{bad, oid, tag, tlv};
use crate::error::PkiError;

const SHA1: &str = "1.3.14.3.2.26";
const NONCE: &str = "1.3.6.1.5.5.7.48.1.2";
const BASIC: &str = "1.3.6.1.5.5.7.48.1.1";
const OCSP_SIGNING: &[u8] = &[0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x09];
/// Largest response read (hostile-input bound).
const MAX_RESPONSE: u64 = 64 * 1024;

/// What MQ's OCSPAuthentication setting makes of an unknown status or no answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OcspAuthentication {
    /// Refuse the channel (MQ's default).
    Required,
    /// Admit it and log a warning.
    Warn,
    /// Admit it.
    Optional,
}

/// A certificate's status as the responder states it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CertStatus {
    /// Not revoked.
    Good,
    /// Revoked at this time.
    Revoked {
        /// When, seconds since the epoch.
        at: i64,
    },
    /// The responder does not know the certificate.
    Unknown,
}

/// The outcome of one check, for the channel layer to show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OcspDecision {
    /// The verified status, if an answer was obtained.
    pub status: Option<CertStatus>,
    /// Whether the channel may proceed.
    pub admitted: bool,
    /// One line: what happened.
    pub why: String,
    /// Whether the answer came from the cache.
    pub cached: bool,
}

/// An OCSP client with a cache and bounded timeouts.
#[derive(Debug)]
pub struct OcspClient {
    timeout: Duration,
    skew: i64,
    cache: Mutex<HashMap<CacheKey, (CertStatus, i64)>>,
}

/// Issuer key hash and serial: what identifies a certificate to its responder.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct CacheKey(Vec<u8>, Vec<u8>);

impl Default for OcspClient {
    /// Five-second timeouts and five minutes of clock-skew allowance.
    fn default() -> Self {
        Self { timeout: Duration::from_secs(5), skew: 300, cache: Mutex::new(HashMap::new()) }
    }
}

/// The responder URL: AUTHINFO's OCSPURL first, else the certificate's AIA when allowed.
pub fn responder_url(cert: &[u8], authinfo_url: Option<&str>, use_aia: bool) -> Option<String> {
    if let Some(url) = authinfo_url.filter(|u| !u.trim().is_empty()) {
        return Some(url.trim().to_owned());
    }
    if !use_aia {
        return None;
    }
    let (_, cert) = x509_parser::parse_x509_certificate(cert).ok()?;
    cert.extensions().iter().find_map(|ext| match ext.parsed_extension() {
        ParsedExtension::AuthorityInfoAccess(aia) => aia.accessdescs.iter().find_map(|d| {
            match (&d.access_location, d.access_method.to_id_string().as_str()) {
                (GeneralName::URI(uri), "1.3.6.1.5.5.7.48.1") => Some((*uri).to_owned()),
                _ => None,
            }
        }),
        _ => None,
    })
}

/// The CertID of `cert` issued by `issuer`: (DER, issuer key hash, serial).
fn cert_id(cert: &X509Certificate<'_>, issuer: &X509Certificate<'_>) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    let name_hash = digest(&SHA1_FOR_LEGACY_USE_ONLY, cert.issuer().as_raw());
    let key_hash = digest(&SHA1_FOR_LEGACY_USE_ONLY, &issuer.public_key().subject_public_key.data);
    let alg = tlv(tag::SEQUENCE, &[oid(SHA1), tlv(tag::NULL, &[])].concat());
    let der = tlv(
        tag::SEQUENCE,
        &[
            alg,
            tlv(tag::OCTET_STRING, name_hash.as_ref()),
            tlv(tag::OCTET_STRING, key_hash.as_ref()),
            tlv(tag::INTEGER, cert.raw_serial()),
        ]
        .concat(),
    );
    (der, key_hash.as_ref().to_vec(), cert.raw_serial().to_vec())
}

/// Builds an OCSPRequest for one certificate, with a nonce extension.
pub fn request(cert: &[u8], issuer: &[u8], nonce: &[u8]) -> Result<Vec<u8>, PkiError> {
    let (c, i) = parse_pair(cert, issuer)?;
    let (id, ..) = cert_id(&c, &i);
    // OCSPRequest { TBSRequest { requestList { Request { CertID } }, [2] { Extensions } } }
    let request_list = tlv(tag::SEQUENCE, &tlv(tag::SEQUENCE, &id));
    let nonce_ext =
        tlv(tag::SEQUENCE, &[oid(NONCE), tlv(tag::OCTET_STRING, &tlv(tag::OCTET_STRING, nonce))].concat());
    let exts = tlv(0xA2, &tlv(tag::SEQUENCE, &nonce_ext));
    Ok(tlv(tag::SEQUENCE, &tlv(tag::SEQUENCE, &[request_list, exts].concat())))
}

fn parse_pair<'a>(
    cert: &'a [u8],
    issuer: &'a [u8],
) -> Result<(X509Certificate<'a>, X509Certificate<'a>), PkiError> {
    let parse = |der: &'a [u8]| {
        x509_parser::parse_x509_certificate(der).map(|(_, c)| c).map_err(|e| PkiError::Malformed {
            path: "certificate".into(),
            what: "X.509 certificate",
            detail: e.to_string(),
        })
    };
    Ok((parse(cert)?, parse(issuer)?))
}

#[path = "ocsp_response.rs"]
mod response;
pub use response::verify_response;

impl OcspClient {
    /// A client with the given network timeout and clock-skew allowance (seconds).
    pub fn new(timeout: Duration, skew: i64) -> Self {
        Self { timeout, skew, cache: Mutex::new(HashMap::new()) }
    }

    /// Checks `cert` (issued by `issuer`) at `url`, at time `now`, and decides.
    pub fn check(
        &self,
        cert: &[u8],
        issuer: &[u8],
        url: &str,
        policy: OcspAuthentication,
        now: i64,
    ) -> OcspDecision {
        let key = match parse_pair(cert, issuer) {
            Ok((c, i)) => {
                let (_, key_hash, serial) = cert_id(&c, &i);
                CacheKey(key_hash, serial)
            }
            Err(e) => return self.unanswered(policy, format!("cannot build the request: {e}")),
        };
        if let Some((status, until)) = self.cache.lock().expect("cache lock").get(&key).copied() {
            if now < until {
                return decide(Some(status), policy, "cached answer".into(), true);
            }
        }
        let nonce: [u8; 16] = rand::random();
        let answer = request(cert, issuer, &nonce)
            .and_then(|body| self.post(url, &body))
            .and_then(|bytes| verify_response(&bytes, cert, issuer, Some(&nonce), now, self.skew));
        match answer {
            Ok((status, next_update)) => {
                if status != CertStatus::Unknown {
                    let until = next_update.unwrap_or(now);
                    self.cache.lock().expect("cache lock").insert(key, (status, until));
                }
                let d = decide(Some(status), policy, format!("answer from {url}"), false);
                tracing::info!(%url, status = ?status, admitted = d.admitted, "OCSP");
                d
            }
            Err(e @ PkiError::Network { .. }) => self.unanswered(policy, e.to_string()),
            Err(e) => self.unanswered(policy, format!("{url}: {e}")),
        }
    }

    fn unanswered(&self, policy: OcspAuthentication, why: String) -> OcspDecision {
        tracing::warn!(%why, ?policy, "OCSP gave no usable answer");
        decide(None, policy, why, false)
    }

    fn post(&self, url: &str, body: &[u8]) -> Result<Vec<u8>, PkiError> {
        crate::http::post(url, "application/ocsp-request", body, self.timeout, MAX_RESPONSE)
    }
}

fn decide(
    status: Option<CertStatus>,
    policy: OcspAuthentication,
    context: String,
    cached: bool,
) -> OcspDecision {
    let (admitted, why) = match (status, policy) {
        (Some(CertStatus::Good), _) => (true, format!("good ({context})")),
        (Some(CertStatus::Revoked { at }), _) => (false, format!("revoked at {} ({context})", crate::utc(at))),
        (_, OcspAuthentication::Required) => {
            (false, format!("status unknown and OCSPAuthentication is REQUIRED ({context}); set WARN or OPTIONAL to admit, or fix the responder"))
        }
        (_, OcspAuthentication::Warn) => (true, format!("status unknown, admitted with a warning: OCSPAuthentication is WARN ({context})")),
        (_, OcspAuthentication::Optional) => (true, format!("status unknown, admitted: OCSPAuthentication is OPTIONAL ({context})")),
    };
    OcspDecision { status, admitted, why, cached }
}

/// Checks that `responder` is authorised by `issuer` to sign OCSP answers: issued by it,
/// with the OCSP-signing extended key usage.
pub(crate) fn delegated(responder: &[u8], issuer: &[u8], now: i64) -> bool {
    let issuer_der = CertificateDer::from(issuer);
    let Ok(anchor) = anchor_from_trusted_cert(&issuer_der) else { return false };
    let responder_der = CertificateDer::from(responder);
    let Ok(ee) = EndEntityCert::try_from(&responder_der) else { return false };
    let time = rustls_pki_types::UnixTime::since_unix_epoch(Duration::from_secs(now.max(0) as u64));
    ee.verify_for_usage(
        webpki::ALL_VERIFICATION_ALGS,
        &[anchor],
        &[],
        time,
        KeyUsage::required(OCSP_SIGNING),
        None,
        None,
    )
    .is_ok()
}

pub(crate) fn malformed(detail: &str) -> PkiError {
    bad(detail)
}

/// The SHA-1 OID and basic-response OID, for the response reader.
pub(crate) const OIDS: (&str, &str, &str) = (SHA1, NONCE, BASIC);
