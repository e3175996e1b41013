//! REFRESH SECURITY TYPE(SSL): a replaced queue-manager certificate is served to the next
//! connection without a restart; a keystore that no longer loads changes nothing.

mod common;

use std::path::Path;
use std::sync::Arc;

use common::{clntconn, connect};
use mqtls_dn::CertNames;
use mqtls_model::{Stamp, Store};
use mqtls_pki::Keystore;
use mqtls_qmgr::{run_mqsc, serve, KeystoreLoader, Limits, QueueManager};
use mqtls_test_support::{ca_and_leaf, scratch};
use tokio::net::TcpListener;

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

#[tokio::test]
async fn refresh_security_ssl_serves_a_replaced_certificate() {
    let dir = scratch("qm-refresh");
    ca_and_leaf(&dir, "qm1", "ec");
    ca_and_leaf(&dir, "renewed", "ec");
    std::fs::create_dir_all(dir.join("ks")).unwrap();
    std::fs::copy(dir.join("ca.pem"), dir.join("ks/ca.pem")).unwrap();
    install(&dir, "qm1");

    let mut store = Store::new("QM1", Stamp::default()).unwrap();
    let mqsc = "DEFINE CHANNEL(APP.SVRCONN) CHLTYPE(SVRCONN) SSLCIPH(ANY_TLS13) CERTLABL('qm1')\n";
    assert_eq!(
        mqtls_mqsc::script::exit_code(&mqtls_mqsc::script::run(mqsc, &mut store, &Stamp::default())),
        0
    );
    let ks_dir = dir.join("ks");
    let loader = KeystoreLoader(Box::new(move || Keystore::from_pem_dir(&ks_dir).map_err(|e| e.to_string())));
    let keystore = Keystore::from_pem_dir(&dir.join("ks")).unwrap();
    let qm = Arc::new(QueueManager::new(store, keystore.clone(), Limits::default()).with_loader(loader));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(serve(listener, qm.clone()));

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
