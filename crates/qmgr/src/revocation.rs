//! Revocation at channel start, as MQ configures it: the queue manager's SSLCRLNL names a
//! NAMELIST of AUTHINFO objects; each AUTHTYPE(OCSP) one gives a responder (OCSPURL).
//! The partner's certificate is checked with the shared `OcspClient` (cache, nonce, full
//! response verification) under OCSPAuthentication REQUIRED: revoked or unanswered
//! refuses. CRLLDAP objects need LDAP, which mqtls does not speak: they are named in the
//! refusal rather than skipped silently.

use mqtls_channel::reason;
use mqtls_dn::CertNames;
use mqtls_model::{ObjectType, Store, Value};
use mqtls_pki::{CertStatus, OcspAuthentication, OcspClient};

/// What the queue manager's SSLCRLNL asks for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Revocation {
    /// OCSP responder URLs, in namelist order.
    pub ocsp: Vec<String>,
    /// AUTHINFO objects that cannot be honoured (CRLLDAP, missing), with why.
    pub unsupported: Vec<String>,
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
    let Some(issuer) = issuer else {
        return Err((
            reason::SSL_INITIALIZATION_ERROR,
            format!("no issuer certificate for {}", names.subject),
        ));
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
    Ok(())
}
