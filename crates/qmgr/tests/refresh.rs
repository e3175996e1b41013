//! REFRESH SECURITY TYPE(SSL): a replaced queue-manager certificate is served to the next
//! connection without a restart; a keystore that no longer loads changes nothing; a
//! CERTLABL not yet loaded never costs the listener its handshake.

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use common::{clntconn, connect};
use mqtls_dn::CertNames;
use mqtls_pki::Keystore;
use mqtls_qmgr::{run_mqsc, KeystoreLoader, Limits, QueueManager};
use mqtls_test_support::{ca_and_leaf, scratch};

/// Writes `name`'s key and certificate as the keystore directory's `qm1.pem`.
fn install(dir: &Path, name: &str) {
    let read = |f: String| std::fs::read(dir.join(f)).unwrap();
    let pem = [read(format!("{name}.key")), read(format!("{name}.pem"))].concat();
    std::fs::write(dir.join("ks/qm1.pem"), pem).unwrap();
}

/// The subject of the certificate the listener presents for APP.SVRCONN.
async fn served_subject(port: u16, ks: &Keystore) -> String {
    let chl = clntconn("APP.SVRCONN", "ANY_TLS13");
    let tls = connect(port, "APP.SVRCONN", &chl, None, ks).await.unwrap();
    let leaf = tls.get_ref().1.peer_certificates().unwrap()[0].to_vec();
    CertNames::from_der(&leaf).unwrap().subject.to_string()
}

/// A CA with `qm1` and `renewed` leaves; the keystore directory `ks/` trusts the CA and
/// holds `qm1` as `qm1.pem`.
fn pki(name: &str) -> PathBuf {
    let dir = scratch(name);
    ca_and_leaf(&dir, "qm1", "ec");
    ca_and_leaf(&dir, "renewed", "ec");
    std::fs::create_dir_all(dir.join("ks")).unwrap();
    std::fs::copy(dir.join("ca.pem"), dir.join("ks/ca.pem")).unwrap();
    install(&dir, "qm1");
    dir
}

/// QM1 from `mqsc` served with the keystore directory `ks/`, which REFRESH SECURITY
/// reads again: the port, the queue manager and the keystore as loaded (its CA for clients).
async fn serve_pem_dir(dir: &Path, mqsc: &str) -> (u16, Arc<QueueManager>, Keystore) {
    let ks_dir = dir.join("ks");
    let loader =
        KeystoreLoader(Box::new(move |_| Keystore::from_pem_dir(&ks_dir).map_err(|e| e.to_string())));
    let keystore = Keystore::from_pem_dir(&dir.join("ks")).unwrap();
    let qm = QueueManager::new(common::definitions(mqsc), keystore.clone(), Limits::default());
    let (port, qm) = common::serve(qm.with_loader(loader)).await;
    (port, qm, keystore)
}

#[tokio::test]
async fn refresh_security_ssl_serves_a_replaced_certificate() {
    let dir = pki("qm-refresh");
    let mqsc = "DEFINE CHANNEL(APP.SVRCONN) CHLTYPE(SVRCONN) SSLCIPH(ANY_TLS13) CERTLABL('qm1')\n";
    let (port, qm, keystore) = serve_pem_dir(&dir, mqsc).await;

    assert_eq!(served_subject(port, &keystore).await, "CN=qm1,O=mqtls test");
    install(&dir, "renewed");
    assert_eq!(
        served_subject(port, &keystore).await,
        "CN=qm1,O=mqtls test",
        "nothing changes before REFRESH"
    );
    let (code, report) = run_mqsc(&qm, "REFRESH SECURITY TYPE(SSL)\n");
    assert_eq!(code, 0, "{report}");
    assert!(report.contains("AMQ8560I"), "{report}");
    assert_eq!(served_subject(port, &keystore).await, "CN=renewed,O=mqtls test");

    std::fs::write(dir.join("ks/qm1.pem"), "-----BEGIN CERTIFICATE-----\nnot base64\n").unwrap();
    let (code, report) = run_mqsc(&qm, "REFRESH SECURITY TYPE(SSL)\n");
    assert_eq!(code, 20, "{report}");
    assert!(report.contains("REFRESH SECURITY TYPE(SSL) failed, nothing changed: the keystore:"), "{report}");
    assert_eq!(served_subject(port, &keystore).await, "CN=renewed,O=mqtls test", "the loaded keystore stays");
}

/// ALTER QMGR CERTLABL naming a label imported since the last REFRESH: the channel keeps
/// the certificate it served (and the command warns why) until REFRESH SECURITY loads it.
#[tokio::test]
async fn a_certlabl_not_yet_loaded_keeps_the_working_certificate_until_refresh() {
    let dir = pki("qm-refresh-label");
    let mqsc =
        "ALTER QMGR CERTLABL('qm1')\nDEFINE CHANNEL(APP.SVRCONN) CHLTYPE(SVRCONN) SSLCIPH(ANY_TLS13)\n";
    let (port, qm, keystore) = serve_pem_dir(&dir, mqsc).await;
    assert_eq!(served_subject(port, &keystore).await, "CN=qm1,O=mqtls test");

    // Imported into the keystore's files, not yet loaded.
    let read = |f: &str| std::fs::read(dir.join(f)).unwrap();
    std::fs::write(dir.join("ks/next.pem"), [read("renewed.key"), read("renewed.pem")].concat()).unwrap();
    let (code, report) = run_mqsc(&qm, "ALTER QMGR CERTLABL('next')\n");
    assert_eq!(code, 10, "{report}");
    assert!(
        report.contains("keeps its certificate 'qm1'") && report.contains("REFRESH SECURITY TYPE(SSL)"),
        "{report}"
    );
    assert_eq!(served_subject(port, &keystore).await, "CN=qm1,O=mqtls test", "still served: no outage");
    assert_eq!(served_subject(port, &keystore).await, "CN=qm1,O=mqtls test", "and again");

    let (code, report) = run_mqsc(&qm, "REFRESH SECURITY TYPE(SSL)\n");
    assert_eq!(code, 0, "{report}");
    assert_eq!(
        served_subject(port, &keystore).await,
        "CN=renewed,O=mqtls test",
        "the new label after REFRESH"
    );

    // A label no keystore has: REFRESH loads, warns, and the working certificate stays.
    let (code, report) = run_mqsc(&qm, "ALTER QMGR CERTLABL('missing')\nREFRESH SECURITY TYPE(SSL)\n");
    assert_eq!(code, 10, "{report}");
    assert!(
        report.contains("mqtls: warning: channel APP.SVRCONN cannot be served as defined now"),
        "{report}"
    );
    assert_eq!(served_subject(port, &keystore).await, "CN=renewed,O=mqtls test");
}
