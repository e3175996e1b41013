//! What the listener turns away, end to end over loopback: expired and untrusted client
//! certificates, an SNI naming one channel and the start frame another, a TLS client on a
//! plain channel, and a CHLAUTH BLOCKADDR rule. Definitions come from MQSC, certificates
//! from `CertAuthority`.

mod common;

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use common::{clntconn, connect, next_frame, start_frame};
use mqtls_channel::frame::Frame;
use mqtls_model::{Stamp, Store};
use mqtls_mqsc::script;
use mqtls_pki::{CertAuthority, Entry, KeySpec, Keystore};
use mqtls_qmgr::{serve, Limits, QueueManager};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;

const DAY: i64 = 86_400;

fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64
}

/// A keystore with `cn`'s certificate (issued by `ca` at `issued`, valid one day) as `label`,
/// trusting `trusts`.
fn keystore(ca: &CertAuthority, label: &str, cn: &str, issued: i64, trusts: &CertAuthority) -> Keystore {
    let mut ks = Keystore::new();
    ks.add(label, ca.issue(KeySpec::EcP256, cn, "mqtls test", &[], issued, 1).unwrap()).unwrap();
    ks.add("ca", Entry::Trusted { cert: trusts.certificate().to_vec() }).unwrap();
    ks
}

/// QM1 from MQSC, listening on a loopback port.
async fn listen(mqsc: &str, ca: &CertAuthority) -> u16 {
    listen_qm(mqsc, ca).await.0
}

/// [`listen`], with the queue manager.
async fn listen_qm(mqsc: &str, ca: &CertAuthority) -> (u16, Arc<QueueManager>) {
    let mut store = Store::new("QM1", Stamp::default()).unwrap();
    let entries = script::run(mqsc, &mut store, &Stamp::default());
    assert_eq!(script::exit_code(&entries), 0, "{}", script::report(mqsc, &entries, true));
    let ks = keystore(ca, "ibmwebspheremqqm1", "QM1", now(), ca);
    let qm = Arc::new(QueueManager::new(store, ks, Limits::default()));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(serve(listener, qm.clone()));
    (port, qm)
}

const CHANNELS: &str =
    "DEFINE CHANNEL(APP.SVRCONN) CHLTYPE(SVRCONN) SSLCIPH(ANY_TLS12_OR_HIGHER) SSLCAUTH(REQUIRED)\n\
                        DEFINE CHANNEL(OTHER.SVRCONN) CHLTYPE(SVRCONN) SSLCIPH(ANY_TLS12_OR_HIGHER)\n\
                        DEFINE CHANNEL(PLAIN.SVRCONN) CHLTYPE(SVRCONN)\n";

/// Connects naming `sni_channel`, starts `start_channel`; the listener's answer, or the
/// TLS or I/O error.
async fn attempt(port: u16, ks: &Keystore, sni_channel: &str, start_channel: &str) -> Result<Frame, String> {
    let chl = clntconn(sni_channel, "ANY_TLS12_OR_HIGHER");
    let io = |e: std::io::Error| e.to_string();
    let mut tls = connect(port, sni_channel, &chl, Some("app1"), ks).await.map_err(io)?;
    tls.write_all(&start_frame(start_channel)).await.map_err(io)?;
    next_frame(&mut tls).await
}

