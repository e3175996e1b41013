//! OCSP at channel start through SSLCRLNL → NAMELIST → AUTHINFO(OCSP), against a real
//! `openssl ocsp` responder on loopback: good admitted, revoked refused with 2401, a
//! responder that is down refuses (OCSPAuthentication REQUIRED), CRLLDAP is named.

mod common;

use std::path::Path;
use std::sync::Arc;

use common::{clntconn, connect, next_frame, start_frame};
use mqtls_channel::frame::Frame;
use mqtls_model::{Stamp, Store};
use mqtls_qmgr::{serve, Limits, QueueManager};
use mqtls_test_support::{ca_and_leaf, ca_database, free_port, keystore, openssl, scratch, OcspResponder};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;

async fn listen(dir: &Path, authinfo: &str) -> (u16, Arc<QueueManager>) {
    let mqsc = format!(
        "{authinfo}\nDEFINE NAMELIST(REVOCATION) NAMES(CHECK)\nALTER QMGR SSLCRLNL(REVOCATION) CERTLABL('qm1')\n\
         DEFINE CHANNEL(APP.SVRCONN) CHLTYPE(SVRCONN) SSLCIPH(ANY_TLS13) SSLCAUTH(REQUIRED)\n"
    );
    let mut store = Store::new("QM1", Stamp::default()).unwrap();
    let entries = mqtls_mqsc::script::run(&mqsc, &mut store, &Stamp::default());
    assert_eq!(
        mqtls_mqsc::script::exit_code(&entries),
        0,
        "{}",
        mqtls_mqsc::script::report(&mqsc, &entries, true)
    );
    let qm = Arc::new(QueueManager::new(store, keystore(dir, Some("qm1")), Limits::default()));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(serve(listener, qm.clone()));
    (port, qm)
}

async fn start_as(dir: &Path, port: u16, label: &str) -> Frame {
    let chl = clntconn("APP.SVRCONN", "ANY_TLS13");
    let mut tls = connect(port, "APP.SVRCONN", &chl, Some(label), &keystore(dir, Some(label))).await.unwrap();
    tls.write_all(&start_frame("APP.SVRCONN")).await.unwrap();
    next_frame(&mut tls).await.unwrap()
}

fn pki(name: &str) -> std::path::PathBuf {
    let dir = scratch(name);
    for leaf in ["qm1", "good", "revoked"] {
        ca_and_leaf(&dir, leaf, "ec");
    }
    ca_database(&dir);
    openssl(&dir, &["ca", "-config", "ca.cnf", "-valid", "good.pem"]);
    openssl(&dir, &["ca", "-config", "ca.cnf", "-revoke", "revoked.pem"]);
    dir
}

#[tokio::test]
async fn ocsp_admits_good_and_refuses_revoked_certificates() {
    let dir = pki("qm-ocsp");
    let responder = OcspResponder::start(&dir, "ca.pem", "ca.key");
    let (port, qm) =
        listen(&dir, &format!("DEFINE AUTHINFO(CHECK) AUTHTYPE(OCSP) OCSPURL('{}')", responder.url())).await;
    assert!(matches!(start_as(&dir, port, "good").await, Frame::StartAck { .. }));
    match start_as(&dir, port, "revoked").await {
        Frame::Refuse { reason, text } => {
            assert_eq!(reason, 2401, "{text}");
            assert!(common::logged(&qm, "CN=revoked") && !text.contains("CN=revoked"), "{text}");
        }
        other => panic!("a revoked certificate must be refused, got {other:?}"),
    }
}

