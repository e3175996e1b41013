//! What the qmgr integration tests share: the client side of a channel — a CLNTCONN
//! definition, a TLS connection naming a channel in the SNI, the start frame — and a
//! bounded frame read.
// Each test file uses a different part of this module.
#![allow(dead_code)]

use std::time::Duration;

use mqtls_channel::config::client_config;
use mqtls_channel::frame::{encode, ChannelStart, Frame};
use mqtls_channel::sni;
use mqtls_model::{AttrSet, Channel, Object, ObjectType, Stamp, Value};
use mqtls_pki::Keystore;
use rustls::pki_types::ServerName;
use tokio::io::AsyncRead;
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use tokio_rustls::TlsConnector;

/// A CLNTCONN definition of `name` with SSLCIPH(`ciph`).
pub(crate) fn clntconn(name: &str, ciph: &str) -> Object {
    let values = vec![("CHLTYPE", Value::Word("CLNTCONN".into())), ("SSLCIPH", Value::Str(ciph.into()))];
    let attrs = AttrSet::from_values(ObjectType::Channel, values).unwrap();
    Object::new(ObjectType::Channel, name, attrs, Stamp::default()).unwrap()
}

/// A TLS connection to the listener on `port`, naming `sni_channel` in the SNI, with the
/// client configuration of `chl` (certificate `label`, if any, and CAs from `ks`).
pub(crate) async fn connect(
    port: u16,
    sni_channel: &str,
    chl: &Object,
    label: Option<&str>,
    ks: &Keystore,
) -> std::io::Result<TlsStream<TcpStream>> {
    let config = client_config(&Channel::new(chl).unwrap(), label, ks).unwrap();
    let sock = TcpStream::connect(("127.0.0.1", port)).await?;
    let name = ServerName::try_from(sni::encode(sni_channel)).unwrap();
    TlsConnector::from(config).connect(name, sock).await
}

/// A CLNTCONN's channel start for `channel`: MAXMSGL 1 MiB, SHARECNV 10, HBINT 300.
pub(crate) fn start_frame(channel: &str) -> Vec<u8> {
    encode(&Frame::ChannelStart(ChannelStart {
        channel: channel.into(),
        chltype: 6,
        qmgr: String::new(),
        user: "alice".into(),
        max_msg_len: 1 << 20,
        sharecnv: 10,
        heartbeat: 300,
    }))
}

/// The next frame, within ten seconds (a stuck listener fails the test, not hangs it).
pub(crate) async fn next_frame<S: AsyncRead + Unpin>(stream: &mut S) -> Result<Frame, String> {
    let mut buf = Vec::new();
    let read = mqtls_qmgr::read_frame(stream, &mut buf, 1 << 16);
    tokio::time::timeout(Duration::from_secs(10), read).await.expect("a frame within 10s")
}

/// Whether the queue manager recorded (and logged) a refusal whose reason holds `needle`;
/// the refused partner is told only the code.
pub(crate) fn logged(qm: &mqtls_qmgr::QueueManager, needle: &str) -> bool {
    qm.refusals().iter().any(|why| why.contains(needle))
}

/// QM1's definitions from an MQSC script, which must run clean.
pub(crate) fn definitions(mqsc: &str) -> mqtls_model::Store {
    let mut store = mqtls_model::Store::new("QM1", Stamp::default()).unwrap();
    let entries = mqtls_mqsc::script::run(mqsc, &mut store, &Stamp::default());
    let report = mqtls_mqsc::script::report(mqsc, &entries, true);
    assert_eq!(mqtls_mqsc::script::exit_code(&entries), 0, "{report}");
    store
}

/// Serves `qm` on a loopback port; the port and the queue manager.
pub(crate) async fn serve(qm: mqtls_qmgr::QueueManager) -> (u16, std::sync::Arc<mqtls_qmgr::QueueManager>) {
    let qm = std::sync::Arc::new(qm);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(mqtls_qmgr::serve(listener, qm.clone()));
    (port, qm)
}
