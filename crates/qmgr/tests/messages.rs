//! Messages over real channels: a queue manager on loopback, the client library over TLS
//! (and plain), put/get/browse, waits, units of work, shared conversations, refusals with
//! their MQ reason codes, and persistent messages across a restart.

mod common;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use mqtls_client::{
    Address, ClientChannel, ClientError, ConnectOptions, Connection, GetMode, GetOptions, Hconn, Message,
    OPEN_BROWSE, OPEN_INPUT, OPEN_OUTPUT,
};
use mqtls_model::Store;
use mqtls_msgstore::MessageStore;
use mqtls_qmgr::{Limits, QueueManager};
use mqtls_test_support::{ca_and_leaf, keystore, scratch};

const MQSC: &str = "
DEFINE CHANNEL(APP.SVRCONN) CHLTYPE(SVRCONN) SSLCIPH(ANY_TLS13) SSLCAUTH(REQUIRED) CERTLABL('qm1') SHARECNV(3)
DEFINE CHANNEL(PLAIN.SVRCONN) CHLTYPE(SVRCONN) MCAUSER('appuser')
DEFINE QLOCAL(APP.Q)
DEFINE QLOCAL(SMALL.Q) MAXDEPTH(2) MAXMSGL(10)
DEFINE QLOCAL(OFF.Q) PUT(DISABLED) GET(DISABLED)
DEFINE QALIAS(ALIAS.Q) TARGET(APP.Q)
DEFINE QLOCAL(DURABLE.Q) DEFPSIST(YES)
DEFINE QALIAS(FAST.ALIAS) TARGET(DURABLE.Q) DEFPSIST(NO)
DEFINE QALIAS(DURABLE.ALIAS) TARGET(APP.Q) DEFPSIST(YES)
SET AUTHREC OBJTYPE(QMGR) PRINCIPAL('alice') AUTHADD(CONNECT)
SET AUTHREC PROFILE('**') OBJTYPE(QUEUE) PRINCIPAL('alice') AUTHADD(ALLMQI)
SET AUTHREC OBJTYPE(QMGR) PRINCIPAL('appuser') AUTHADD(CONNECT)
SET AUTHREC PROFILE('**') OBJTYPE(QUEUE) PRINCIPAL('appuser') AUTHADD(ALLMQI)
";

fn pki(name: &str) -> std::path::PathBuf {
    let dir = scratch(name);
    ca_and_leaf(&dir, "qm1", "ec");
    ca_and_leaf(&dir, "app1", "ec");
    dir
}

fn definitions() -> Store {
    common::definitions(MQSC)
}

async fn start(qm: QueueManager) -> (u16, Arc<QueueManager>) {
    common::serve(qm).await
}

async fn listen(dir: &Path) -> (u16, Arc<QueueManager>) {
    start(QueueManager::new(definitions(), keystore(dir, Some("qm1")), Limits::default())).await
}

fn channel(name: &str, port: u16) -> ClientChannel {
    let mut c = ClientChannel::new(name);
    c.connections = vec![Address { host: "127.0.0.1".into(), port: Some(port) }];
    if name == "APP.SVRCONN" {
        c.cipher_spec = "ANY_TLS13".into();
        c.cert_label = "app1".into();
        c.peer_name = "CN=qm1".into();
    }
    c
}

async fn connection(dir: &Path, port: u16, name: &str) -> Arc<Connection> {
    let opts = ConnectOptions {
        user: "alice".into(),
        keystore: Some(keystore(dir, Some("app1"))),
        ..ConnectOptions::default()
    };
    let chl = channel(name, port);
    Connection::open(&chl, &chl.connections[0], &opts).await.unwrap()
}

fn text(m: &Message) -> &str {
    std::str::from_utf8(&m.payload).unwrap()
}

const NOW: GetOptions =
    GetOptions { mode: GetMode::Remove, syncpoint: false, wait_ms: 0, msg_id: None, correl_id: None };

fn reason<T: std::fmt::Debug>(r: Result<T, ClientError>) -> u32 {
    r.unwrap_err().reason()
}

