//! Queue manager to queue manager: two queue managers on loopback, messages put to a
//! QREMOTE on QM1 moving over a TLS sender / receiver channel to QM2, a loopback proxy
//! that breaks the connection mid-batch (and swallows confirmations), a receiver whose
//! DN fails SSLPEER, and the operators' RESET CHANNEL after a sequence number mismatch.

mod common;

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use mqtls_client::{Address, ClientChannel, ConnectOptions, Connection, Hconn, Message, OPEN_OUTPUT};
use mqtls_model::{Stamp, Store};
use mqtls_msgstore::Select;
use mqtls_qmgr::{run_mqsc, Limits, QueueManager};
use mqtls_test_support::{ca_and_leaf, ca_database, keystore, openssl, scratch, OcspResponder};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const RECEIVER: &str = "
DEFINE CHANNEL(QM1.TO.QM2) CHLTYPE(RCVR) SSLCIPH(ANY_TLS13) SSLCAUTH(REQUIRED) SSLPEER('CN=qm1') CERTLABL('qm2')
DEFINE QLOCAL(APP.IN) MAXDEPTH(100000)
";

/// QM1's side; `{port}` is the receiver's (or the proxy's) port, `{peer}` SSLPEER.
const SENDER: &str = "
DEFINE QLOCAL(QM2) USAGE(XMITQ) TRIGGER MAXDEPTH(100000)
DEFINE CHANNEL(QM1.TO.QM2) CHLTYPE(SDR) CONNAME('127.0.0.1({port})') XMITQ(QM2) SSLCIPH(ANY_TLS13) CERTLABL('qm1') SSLPEER('{peer}') BATCHSZ(10) SHORTRTY(50) SHORTTMR(0) LONGTMR(1) HBINT(5)
DEFINE QREMOTE(TO.APP) RNAME(APP.IN) RQMNAME(QM2)
DEFINE CHANNEL(APP.SVRCONN) CHLTYPE(SVRCONN) MCAUSER('app')
SET AUTHREC OBJTYPE(QMGR) PRINCIPAL('app') AUTHADD(CONNECT)
SET AUTHREC PROFILE('**') OBJTYPE(QUEUE) PRINCIPAL('app') AUTHADD(ALLMQI)
";

fn pki(name: &str) -> std::path::PathBuf {
    let dir = scratch(name);
    for leaf in ["qm1", "qm2"] {
        ca_and_leaf(&dir, leaf, "ec");
    }
    dir
}

fn store(qmgr: &str, mqsc: &str) -> Store {
    let mut store = Store::new(qmgr, Stamp::default()).unwrap();
    let entries = mqtls_mqsc::script::run(mqsc, &mut store, &Stamp::default());
    assert_eq!(
        mqtls_mqsc::script::exit_code(&entries),
        0,
        "{}",
        mqtls_mqsc::script::report(mqsc, &entries, true)
    );
    store
}

/// QM2 serving its receiver on a loopback port.
async fn qm2(dir: &std::path::Path) -> (u16, Arc<QueueManager>) {
    let qm = QueueManager::new(store("QM2", RECEIVER), keystore(dir, Some("qm2")), Limits::default());
    common::serve(qm).await
}

/// QM1 with its sender towards `port`, the initiator started; its own listener's port.
async fn qm1(dir: &std::path::Path, port: u16, peer: &str) -> (u16, Arc<QueueManager>) {
    qm1_with(dir, port, peer, "").await
}

/// [`qm1`] with more definitions.
async fn qm1_with(dir: &std::path::Path, port: u16, peer: &str, more: &str) -> (u16, Arc<QueueManager>) {
    let mqsc = SENDER.replace("{port}", &port.to_string()).replace("{peer}", peer) + more;
    let qm = QueueManager::new(store("QM1", &mqsc), keystore(dir, Some("qm1")), Limits::default());
    let (port, qm) = common::serve(qm).await;
    qm.start_channels();
    (port, qm)
}

/// Puts `n` messages numbered from `from` on TO.APP through QM1's client channel, every
/// `np_every`-th one non-persistent; returns the MsgIds.
async fn put(port: u16, from: usize, n: usize, np_every: usize, size: usize) -> Vec<[u8; 24]> {
    let mut chl = ClientChannel::new("APP.SVRCONN");
    chl.connections = vec![Address { host: "127.0.0.1".into(), port: Some(port) }];
    let conn = Connection::open(&chl, &chl.connections[0], &ConnectOptions::default()).await.unwrap();
    let mut h = Hconn::connect(conn, "QM1").await.unwrap();
    let q = h.open("TO.APP", OPEN_OUTPUT).await.unwrap();
    let mut ids = Vec::new();
    for i in from..from + n {
        let body = format!("{i:06}{}", "x".repeat(size.saturating_sub(6)));
        let m = Message { persistent: np_every == 0 || i % np_every != 0, ..Message::text(&body) };
        ids.push(h.put(&q, m, false).await.unwrap());
    }
    h.disconnect().await.unwrap();
    ids
}

