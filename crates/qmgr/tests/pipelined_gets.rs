//! `Hconn::get_many`: MQGETs pipelined on one conversation give the queue's messages in
//! order, stop at the first empty get, and keep unit-of-work semantics.

mod common;

use mqtls_client::{Address, ClientChannel, ConnectOptions, Connection, GetOptions, Hconn, Message};
use mqtls_client::{OPEN_INPUT, OPEN_OUTPUT};
use mqtls_qmgr::{Limits, QueueManager};

const MQSC: &str = "
DEFINE CHANNEL(PLAIN.SVRCONN) CHLTYPE(SVRCONN) MCAUSER('appuser')
DEFINE QLOCAL(APP.Q)
SET AUTHREC OBJTYPE(QMGR) PRINCIPAL('appuser') AUTHADD(CONNECT)
SET AUTHREC PROFILE('**') OBJTYPE(QUEUE) PRINCIPAL('appuser') AUTHADD(ALLMQI)
";

#[tokio::test]
async fn pipelined_gets_take_messages_in_order_and_stop_at_the_first_empty_get() {
    let qm = QueueManager::new(common::definitions(MQSC), mqtls_pki::Keystore::new(), Limits::default());
    let (port, qm) = common::serve(qm).await;
    let mut c = ClientChannel::new("PLAIN.SVRCONN");
    c.connections = vec![Address { host: "127.0.0.1".into(), port: Some(port) }];
    let conn = Connection::open(&c, &c.connections[0], &ConnectOptions::default()).await.unwrap();
    let mut h = Hconn::connect(conn, "QM1").await.unwrap();
    let q = h.open("APP.Q", OPEN_INPUT | OPEN_OUTPUT).await.unwrap();
    let sent: Vec<String> = (0..300).map(|i| format!("m{i:03}")).collect();
    h.put_many(&q, sent.iter().map(|t| Message::text(t)), false).await.unwrap();

    // More gets than MAX_IN_FLIGHT, more than the queue holds: every message once, in order.
    let wait = GetOptions { wait_ms: 50, ..GetOptions::default() };
    let got = h.get_many(&q, 1000, wait).await.unwrap();
    let texts: Vec<String> = got.iter().map(|m| String::from_utf8_lossy(&m.payload).into_owned()).collect();
    assert_eq!(texts, sent);
    assert!(h.get_many(&q, 5, wait).await.unwrap().is_empty(), "an empty queue gives nothing");

    // Under syncpoint the gets are one unit of work: a backout puts them all back.
    h.put_many(&q, sent[..10].iter().map(|t| Message::text(t)), false).await.unwrap();
    let syncpoint = GetOptions { syncpoint: true, ..wait };
    assert_eq!(h.get_many(&q, 4, syncpoint).await.unwrap().len(), 4, "n bounds the gets");
    h.backout().await.unwrap();
    let got = h.get_many(&q, 10, syncpoint).await.unwrap();
    let counts: Vec<u32> = got.iter().map(|m| m.backout_count).collect();
    assert_eq!(counts, [1, 1, 1, 1, 0, 0, 0, 0, 0, 0], "the backout restored the four, counted");
    h.commit().await.unwrap();
    assert_eq!(qm.queues.store().depth("APP.Q"), 0);

    // A failure in the pipeline is returned: a handle opened for output only cannot get.
    let out = h.open("APP.Q", OPEN_OUTPUT).await.unwrap();
    let err = h.get_many(&out, 3, wait).await.unwrap_err();
    assert_eq!(err.reason(), 2037, "MQRC_NOT_OPEN_FOR_INPUT: {err}");
}