#[tokio::test]
async fn a_message_put_over_tls_is_got_back_with_its_descriptor_and_counted_in_chstatus() {
    let dir = pki("msgs-tls");
    let (port, qm) = listen(&dir).await;
    let conn = connection(&dir, port, "APP.SVRCONN").await;
    assert_eq!(conn.negotiated().protocol.as_deref(), Some("TLSv1_3"));
    assert_eq!(conn.negotiated().sharecnv, 3, "the smaller of SHARECNV(10) asked and SHARECNV(3) defined");
    let mut hconn = Hconn::connect(conn, "QM1").await.unwrap();
    assert_eq!(hconn.qmgr(), "QM1");
    let q = hconn.open("APP.Q", OPEN_INPUT | OPEN_OUTPUT).await.unwrap();
    let sent = Message { correl_id: [4; 24], priority: 6, ..Message::text("hello over TLS") };
    let msg_id = hconn.put(&q, sent, false).await.unwrap();
    assert_eq!(hconn.depth(&q).await.unwrap(), 1);
    let got = hconn.get(&q, NOW).await.unwrap().expect("the message");
    assert_eq!((text(&got), got.msg_id, got.correl_id, got.priority), ("hello over TLS", msg_id, [4; 24], 6));
    assert_eq!(got.user_id, "alice", "a blank MCAUSER runs as the asserted user");
    assert!(got.put_time > 1_700_000_000_000, "the queue manager stamps the put time");
    assert!(hconn.get(&q, NOW).await.unwrap().is_none(), "2033 is Ok(None)");
    let row = qm.status.matching("APP.SVRCONN").pop().unwrap();
    let items: std::collections::HashMap<String, String> = row.items().into_iter().collect();
    assert_eq!(items["MSGS"], "2");
    assert!(
        items["BYTSSENT"].parse::<u64>().unwrap() > 100 && items["BYTSRCVD"].parse::<u64>().unwrap() > 100
    );
    assert_ne!(items["LSTMSGDA"].trim(), "");
    hconn.disconnect().await.unwrap();
}