/// Waits (at most `secs`) until `check` holds.
async fn eventually(secs: u64, what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while !check() {
        assert!(Instant::now() < deadline, "not within {secs}s: {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Messages committed on QM2's APP.IN (CURDEPTH also counts a batch still being put).
fn committed_on(qm: &QueueManager) -> usize {
    let store = qm.queues.store();
    store.depth("APP.IN") - store.uncommitted("APP.IN")
}

fn row(qm: &QueueManager, channel: &str) -> HashMap<String, String> {
    qm.status.matching(channel).pop().map(|r| r.items().into_iter().collect()).unwrap_or_default()
}

/// Every message on APP.IN: its number and MsgId.
fn drain(qm: &QueueManager) -> Vec<(usize, [u8; 24])> {
    std::iter::from_fn(|| qm.queues.store().get("APP.IN", None, &Select::ANY).unwrap())
        .map(|m| (std::str::from_utf8(&m.payload[..6]).unwrap().parse().unwrap(), m.msg_id))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_put_on_a_remote_queue_arrive_over_tls_and_both_ends_agree_on_chstatus() {
    let dir = pki("q2q-basic");
    let (port2, qm2) = qm2(&dir).await;
    let (port1, qm1) = qm1(&dir, port2, "CN=qm2").await;
    let ids = put(port1, 0, 30, 6, 100).await;
    eventually(20, "30 messages on QM2's APP.IN", || committed_on(&qm2) == 30).await;
    let arrived = drain(&qm2);
    let numbers: Vec<usize> = arrived.iter().map(|(n, _)| *n).collect();
    assert_eq!(numbers, (0..30).collect::<Vec<_>>(), "in order, each once");
    assert_eq!(arrived.iter().map(|(_, id)| *id).collect::<Vec<_>>(), ids, "MsgIds kept end to end");
    eventually(10, "the transmission queue empties", || qm1.queues.store().depth("QM2") == 0).await;
    eventually(10, "the sender's record", || {
        row(&qm1, "QM1.TO.QM2").get("LSTSEQNO").is_some_and(|s| s == "30")
    })
    .await;
    let (sdr, rcvr) = (row(&qm1, "QM1.TO.QM2"), row(&qm2, "QM1.TO.QM2"));
    for (k, v) in [("STATUS", "RUNNING"), ("SECPROT", "TLSV13"), ("INDOUBT", "NO")] {
        assert_eq!((sdr[k].as_str(), rcvr[k].as_str()), (v, v), "{k}: {sdr:?} / {rcvr:?}");
    }
    assert_eq!(sdr["SSLCIPH"], rcvr["SSLCIPH"]);
    assert!(sdr["SSLCIPH"].starts_with("TLS_"), "{sdr:?}");
    assert_eq!(sdr["CURSEQNO"], "30");
    assert_eq!((sdr["LSTSEQNO"].as_str(), rcvr["LSTSEQNO"].as_str()), ("30", "30"));
    assert_eq!((sdr["RQMNAME"].as_str(), rcvr["RQMNAME"].as_str()), ("QM2", "QM1"));
    assert!(sdr["SSLPEER"].contains("CN=qm2") && rcvr["SSLPEER"].contains("CN=qm1"), "{sdr:?} / {rcvr:?}");
    assert!(sdr["BATCHES"].parse::<u64>().unwrap() >= 3, "BATCHSZ(10): {sdr:?}");
    assert_eq!((sdr["XMITQ"].as_str(), sdr["XQMSGSA"].as_str()), ("QM2", "0"));
    // Each end's LOCLADDR is the other's partner: the receiver sits on QM2's listener port.
    assert_eq!(rcvr["LOCLADDR"], format!("127.0.0.1({port2})"), "{rcvr:?}");
    assert!(sdr["LOCLADDR"].starts_with("127.0.0.1(") && sdr["LOCLADDR"] != rcvr["LOCLADDR"], "{sdr:?}");
    // Three batches at least each way: a buffer per frame, none larger than the bytes.
    for end in [&sdr, &rcvr] {
        let count = |k: &str| end[k].parse::<u64>().unwrap();
        assert!(count("BUFSSENT") >= 3 && count("BUFSRCVD") >= 3, "{end:?}");
        assert!(count("BUFSSENT") < count("BYTSSENT") && count("BUFSRCVD") < count("BYTSRCVD"), "{end:?}");
    }
    let (code, shown) = run_mqsc(&qm1, "DISPLAY CHSTATUS(QM1.TO.QM2) ALL\n");
    assert_eq!(code, 0, "{shown}");
    assert!(shown.contains("STATUS(RUNNING)") && shown.contains("CURSEQNO(30)"), "{shown}");
    // IBM MQ "DISPLAY CHSTATUS": current-only status of a sender, as ALL shows it.
    for item in ["SHORTRTS(", "LONGRTS(", "MONCHL(OFF)", "STOPREQ(NO)", "MCASTAT(RUNNING)", "JOBNAME("] {
        assert!(shown.contains(item), "{item}: {shown}");
    }
    let (code, picked) = run_mqsc(&qm1, "DISPLAY CHSTATUS(QM1.TO.QM2) SHORTRTS LONGRTS RPRODUCT COMPHDR\n");
    assert_eq!(code, 0, "selectable: {picked}");
    assert!(
        picked.contains("COMPHDR(NONE,NONE)") && picked.contains("SHORTRTS(") && !picked.contains("MSGS("),
        "{picked}"
    );
    let (code, stopped) = run_mqsc(&qm1, "STOP CHANNEL(QM1.TO.QM2)\n");
    assert_eq!(code, 0, "{stopped}");
    eventually(10, "the sender shows STOPPED", || row(&qm1, "QM1.TO.QM2")["STATUS"] == "STOPPED").await;
    put(port1, 30, 3, 0, 100).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(qm1.queues.store().depth("QM2"), 3, "a STOPPED channel is not triggered");
    assert_eq!(run_mqsc(&qm1, "START CHANNEL(QM1.TO.QM2)\n").0, 0);
    eventually(20, "the rest arrives after START CHANNEL", || committed_on(&qm2) == 3).await;
}

/// Where a proxy breaks a connection.
#[derive(Clone, Copy, Debug)]
enum Way {
    /// After so many bytes from the sender: messages cut mid-batch.
    ToReceiver,
    /// At the n-th read from the receiver (handshake, start, resync, then one per
    /// confirmation): a confirmation lost after the receiver committed.
    ToSender,
    /// At once: the receiver looks unreachable.
    Refuse,
}

/// A loopback proxy to `target` breaking its first connections as `plan` says; later
/// connections pass. Returns its port and the breaks made.
async fn proxy(target: u16, plan: Vec<(Way, usize)>) -> (u16, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let breaks = Arc::new(AtomicUsize::new(0));
    let made = breaks.clone();
    tokio::spawn(async move {
        let mut plan = plan.into_iter();
        loop {
            let Ok((inbound, _)) = listener.accept().await else { return };
            let Ok(outbound) = TcpStream::connect(("127.0.0.1", target)).await else { continue };
            let step = plan.next();
            if matches!(step, Some((Way::Refuse, _))) {
                made.fetch_add(1, Ordering::Relaxed);
                continue;
            }
            let made = made.clone();
            tokio::spawn(async move {
                let (mut ir, mut iw) = inbound.into_split();
                let (mut or, mut ow) = outbound.into_split();
                let limit =
                    |w: fn(Way) -> bool| step.filter(|(way, _)| w(*way)).map_or(usize::MAX, |(_, n)| n);
                let up = pump(&mut ir, &mut ow, limit(|w| matches!(w, Way::ToReceiver)), false);
                let down = pump(&mut or, &mut iw, limit(|w| matches!(w, Way::ToSender)), true);
                let broke = tokio::select! { b = up => b, b = down => b };
                if broke {
                    made.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
    });
    (port, breaks)
}

/// Copies until EOF (false) or until `limit` bytes (or reads, `by_reads`) would be passed
/// (true: the read that crosses it is dropped, and the connection with it).
async fn pump(
    from: &mut tokio::net::tcp::OwnedReadHalf,
    to: &mut tokio::net::tcp::OwnedWriteHalf,
    limit: usize,
    by_reads: bool,
) -> bool {
    let (mut buf, mut passed) = (vec![0u8; 4096], 0usize);
    loop {
        let n = match from.read(&mut buf).await {
            Ok(0) | Err(_) => return false,
            Ok(n) => n,
        };
        let step = if by_reads { 1 } else { n };
        if passed + step > limit {
            return true;
        }
        passed += step;
        if to.write_all(&buf[..n]).await.is_err() {
            return false;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_broken_mid_batch_and_lost_confirmations_lose_and_double_nothing() {
    let dir = pki("q2q-proxy");
    let (port2, qm2) = qm2(&dir).await;
    let plan = vec![
        (Way::ToReceiver, 2_000),
        (Way::ToReceiver, 9_000),
        (Way::ToSender, 4),
        (Way::ToReceiver, 23_000),
        (Way::ToSender, 5),
        (Way::ToSender, 7),
        (Way::ToReceiver, 51_000),
        (Way::ToSender, 6),
        (Way::ToReceiver, 80_000),
        (Way::ToSender, 9),
    ];
    let (via, breaks) = proxy(port2, plan).await;
    let (port1, qm1) = qm1(&dir, via, "CN=qm2").await;
    let n = 400usize;
    put(port1, 0, n, 7, 1024).await;
    // Every 7th message is non-persistent: NPMSPEED(FAST) may lose it when a connection
    // breaks, never double it; persistent ones are neither lost nor doubled.
    let nonpersistent = n.div_ceil(7);
    let done = || {
        committed_on(&qm2) >= n - nonpersistent
            && qm1.queues.store().depth("QM2") == 0
            && row(&qm1, "QM1.TO.QM2").get("INDOUBT").is_some_and(|d| d == "NO")
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    while !done() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(
        done(),
        "not delivered within 60s: QM2 has {}, QM1's XMITQ {}; sender {:?}; receiver {:?}",
        committed_on(&qm2),
        qm1.queues.store().depth("QM2"),
        row(&qm1, "QM1.TO.QM2"),
        row(&qm2, "QM1.TO.QM2")
    );
    tokio::time::sleep(Duration::from_millis(200)).await;
    let arrived = drain(&qm2);
    let mut seen = HashSet::new();
    let doubled: Vec<usize> = arrived.iter().map(|(i, _)| *i).filter(|i| !seen.insert(*i)).collect();
    assert!(doubled.is_empty(), "delivered twice: {doubled:?}");
    let lost: Vec<usize> = (0..n).filter(|i| !seen.contains(i) && i % 7 != 0).collect();
    assert!(lost.is_empty(), "persistent messages lost: {lost:?}");
    let np_lost = (0..n).filter(|i| !seen.contains(i)).count();
    let breaks = breaks.load(Ordering::Relaxed);
    println!("{n} messages, {breaks} connections broken by the proxy: no persistent message lost, none doubled, {np_lost} non-persistent (NPMSPEED(FAST)) lost with their connections");
    assert!(breaks >= 8, "the proxy broke {breaks} connections");
    let sdr = row(&qm1, "QM1.TO.QM2");
    assert_eq!((sdr["STATUS"].as_str(), sdr["INDOUBT"].as_str()), ("RUNNING", "NO"), "{sdr:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receiver_failing_sslpeer_leaves_the_sender_retrying_with_why_and_loses_nothing() {
    let dir = pki("q2q-sslpeer");
    let (port2, qm2) = qm2(&dir).await;
    let (port1, qm1) = qm1(&dir, port2, "CN=somebody else").await;
    put(port1, 0, 5, 0, 100).await;
    eventually(20, "the sender retrying", || {
        row(&qm1, "QM1.TO.QM2").get("STATUS").is_some_and(|s| s == "RETRYING")
    })
    .await;
    let sdr = row(&qm1, "QM1.TO.QM2");
    assert!(sdr["LASTERR"].contains("CN=somebody else") && sdr["LASTERR"].contains("CN=qm2"), "{sdr:?}");
    assert!(sdr["LASTERR"].contains("(2398"), "with MQRC_SSL_PEER_NAME_MISMATCH's code: {sdr:?}");
    assert_eq!(qm1.queues.store().depth("QM2"), 5, "the messages wait on the transmission queue");
    assert_eq!(committed_on(&qm2), 0);
    let fix = "ALTER CHANNEL(QM1.TO.QM2) CHLTYPE(SDR) SSLPEER('CN=qm2')\n";
    assert_eq!(run_mqsc(&qm1, fix).0, 0);
    eventually(20, "delivered once the definition is fixed", || committed_on(&qm2) == 5).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sequence_number_mismatch_stops_the_sender_until_reset_channel() {
    let dir = pki("q2q-reset");
    let (port2, qm2) = qm2(&dir).await;
    let (port1, qm1) = qm1(&dir, port2, "CN=qm2").await;
    put(port1, 0, 4, 0, 100).await;
    eventually(20, "first messages", || committed_on(&qm2) == 4).await;
    assert_eq!(run_mqsc(&qm1, "STOP CHANNEL(QM1.TO.QM2)\n").0, 0);
    eventually(10, "stopped", || row(&qm1, "QM1.TO.QM2")["STATUS"] == "STOPPED").await;
    eventually(10, "the receiver ended", || row(&qm2, "QM1.TO.QM2").is_empty()).await;
    let (code, reset) = run_mqsc(&qm2, "RESET CHANNEL(QM1.TO.QM2) SEQNUM(500)\n");
    assert_eq!(code, 0, "{reset}");
    put(port1, 4, 2, 0, 100).await;
    assert_eq!(run_mqsc(&qm1, "START CHANNEL(QM1.TO.QM2)\n").0, 0);
    eventually(20, "stopped on the mismatch", || {
        row(&qm1, "QM1.TO.QM2").get("LASTERR").is_some_and(|e| e.contains("sequence number"))
    })
    .await;
    let sdr = row(&qm1, "QM1.TO.QM2");
    assert_eq!(sdr["STATUS"], "STOPPED", "{sdr:?}");
    assert!(sdr["LASTERR"].contains("committed 4") && sdr["LASTERR"].contains("499"), "{sdr:?}");
    assert_eq!(committed_on(&qm2), 4, "nothing moved");
    let (code, reset) = run_mqsc(&qm1, "RESET CHANNEL(QM1.TO.QM2) SEQNUM(1)\nSTART CHANNEL(QM1.TO.QM2)\n");
    assert_eq!(code, 0, "{reset}");
    eventually(20, "flowing again after RESET CHANNEL at the sender", || committed_on(&qm2) == 6).await;
    eventually(10, "the receiver took the sender's number", || {
        row(&qm2, "QM1.TO.QM2").get("LSTSEQNO").is_some_and(|s| s == "2")
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batches_of_fast_nonpersistent_messages_resynchronise_after_lost_confirmations() {
    let dir = pki("q2q-fast");
    let (port2, qm2) = qm2(&dir).await;
    // Connections broken at reads from the receiver: confirmations lost among them, which
    // leaves the receiver a batch ahead of the sender's record.
    let plan = vec![(Way::ToSender, 4), (Way::ToSender, 5), (Way::ToSender, 6)];
    let (via, breaks) = proxy(port2, plan).await;
    let (port1, qm1) = qm1(&dir, via, "CN=qm2").await;
    put(port1, 0, 200, 1, 100).await;
    eventually(30, "the transmission queue empties", || qm1.queues.store().depth("QM2") == 0).await;
    // FAST messages in flight when a connection breaks may be lost; none comes twice,
    // and the end left behind takes the other's position rather than stopping.
    eventually(10, "both ends running at the same committed sequence number", || {
        let (s, r) = (row(&qm1, "QM1.TO.QM2"), row(&qm2, "QM1.TO.QM2"));
        s.get("STATUS").is_some_and(|v| v == "RUNNING")
            && s.contains_key("LSTSEQNO")
            && s.get("LSTSEQNO") == r.get("LSTSEQNO")
    })
    .await;
    let arrived = drain(&qm2);
    let distinct: HashSet<usize> = arrived.iter().map(|(i, _)| *i).collect();
    assert_eq!(distinct.len(), arrived.len(), "none doubled");
    assert!(breaks.load(Ordering::Relaxed) >= 3);
    assert!(arrived.len() > 100, "only messages in flight at a break may be lost: {}", arrived.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resolve_channel_commits_a_batch_left_in_doubt_and_nothing_is_sent_twice() {
    let dir = pki("q2q-resolve");
    let (port2, qm2) = qm2(&dir).await;
    // The first batch's confirmation is lost, then the receiver is unreachable.
    let mut plan = vec![(Way::ToSender, 4)];
    plan.extend(std::iter::repeat_n((Way::Refuse, 0), 1000));
    let (via, _) = proxy(port2, plan).await;
    let (port1, qm1) = qm1(&dir, via, "CN=qm2").await;
    // Loaded while stopped, so the first batch is a full BATCHSZ(10).
    assert_eq!(run_mqsc(&qm1, "STOP CHANNEL(QM1.TO.QM2)\n").0, 0);
    put(port1, 0, 25, 0, 100).await;
    assert_eq!(run_mqsc(&qm1, "START CHANNEL(QM1.TO.QM2)\n").0, 0);
    eventually(20, "a batch in doubt, the receiver unreachable", || {
        let r = row(&qm1, "QM1.TO.QM2");
        r.get("INDOUBT").is_some_and(|d| d == "YES") && r.get("STATUS").is_some_and(|s| s == "RETRYING")
    })
    .await;
    let (code, report) = run_mqsc(&qm1, "RESOLVE CHANNEL(QM1.TO.QM2) ACTION(COMMIT)\n");
    assert_eq!(code, 20, "refused while the channel runs: {report}");
    assert!(report.contains("STOP CHANNEL(QM1.TO.QM2) first"), "{report}");
    assert_eq!(run_mqsc(&qm1, "STOP CHANNEL(QM1.TO.QM2)\n").0, 0);
    eventually(10, "stopped", || row(&qm1, "QM1.TO.QM2")["STATUS"] == "STOPPED").await;
    // The batch in doubt is on both queue managers: committed at the receiver, still
    // held by the sender.
    let (held, there) = (qm1.queues.store().depth("QM2"), committed_on(&qm2));
    let batch = held + there - 25;
    assert!(batch == 10 || batch == 5, "BATCHSZ(10) of 25: held {held}, on QM2 {there}");
    let (code, report) = run_mqsc(&qm1, "RESOLVE CHANNEL(QM1.TO.QM2) ACTION(COMMIT)\n");
    assert_eq!(code, 0, "{report}");
    assert!(report.contains(&format!("{batch} messages) committed")), "{report}");
    assert_eq!(qm1.queues.store().depth("QM2"), held - batch);
    assert_eq!(row(&qm1, "QM1.TO.QM2")["INDOUBT"], "NO");
    let (code, report) = run_mqsc(&qm1, "RESOLVE CHANNEL(QM1.TO.QM2) ACTION(BACKOUT)\n");
    assert!(code == 20 && report.contains("not in doubt"), "{report}");
    let direct = format!(
        "ALTER CHANNEL(QM1.TO.QM2) CHLTYPE(SDR) CONNAME('127.0.0.1({port2})')\nSTART CHANNEL(QM1.TO.QM2)\n"
    );
    assert_eq!(run_mqsc(&qm1, &direct).0, 0);
    eventually(20, "the rest delivered", || committed_on(&qm2) == 25).await;
    let numbers: Vec<usize> = drain(&qm2).into_iter().map(|(n, _)| n).collect();
    assert_eq!(numbers, (0..25).collect::<Vec<_>>(), "each once, in order");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receiver_whose_certificate_is_revoked_is_refused_by_the_sender_which_retries_and_says_why() {
    let dir = pki("q2q-revoked");
    ca_database(&dir);
    openssl(&dir, &["ca", "-config", "ca.cnf", "-valid", "qm1.pem"]);
    openssl(&dir, &["ca", "-config", "ca.cnf", "-revoke", "qm2.pem"]);
    let responder = OcspResponder::start(&dir, "ca.pem", "ca.key");
    let (port2, qm2) = qm2(&dir).await;
    let revocation = format!(
        "DEFINE AUTHINFO(OCSP) AUTHTYPE(OCSP) OCSPURL('{}')\nDEFINE NAMELIST(REV) NAMES(OCSP)\nALTER QMGR SSLCRLNL(REV)\n",
        responder.url()
    );
    let (port1, qm1) = qm1_with(&dir, port2, "CN=qm2", &revocation).await;
    put(port1, 0, 5, 0, 100).await;
    eventually(20, "the sender retrying", || {
        row(&qm1, "QM1.TO.QM2").get("LASTERR").is_some_and(|e| e.contains("revoked"))
    })
    .await;
    let sdr = row(&qm1, "QM1.TO.QM2");
    assert!(matches!(sdr["STATUS"].as_str(), "RETRYING" | "BINDING"), "{sdr:?}");
    assert!(sdr["LASTERR"].contains("2401"), "{sdr:?}");
    assert_eq!(qm1.queues.store().depth("QM2"), 5, "nothing left the transmission queue");
    assert_eq!(committed_on(&qm2), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receiver_with_an_mcauser_puts_only_where_that_user_may() {
    let dir = pki("q2q-mcauser");
    let (port2, qm2) = qm2(&dir).await;
    let alter = "ALTER CHANNEL(QM1.TO.QM2) CHLTYPE(RCVR) MCAUSER('rcvuser')\n";
    assert_eq!(run_mqsc(&qm2, alter).0, 0);
    let (port1, qm1) = qm1(&dir, port2, "CN=qm2").await;
    put(port1, 0, 3, 0, 100).await;
    eventually(20, "the sender told why", || {
        row(&qm1, "QM1.TO.QM2")
            .get("LASTERR")
            .is_some_and(|e| e.contains("lacks PUT authority on QUEUE APP.IN"))
    })
    .await;
    assert_eq!(committed_on(&qm2), 0);
    assert_eq!(qm1.queues.store().depth("QM2"), 3, "the batch went back to the transmission queue");
    let grant = "SET AUTHREC PROFILE('APP.IN') OBJTYPE(QUEUE) PRINCIPAL('rcvuser') AUTHADD(PUT)\n";
    assert_eq!(run_mqsc(&qm2, grant).0, 0);
    eventually(20, "delivered once granted", || committed_on(&qm2) == 3).await;
}

/// QM1 serves SVR channel SERVED (no CONNAME: its requester calls) and SVR CALLING (which
/// calls QM2's RQSTR); QM2 has the two requesters.
const SERVER_QM1: &str = "
DEFINE QLOCAL(XQ.SERVED) USAGE(XMITQ) MAXDEPTH(100000)
DEFINE QLOCAL(XQ.CALLING) USAGE(XMITQ) MAXDEPTH(100000) TRIGGER
DEFINE QREMOTE(VIA.SERVED) RNAME(APP.IN) RQMNAME(QM2) XMITQ(XQ.SERVED)
DEFINE QREMOTE(VIA.CALLING) RNAME(APP.IN) RQMNAME(QM2) XMITQ(XQ.CALLING)
DEFINE CHANNEL(SERVED) CHLTYPE(SVR) XMITQ(XQ.SERVED) SSLCIPH(ANY_TLS13) SSLCAUTH(REQUIRED) SSLPEER('CN=qm2') CERTLABL('qm1') BATCHSZ(10)
DEFINE CHANNEL(CALLING) CHLTYPE(SVR) XMITQ(XQ.CALLING) CONNAME('127.0.0.1({port2})') SSLCIPH(ANY_TLS13) SSLPEER('CN=qm2') CERTLABL('qm1') SHORTTMR(0)
DEFINE CHANNEL(APP.SVRCONN) CHLTYPE(SVRCONN) MCAUSER('app')
SET AUTHREC OBJTYPE(QMGR) PRINCIPAL('app') AUTHADD(CONNECT)
SET AUTHREC PROFILE('**') OBJTYPE(QUEUE) PRINCIPAL('app') AUTHADD(ALLMQI)
";

const REQUESTER_QM2: &str = "
DEFINE QLOCAL(APP.IN) MAXDEPTH(100000)
DEFINE CHANNEL(SERVED) CHLTYPE(RQSTR) CONNAME('127.0.0.1({port1})') SSLCIPH(ANY_TLS13) SSLPEER('CN=qm1') CERTLABL('qm2')
DEFINE CHANNEL(CALLING) CHLTYPE(RQSTR) CONNAME('127.0.0.1({port1})') SSLCIPH(ANY_TLS13) SSLCAUTH(REQUIRED) SSLPEER('CN=qm1') CERTLABL('qm2')
";

/// Puts `n` messages on `queue` of QM1 through its client channel.
async fn put_to(port: u16, queue: &str, n: usize) {
    let mut chl = ClientChannel::new("APP.SVRCONN");
    chl.connections = vec![Address { host: "127.0.0.1".into(), port: Some(port) }];
    let conn = Connection::open(&chl, &chl.connections[0], &ConnectOptions::default()).await.unwrap();
    let mut h = Hconn::connect(conn, "QM1").await.unwrap();
    let q = h.open(queue, OPEN_OUTPUT).await.unwrap();
    for i in 0..n {
        h.put(&q, Message { persistent: true, ..Message::text(&format!("{i:06}")) }, false).await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requesters_and_servers_move_messages_whichever_end_calls() {
    let dir = pki("q2q-svr-rqstr");
    // QM2 first (CALLING needs its port), then QM1 (SERVED's requester needs QM1's).
    let listener2 = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port2 = listener2.local_addr().unwrap().port();
    let qm1 = QueueManager::new(
        store("QM1", &SERVER_QM1.replace("{port2}", &port2.to_string())),
        keystore(&dir, Some("qm1")),
        Limits::default(),
    );
    let (port1, qm1) = common::serve(qm1).await;
    qm1.start_channels();
    let mqsc2 = REQUESTER_QM2.replace("{port1}", &port1.to_string());
    let qm2 =
        Arc::new(QueueManager::new(store("QM2", &mqsc2), keystore(&dir, Some("qm2")), Limits::default()));
    tokio::spawn(mqtls_qmgr::serve(listener2, qm2.clone()));
    qm2.start_channels();

    // The requester calls; the server sends what waits on its transmission queue.
    put_to(port1, "VIA.SERVED", 25).await;
    let (code, report) = run_mqsc(&qm2, "START CHANNEL(SERVED)\n");
    assert_eq!(code, 0, "{report}");
    let deadline = Instant::now() + Duration::from_secs(20);
    while committed_on(&qm2) < 25 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        committed_on(&qm2),
        25,
        "SERVED: QM1 {:?} / QM2 {:?}",
        row(&qm1, "SERVED"),
        row(&qm2, "SERVED")
    );
    // The server records the last confirmation just after the requester committed it.
    eventually(10, "the server's record", || row(&qm1, "SERVED").get("LSTSEQNO").is_some_and(|s| s == "25"))
        .await;
    let (svr, rqstr) = (row(&qm1, "SERVED"), row(&qm2, "SERVED"));
    assert_eq!((svr["CHLTYPE"].as_str(), rqstr["CHLTYPE"].as_str()), ("SVR", "RQSTR"));
    assert_eq!((svr["SECPROT"].as_str(), rqstr["SECPROT"].as_str()), ("TLSV13", "TLSV13"));
    assert_eq!((svr["LSTSEQNO"].as_str(), rqstr["LSTSEQNO"].as_str()), ("25", "25"));
    assert_eq!(svr["XMITQ"], "XQ.SERVED");

    // The server with a CONNAME calls the requester, triggered by its transmission queue.
    put_to(port1, "VIA.CALLING", 7).await;
    eventually(20, "7 more through CALLING", || committed_on(&qm2) == 32).await;
    let (svr, rqstr) = (row(&qm1, "CALLING"), row(&qm2, "CALLING"));
    assert_eq!((svr["STATUS"].as_str(), rqstr["STATUS"].as_str()), ("RUNNING", "RUNNING"));
    assert_eq!((svr["RQMNAME"].as_str(), rqstr["RQMNAME"].as_str()), ("QM2", "QM1"));
    let numbers: Vec<usize> = drain(&qm2).into_iter().map(|(n, _)| n).collect();
    assert_eq!(numbers, (0..25).chain(0..7).collect::<Vec<_>>());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_for_a_queue_qm2_lacks_goes_to_its_dead_letter_queue_and_the_rest_flow_on() {
    let dir = pki("q2q-dlq");
    let (port2, qm2) = qm2(&dir).await;
    let dlq = "DEFINE QLOCAL(DLQ)\nALTER QMGR DEADQ(DLQ)\n";
    assert_eq!(run_mqsc(&qm2, dlq).0, 0);
    let more = "DEFINE QREMOTE(TO.NOWHERE) RNAME(NO.SUCH.Q) RQMNAME(QM2)\n";
    let (port1, qm1) = qm1_with(&dir, port2, "CN=qm2", more).await;
    put(port1, 0, 3, 0, 100).await;
    put_to(port1, "TO.NOWHERE", 1).await;
    put(port1, 3, 3, 0, 100).await;
    eventually(20, "6 delivered, one dead-lettered", || {
        committed_on(&qm2) == 6 && qm2.queues.store().depth("DLQ") == 1
    })
    .await;
    let dead = qm2.queues.store().get("DLQ", None, &Select::ANY).unwrap().unwrap();
    let dl = mqtls_model::DeadLetter::unwrap(&dead).unwrap();
    assert_eq!((dl.reason, dl.dest_q.as_str(), dl.dest_qmgr.as_str()), (2085, "NO.SUCH.Q", "QM2"));
    assert_eq!(dl.message.payload, b"000000");
    assert_eq!(row(&qm1, "QM1.TO.QM2")["STATUS"], "RUNNING");
    // USEDLQ(NO): the batch is refused instead, and waits on the transmission queue.
    assert_eq!(
        run_mqsc(
            &qm2,
            "ALTER CHANNEL(QM1.TO.QM2) CHLTYPE(RCVR) USEDLQ(NO)\nSTOP CHANNEL(QM1.TO.QM2) STATUS(INACTIVE)\n"
        )
        .0,
        0
    );
    put_to(port1, "TO.NOWHERE", 1).await;
    eventually(20, "the sender says why", || {
        row(&qm1, "QM1.TO.QM2").get("LASTERR").is_some_and(|e| e.contains("NO.SUCH.Q") && e.contains("2085"))
    })
    .await;
    assert_eq!(qm1.queues.store().depth("QM2"), 1);
    assert_eq!(qm2.queues.store().depth("DLQ"), 0, "got above; nothing new");
}
