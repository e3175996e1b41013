//! An IBM MQ partner's first exchange at the listener, over plain TCP and over TLS: the
//! initial data (TSH + ID) naming a channel is checked as any channel start is; refusals
//! are STATUS segments with MQ's codes; an admitted partner gets the ID answer, shows in
//! DISPLAY CHSTATUS with its product and FAP level, and its next flow is refused with a
//! status and a log line naming it. (tests/tshark.rs has Wireshark decode the same bytes.)

mod common;

use std::sync::Arc;
use std::time::Duration;

use mqtls_channel::config::client_config;
use mqtls_channel::fap::{segment, status, Segment};
use mqtls_channel::initial_data::{caps, InitialData};
use mqtls_channel::sni;
use mqtls_model::Channel;
use mqtls_qmgr::{Limits, QueueManager};
use mqtls_test_support::{ca_and_leaf, keystore, scratch};
use rustls::pki_types::ServerName;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

const MQSC: &str = "\
ALTER QMGR CERTLABL('qm1')
DEFINE CHANNEL(PLAIN.SVRCONN) CHLTYPE(SVRCONN)
DEFINE CHANNEL(TLS.SVRCONN) CHLTYPE(SVRCONN) SSLCIPH(ANY_TLS12_OR_HIGHER) SSLCAUTH(REQUIRED)
DEFINE CHANNEL(PEER.SVRCONN) CHLTYPE(SVRCONN) SSLCIPH(ANY_TLS12_OR_HIGHER) SSLCAUTH(OPTIONAL) SSLPEER('CN=someone.else')
";

/// Sends `seg` and reads the one segment answered, within ten seconds.
async fn exchange<S: AsyncRead + AsyncWrite + Unpin>(stream: &mut S, seg: &Segment) -> Segment {
    stream.write_all(&seg.encode()).await.unwrap();
    let read =
        async { mqtls_client::read_segment(stream, &mut Vec::new(), 1 << 16).await.expect("an answer") };
    tokio::time::timeout(Duration::from_secs(10), read).await.expect("an answer within 10s")
}

async fn plain(port: u16, id: &InitialData) -> Segment {
    let mut sock = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    exchange(&mut sock, &id.segment()).await
}

#[tokio::test]
async fn an_ibm_mq_partner_is_checked_answered_and_refused_as_mq_does() {
    let dir = scratch("qm-mq-partner");
    ca_and_leaf(&dir, "qm1", "ec");
    ca_and_leaf(&dir, "app1", "ec");
    let ks = keystore(&dir, Some("qm1"));
    let qm = QueueManager::new(common::definitions(MQSC), ks.clone(), Limits::default());
    let (port, qm) = common::serve(qm).await;

    // Admitted: the ID answer names this queue manager and channel, in the partner's format.
    let mut sock = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let mut hello = InitialData::client("PLAIN.SVRCONN");
    hello.product = "MQCC09030000".into();
    let answer = exchange(&mut sock, &hello.segment()).await;
    assert_eq!((answer.kind, answer.little_endian, answer.multiplexed), (segment::INITIAL_DATA, true, None));
    let theirs = InitialData::decode(&answer.body, true).unwrap();
    assert_eq!(
        (theirs.qmgr.as_str(), theirs.channel.as_str(), theirs.fap_level),
        ("QM1", "PLAIN.SVRCONN", 13)
    );
    assert!(theirs.product.starts_with("MQTL"), "{theirs:?}");
    // While it binds, DISPLAY CHSTATUS shows what the partner said of itself.
    let row = qm.status.matching("PLAIN.SVRCONN").into_iter().next().expect("a status row");
    let items: std::collections::HashMap<_, _> = row.items().into_iter().collect();
    assert_eq!(items["STATUS"], "BINDING");
    assert_eq!(
        (items["RPRODUCT"].as_str(), items["RVERSION"].as_str(), items["FAPLEVEL"].as_str()),
        ("MQCC", "09030000", "13")
    );
    // What follows the ID exchange (here the user id flow) is refused, and named in the log.
    let userid = Segment { kind: segment::USERID, body: vec![0; 36], ..hello.segment() };
    let refused = exchange(&mut sock, &userid).await;
    assert_eq!(refused.status_code(), Some(status::PROTOCOL_SEGMENT_TYPE));
    assert!(common::logged(&qm, "sent USERID_DATA (0x08) after the initial data"), "{:?}", qm.refusals());
    assert!(common::logged(&qm, "(MQCC 09030000, FAP level 13)"), "{:?}", qm.refusals());
    assert!(qm.status.matching("PLAIN.SVRCONN").is_empty(), "the row is gone");

    // Refusals, each with MQ's STATUS code.
    let no_channel = plain(port, &InitialData::client("NO.SUCH.CHANNEL")).await;
    assert_eq!(no_channel.status_code(), Some(status::NO_CHANNEL));
    let sender = InitialData { caps1: caps::MSG_SEQ, ..InitialData::client("PLAIN.SVRCONN") };
    assert_eq!(plain(port, &sender).await.status_code(), Some(status::CHANNEL_WRONG_TYPE));
    let needs_tls = plain(port, &InitialData::client("TLS.SVRCONN")).await;
    assert_eq!(needs_tls.status_code(), Some(status::CIPHER_SPEC), "TLS channel reached without TLS");
    let not_id = Segment { kind: segment::MQCONN, ..InitialData::client("PLAIN.SVRCONN").segment() };
    let mut sock = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    assert_eq!(exchange(&mut sock, &not_id).await.status_code(), Some(status::PROTOCOL_SEGMENT_TYPE));
    let mut broken = InitialData::client("PLAIN.SVRCONN").segment();
    broken.body.truncate(20);
    let mut sock = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    assert_eq!(exchange(&mut sock, &broken).await.status_code(), Some(status::PROTOCOL_ID_ERROR));

    // Over TLS: no client certificate for SSLCAUTH(REQUIRED) (sent without SNI, so the
    // handshake asks for none and the channel's rule answers), and with IBM MQ's SNI a DN
    // that SSLPEER does not match.
    for (channel, label, code) in [
        ("TLS.SVRCONN", None, status::SSL_CLIENT_CERTIFICATE),
        ("PEER.SVRCONN", Some("app1"), status::PEER_NAME),
    ] {
        let chl = common::clntconn(channel, "ANY_TLS12_OR_HIGHER");
        let client_ks = if label.is_some() { keystore(&dir, label) } else { ks.clone() };
        let mut config = (*client_config(&Channel::new(&chl).unwrap(), label, &client_ks).unwrap()).clone();
        config.enable_sni = label.is_some();
        let sock = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
        let name = ServerName::try_from(sni::encode(channel)).unwrap();
        let mut tls = TlsConnector::from(Arc::new(config)).connect(name, sock).await.unwrap();
        let answer = exchange(&mut tls, &InitialData::client(channel).segment()).await;
        assert_eq!(answer.status_code(), Some(code), "{channel}: {answer:?}");
    }
    assert!(
        common::logged(&qm, "has SSLCAUTH(REQUIRED) and the partner sent no certificate"),
        "{:?}",
        qm.refusals()
    );
}