#[tokio::test]
async fn a_waiting_get_on_one_conversation_is_answered_by_a_put_on_another() {
    let dir = pki("msgs-wait");
    let (port, _qm) = listen(&dir).await;
    let conn = connection(&dir, port, "APP.SVRCONN").await;
    let mut getter = Hconn::connect(conn.clone(), "*QM1").await.unwrap();
    let mut putter = Hconn::connect(conn.clone(), "").await.unwrap();
    let waiting = tokio::spawn(async move {
        let q = getter.open("ALIAS.Q", OPEN_INPUT).await.unwrap();
        let got = getter.get(&q, GetOptions { wait_ms: 10_000, ..NOW }).await;
        (getter, got)
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    let q = putter.open("APP.Q", OPEN_OUTPUT).await.unwrap();
    putter.put(&q, Message::text("wake up"), false).await.unwrap();
    let (_getter, got) =
        tokio::time::timeout(Duration::from_secs(5), waiting).await.expect("answered").unwrap();
    assert_eq!(text(&got.unwrap().unwrap()), "wake up", "through the alias");
    let _third = Hconn::connect(conn.clone(), "QM1").await.unwrap();
    let err = Hconn::connect(conn, "QM1").await.unwrap_err();
    assert_eq!(err.reason(), 2025, "{err}");
    let mut short = putter;
    let q2 = short.open("APP.Q", OPEN_INPUT).await.unwrap();
    let started = std::time::Instant::now();
    assert!(short.get(&q2, GetOptions { wait_ms: 300, ..NOW }).await.unwrap().is_none());
    assert!(started.elapsed() >= Duration::from_millis(300), "the wait lasted its interval");
}

#[tokio::test]
async fn units_of_work_commit_together_and_a_lost_connection_backs_out() {
    let dir = pki("msgs-uow");
    let (port, qm) = listen(&dir).await;
    let conn = connection(&dir, port, "PLAIN.SVRCONN").await;
    assert_eq!(conn.negotiated().protocol, None);
    let mut a = Hconn::connect(conn.clone(), "QM1").await.unwrap();
    let mut b = Hconn::connect(conn.clone(), "QM1").await.unwrap();
    let qa = a.open("APP.Q", OPEN_INPUT | OPEN_OUTPUT).await.unwrap();
    let qb = b.open("APP.Q", OPEN_INPUT).await.unwrap();
    a.put_many(&qa, (0..3).map(|i| Message::text(&format!("m{i}"))), true).await.unwrap();
    assert!(b.get(&qb, NOW).await.unwrap().is_none(), "uncommitted puts are invisible");
    a.commit().await.unwrap();
    let got = b.get(&qb, GetOptions { syncpoint: true, ..NOW }).await.unwrap().unwrap();
    assert_eq!(
        (text(&got), got.user_id.as_str()),
        ("m0", "appuser"),
        "MCAUSER('appuser') stamps the message"
    );
    b.backout().await.unwrap();
    let again = b.get(&qb, GetOptions { syncpoint: true, ..NOW }).await.unwrap().unwrap();
    assert_eq!((text(&again), again.backout_count), ("m0", 1));
    drop((a, b, qa, qb, conn)); // the connection ends with b's get uncommitted
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(qm.queues.store().depth("APP.Q"), 3, "the lost connection backed out its get");
    assert_eq!(qm.queues.store().uncommitted("APP.Q"), 0);
}

#[tokio::test]
async fn browsing_walks_the_queue_in_get_order_and_removes_nothing() {
    let dir = pki("msgs-browse");
    let (port, _qm) = listen(&dir).await;
    let mut h = Hconn::connect(connection(&dir, port, "PLAIN.SVRCONN").await, "QM1").await.unwrap();
    let q = h.open("APP.Q", OPEN_BROWSE | OPEN_OUTPUT).await.unwrap();
    for (body, priority) in [("low", 1), ("high", 8), ("mid", 4)] {
        h.put(&q, Message { priority, ..Message::text(body) }, false).await.unwrap();
    }
    let mut seen =
        vec![text(&h.get(&q, GetOptions { mode: GetMode::BrowseFirst, ..NOW }).await.unwrap().unwrap())
            .to_owned()];
    while let Some(m) = h.get(&q, GetOptions { mode: GetMode::BrowseNext, ..NOW }).await.unwrap() {
        seen.push(text(&m).to_owned());
    }
    assert_eq!(seen, ["high", "mid", "low"]);
    assert_eq!(h.depth(&q).await.unwrap(), 3);
    assert_eq!(reason(h.get(&q, NOW).await), 2037, "not open for input");
}

#[tokio::test]
async fn each_refusal_carries_its_mq_reason_code_and_changes_nothing() {
    let dir = pki("msgs-refuse");
    let (port, qm) = listen(&dir).await;
    let conn = connection(&dir, port, "PLAIN.SVRCONN").await;
    assert_eq!(reason(Hconn::connect(conn.clone(), "QM2").await), 2058);
    let mut h = Hconn::connect(conn, "QM1").await.unwrap();
    assert_eq!(reason(h.open("NO.SUCH.Q", OPEN_OUTPUT).await), 2085);
    assert_eq!(reason(h.open("APP.Q", 0).await), 2046);
    let off = h.open("OFF.Q", OPEN_INPUT | OPEN_OUTPUT).await.unwrap();
    assert_eq!(reason(h.put(&off, Message::text("x"), false).await), 2051);
    assert_eq!(reason(h.get(&off, NOW).await), 2016);
    let small = h.open("SMALL.Q", OPEN_OUTPUT).await.unwrap();
    assert_eq!(reason(h.put(&small, Message::text("eleven char"), false).await), 2030);
    h.put(&small, Message::text("1"), false).await.unwrap();
    h.put(&small, Message::text("2"), true).await.unwrap();
    assert_eq!(
        reason(h.put(&small, Message::text("3"), false).await),
        2053,
        "MAXDEPTH counts the uncommitted put"
    );
    assert_eq!(reason(h.get(&small, NOW).await), 2037);
    h.close(small).await.unwrap();
    assert_eq!(qm.queues.store().depth("SMALL.Q"), 2);
    assert_eq!(qm.queues.store().depth("OFF.Q"), 0);
}

/// Runs `f` against a queue manager over the store file `file` in a runtime of its own,
/// which ends with it (as a process would: every task and the file lock go).
fn in_own_runtime<T: Send + 'static>(
    dir: &Path,
    f: impl FnOnce(u16) -> std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send>> + Send + 'static,
) -> T {
    let dir = dir.to_owned();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let store = MessageStore::open(&dir.join("messages.redb")).unwrap();
            let qm = QueueManager::new(definitions(), keystore(&dir, Some("qm1")), Limits::default());
            let (port, _qm) = start(qm.with_messages(store)).await;
            f(port).await
        })
    })
    .join()
    .unwrap()
}

