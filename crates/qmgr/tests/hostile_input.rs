//! Hostile input from loopback against one running queue manager: random bytes, broken
//! and oversized TLS records, ClientHellos with a huge or malformed SNI, slow clients that
//! never finish, a flood of handshakes, garbage after a good TLS start, frames whose
//! length lies, starts for unknown channels, and renegotiation / downgrade attempts with
//! `openssl s_client`. After each case a well-behaved client still puts and gets over
//! TLS, and the persistent messages stored before the attack are all there, unchanged.
//! Every loop is bounded in count and time.

mod common;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use mqtls_channel::frame::{encode, Frame, HEADER};
use mqtls_channel::sni;
use mqtls_client::{
    Address, ClientChannel, ConnectOptions, Connection, GetOptions, Hconn, Message, OPEN_INPUT, OPEN_OUTPUT,
};
use mqtls_msgstore::Select;
use mqtls_qmgr::{Limits, QueueManager};
use mqtls_test_support::{ca_and_leaf, keystore, scratch};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::timeout;

use common::{clntconn, connect, start_frame};

const MQSC: &str = "
DEFINE CHANNEL(APP.SVRCONN) CHLTYPE(SVRCONN) SSLCIPH(ANY_TLS13) SSLCAUTH(REQUIRED) CERTLABL('qm1') MCAUSER('app')
DEFINE CHANNEL(PLAIN.SVRCONN) CHLTYPE(SVRCONN) MCAUSER('app')
DEFINE CHANNEL(TLS12.SVRCONN) CHLTYPE(SVRCONN) SSLCIPH(ANY_TLS12) SSLCAUTH(REQUIRED) CERTLABL('qm1') MCAUSER('app')
DEFINE QLOCAL(APP.Q)
DEFINE QLOCAL(KEPT.Q)
SET AUTHREC OBJTYPE(QMGR) PRINCIPAL('app') AUTHADD(CONNECT)
SET AUTHREC PROFILE('**') OBJTYPE(QUEUE) PRINCIPAL('app') AUTHADD(ALLMQI)
";

/// Persistent messages stored before any attack, checked after each.
const KEPT: usize = 20;

struct Target {
    dir: std::path::PathBuf,
    port: u16,
    qm: Arc<QueueManager>,
}

async fn target() -> Target {
    let dir = scratch("hostile-input");
    ca_and_leaf(&dir, "qm1", "ec");
    ca_and_leaf(&dir, "app1", "ec");
    let limits = Limits { handshake_timeout: Duration::from_secs(1), ..Limits::default() };
    let qm = QueueManager::new(common::definitions(MQSC), keystore(&dir, Some("qm1")), limits);
    let (port, qm) = common::serve(qm).await;
    for i in 0..KEPT {
        let m = Message { persistent: true, ..Message::text(&format!("kept {i}")) };
        qm.queues.store().put("KEPT.Q", m, None, 5000).unwrap();
    }
    Target { dir, port, qm }
}

impl Target {
    /// A well-behaved TLS client puts a message and gets the same bytes back; the kept
    /// messages are all there, unchanged.
    async fn still_serves(&self, case: &str) {
        let mut chl = ClientChannel::new("APP.SVRCONN");
        chl.connections = vec![Address { host: "127.0.0.1".into(), port: Some(self.port) }];
        chl.cipher_spec = "ANY_TLS13".into();
        chl.cert_label = "app1".into();
        let opts =
            ConnectOptions { keystore: Some(keystore(&self.dir, Some("app1"))), ..ConnectOptions::default() };
        let served = async {
            let conn = Connection::open(&chl, &chl.connections[0], &opts).await?;
            let mut h = Hconn::connect(conn, "QM1").await?;
            let q = h.open("APP.Q", OPEN_INPUT | OPEN_OUTPUT).await?;
            let body: Vec<u8> = (0..=255u8).cycle().take(5000).collect();
            h.put(&q, Message { payload: body.clone(), ..Message::default() }, false).await?;
            let got = h.get(&q, GetOptions::default()).await?.expect("the message just put");
            assert_eq!(got.payload, body, "{case}: the message came back changed");
            h.disconnect().await
        };
        timeout(Duration::from_secs(20), served)
            .await
            .unwrap_or_else(|_| panic!("{case}: a well-behaved client was not served within 20s"))
            .unwrap_or_else(|e| panic!("{case}: a well-behaved client failed: {e}"));
        assert_eq!(self.qm.queues.store().depth("KEPT.Q"), KEPT, "{case}: kept messages lost");
        let mut after = None;
        for i in 0..KEPT {
            let (cursor, m) = self.qm.queues.store().browse("KEPT.Q", after, &Select::ANY).expect("kept");
            assert_eq!(m.payload, format!("kept {i}").as_bytes(), "{case}: a kept message changed");
            after = Some(cursor);
        }
    }
}