fn refused(answer: Result<Frame, String>) -> (u32, String) {
    match answer {
        Ok(Frame::Refuse { reason, text }) => (reason, text),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn the_right_certificate_starts_the_channel() {
    let ca = CertAuthority::new(KeySpec::EcP256, "Test CA", "mqtls test", now() - DAY, 30).unwrap();
    let port = listen(CHANNELS, &ca).await;
    let ks = keystore(&ca, "app1", "app1", now(), &ca);
    assert!(matches!(attempt(port, &ks, "APP.SVRCONN", "APP.SVRCONN").await, Ok(Frame::StartAck { .. })));
}

#[tokio::test]
async fn expired_untrusted_and_forged_client_certificates_fail_the_handshake() {
    let ca = CertAuthority::new(KeySpec::EcP256, "Test CA", "mqtls test", now() - 10 * DAY, 30).unwrap();
    let port = listen(CHANNELS, &ca).await;
    let expired = keystore(&ca, "app1", "app1", now() - 5 * DAY, &ca);
    let err = attempt(port, &expired, "APP.SVRCONN", "APP.SVRCONN").await.unwrap_err();
    assert!(err.contains("CertificateExpired"), "{err}");

    let stranger = CertAuthority::new(KeySpec::EcP256, "Other CA", "mqtls test", now() - DAY, 30).unwrap();
    let untrusted = keystore(&stranger, "app1", "app1", now(), &ca);
    let err = attempt(port, &untrusted, "APP.SVRCONN", "APP.SVRCONN").await.unwrap_err();
    assert!(err.contains("UnknownCA"), "{err}");

    // An impostor CA with the trusted CA's name but its own key: the signature fails.
    let impostor = CertAuthority::new(KeySpec::EcP256, "Test CA", "mqtls test", now() - DAY, 30).unwrap();
    let forged = keystore(&impostor, "app1", "app1", now(), &ca);
    let err = attempt(port, &forged, "APP.SVRCONN", "APP.SVRCONN").await.unwrap_err();
    assert!(err.contains("DecryptError"), "{err}");
}

#[tokio::test]
async fn a_start_frame_naming_another_channel_than_the_sni_is_refused() {
    let ca = CertAuthority::new(KeySpec::EcP256, "Test CA", "mqtls test", now() - DAY, 30).unwrap();
    let (port, qm) = listen_qm(CHANNELS, &ca).await;
    let ks = keystore(&ca, "app1", "app1", now(), &ca);
    let (reason, text) = refused(attempt(port, &ks, "OTHER.SVRCONN", "APP.SVRCONN").await);
    assert_eq!(reason, 2540, "{text}");
    let why = "named channel OTHER.SVRCONN but the start frame names APP.SVRCONN";
    assert!(common::logged(&qm, why), "{:?}", qm.refusals());
}

/// As IBM MQ: an SNI naming a plain or an unknown channel is served the queue manager's
/// certificate, and the start is refused with the reason (no handshake that just ends).
#[tokio::test]
async fn a_tls_client_cannot_start_a_plain_channel() {
    let ca = CertAuthority::new(KeySpec::EcP256, "Test CA", "mqtls test", now() - DAY, 30).unwrap();
    let (port, qm) = listen_qm(CHANNELS, &ca).await;
    let ks = keystore(&ca, "app1", "app1", now(), &ca);
    let (reason, _) = refused(attempt(port, &ks, "PLAIN.SVRCONN", "PLAIN.SVRCONN").await);
    assert_eq!(reason, 2393);
    assert!(
        common::logged(&qm, "channel PLAIN.SVRCONN has no SSLCIPH but the partner used TLS"),
        "{:?}",
        qm.refusals()
    );
    let (reason, _) = refused(attempt(port, &ks, "NOT.DEFINED", "NOT.DEFINED").await);
    assert_eq!(reason, 2540);
}

#[tokio::test]
async fn chlauth_blockaddr_refuses_the_partner_address() {
    let ca = CertAuthority::new(KeySpec::EcP256, "Test CA", "mqtls test", now() - DAY, 30).unwrap();
    let mqsc = format!("{CHANNELS}SET CHLAUTH('*') TYPE(BLOCKADDR) ADDRLIST('127.0.0.*') ACTION(REPLACE)\n");
    let (port, qm) = listen_qm(&mqsc, &ca).await;
    let ks = keystore(&ca, "app1", "app1", now(), &ca);
    let (reason, text) = refused(attempt(port, &ks, "APP.SVRCONN", "APP.SVRCONN").await);
    assert_eq!(reason, 2035, "{text}");
    assert!(common::logged(&qm, "BLOCKADDR"), "{:?}", qm.refusals());
}