#[tokio::test]
async fn an_unreachable_responder_or_crlldap_refuses_rather_than_passes() {
    let dir = pki("qm-ocsp-down");
    let down = format!("DEFINE AUTHINFO(CHECK) AUTHTYPE(OCSP) OCSPURL('http://127.0.0.1:{}')", free_port());
    let (port, _qm) = listen(&dir, &down).await;
    match start_as(&dir, port, "good").await {
        Frame::Refuse { reason, text } => assert_eq!(reason, 2393, "{text}"),
        other => panic!("REQUIRED without an answer must refuse, got {other:?}"),
    }
    let (port, qm) =
        listen(&dir, "DEFINE AUTHINFO(CHECK) AUTHTYPE(CRLLDAP) CONNAME('ldap.example(389)')").await;
    match start_as(&dir, port, "good").await {
        Frame::Refuse { reason, text } => {
            assert_eq!(reason, 2393, "{text}");
            let why = "AUTHINFO(CHECK) is AUTHTYPE(CRLLDAP), which mqtls cannot check";
            assert!(common::logged(&qm, why), "{:?}", qm.refusals());
        }
        other => panic!("an uncheckable AUTHINFO must refuse, got {other:?}"),
    }
}

/// QM1 with CDPCheckExtensions=YES and no SSLCRLNL.
async fn listen_cdp(dir: &Path) -> (u16, Arc<QueueManager>) {
    let mqsc = "ALTER QMGR CERTLABL('qm1')\nDEFINE CHANNEL(APP.SVRCONN) CHLTYPE(SVRCONN) SSLCIPH(ANY_TLS13) SSLCAUTH(REQUIRED)\n";
    let mut store = Store::new("QM1", Stamp::default()).unwrap();
    mqtls_mqsc::script::run(mqsc, &mut store, &Stamp::default());
    let qm = QueueManager::new(store, keystore(dir, Some("qm1")), Limits::default()).with_cdp_check(true);
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let qm = Arc::new(qm);
    tokio::spawn(serve(listener, qm.clone()));
    (port, qm)
}

#[tokio::test]
async fn crl_distribution_points_are_checked_when_cdpcheckextensions_is_on() {
    let dir = scratch("qm-cdp");
    let crl_port = mqtls_test_support::serve_file(&dir.join("crl.der"));
    ca_and_leaf(&dir, "qm1", "ec");
    let cdp = format!(
        "crlDistributionPoints=URI:http://127.0.0.1:{crl_port}/ca.crl\nextendedKeyUsage=clientAuth\n"
    );
    mqtls_test_support::sign(&dir, "app", "/O=mqtls test/CN=app", &cdp);
    let nowhere = format!(
        "crlDistributionPoints=URI:http://127.0.0.1:{}/ca.crl\nextendedKeyUsage=clientAuth\n",
        free_port()
    );
    mqtls_test_support::sign(&dir, "lost", "/O=mqtls test/CN=lost", &nowhere);
    ca_database(&dir);
    openssl(&dir, &["ca", "-config", "ca.cnf", "-gencrl", "-out", "crl.pem"]);
    openssl(&dir, &["crl", "-in", "crl.pem", "-outform", "DER", "-out", "crl.der"]);
    let (port, qm) = listen_cdp(&dir).await;
    assert!(matches!(start_as(&dir, port, "app").await, Frame::StartAck { .. }), "not on the CRL yet");
    match start_as(&dir, port, "lost").await {
        Frame::Refuse { reason, text } => {
            assert_eq!(reason, 2393, "{text}");
            assert!(common::logged(&qm, "a CRL could not be read"), "{:?}", qm.refusals());
        }
        other => panic!("an unreadable distribution point must refuse, got {other:?}"),
    }
    openssl(&dir, &["ca", "-config", "ca.cnf", "-revoke", "app.pem"]);
    openssl(&dir, &["ca", "-config", "ca.cnf", "-gencrl", "-out", "crl.pem"]);
    openssl(&dir, &["crl", "-in", "crl.pem", "-outform", "DER", "-out", "crl.der"]);
    match start_as(&dir, port, "app").await {
        Frame::Refuse { reason, text } => {
            assert_eq!(reason, 2401, "{text}");
            let url = format!("127.0.0.1:{crl_port}/ca.crl");
            assert!(common::logged(&qm, "CN=app") && common::logged(&qm, &url), "{:?}", qm.refusals());
        }
        other => panic!("a certificate on the CRL must be refused, got {other:?}"),
    }
}