#[test]
fn persistent_messages_outlive_the_queue_manager_and_nonpersistent_ones_do_not() {
    let dir = pki("msgs-restart");
    let d = dir.clone();
    in_own_runtime(&dir, move |port| {
        Box::pin(async move {
            let mut h = Hconn::connect(connection(&d, port, "APP.SVRCONN").await, "QM1").await.unwrap();
            let q = h.open("APP.Q", OPEN_OUTPUT).await.unwrap();
            h.put(&q, Message { persistent: true, ..Message::text("kept") }, false).await.unwrap();
            h.put(&q, Message::text("not persistent"), false).await.unwrap();
            h.put(&q, Message { persistent: true, ..Message::text("committed in a unit of work") }, true)
                .await
                .unwrap();
            h.commit().await.unwrap();
            h.put(&q, Message { persistent: true, ..Message::text("never committed") }, true).await.unwrap();
            // The runtime ends here with the unit of work open: a crash for it.
        })
    });
    let d = dir.clone();
    let got = in_own_runtime(&dir, move |port| {
        Box::pin(async move {
            let mut h = Hconn::connect(connection(&d, port, "APP.SVRCONN").await, "QM1").await.unwrap();
            let q = h.open("APP.Q", OPEN_INPUT).await.unwrap();
            let mut got = Vec::new();
            while let Some(m) = h.get(&q, NOW).await.unwrap() {
                got.push(text(&m).to_owned());
            }
            got
        })
    });
    assert_eq!(got, ["kept", "committed in a unit of work"]);
}

/// MQPER_PERSISTENCE_AS_Q_DEF takes DEFPSIST from the first definition in the name's
/// resolution path at put time (IBM MQ, "DefPersistence"): the alias's, not the target's.
#[test]
fn persistence_as_the_queue_default_follows_defpsist_of_the_name_put_to() {
    let dir = pki("msgs-defpsist");
    let d = dir.clone();
    let seen = in_own_runtime(&dir, move |port| {
        Box::pin(async move {
            let mut h = Hconn::connect(connection(&d, port, "APP.SVRCONN").await, "QM1").await.unwrap();
            let by_default = |body: &str| Message { as_queue_default: true, ..Message::text(body) };
            for (queue, body) in [
                ("DURABLE.Q", "DEFPSIST(YES) queue"),
                ("FAST.ALIAS", "DEFPSIST(NO) alias of it"),
                ("DURABLE.ALIAS", "DEFPSIST(YES) alias of APP.Q"),
                ("APP.Q", "DEFPSIST(NO) queue"),
            ] {
                let q = h.open(queue, OPEN_OUTPUT).await.unwrap();
                h.put(&q, by_default(body), false).await.unwrap();
            }
            let q = h.open("DURABLE.Q", OPEN_OUTPUT).await.unwrap();
            h.put(&q, Message::text("explicitly not persistent"), false).await.unwrap();
            let q = h.open("DURABLE.Q", OPEN_BROWSE).await.unwrap();
            let first = h.get(&q, GetOptions { mode: GetMode::BrowseFirst, ..NOW }).await.unwrap().unwrap();
            (first.persistent, first.as_queue_default)
        })
    });
    assert_eq!(seen, (true, false), "MQGET returns the resolved persistence");
    let d = dir.clone();
    let kept = in_own_runtime(&dir, move |port| {
        Box::pin(async move {
            let mut h = Hconn::connect(connection(&d, port, "APP.SVRCONN").await, "QM1").await.unwrap();
            let mut kept = Vec::new();
            for queue in ["DURABLE.Q", "APP.Q"] {
                let q = h.open(queue, OPEN_INPUT).await.unwrap();
                while let Some(m) = h.get(&q, NOW).await.unwrap() {
                    kept.push(format!("{queue}: {}", text(&m)));
                }
            }
            kept
        })
    });
    assert_eq!(kept, ["DURABLE.Q: DEFPSIST(YES) queue", "APP.Q: DEFPSIST(YES) alias of APP.Q"]);
}

