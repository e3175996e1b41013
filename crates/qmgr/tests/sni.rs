//! IBM MQ's SNI at the listener ("How IBM MQ provides multiple certificates capability",
//! https://www.ibm.com/docs/en/ibm-mq/latest?topic=requirements-how-mq-provides-multiple-certificates-capability):
//! `openssl s_client` naming a channel as MQ does is shown that channel's CERTLABL; no SNI
//! or a host name is shown the queue manager's certificate; a channel with a CERTLABL
//! reached without its SNI is refused (MQRC_SSL_INITIALIZATION_ERROR, AMQ9673 in the log),
//! one without a CERTLABL is served.

mod common;

use std::sync::Arc;

use common::{clntconn, next_frame, start_frame};
use mqtls_channel::config::client_config;
use mqtls_channel::frame::Frame;
use mqtls_channel::{reason, sni};
use mqtls_client::{Address, ClientChannel, ClientError, ConnectOptions, Connection};
use mqtls_model::Channel;
use mqtls_pki::Keystore;
use mqtls_qmgr::{Limits, QueueManager};
use mqtls_test_support::{ca_and_leaf, keystore, scratch};
use rustls::pki_types::ServerName;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

const MQSC: &str = "\
ALTER QMGR CERTLABL('qmcert')
DEFINE CHANNEL(TO.QMGR1) CHLTYPE(SVRCONN) SSLCIPH(ANY_TLS12_OR_HIGHER) SSLCAUTH(OPTIONAL) CERTLABL('chl1')
DEFINE CHANNEL(OPEN.SVRCONN) CHLTYPE(SVRCONN) SSLCIPH(ANY_TLS12_OR_HIGHER) SSLCAUTH(OPTIONAL)
";

/// The peer certificate `openssl s_client` is shown, sending `servername` (none: no SNI).
async fn shown(dir: &std::path::Path, port: u16, servername: Option<&str>) -> String {
    let mut cmd = tokio::process::Command::new("openssl");
    cmd.args(["s_client", "-connect", &format!("127.0.0.1:{port}"), "-CAfile", "ca.pem", "-brief"]);
    match servername {
        Some(name) => cmd.args(["-servername", name]),
        None => cmd.arg("-noservername"),
    };
    let out = cmd.current_dir(dir).stdin(std::process::Stdio::null()).output().await.unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    let peer = text.lines().find(|l| l.starts_with("Peer certificate:"));
    peer.unwrap_or_else(|| panic!("no peer certificate in: {text}")).to_owned()
}

/// A start of `channel` over TLS sending `sni` (none: no SNI extension at all).
async fn start(port: u16, ks: &Keystore, sni: Option<&str>, channel: &str) -> Frame {
    let chl = clntconn(channel, "ANY_TLS12_OR_HIGHER");
    let mut config = (*client_config(&Channel::new(&chl).unwrap(), None, ks).unwrap()).clone();
    config.enable_sni = sni.is_some();
    let name = ServerName::try_from(sni.unwrap_or("unused.example").to_owned()).unwrap();
    let sock = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let mut tls = TlsConnector::from(Arc::new(config)).connect(name, sock).await.unwrap();
    tls.write_all(&start_frame(channel)).await.unwrap();
    next_frame(&mut tls).await.unwrap()
}

#[tokio::test]
async fn the_sni_chooses_the_certificate_as_ibm_mq_does() {
    let dir = scratch("qm-mq-sni");
    for name in ["qmcert", "chl1"] {
        ca_and_leaf(&dir, name, "ec");
    }
    let mut ks = keystore(&dir, Some("qmcert"));
    let pem = [std::fs::read(dir.join("chl1.key")).unwrap(), std::fs::read(dir.join("chl1.pem")).unwrap()];
    ks.add("chl1", Keystore::pem_entry(&pem.concat(), &dir.join("chl1")).unwrap()).unwrap();
    let (port, qm) =
        common::serve(QueueManager::new(common::definitions(MQSC), ks.clone(), Limits::default())).await;

    let channel_sni = sni::encode("TO.QMGR1");
    assert_eq!(channel_sni, "to2e-qmgr1.chl.mq.ibm.com");
    assert!(shown(&dir, port, Some(&channel_sni)).await.contains("CN = chl1"), "the channel's CERTLABL");
    assert!(shown(&dir, port, None).await.contains("CN = qmcert"), "no SNI: the queue manager's");
    let host = shown(&dir, port, Some("mq.example.com")).await;
    assert!(host.contains("CN = qmcert"), "a host name: the queue manager's: {host}");
    let legacy = shown(&dir, port, Some("544f2e514d475231.chl.mqtls")).await;
    assert!(legacy.contains("CN = chl1"), "the legacy form still names the channel: {legacy}");

    // The channel is reached through its SNI; without it, refused as AMQ9673.
    assert!(matches!(start(port, &ks, Some(&channel_sni), "TO.QMGR1").await, Frame::StartAck { .. }));
    for sent in [None, Some("mq.example.com")] {
        let answer = start(port, &ks, sent, "TO.QMGR1").await;
        assert!(
            matches!(answer, Frame::Refuse { reason: reason::SSL_INITIALIZATION_ERROR, .. }),
            "{sent:?}: {answer:?}"
        );
    }
    assert!(common::logged(&qm, "AMQ9673: channel TO.QMGR1 has CERTLABL('chl1')"), "{:?}", qm.refusals());
    assert!(common::logged(&qm, "it sent 'mq.example.com'"), "{:?}", qm.refusals());
    // A channel without CERTLABL is served the queue manager's certificate, SNI or not.
    assert!(matches!(start(port, &ks, None, "OPEN.SVRCONN").await, Frame::StartAck { .. }));
    assert!(matches!(start(port, &ks, Some("mq.example.com"), "OPEN.SVRCONN").await, Frame::StartAck { .. }));

    // The client library: OutboundSNI=CHANNEL (the default) reaches the labelled channel,
    // HOSTNAME sends "localhost" and is refused there as an IBM MQ client would be.
    for (outbound, admitted) in [(sni::Outbound::Channel, true), (sni::Outbound::HostName, false)] {
        let mut chl = ClientChannel::new("TO.QMGR1");
        chl.cipher_spec = "ANY_TLS12_OR_HIGHER".into();
        let address = Address { host: "localhost".into(), port: Some(port) };
        let opts = ConnectOptions {
            keystore: Some(ks.clone()),
            outbound_sni: outbound,
            ..ConnectOptions::default()
        };
        let outcome = Connection::open(&chl, &address, &opts).await;
        match (admitted, outcome) {
            (true, Ok(_)) => {}
            (false, Err(ClientError::Refused { reason: reason::SSL_INITIALIZATION_ERROR, .. })) => {}
            (_, other) => panic!("{outbound:?}: {:?}", other.map(drop)),
        }
    }
    assert!(common::logged(&qm, "it sent 'localhost'"), "{:?}", qm.refusals());
}
