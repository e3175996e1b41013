//! Chain validation with rustls-webpki against a trust store, with CRLs: expiry, CA
//! constraints, path length, key usage and extended key usage for the role, unknown
//! critical extensions, revocation. Errors name the failing certificate and say why.

use rustls_pki_types::{CertificateDer, CertificateRevocationListDer, UnixTime};
use webpki::{
    anchor_from_trusted_cert, CertRevocationList, EndEntityCert, KeyUsage, OwnedCertRevocationList,
    RevocationCheckDepth, RevocationOptionsBuilder, UnknownStatusPolicy,
};

use crate::error::PkiError;
use crate::facts::CertFacts;

/// Which side of a channel the certificate authenticates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// The queue manager's listener (needs serverAuth when an EKU is present).
    Server,
    /// The connecting partner (needs clientAuth when an EKU is present).
    Client,
}

/// What to do when no CRL covers a certificate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnknownStatus {
    /// Accept it (MQ's behaviour when no CRL is configured for an issuer).
    Allow,
    /// Refuse it.
    Deny,
}

/// Parsed CRLs to check chains against.
#[derive(Debug, Default)]
pub struct Crls(Vec<CertRevocationList<'static>>);

impl Crls {
    /// Reads CRLs, each PEM (`X509 CRL` blocks) or DER.
    pub fn parse(files: &[(String, Vec<u8>)]) -> Result<Self, PkiError> {
        use rustls_pki_types::pem::PemObject;
        let mut out = Vec::new();
        for (name, bytes) in files {
            let ders: Vec<Vec<u8>> = if bytes.starts_with(b"-----") {
                CertificateRevocationListDer::pem_slice_iter(bytes)
                    .map(|c| c.map(|c| c.to_vec()))
                    .collect::<Result<_, _>>()
                    .map_err(|e| malformed(name, e.to_string()))?
            } else {
                vec![bytes.clone()]
            };
            for der in ders {
                let crl =
                    OwnedCertRevocationList::from_der(&der).map_err(|e| malformed(name, format!("{e:?}")))?;
                out.push(CertRevocationList::Owned(crl));
            }
        }
        Ok(Self(out))
    }

    /// Fetches the CRLs named by the HTTP distribution points (CRLDistributionPoints) of
    /// every certificate in `chain` (MQ's CDPCheckExtensions=YES) and adds them.
    pub fn fetch_distribution_points(
        &mut self,
        chain: &[Vec<u8>],
        timeout: std::time::Duration,
    ) -> Result<Vec<String>, PkiError> {
        let mut fetched = Vec::new();
        for der in chain {
            for url in distribution_points(der) {
                if fetched.contains(&url) {
                    continue;
                }
                let bytes = fetch(&url, timeout)?;
                let more = Self::parse(&[(url.clone(), bytes)])?;
                self.0.extend(more.0);
                tracing::info!(%url, "fetched CRL");
                fetched.push(url);
            }
        }
        Ok(fetched)
    }

    /// How many CRLs are held.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether no CRL is held.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether any CRL lists this certificate's serial (issued by the CRL's issuer).
    pub fn revokes(&self, der: &[u8]) -> bool {
        let Ok((_, cert)) = x509_parser::parse_x509_certificate(der) else { return false };
        self.0.iter().any(|crl| {
            // webpki holds the issuer Name without its SEQUENCE header; x509-parser with it.
            let issuer = cert.issuer().as_raw();
            let same = issuer == crl.issuer()
                || (issuer.len() > crl.issuer().len() && issuer.ends_with(crl.issuer()));
            same && crl.find_serial(cert.raw_serial()).ok().flatten().is_some()
        })
    }
}

/// The HTTP URLs of a certificate's CRL distribution points.
pub fn distribution_points(der: &[u8]) -> Vec<String> {
    use x509_parser::extensions::{DistributionPointName, GeneralName, ParsedExtension};
    let Ok((_, cert)) = x509_parser::parse_x509_certificate(der) else { return Vec::new() };
    let mut urls = Vec::new();
    for ext in cert.extensions() {
        if let ParsedExtension::CRLDistributionPoints(points) = ext.parsed_extension() {
            for point in points.iter() {
                if let Some(DistributionPointName::FullName(names)) = &point.distribution_point {
                    for name in names {
                        if let GeneralName::URI(uri) = name {
                            if uri.starts_with("http://") {
                                urls.push((*uri).to_owned());
                            }
                        }
                    }
                }
            }
        }
    }
    urls
}

/// Largest CRL fetched (hostile-input bound).
const MAX_CRL: u64 = 10 << 20;

fn fetch(url: &str, timeout: std::time::Duration) -> Result<Vec<u8>, PkiError> {
    crate::http::get(url, timeout, MAX_CRL)
}

fn malformed(name: &str, detail: String) -> PkiError {
    PkiError::Malformed { path: name.into(), what: "certificate revocation list", detail }
}

/// Validates `chain` (end entity first, then any intermediates) for `role` at `now`
/// (seconds since the epoch) against `anchors`, checking `crls` down the whole chain.
/// Returns the facts of each certificate of the verified path, end entity first.
pub fn validate(
    chain: &[Vec<u8>],
    anchors: &[&[u8]],
    role: Role,
    now: i64,
    crls: &Crls,
    unknown: UnknownStatus,
) -> Result<Vec<CertFacts>, PkiError> {
    let ee_der = chain.first().ok_or_else(|| PkiError::Invalid {
        subject: "(none)".into(),
        reason: "no certificate was presented".into(),
    })?;
    let facts: Vec<CertFacts> = chain.iter().map(|c| CertFacts::from_der(c)).collect::<Result<_, _>>()?;
    let subject = facts[0].subject().to_string();
    let invalid = |reason: String| PkiError::Invalid { subject: subject.clone(), reason };
    let ee_cert = CertificateDer::from(ee_der.as_slice());
    let ee = EndEntityCert::try_from(&ee_cert).map_err(|e| invalid(format!("cannot be parsed: {e:?}")))?;
    let anchor_ders: Vec<CertificateDer<'_>> = anchors.iter().map(|a| CertificateDer::from(*a)).collect();
    let anchors_parsed = anchor_ders
        .iter()
        .map(|a| anchor_from_trusted_cert(a).map(|t| t.to_owned()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| invalid(format!("a trust-store certificate cannot be used as an anchor: {e:?}")))?;
    let intermediates: Vec<CertificateDer<'_>> =
        chain[1..].iter().map(|c| CertificateDer::from(c.as_slice())).collect();
    let crl_refs: Vec<&CertRevocationList<'_>> = crls.0.iter().collect();
    let revocation = RevocationOptionsBuilder::new(&crl_refs).ok().map(|b| {
        b.with_depth(RevocationCheckDepth::Chain)
            .with_status_policy(match unknown {
                UnknownStatus::Allow => UnknownStatusPolicy::Allow,
                UnknownStatus::Deny => UnknownStatusPolicy::Deny,
            })
            .build()
    });
    let usage = match role {
        Role::Server => KeyUsage::server_auth(),
        Role::Client => KeyUsage::client_auth(),
    };
    let time = UnixTime::since_unix_epoch(std::time::Duration::from_secs(now.max(0) as u64));
    let verified = ee.verify_for_usage(
        webpki::ALL_VERIFICATION_ALGS,
        &anchors_parsed,
        &intermediates,
        time,
        usage,
        revocation,
        None,
    );
    let path = match verified {
        Ok(path) => path,
        // webpki's errors do not say which certificate failed: name expired,
        // not-yet-valid and revoked ones ourselves before falling back to its reason.
        Err(e) => {
            return Err(
                diagnose(chain, &facts, now, crls).unwrap_or_else(|| invalid(reason(&e, &facts[0], role)))
            )
        }
    };
    // The path's intermediates are among the presented certificates: reuse their facts.
    let mut on_path = vec![facts[0].clone()];
    for cert in path.intermediate_certificates() {
        let der = cert.der();
        match chain.iter().position(|c| c.as_slice() == der.as_ref()) {
            Some(i) => on_path.push(facts[i].clone()),
            None => on_path.push(CertFacts::from_der(&der)?),
        }
    }
    // The trust-store certificate the path ends at must itself be within its validity.
    let top = on_path.last().expect("the end entity");
    if let Some(anchor) = anchors
        .iter()
        .filter_map(|a| CertFacts::from_der(a).ok())
        .find(|a| a.names.subject == top.names.issuer)
    {
        if now > anchor.not_after {
            return Err(PkiError::Invalid {
                subject: anchor.subject().to_string(),
                reason: format!(
                    "trust-store CA expired at {} (notAfter); replace it in the keystore",
                    utc(anchor.not_after)
                ),
            });
        }
    }
    Ok(on_path)
}

/// The first presented certificate that is expired, not yet valid, or revoked.
fn diagnose(chain: &[Vec<u8>], facts: &[CertFacts], now: i64, crls: &Crls) -> Option<PkiError> {
    facts.iter().zip(chain).find_map(|(f, der)| {
        let subject = f.subject().to_string();
        let reason = if now > f.not_after {
            format!("expired at {} (notAfter); renew it", utc(f.not_after))
        } else if now < f.not_before {
            format!("not valid before {} (notBefore); check the clocks", utc(f.not_before))
        } else if crls.revokes(der) {
            "revoked: its serial is on the issuer's CRL".to_owned()
        } else {
            return None;
        };
        Some(PkiError::Invalid { subject, reason })
    })
}

fn reason(e: &webpki::Error, ee: &CertFacts, role: Role) -> String {
    use webpki::Error as E;
    match e {
        E::UnknownIssuer => format!(
            "issued by '{}', which is not in the trust store: add that CA certificate (mqtls keystore add-ca)",
            ee.names.issuer
        ),
        E::CaUsedAsEndEntity => "is a CA certificate, presented as an end entity".into(),
        E::EndEntityUsedAsCa => "an end-entity certificate was used to issue another".into(),
        E::PathLenConstraintViolated => "the chain is longer than a CA's pathLenConstraint allows".into(),
        E::UnsupportedCriticalExtension => "has a critical extension the validator does not know".into(),
        E::RequiredEkuNotFoundContext(_) => format!(
            "its extended key usage does not allow {}",
            if role == Role::Server { "serverAuth (a listener's certificate)" } else { "clientAuth (a partner's certificate)" }
        ),
        E::CertRevoked => "revoked: a certificate of its chain is on a CRL".into(),
        E::UnknownRevocationStatus => "no CRL covers it and unknown status is refused".into(),
        E::InvalidSignatureForPublicKey => {
            "its signature does not verify with the issuer's key".into()
        }
        other => format!("{other:?}"),
    }
}

/// Seconds since the epoch as `YYYY-MM-DD HH:MM:SS UTC`.
pub fn utc(secs: i64) -> String {
    let (y, m, d, h, mi, s) = mqtls_dn::civil::from_unix(secs);
    format!("{y:04}-{m:02}-{d:02} {h:02}:{mi:02}:{s:02} UTC")
}