#[tokio::test]
async fn mqsc_over_a_client_channel_needs_authority_on_the_queue_manager() {
    let dir = pki("msgs-mqsc");
    let (port, qm) = listen(&dir).await;
    let mut h = Hconn::connect(connection(&dir, port, "PLAIN.SVRCONN").await, "QM1").await.unwrap();
    let err = h.mqsc("DISPLAY QLOCAL(APP.Q)\n").await.unwrap_err();
    assert_eq!(err.reason(), 2035);
    assert!(err.to_string().contains("SET AUTHREC OBJTYPE(QMGR) PRINCIPAL('appuser') AUTHADD(DSP)"), "{err}");
    let (code, _) =
        mqtls_qmgr::run_mqsc(&qm, "SET AUTHREC OBJTYPE(QMGR) PRINCIPAL('appuser') AUTHADD(DSP)\n");
    assert_eq!(code, 0);
    let q = h.open("APP.Q", OPEN_OUTPUT).await.unwrap();
    h.put(&q, Message::text("one"), false).await.unwrap();
    h.put(&q, Message::text("two, uncommitted"), true).await.unwrap();
    let (code, report) = h.mqsc("DISPLAY QLOCAL(APP.Q) MAXDEPTH CURDEPTH\n").await.unwrap();
    assert_eq!(code, 0);
    assert!(report.contains("QUEUE(APP.Q)") && report.contains("MAXDEPTH(5000)"), "{report}");
    assert!(report.contains("CURDEPTH(2)"), "CURDEPTH counts uncommitted puts, as MQ does: {report}");
    let err = h.mqsc("DEFINE QLOCAL(NEW.Q)\n").await.unwrap_err();
    assert!(err.to_string().contains("AUTHADD(CHG)"), "DSP is not enough to change: {err}");
    mqtls_qmgr::run_mqsc(&qm, "SET AUTHREC OBJTYPE(QMGR) PRINCIPAL('appuser') AUTHADD(CHG)\n");
    let (code, report) = h.mqsc("DEFINE QLOCAL(NEW.Q)\nDEFINE QLOCAL(APP.Q)\n").await.unwrap();
    assert_eq!(code, 20, "{report}");
    assert!(report.contains("AMQ8006I") && report.contains("QLOCAL(APP.Q) already exists"), "{report}");
    assert!(qm.store.read().unwrap().get(mqtls_model::ObjectType::Qlocal, "NEW.Q").is_some());
}

#[tokio::test]
async fn sslrkeyc_resets_the_secret_key_and_chstatus_counts_the_resets() {
    let dir = pki("msgs-rekey");
    let (port, qm) = listen(&dir).await;
    assert_eq!(mqtls_qmgr::run_mqsc(&qm, "ALTER QMGR SSLRKEYC(4096)\n").0, 0);
    let mut tls = Hconn::connect(connection(&dir, port, "APP.SVRCONN").await, "QM1").await.unwrap();
    let mut plain = Hconn::connect(connection(&dir, port, "PLAIN.SVRCONN").await, "QM1").await.unwrap();
    for h in [&mut tls, &mut plain] {
        let q = h.open("APP.Q", OPEN_INPUT | OPEN_OUTPUT).await.unwrap();
        for i in 0..20 {
            let body = format!("{i:04}{}", "x".repeat(1020));
            h.put(&q, Message::text(&body), false).await.unwrap();
            let got = h.get(&q, NOW).await.unwrap().unwrap();
            assert_eq!(text(&got), body, "the channel keeps working across key updates");
        }
    }
    let items = |channel: &str| -> std::collections::HashMap<String, String> {
        qm.status.matching(channel).pop().unwrap().items().into_iter().collect()
    };
    let tls_row = items("APP.SVRCONN");
    let resets: u64 = tls_row["SSLRKEYS"].parse().unwrap();
    assert!(resets >= 8, "about 44 KiB moved with a reset every 4 KiB: {resets}");
    assert!(tls_row["SSLKEYDA"].starts_with("20") && tls_row["SSLKEYTI"].contains('.'), "{tls_row:?}");
    let plain_row = items("PLAIN.SVRCONN");
    assert_eq!((plain_row["SSLRKEYS"].as_str(), plain_row["SSLKEYDA"].as_str()), ("0", " "));
}

