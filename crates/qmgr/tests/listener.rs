//! A running listener on loopback, with real TLS clients (tokio-rustls and `openssl
//! s_client`) and plain ones: the channel start, the status table, refusals, and the
//! bounds on partners that send nothing.

mod common;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use common::{clntconn, connect, next_frame, start_frame};
use mqtls_channel::frame::{encode, Frame};
use mqtls_channel::sni;
use mqtls_model::{AttrSet, ObjectType, Stamp, Store, Value};
use mqtls_qmgr::{serve, Limits, QueueManager};
use mqtls_test_support::{ca_and_leaf, keystore, scratch};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

fn define(store: &mut Store, name: &str, values: Vec<(&'static str, Value)>) {
    let attrs = AttrSet::from_values(ObjectType::Channel, values).unwrap();
    store.define(ObjectType::Channel, name, attrs, None, false, Stamp::default()).unwrap();
}

/// QM1 with a TLS 1.3 SVRCONN that wants `sslpeer`, and a plain one.
fn store(sslpeer: &str) -> Store {
    let mut store = Store::new("QM1", Stamp::default()).unwrap();
    define(
        &mut store,
        "APP.SVRCONN",
        vec![
            ("CHLTYPE", Value::Word("SVRCONN".into())),
            ("SSLCIPH", Value::Str("ANY_TLS13".into())),
            ("SSLCAUTH", Value::Word("REQUIRED".into())),
            ("SSLPEER", Value::Str(sslpeer.into())),
            ("CERTLABL", Value::Str("qm1".into())),
        ],
    );
    define(&mut store, "PLAIN.SVRCONN", vec![("CHLTYPE", Value::Word("SVRCONN".into()))]);
    store
}

/// Starts a listener for QM1; returns its port and the queue manager.
async fn listen(dir: &Path, sslpeer: &str, limits: Limits) -> (u16, Arc<QueueManager>) {
    let qm = Arc::new(QueueManager::new(store(sslpeer), keystore(dir, Some("qm1")), limits));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(serve(listener, qm.clone()));
    (port, qm)
}

fn pki(name: &str) -> std::path::PathBuf {
    let dir = scratch(name);
    ca_and_leaf(&dir, "qm1", "ec");
    ca_and_leaf(&dir, "app1", "ec");
    dir
}

async fn read_frame<S: AsyncRead + Unpin>(stream: &mut S) -> Frame {
    next_frame(stream).await.expect("a well-formed frame")
}

/// Connects over TLS as `label` (or without a certificate) and sends the channel start.
async fn tls_client(
    dir: &Path,
    port: u16,
    label: Option<&str>,
) -> std::io::Result<impl AsyncRead + AsyncWrite + Unpin> {
    let chl = clntconn("APP.SVRCONN", "ANY_TLS13");
    let mut tls = connect(port, "APP.SVRCONN", &chl, label, &keystore(dir, label)).await?;
    tls.write_all(&start_frame("APP.SVRCONN")).await?;
    Ok(tls)
}

#[tokio::test]
async fn a_tls_client_starts_and_its_status_shows_what_was_negotiated() {
    let dir = pki("qm-tls");
    let (port, qm) = listen(&dir, "CN=app1,O=mqtls test", Limits::default()).await;
    let mut tls = tls_client(&dir, port, Some("app1")).await.unwrap();
    let ack = read_frame(&mut tls).await;
    assert_eq!(ack, Frame::StartAck { max_msg_len: 1 << 20, sharecnv: 10, heartbeat: 300 });

    let rows = qm.status.matching("APP.*");
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].secprot, "TLSV13");
    assert!(rows[0].sslciph.starts_with("TLS_"), "{}", rows[0].sslciph);
    assert!(rows[0].sslpeer.contains("CN=app1"), "{}", rows[0].sslpeer);
    assert!(rows[0].sslcerti.contains("CN=Test CA"), "{}", rows[0].sslcerti);
    assert_eq!(rows[0].conname, "127.0.0.1");
    assert_eq!((rows[0].maxmsgl, rows[0].maxshcnv, rows[0].hbint), (1 << 20, 10, 300));
    let today = Stamp::from_unix(std::time::UNIX_EPOCH.elapsed().unwrap().as_secs());
    assert_eq!(rows[0].started.date, today.date, "CHSTADA is the start date");

    tls.write_all(&encode(&Frame::Heartbeat)).await.unwrap();
    assert_eq!(read_frame(&mut tls).await, Frame::Heartbeat);
    tls.write_all(&encode(&Frame::Close { reason: 0 })).await.unwrap();
    let mut rest = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), tls.read_to_end(&mut rest)).await.unwrap();
    assert!(qm.status.matching("*").is_empty(), "the row goes when the channel ends");
}