/// Connects, sends `bytes`, and reads until the listener closes (at most 10s).
async fn send_and_wait_for_close(port: u16, bytes: &[u8]) -> Vec<u8> {
    let mut sock = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let _ = sock.write_all(bytes).await;
    let mut answer = Vec::new();
    let read = timeout(Duration::from_secs(10), sock.read_to_end(&mut answer)).await;
    assert!(read.is_ok(), "the listener did not close within 10s after {} bytes", bytes.len());
    answer
}

/// A TLS 1.2/1.3 ClientHello record naming `sni` (raw bytes: nothing checks the name).
fn client_hello(sni: &[u8]) -> Vec<u8> {
    let mut ext = Vec::new();
    let entry_len = sni.len() + 3;
    ext.extend_from_slice(&[0, 0]); // server_name
    ext.extend_from_slice(&((entry_len + 2) as u16).to_be_bytes());
    ext.extend_from_slice(&(entry_len as u16).to_be_bytes());
    ext.push(0); // host_name
    ext.extend_from_slice(&(sni.len() as u16).to_be_bytes());
    ext.extend_from_slice(sni);
    ext.extend_from_slice(&[0, 0x2b, 0, 3, 2, 3, 4]); // supported_versions: TLS 1.3
    let mut body = vec![3, 3];
    body.extend_from_slice(&[7; 32]);
    body.push(0); // session id
    body.extend_from_slice(&[0, 2, 0x13, 0x01, 1, 0]); // TLS_AES_128_GCM_SHA256; no compression
    body.extend_from_slice(&(ext.len() as u16).to_be_bytes());
    body.extend_from_slice(&ext);
    let mut hs = vec![1];
    hs.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
    hs.extend_from_slice(&body);
    let mut record = vec![0x16, 3, 1];
    record.extend_from_slice(&(hs.len() as u16).to_be_bytes());
    record.extend_from_slice(&hs);
    record
}

fn random(seed: &mut u64, n: usize) -> Vec<u8> {
    (0..n)
        .map(|_| {
            *seed ^= *seed << 13;
            *seed ^= *seed >> 7;
            *seed ^= *seed << 17;
            *seed as u8
        })
        .collect()
}