#[tokio::test]
async fn a_reconnecting_conversation_moves_to_the_next_address_and_says_what_was_lost() {
    use mqtls_client::Reconnecting;
    let dir = pki("msgs-reconnect");
    let (port_a, qm_a) = listen(&dir).await;
    let (port_b, qm_b) = listen(&dir).await;
    let list = vec![
        (channel("PLAIN.SVRCONN", port_a), Some(Address { host: "127.0.0.1".into(), port: Some(port_a) })),
        (channel("PLAIN.SVRCONN", port_b), Some(Address { host: "127.0.0.1".into(), port: Some(port_b) })),
    ];
    let opts = ConnectOptions { user: "alice".into(), ..ConnectOptions::default() };
    let mut r = Reconnecting::connect("QM1", list, opts).await.unwrap();
    let q = r.open("APP.Q", OPEN_INPUT | OPEN_OUTPUT).await.unwrap();
    r.put(&q, Message::text("on A"), false).await.unwrap();
    r.put(&q, Message::text("in a unit of work on A"), true).await.unwrap();
    // A ends the channel and refuses new starts (2537): the next call reconnects to B.
    assert_eq!(mqtls_qmgr::run_mqsc(&qm_a, "STOP CHANNEL(PLAIN.SVRCONN) MODE(FORCE)\n").0, 0);
    let err = r.put(&q, Message::text("more of the unit"), true).await.unwrap_err();
    assert_eq!(err.reason(), 2003, "the unit of work was backed out: {err}");
    assert_eq!(r.reconnects(), 1);
    assert_eq!(r.hconn().connection().negotiated().address, format!("127.0.0.1({port_b})"));
    assert_eq!(r.commit().await.unwrap_err().reason(), 2003, "MQCMIT says so too");
    r.put(&q, Message::text("on B"), false).await.unwrap();
    let got = r.get(&q, NOW).await.unwrap().unwrap();
    assert_eq!(text(&got), "on B", "the reopened queue is B's");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(qm_a.queues.store().depth("APP.Q"), 1, "A kept its committed message and backed out the unit");
    assert_eq!(qm_b.queues.store().depth("APP.Q"), 0);
    r.disconnect().await.unwrap();
}

#[tokio::test]
async fn a_queue_with_messages_is_deleted_only_with_purge_and_clear_empties_it() {
    let dir = pki("msgs-delete");
    let (port, qm) = listen(&dir).await;
    let mut h = Hconn::connect(connection(&dir, port, "PLAIN.SVRCONN").await, "QM1").await.unwrap();
    let q = h.open("APP.Q", OPEN_OUTPUT).await.unwrap();
    let small = h.open("SMALL.Q", OPEN_OUTPUT).await.unwrap();
    h.put(&q, Message::text("1"), false).await.unwrap();
    h.put(&q, Message::text("2"), false).await.unwrap();
    h.put(&small, Message::text("s"), false).await.unwrap();
    let (code, report) = mqtls_qmgr::run_mqsc(&qm, "DELETE QLOCAL(APP.Q)\n");
    assert_eq!(code, 20, "{report}");
    assert!(report.contains("QLOCAL(APP.Q) holds 2 messages: DELETE QLOCAL(APP.Q) PURGE"), "{report}");
    let (code, report) = mqtls_qmgr::run_mqsc(&qm, "CLEAR QLOCAL(APP.Q)\nDISPLAY QLOCAL(APP.Q) CURDEPTH\n");
    assert_eq!(code, 0, "{report}");
    assert!(report.contains("queue cleared (2 messages)") && report.contains("CURDEPTH(0)"), "{report}");
    h.put(&small, Message::text("held"), true).await.unwrap();
    let (code, report) = mqtls_qmgr::run_mqsc(&qm, "DELETE QLOCAL(SMALL.Q) PURGE\n");
    assert_eq!(code, 20, "a unit of work holds one of its messages: {report}");
    h.commit().await.unwrap();
    let (code, report) = mqtls_qmgr::run_mqsc(&qm, "DELETE QLOCAL(SMALL.Q) PURGE\n");
    assert_eq!(code, 0, "{report}");
    assert!(report.contains("2 messages purged"), "{report}");
    assert_eq!(qm.queues.store().depth("SMALL.Q"), 0);
    assert_eq!(reason(h.put(&small, Message::text("x"), false).await), 2085, "the open handle sees it gone");
}

