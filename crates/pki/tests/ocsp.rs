//! OCSP against a real `openssl ocsp` responder started by the test on a loopback port.

use std::time::Duration;

use mqtls_pki::{CertStatus, OcspAuthentication, OcspClient};
use mqtls_test_support::{
    ca_and_leaf, ca_database, der, free_port, now, openssl, scratch, sign, OcspResponder,
};

/// A CA with a good, a revoked and an unregistered leaf, and a delegated responder.
fn pki(name: &str) -> std::path::PathBuf {
    let dir = scratch(name);
    for leaf in ["good", "revoked", "stranger"] {
        ca_and_leaf(&dir, leaf, "ec");
    }
    ca_database(&dir);
    openssl(&dir, &["ca", "-config", "ca.cnf", "-valid", "good.pem"]);
    openssl(&dir, &["ca", "-config", "ca.cnf", "-revoke", "revoked.pem"]);
    // A delegated responder: issued by the CA with the OCSP-signing EKU.
    sign(&dir, "resp", "/CN=OCSP responder", "extendedKeyUsage=OCSPSigning\n");
    // An impostor: a self-signed key the CA never authorised.
    openssl(
        &dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "evil.key",
            "-out",
            "evil.pem",
            "-days",
            "2",
            "-subj",
            "/CN=impostor",
        ],
    );
    dir
}

#[test]
fn good_revoked_unknown_and_cache() {
    let dir = pki("statuses");
    let r = OcspResponder::start(&dir, "ca.pem", "ca.key");
    let url = r.url();
    let ca = der(&dir, "ca.pem");
    let client = OcspClient::default();
    let good = client.check(&der(&dir, "good.pem"), &ca, &url, OcspAuthentication::Required, now());
    assert_eq!(
        (good.status, good.admitted, good.cached),
        (Some(CertStatus::Good), true, false),
        "{}",
        good.why
    );
    let again = client.check(&der(&dir, "good.pem"), &ca, &url, OcspAuthentication::Required, now());
    assert!(again.cached && again.admitted, "answers are cached until nextUpdate");
    let revoked = client.check(&der(&dir, "revoked.pem"), &ca, &url, OcspAuthentication::Optional, now());
    assert!(
        matches!(revoked.status, Some(CertStatus::Revoked { .. })) && !revoked.admitted,
        "{}",
        revoked.why
    );
    let unknown = der(&dir, "stranger.pem");
    let required = client.check(&unknown, &ca, &url, OcspAuthentication::Required, now());
    assert_eq!((required.status, required.admitted), (Some(CertStatus::Unknown), false));
    assert!(
        required.why.starts_with("status unknown and OCSPAuthentication is REQUIRED"),
        "{}",
        required.why
    );
    assert!(client.check(&unknown, &ca, &url, OcspAuthentication::Warn, now()).admitted);
}

#[test]
fn delegated_responders_are_accepted_impostors_are_not() {
    let dir = pki("signers");
    let ca = der(&dir, "ca.pem");
    let good = der(&dir, "good.pem");
    let delegated = OcspResponder::start(&dir, "resp.pem", "resp.key");
    let d = OcspClient::default().check(&good, &ca, &delegated.url(), OcspAuthentication::Required, now());
    assert_eq!(d.status, Some(CertStatus::Good), "{}", d.why);
    let evil = OcspResponder::start(&dir, "evil.pem", "evil.key");
    let d = OcspClient::default().check(&good, &ca, &evil.url(), OcspAuthentication::Required, now());
    assert!(!d.admitted && d.status.is_none());
    assert!(
        d.why.contains("not signed by the issuer nor by a responder certificate the issuer authorised"),
        "{}",
        d.why
    );
}

#[test]
fn unreachable_responders_and_expired_answers_follow_the_policy() {
    let dir = pki("down");
    let ca = der(&dir, "ca.pem");
    let good = der(&dir, "good.pem");
    let nobody = format!("http://127.0.0.1:{}", free_port());
    let client = OcspClient::new(Duration::from_secs(2), 300);
    let d = client.check(&good, &ca, &nobody, OcspAuthentication::Required, now());
    assert!(!d.admitted && d.why.contains("OCSPAuthentication is REQUIRED"), "{}", d.why);
    assert!(client.check(&good, &ca, &nobody, OcspAuthentication::Warn, now()).admitted);
    assert!(client.check(&good, &ca, &nobody, OcspAuthentication::Optional, now()).admitted);
    let r = OcspResponder::start(&dir, "ca.pem", "ca.key");
    let three_days_on = now() + 3 * 86_400;
    let d = OcspClient::default().check(&good, &ca, &r.url(), OcspAuthentication::Required, three_days_on);
    assert!(!d.admitted && d.why.contains("(nextUpdate)"), "{}", d.why);
}
