//! OCSP against a real `openssl ocsp` responder started by the test on a loopback port.

mod support;

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use mqtls_pki::{CertStatus, OcspAuthentication, OcspClient};
use support::{ca_and_leaf, openssl, scratch};

/// A responder process, killed when dropped.
struct Responder(Child, u16);

impl Drop for Responder {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn responder(dir: &Path, signer: &str, key: &str) -> Responder {
    let port = free_port();
    let mut child = Command::new("openssl")
        .args([
            "ocsp",
            "-index",
            "index.txt",
            "-port",
            &port.to_string(),
            "-rsigner",
            signer,
            "-rkey",
            key,
            "-CA",
            "ca.pem",
            "-ndays",
            "1",
        ])
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("openssl ocsp");
    // A probe connection would wedge the single-threaded responder: wait for its banner.
    let mut err = BufReader::new(child.stderr.take().expect("stderr"));
    let mut line = String::new();
    while !line.contains("waiting for OCSP client connections") {
        line.clear();
        assert!(err.read_line(&mut line).expect("responder stderr") > 0, "the OCSP responder exited");
    }
    Responder(child, port)
}

fn der(dir: &Path, pem: &str) -> Vec<u8> {
    let out = dir.join(format!("{pem}.der"));
    openssl(dir, &["x509", "-in", pem, "-outform", "DER", "-out", out.to_str().unwrap()]);
    std::fs::read(out).unwrap()
}

fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

/// A CA with a good, a revoked and an unregistered leaf, and a delegated responder.
fn pki(name: &str) -> std::path::PathBuf {
    let dir = scratch(name);
    for leaf in ["good", "revoked", "stranger"] {
        ca_and_leaf(&dir, leaf, "ec");
    }
    std::fs::write(dir.join("index.txt"), "").unwrap();
    std::fs::write(dir.join("ca.cnf"), "[ca]\ndefault_ca=d\n[d]\ndatabase=index.txt\nnew_certs_dir=.\ncertificate=ca.pem\nprivate_key=ca.key\ndefault_md=sha256\n").unwrap();
    openssl(&dir, &["ca", "-config", "ca.cnf", "-valid", "good.pem"]);
    openssl(&dir, &["ca", "-config", "ca.cnf", "-revoke", "revoked.pem"]);
    // A delegated responder: issued by the CA with the OCSP-signing EKU.
    openssl(
        &dir,
        &[
            "req",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "resp.key",
            "-out",
            "resp.csr",
            "-subj",
            "/CN=OCSP responder",
        ],
    );
    std::fs::write(dir.join("resp.ext"), "extendedKeyUsage=OCSPSigning\n").unwrap();
    openssl(
        &dir,
        &[
            "x509",
            "-req",
            "-in",
            "resp.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "2",
            "-out",
            "resp.pem",
            "-extfile",
            "resp.ext",
        ],
    );
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
    let r = responder(&dir, "ca.pem", "ca.key");
    let url = format!("http://127.0.0.1:{}", r.1);
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
    let delegated = responder(&dir, "resp.pem", "resp.key");
    let d = OcspClient::default().check(
        &good,
        &ca,
        &format!("http://127.0.0.1:{}", delegated.1),
        OcspAuthentication::Required,
        now(),
    );
    assert_eq!(d.status, Some(CertStatus::Good), "{}", d.why);
    let evil = responder(&dir, "evil.pem", "evil.key");
    let d = OcspClient::default().check(
        &good,
        &ca,
        &format!("http://127.0.0.1:{}", evil.1),
        OcspAuthentication::Required,
        now(),
    );
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
    let r = responder(&dir, "ca.pem", "ca.key");
    let three_days_on = now() + 3 * 86_400;
    let d = OcspClient::default().check(
        &good,
        &ca,
        &format!("http://127.0.0.1:{}", r.1),
        OcspAuthentication::Required,
        three_days_on,
    );
    assert!(!d.admitted && d.why.contains("(nextUpdate)"), "{}", d.why);
}