#[tokio::test]
async fn defrecon_disabled_does_not_reconnect() {
    use mqtls_client::Reconnecting;
    let dir = pki("msgs-norecon");
    let (port_a, qm_a) = listen(&dir).await;
    let (port_b, _qm_b) = listen(&dir).await;
    let mut chl = channel("PLAIN.SVRCONN", port_a);
    chl.reconnect = mqtls_client::Reconnect::Disabled;
    let list = vec![
        (chl.clone(), Some(Address { host: "127.0.0.1".into(), port: Some(port_a) })),
        (chl, Some(Address { host: "127.0.0.1".into(), port: Some(port_b) })),
    ];
    let opts = ConnectOptions { user: "alice".into(), ..ConnectOptions::default() };
    let mut r = Reconnecting::connect("QM1", list, opts).await.unwrap();
    let q = r.open("APP.Q", OPEN_OUTPUT).await.unwrap();
    mqtls_qmgr::run_mqsc(&qm_a, "STOP CHANNEL(PLAIN.SVRCONN) MODE(FORCE)\n");
    let err = r.put(&q, Message::text("x"), false).await.unwrap_err();
    assert_eq!((err.reason(), r.reconnects()), (2009, 0), "{err}");
}

#[tokio::test]
async fn chstatus_substate_shows_a_waiting_get_and_stop_channel_conname_ends_only_that_partner() {
    let dir = pki("msgs-substate");
    let (port, qm) = listen(&dir).await;
    let conn = connection(&dir, port, "PLAIN.SVRCONN").await;
    let mut waiter = Hconn::connect(conn.clone(), "QM1").await.unwrap();
    let substate = || {
        let row: std::collections::HashMap<String, String> =
            qm.status.matching("PLAIN.SVRCONN").pop().unwrap().items().into_iter().collect();
        row["SUBSTATE"].clone()
    };
    assert_eq!(substate(), "RECEIVE");
    let q = waiter.open("APP.Q", OPEN_INPUT).await.unwrap();
    let waiting =
        tokio::spawn(
            async move { waiter.get(&q, GetOptions { wait_ms: 2000, ..NOW }).await.map(|_| waiter) },
        );
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(substate(), "MQGET");
    let (code, report) = mqtls_qmgr::run_mqsc(&qm, "DISPLAY CHSTATUS(PLAIN.SVRCONN)\n");
    assert_eq!(code, 0);
    assert!(report.contains("SUBSTATE(MQGET)"), "the summary shows it: {report}");

    let (code, report) = mqtls_qmgr::run_mqsc(&qm, "STOP CHANNEL(PLAIN.SVRCONN) CONNAME('10.9.9.9')\n");
    assert_eq!(code, 20);
    assert!(report.contains("no instance of channel PLAIN.SVRCONN runs with CONNAME(10.9.9.9)"), "{report}");
    let (code, report) =
        mqtls_qmgr::run_mqsc(&qm, "STOP CHANNEL(PLAIN.SVRCONN) CONNAME('127.0.0.1') STATUS(STOPPED)\n");
    assert_eq!(code, 20);
    assert!(report.contains("with CONNAME use STATUS(INACTIVE)"), "{report}");
    assert_eq!(
        mqtls_qmgr::run_mqsc(&qm, "STOP CHANNEL(PLAIN.SVRCONN) CONNAME('127.0.0.1') MODE(FORCE)\n").0,
        0
    );
    let ended = tokio::time::timeout(Duration::from_secs(5), waiting).await.unwrap().unwrap();
    assert_eq!(ended.unwrap_err().reason(), 2009, "the waiting get learns the channel ended");
    assert!(qm.status.matching("PLAIN.SVRCONN").is_empty());
    Hconn::connect(connection(&dir, port, "PLAIN.SVRCONN").await, "QM1")
        .await
        .expect("not STOPPED: it starts again");
}

