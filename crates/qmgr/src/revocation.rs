//! Revocation at channel start, as MQ configures it: the queue manager's SSLCRLNL names a
//! NAMELIST of AUTHINFO objects; each AUTHTYPE(OCSP) one gives a responder (OCSPURL).
//! The partner's certificate is checked with the shared `OcspClient` (cache, nonce, full
//! response verification) under OCSPAuthentication REQUIRED: revoked or unanswered
//! refuses. CRLLDAP objects need LDAP, which mqtls does not speak: they are named in the
//! refusal rather than skipped silently. With CDPCheckExtensions (qm.ini SSL stanza), the
//! CRLs named by the CRL distribution points of the partner's certificates are fetched
//! (HTTP, bounded in time and size) and a listed certificate is refused with 2401.

use mqtls_channel::reason;
use mqtls_dn::CertNames;
use mqtls_model::{ObjectType, Store, Value};
use mqtls_pki::{CertStatus, Crls, OcspAuthentication, OcspClient};

/// What the queue manager's SSLCRLNL asks for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Revocation {
    /// OCSP responder URLs, in namelist order.
    pub ocsp: Vec<String>,
    /// AUTHINFO objects that cannot be honoured (CRLLDAP, missing), with why.
    pub unsupported: Vec<String>,
    /// CDPCheckExtensions=YES: check the CRLs of the certificates' distribution points.
    pub cdp: bool,
}

impl Revocation {
    /// Whether anything is to be checked.
    pub fn is_empty(&self) -> bool {
        self.ocsp.is_empty() && self.unsupported.is_empty() && !self.cdp
    }
}

/// Reads SSLCRLNL → NAMELIST → AUTHINFO from the definitions.
pub fn configured(store: &Store) -> Revocation {
    let mut out = Revocation::default();
    let list = store.qmgr().str("SSLCRLNL");
    if list.is_empty() {
        return out;
    }
    let Some(namelist) = store.get(ObjectType::Namelist, &list) else {
        out.unsupported.push(format!("SSLCRLNL names NAMELIST({list}), which is not defined"));
        return out;
    };
    let names = match namelist.get("NAMES") {
        Some(Value::List(names)) => names,
        _ => Vec::new(),
    };
    for name in names {
        match store.get(ObjectType::Authinfo, &name) {
            Some(info) if info.str("AUTHTYPE") == "OCSP" => out.ocsp.push(info.str("OCSPURL")),
            Some(info) => out.unsupported.push(format!(
                "AUTHINFO({name}) is AUTHTYPE({}), which mqtls cannot check",
                info.str("AUTHTYPE")
            )),
            None => out.unsupported.push(format!("AUTHINFO({name}) in NAMELIST({list}) is not defined")),
        }
    }
    out
}

/// Checks the partner's chain (leaf first) against every responder; the issuer is the
/// next certificate of the chain, else the trusted CA whose subject issued the leaf.
/// Blocking (HTTP): call it off the async threads.
pub fn check(
    config: &Revocation,
    client: &OcspClient,
    chain: &[Vec<u8>],
    anchors: &[Vec<u8>],
    now: i64,
) -> Result<(), (u32, String)> {
    if let Some(why) = config.unsupported.first() {
        return Err((
            reason::SSL_INITIALIZATION_ERROR,
            format!("revocation checking is configured but {why}"),
        ));
    }
    let Some(leaf) = chain.first() else { return Ok(()) };
    let names = CertNames::from_der(leaf).map_err(|e| (reason::SSL_INITIALIZATION_ERROR, e.to_string()))?;
    let issuer = chain.get(1).cloned().or_else(|| {
        anchors.iter().find(|a| CertNames::from_der(a).is_ok_and(|n| n.subject == names.issuer)).cloned()
    });
    let issuer = match issuer {
        Some(issuer) => issuer,
        None if config.ocsp.is_empty() => Vec::new(),
        None => {
            let text = format!("no issuer certificate for {}", names.subject);
            return Err((reason::SSL_INITIALIZATION_ERROR, text));
        }
    };
    for url in &config.ocsp {
        let decision = client.check(leaf, &issuer, url, OcspAuthentication::Required, now);
        if !decision.admitted {
            let code = if matches!(decision.status, Some(CertStatus::Revoked { .. })) {
                reason::SSL_CERTIFICATE_REVOKED
            } else {
                reason::SSL_INITIALIZATION_ERROR
            };
            return Err((code, format!("certificate {} (OCSP {url}): {}", names.subject, decision.why)));
        }
    }
    if config.cdp {
        let mut crls = Crls::default();
        let urls =
            crls.fetch_distribution_points(chain, std::time::Duration::from_secs(10)).map_err(|e| {
                (
                    reason::SSL_INITIALIZATION_ERROR,
                    format!("CDPCheckExtensions: a CRL could not be read: {e}"),
                )
            })?;
        for der in chain {
            if crls.revokes(der) {
                let subject = CertNames::from_der(der).map(|n| n.subject.to_string()).unwrap_or_default();
                let text = format!(
                    "certificate {subject} is revoked: its serial is on the CRL at {}",
                    urls.join(", ")
                );
                return Err((reason::SSL_CERTIFICATE_REVOKED, text));
            }
        }
    }
    Ok(())
}

/// The SSLCRLNL revocation checks for a partner's chain, off the async threads.
pub(crate) async fn partner(
    qm: &crate::state::QueueManager,
    chain: Vec<Vec<u8>>,
) -> Result<(), (u32, String)> {
    let mut config = configured(&qm.store.read().expect("store lock"));
    config.cdp = qm.cdp_check;
    if config.is_empty() {
        return Ok(());
    }
    let anchors: Vec<Vec<u8>> =
        qm.keystore.read().expect("keystore lock").trusted().into_iter().map(<[u8]>::to_vec).collect();
    let client = qm.ocsp.clone();
    let now = crate::unix_now() as i64;
    tokio::task::spawn_blocking(move || check(&config, &client, &chain, &anchors, now))
        .await
        .map_err(|e| (reason::SSL_INITIALIZATION_ERROR, format!("the revocation check failed: {e}")))?
}