#[tokio::test]
async fn a_peer_outside_sslpeer_is_refused_with_2035() {
    let dir = pki("qm-sslpeer");
    let (port, qm) = listen(&dir, "CN=payroll*", Limits::default()).await;
    let mut tls = tls_client(&dir, port, Some("app1")).await.unwrap();
    match read_frame(&mut tls).await {
        Frame::Refuse { reason, text } => {
            assert_eq!(reason, 2035, "{text}");
            assert!(!text.contains("SSLPEER"), "the partner is not told the filter: {text}");
            assert!(common::logged(&qm, "SSLPEER('CN=payroll*')"), "{:?}", qm.refusals());
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert!(qm.status.matching("*").is_empty());
}

#[tokio::test]
async fn sslcauth_required_fails_a_client_without_a_certificate() {
    let dir = pki("qm-cauth");
    let (port, qm) = listen(&dir, "", Limits::default()).await;
    // TLS 1.3 reports the server's certificate demand after the client's first write.
    let outcome = async {
        let mut tls = tls_client(&dir, port, None).await?;
        let mut byte = [0u8; 1];
        tls.read_exact(&mut byte).await?;
        Ok::<_, std::io::Error>(())
    }
    .await;
    assert!(outcome.is_err(), "a client without a certificate must not get a channel");
    assert!(qm.status.matching("*").is_empty());
}

#[tokio::test]
async fn plain_and_tls_channels_share_the_port_but_not_each_others_channels() {
    let dir = pki("qm-plain");
    let (port, qm) = listen(&dir, "", Limits::default()).await;

    let mut plain = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    plain.write_all(&start_frame("PLAIN.SVRCONN")).await.unwrap();
    assert!(matches!(read_frame(&mut plain).await, Frame::StartAck { .. }));
    let rows = qm.status.matching("PLAIN.SVRCONN");
    assert_eq!((rows.len(), rows[0].secprot, rows[0].sslciph), (1, "", ""));

    let mut plain = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    plain.write_all(&start_frame("APP.SVRCONN")).await.unwrap();
    match read_frame(&mut plain).await {
        Frame::Refuse { reason, text } => {
            assert_eq!(reason, 2393, "{text}");
            assert!(common::logged(&qm, "without TLS"), "{:?}", qm.refusals());
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn a_silent_partner_times_out_and_the_listener_serves_the_next() {
    let dir = pki("qm-timeout");
    let limits = Limits { handshake_timeout: Duration::from_millis(300), ..Limits::default() };
    let (port, _qm) = listen(&dir, "", limits).await;

    let mut silent = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let mut rest = Vec::new();
    let n =
        tokio::time::timeout(Duration::from_secs(10), silent.read_to_end(&mut rest)).await.unwrap().unwrap();
    assert_eq!(n, 0, "the listener closes a partner that sends nothing");

    let mut tls = tls_client(&dir, port, Some("app1")).await.unwrap();
    assert!(matches!(read_frame(&mut tls).await, Frame::StartAck { .. }));
}

#[tokio::test]
async fn openssl_s_client_is_served_the_channel_named_in_its_sni() {
    let dir = pki("qm-s-client");
    let (port, _qm) = listen(&dir, "", Limits::default()).await;
    let out = tokio::process::Command::new("openssl")
        .args([
            "s_client",
            "-connect",
            &format!("127.0.0.1:{port}"),
            "-servername",
            &sni::encode("APP.SVRCONN"),
        ])
        .args(["-cert", "app1.pem", "-key", "app1.key", "-CAfile", "ca.pem", "-brief"])
        .current_dir(&dir)
        .stdin(std::process::Stdio::null())
        .output()
        .await
        .unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("TLSv1.3"), "{text}");
    assert!(text.contains("Verification: OK"), "{text}");
}

#[tokio::test]
async fn connections_past_the_limit_are_closed_at_once() {
    let dir = pki("qm-limit");
    let limits =
        Limits { handshake_timeout: Duration::from_secs(60), max_connections: 1, ..Limits::default() };
    let (port, _qm) = listen(&dir, "", limits).await;
    let _holder = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    // Let the listener accept the first before the second arrives.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut second = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let mut rest = Vec::new();
    // Within the limit it would wait out the 60s handshake timeout instead.
    let closed = tokio::time::timeout(Duration::from_secs(10), second.read_to_end(&mut rest)).await;
    assert!(matches!(closed, Ok(Ok(0))), "{closed:?}");
}

#[tokio::test]
async fn one_address_cannot_hold_more_pending_handshakes_than_its_share() {
    let dir = pki("qm-pending");
    let limits = Limits {
        handshake_timeout: Duration::from_secs(60),
        max_pending_per_address: 2,
        ..Limits::default()
    };
    let (port, _qm) = listen(&dir, "", limits).await;
    // Two connections that send nothing (a slowloris) hold this address's two places.
    let mut first = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let _second = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut third = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let mut rest = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(10), third.read_to_end(&mut rest)).await;
    assert!(matches!(closed, Ok(Ok(0))), "the third is closed at once: {closed:?}");
    // A started channel is no longer pending: its place goes to the next connection.
    first.write_all(&start_frame("PLAIN.SVRCONN")).await.unwrap();
    assert!(matches!(read_frame(&mut first).await, Frame::StartAck { .. }));
    let mut fourth = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    fourth.write_all(&start_frame("PLAIN.SVRCONN")).await.unwrap();
    assert!(matches!(read_frame(&mut fourth).await, Frame::StartAck { .. }));
}

#[tokio::test]
async fn alter_channel_applies_to_the_next_connection() {
    let dir = pki("qm-alter");
    let (port, qm) = listen(&dir, "", Limits::default()).await;
    let mut first = tls_client(&dir, port, Some("app1")).await.unwrap();
    assert!(matches!(read_frame(&mut first).await, Frame::StartAck { .. }));

    // The client offers TLS 1.3 only; the channel now allows only TLS 1.2.
    let attrs =
        AttrSet::from_values(ObjectType::Channel, vec![("SSLCIPH", Value::Str("ANY_TLS12".into()))]).unwrap();
    qm.store.write().unwrap().alter(ObjectType::Channel, "APP.SVRCONN", attrs, Stamp::default()).unwrap();
    let second = async {
        let mut tls = tls_client(&dir, port, Some("app1")).await?;
        let mut byte = [0u8; 1];
        tls.read_exact(&mut byte).await
    };
    assert!(second.await.is_err(), "the cached TLS 1.3 configuration must not outlive ALTER CHANNEL");
}

#[tokio::test]
async fn stop_channel_ends_running_instances_and_refuses_new_ones_until_start() {
    let dir = pki("qm-stop");
    let (port, qm) = listen(&dir, "", Limits::default()).await;
    let plain = || async {
        let mut sock = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
        sock.write_all(&start_frame("PLAIN.SVRCONN")).await.unwrap();
        let answer = read_frame(&mut sock).await;
        (sock, answer)
    };
    let (mut running, answer) = plain().await;
    assert!(matches!(answer, Frame::StartAck { .. }));

    let (code, report) = mqtls_qmgr::run_mqsc(&qm, "STOP CHANNEL(PLAIN.SVRCONN)\nSTOP CHANNEL(NOPE)\n");
    assert_eq!(code, 20, "{report}");
    assert!(report.contains("AMQ8019I") && report.contains("CHANNEL(NOPE) not found"), "{report}");
    assert_eq!(
        read_frame(&mut running).await,
        Frame::Close { reason: 2202 },
        "MODE(QUIESCE) tells the partner 2202"
    );

    let (_, answer) = plain().await;
    match answer {
        Frame::Refuse { reason, text } => {
            assert_eq!(reason, 2537, "{text}");
            assert!(common::logged(&qm, "START CHANNEL(PLAIN.SVRCONN)"), "{:?}", qm.refusals());
        }
        other => panic!("a STOPPED channel must refuse, got {other:?}"),
    }
    let (code, report) = mqtls_qmgr::run_mqsc(&qm, "START CHANNEL(PLAIN.SVRCONN)\n");
    assert_eq!(code, 0, "{report}");
    let (_, answer) = plain().await;
    assert!(matches!(answer, Frame::StartAck { .. }), "{answer:?}");

    let (mut forced, _) = plain().await;
    mqtls_qmgr::run_mqsc(&qm, "STOP CHANNEL(PLAIN.SVRCONN) MODE(FORCE) STATUS(INACTIVE)\n");
    assert_eq!(read_frame(&mut forced).await, Frame::Close { reason: 2009 });
    let (_, answer) = plain().await;
    assert!(matches!(answer, Frame::StartAck { .. }), "STATUS(INACTIVE) leaves it startable: {answer:?}");
}

#[tokio::test]
async fn a_channel_that_cannot_start_tls_is_reported_when_defined_not_at_the_first_handshake() {
    let dir = pki("qm-define-check");
    let (_, qm) = listen(&dir, "CN=app1,O=mqtls test", Limits::default()).await;
    let (code, report) = mqtls_qmgr::run_mqsc(
        &qm,
        "DEFINE CHANNEL(RSA.SVRCONN) CHLTYPE(SVRCONN) SSLCIPH(ECDHE_RSA_AES_256_GCM_SHA384) CERTLABL('qm1')\n",
    );
    assert_eq!(code, 10, "defined, with a warning: {report}");
    assert!(report.contains("AMQ8014I"), "{report}");
    assert!(
        report.contains("warning: channel RSA.SVRCONN cannot start TLS")
            && report.contains("certificate 'qm1' has an EC P-256 key")
            && report.contains("use a CipherSpec for the certificate's key type"),
        "{report}"
    );
    let (code, report) =
        mqtls_qmgr::run_mqsc(&qm, "ALTER CHANNEL(APP.SVRCONN) CHLTYPE(SVRCONN) CERTLABL('Qm1')\n");
    assert_eq!(code, 10, "{report}");
    assert!(report.contains("channel APP.SVRCONN cannot start TLS") && report.contains("qm1"), "{report}");
    let (code, report) =
        mqtls_qmgr::run_mqsc(&qm, "ALTER CHANNEL(APP.SVRCONN) CHLTYPE(SVRCONN) CERTLABL('qm1')\n");
    assert_eq!(code, 0, "fixed: {report}");
    assert_eq!(qm.tls_problems("*").len(), 1, "RSA.SVRCONN is still wrong");
}