#[tokio::test]
async fn nothing_is_granted_without_an_authrec_and_groups_grant_their_members() {
    let dir = pki("msgs-oam");
    let (port, qm) = listen(&dir).await;
    let as_user = |user: &str| {
        let opts = ConnectOptions {
            user: user.into(),
            keystore: Some(keystore(&dir, Some("app1"))),
            ..ConnectOptions::default()
        };
        let chl = channel("APP.SVRCONN", port);
        async move { Connection::open(&chl, &chl.connections[0], &opts).await.unwrap() }
    };
    let err = Hconn::connect(as_user("bob").await, "QM1").await.unwrap_err();
    assert_eq!(err.reason(), 2035);
    assert!(err.to_string().contains("SET AUTHREC OBJTYPE(QMGR) PRINCIPAL('bob') AUTHADD(CONNECT)"), "{err}");
    mqtls_qmgr::run_mqsc(&qm, "SET AUTHREC OBJTYPE(QMGR) PRINCIPAL('bob') AUTHADD(CONNECT)\nSET AUTHREC PROFILE('APP.*') OBJTYPE(QUEUE) PRINCIPAL('bob') AUTHADD(GET)\n");
    let mut bob = Hconn::connect(as_user("bob").await, "QM1").await.unwrap();
    bob.open("APP.Q", OPEN_INPUT).await.expect("GET on APP.* covers APP.Q");
    let err = bob.open("APP.Q", OPEN_OUTPUT).await.unwrap_err();
    assert!(
        err.to_string().contains("PROFILE('APP.Q') OBJTYPE(QUEUE) PRINCIPAL('bob') AUTHADD(PUT)"),
        "{err}"
    );
    assert_eq!(
        bob.open("ALIAS.Q", OPEN_INPUT).await.unwrap_err().reason(),
        2035,
        "an alias is checked by its own name"
    );
    assert_eq!(
        bob.open("SMALL.Q", OPEN_INPUT).await.unwrap_err().reason(),
        2035,
        "* stays within a qualifier"
    );

    // daemon's primary group (in /etc/passwd and /etc/group on Debian) grants it.
    assert_eq!(Hconn::connect(as_user("daemon").await, "QM1").await.unwrap_err().reason(), 2035);
    mqtls_qmgr::run_mqsc(&qm, "SET AUTHREC OBJTYPE(QMGR) GROUP('daemon') AUTHADD(CONNECT)\nSET AUTHREC PROFILE('**') OBJTYPE(QUEUE) GROUP('daemon') AUTHADD(ALLMQI)\n");
    let mut daemon = Hconn::connect(as_user("daemon").await, "QM1").await.unwrap();
    let q = daemon.open("SMALL.Q", OPEN_OUTPUT | OPEN_INPUT).await.unwrap();
    daemon.put(&q, Message::text("by group"), false).await.unwrap();
}

#[tokio::test]
async fn maxinst_and_maxinstc_bound_the_instances_of_a_channel() {
    let dir = pki("msgs-maxinst");
    let (port, qm) = listen(&dir).await;
    let alter = |attrs: &str| {
        mqtls_qmgr::run_mqsc(&qm, &format!("ALTER CHANNEL(PLAIN.SVRCONN) CHLTYPE(SVRCONN) {attrs}\n"))
    };
    assert_eq!(alter("MAXINSTC(1)").0, 0);
    let chl = channel("PLAIN.SVRCONN", port);
    let opts = ConnectOptions::default();
    let open = || Connection::open(&chl, &chl.connections[0], &opts);
    let first = open().await.unwrap();
    let err = open().await.unwrap_err();
    assert_eq!(err.reason(), 2537, "{err}");
    assert!(common::logged(&qm, "MAXINSTC(1) instances from 127.0.0.1"), "{:?}", qm.refusals());
    assert_eq!(alter("MAXINSTC(10) MAXINST(2)").0, 0);
    let second = open().await.unwrap();
    assert_eq!(open().await.unwrap_err().reason(), 2537);
    assert!(common::logged(&qm, "MAXINST(2)"), "{:?}", qm.refusals());
    drop((first, second));
    tokio::time::sleep(Duration::from_millis(200)).await;
    open().await.expect("room again once they ended");
}

#[tokio::test]
async fn display_qstatus_counts_open_handles_and_uncommitted_messages() {
    let dir = pki("msgs-qstatus");
    let (port, qm) = listen(&dir).await;
    let status = || mqtls_qmgr::run_mqsc(&qm, "DISPLAY QSTATUS(APP.Q)\n").1;
    let mut h = Hconn::connect(connection(&dir, port, "PLAIN.SVRCONN").await, "QM1").await.unwrap();
    let out = h.open("APP.Q", OPEN_OUTPUT).await.unwrap();
    let input = h.open("ALIAS.Q", OPEN_INPUT).await.unwrap();
    h.put(&out, Message::text("committed"), false).await.unwrap();
    h.put(&out, Message::text("pending"), true).await.unwrap();
    let report = status();
    for item in ["QUEUE(APP.Q)", "CURDEPTH(2)", "IPPROCS(1)", "OPPROCS(1)", "UNCOM(1)"] {
        assert!(report.contains(item), "{item} in {report}");
    }
    h.commit().await.unwrap();
    h.close(input).await.unwrap();
    let report = status();
    assert!(report.contains("IPPROCS(0)") && report.contains("UNCOM(NO)"), "{report}");
    h.disconnect().await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(status().contains("OPPROCS(0)"), "MQDISC closed the handles");
}