/// `openssl s_client` with `args` against the listener, naming `channel`; its output.
async fn s_client(dir: &Path, port: u16, channel: &str, args: &[&str], stdin: &[u8]) -> String {
    let mut child = tokio::process::Command::new("openssl")
        .args(["s_client", "-connect", &format!("127.0.0.1:{port}"), "-servername", &sni::encode(channel)])
        .args(["-cert", "app1.pem", "-key", "app1.key", "-CAfile", "ca.pem"])
        .args(args)
        .current_dir(dir)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin).await.unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    drop(input);
    let out =
        timeout(Duration::from_secs(20), child.wait_with_output()).await.expect("s_client ended").unwrap();
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_queue_manager_survives_hostile_input_and_keeps_serving_and_keeping() {
    let t = target().await;
    let port = t.port;
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let mut matrix = Vec::new();

    // 1. Random bytes, as TLS (first byte 0x16) and as plain frames.
    for n in 0..40 {
        let mut bytes = random(&mut seed, 1 + n * 97);
        if n % 2 == 0 {
            bytes[0] = 0x16;
        }
        send_and_wait_for_close(port, &bytes).await;
    }
    t.still_serves("random bytes").await;
    matrix.push("random bytes: 40 connections closed");

    // 2. Truncated and oversized TLS records.
    let hello = client_hello(sni::encode("APP.SVRCONN").as_bytes());
    for cut in [1, 5, 9, hello.len() / 2, hello.len() - 1] {
        send_and_wait_for_close(port, &hello[..cut]).await;
    }
    let mut oversized = vec![0x16, 3, 3, 0xff, 0xff];
    oversized.extend(random(&mut seed, 70_000));
    send_and_wait_for_close(port, &oversized).await;
    t.still_serves("truncated and oversized records").await;
    matrix.push("truncated TLS records (5) and a 64 KiB record: closed");

    // 3. ClientHellos with a huge, a malformed and an unknown channel's SNI.
    for name in [
        vec![b'a'; 16_000],
        b"not-hex.chl.mqtls".to_vec(),
        b"\xff\x00\x01.chl.mqtls".to_vec(),
        sni::encode("NO.SUCH.CHANNEL").into_bytes(),
        sni::encode("PLAIN.SVRCONN").into_bytes(),
    ] {
        let answer = send_and_wait_for_close(port, &client_hello(&name)).await;
        assert!(!answer.windows(3).any(|w| w == b"MQT"), "no channel frame for a bad SNI");
    }
    t.still_serves("bad SNI").await;
    matrix.push("SNI huge / not hex / not UTF-8 / unknown channel / plain channel: closed");

    // 4. Slow clients that never finish: they hold their places only for the handshake timeout.
    let mut slow = Vec::new();
    for _ in 0..50 {
        let mut sock = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
        sock.write_all(&hello[..3]).await.unwrap();
        slow.push(sock);
    }
    t.still_serves("fifty slow clients pending").await;
    for mut sock in slow {
        let mut rest = Vec::new();
        let closed = timeout(Duration::from_secs(10), sock.read_to_end(&mut rest)).await;
        assert!(closed.is_ok(), "a slow client is closed after the handshake timeout");
    }
    matrix
        .push("slowloris: 50 half ClientHellos closed at the 1 s handshake timeout, others served meanwhile");

    // 5. A flood of handshakes that stop after the TLS handshake.
    let chl = clntconn("APP.SVRCONN", "ANY_TLS13");
    let ks = keystore(&t.dir, Some("app1"));
    let flood: Vec<_> = (0..100)
        .map(|_| {
            let (chl, ks) = (chl.clone(), ks.clone());
            tokio::spawn(async move { connect(port, "APP.SVRCONN", &chl, Some("app1"), &ks).await.map(drop) })
        })
        .collect();
    let mut done = 0;
    for h in flood {
        done += usize::from(h.await.unwrap().is_ok());
    }
    t.still_serves("handshake flood").await;
    matrix.push("100 concurrent handshakes dropped after the handshake");
    assert!(done > 0);

    // 6. Valid TLS, then garbage instead of a start frame; and after a start.
    let mut tls = connect(port, "APP.SVRCONN", &chl, Some("app1"), &ks).await.unwrap();
    tls.write_all(&random(&mut seed, 3000)).await.unwrap();
    let answer = common::next_frame(&mut tls).await;
    assert!(matches!(answer, Ok(Frame::Refuse { reason: 2009, .. })), "{answer:?}");
    let mut tls = connect(port, "APP.SVRCONN", &chl, Some("app1"), &ks).await.unwrap();
    tls.write_all(&start_frame("APP.SVRCONN")).await.unwrap();
    assert!(matches!(common::next_frame(&mut tls).await, Ok(Frame::StartAck { .. })));
    tls.write_all(b"MQT\x01\x63\0\0\0\0\0\0\0garbage").await.unwrap();
    let answer = common::next_frame(&mut tls).await;
    assert!(matches!(answer, Ok(Frame::Refuse { reason: 2009, .. }) | Err(_)), "{answer:?}");
    t.still_serves("garbage after TLS").await;
    matrix.push("garbage after the handshake and after the start: refused 2009");

    // 7. Frames whose length lies: larger than any limit, and longer than what follows.
    let mut plain = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    plain.write_all(&start_frame("PLAIN.SVRCONN")).await.unwrap();
    assert!(matches!(common::next_frame(&mut plain).await, Ok(Frame::StartAck { .. })));
    let mut huge = encode(&Frame::Heartbeat);
    huge[8..12].copy_from_slice(&u32::MAX.to_be_bytes());
    plain.write_all(&huge).await.unwrap();
    let answer = common::next_frame(&mut plain).await;
    assert!(matches!(answer, Ok(Frame::Refuse { reason: 2009, .. }) | Err(_)), "{answer:?}");
    let mut short = encode(&Frame::Data { conversation: 0, payload: vec![1; 10] });
    short[8..12].copy_from_slice(&1000u32.to_be_bytes());
    let mut sock = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    sock.write_all(&start_frame("PLAIN.SVRCONN")).await.unwrap();
    sock.write_all(&short[..HEADER + 10]).await.unwrap();
    drop(sock);
    t.still_serves("lying lengths").await;
    matrix.push("a 4 GiB frame length refused 2009; a length longer than the data, then close");

    // 8. Starts for channels that do not exist, plain and in a TLS start frame.
    let answer = send_and_wait_for_close(port, &start_frame("NO.SUCH.CHANNEL")).await;
    assert!(answer.starts_with(b"MQT"), "a Refuse frame");
    let mut tls = connect(port, "APP.SVRCONN", &chl, Some("app1"), &ks).await.unwrap();
    tls.write_all(&start_frame("PLAIN.SVRCONN")).await.unwrap();
    let answer = common::next_frame(&mut tls).await;
    assert!(matches!(answer, Ok(Frame::Refuse { reason: 2540, .. })), "{answer:?}");
    t.still_serves("unknown channels").await;
    matrix.push("unknown channel (plain) and a start frame naming another channel than the SNI: refused");

    // 9. Downgrade and renegotiation attempts.
    let tls12 = s_client(&t.dir, port, "APP.SVRCONN", &["-tls1_2"], b"").await;
    assert!(
        !tls12.contains("Cipher is ECDHE") && tls12.contains("alert"),
        "TLS 1.2 to a TLS 1.3 channel: {tls12}"
    );
    let tls10 = s_client(&t.dir, port, "TLS12.SVRCONN", &["-tls1", "-cipher", "ALL:@SECLEVEL=0"], b"").await;
    assert!(!tls10.contains("Cipher is") || tls10.contains("Cipher is (NONE)"), "TLS 1.0: {tls10}");
    // Renegotiation on TLS 1.2 ("R"): rustls never renegotiates; the channel waits for
    // its start frame and then times out, as any other silent partner.
    let reneg = s_client(&t.dir, port, "TLS12.SVRCONN", &["-tls1_2"], b"R\n").await;
    assert!(reneg.contains("RENEGOTIATING") && reneg.contains("TLSv1.2"), "{reneg}");
    let key_update = s_client(&t.dir, port, "APP.SVRCONN", &["-tls1_3"], b"K\n").await;
    assert!(key_update.contains("KEYUPDATE") && key_update.contains("TLSv1.3"), "{key_update}");
    t.still_serves("downgrade and renegotiation").await;
    matrix.push("TLS 1.2 and 1.0 to a TLS 1.3 / 1.2 channel refused; a TLS 1.2 renegotiation and a TLS 1.3 key update absorbed");

    println!("hostile input, each case followed by a served client and {KEPT} intact messages:");
    for line in &matrix {
        println!("  {line}");
    }
    assert_eq!(matrix.len(), 9);
}
