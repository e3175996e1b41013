//! A handshake the listener cannot complete: the partner hears a TLS alert (openssl
//! prints it), and the queue manager's log names the channel and why in MQ's terms —
//! AMQ9631E with the CipherSpecs each side offered, AMQ9637E for a missing client
//! certificate, the label a channel's configuration lacks — not a bare rustls error.

mod common;

use mqtls_channel::sni;
use mqtls_qmgr::{Limits, QueueManager};
use mqtls_test_support::{ca_and_leaf, keystore, scratch};

const MQSC: &str = "\
ALTER QMGR CERTLABL('qm1')
DEFINE CHANNEL(AES256.SVRCONN) CHLTYPE(SVRCONN) SSLCIPH(TLS_AES_256_GCM_SHA384) SSLCAUTH(OPTIONAL)
DEFINE CHANNEL(MUTUAL.SVRCONN) CHLTYPE(SVRCONN) SSLCIPH(ANY_TLS12) SSLCAUTH(REQUIRED)
DEFINE CHANNEL(NOLABEL.SVRCONN) CHLTYPE(SVRCONN) SSLCIPH(ANY_TLS13) CERTLABL('missing')
";

/// `openssl s_client` naming `channel` in IBM MQ's SNI, with `extra` arguments; its output.
async fn s_client(dir: &std::path::Path, port: u16, channel: &str, extra: &[&str]) -> String {
    let out = tokio::process::Command::new("openssl")
        .args(["s_client", "-connect", &format!("127.0.0.1:{port}"), "-servername", &sni::encode(channel)])
        .args(["-CAfile", "ca.pem", "-brief"])
        .args(extra)
        .current_dir(dir)
        .stdin(std::process::Stdio::null())
        .output()
        .await
        .unwrap();
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

#[tokio::test]
async fn the_partner_hears_an_alert_and_the_log_says_why_in_mq_terms() {
    let dir = scratch("qm-handshake-failures");
    ca_and_leaf(&dir, "qm1", "ec");
    let qm = QueueManager::new(common::definitions(MQSC), keystore(&dir, Some("qm1")), Limits::default());
    let (port, qm) = common::serve(qm).await;

    let out =
        s_client(&dir, port, "AES256.SVRCONN", &["-tls1_3", "-ciphersuites", "TLS_AES_128_GCM_SHA256"]).await;
    assert!(out.contains("alert handshake failure"), "{out}");
    let why = "AMQ9631E: channel AES256.SVRCONN: no CipherSpec in common: the partner offered TLS_AES_128_GCM_SHA256; this end accepts SSLCIPH(TLS_AES_256_GCM_SHA384)";
    assert!(common::logged(&qm, why), "{:?}", qm.refusals());

    let out = s_client(&dir, port, "MUTUAL.SVRCONN", &["-tls1_2"]).await;
    assert!(out.to_lowercase().contains("alert"), "{out}");
    assert!(
        common::logged(&qm, "AMQ9637E: channel MUTUAL.SVRCONN: the partner sent no certificate"),
        "{:?}",
        qm.refusals()
    );

    // A channel whose configuration cannot be built: an alert before any ServerHello.
    let out = s_client(&dir, port, "NOLABEL.SVRCONN", &[]).await;
    assert!(out.contains("alert handshake failure"), "{out}");
    assert!(common::logged(&qm, "'missing'"), "{:?}", qm.refusals());
}
