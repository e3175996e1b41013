//! Messages per second from QM1 to QM2 over a sender / receiver channel: a mutually
//! authenticated TLS 1.3 channel next to a plain one in the same run, persistent
//! (both message stores on real files, every batch committed durably at both ends)
//! and non-persistent (NPMSPEED(FAST)), 1 KiB and 64 KiB. Each sample loads the
//! transmission queue with the channel stopped, then times START CHANNEL until the
//! last message is committed on QM2. Both queue managers share one runtime.
//!
//! cargo bench -p mqtls-qmgr --bench qm_to_qm
#![allow(missing_docs)] // criterion_group! generates an undocumented function

use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use mqtls_model::{Message, Stamp, Store, Transmission};
use mqtls_msgstore::MessageStore;
use mqtls_qmgr::{run_mqsc, serve, Limits, QueueManager};
use mqtls_test_support::{ca_and_leaf, keystore, scratch};
use tokio::net::TcpListener;
use tokio::runtime::Runtime;

const QM2: &str = "
DEFINE CHANNEL(TO.QM2.TLS) CHLTYPE(RCVR) SSLCIPH(ANY_TLS13) SSLCAUTH(REQUIRED) SSLPEER('CN=qm1') CERTLABL('qm2')
DEFINE CHANNEL(TO.QM2.PLAIN) CHLTYPE(RCVR)
DEFINE QLOCAL(APP.IN) MAXDEPTH(999999999) MAXMSGL(4194304)
";

const QM1: &str = "
DEFINE QLOCAL(XQ.TLS) USAGE(XMITQ) MAXDEPTH(999999999) MAXMSGL(4194304)
DEFINE QLOCAL(XQ.PLAIN) USAGE(XMITQ) MAXDEPTH(999999999) MAXMSGL(4194304)
DEFINE CHANNEL(TO.QM2.TLS) CHLTYPE(SDR) CONNAME('127.0.0.1({port})') XMITQ(XQ.TLS) SSLCIPH(ANY_TLS13) CERTLABL('qm1') SSLPEER('CN=qm2')
DEFINE CHANNEL(TO.QM2.PLAIN) CHLTYPE(SDR) CONNAME('127.0.0.1({port})') XMITQ(XQ.PLAIN)
";

struct Pair {
    rt: Runtime,
    qm1: Arc<QueueManager>,
    qm2: Arc<QueueManager>,
}

fn queue_manager(dir: &std::path::Path, name: &str, mqsc: &str) -> QueueManager {
    let mut store = Store::new(name, Stamp::default()).unwrap();
    let entries = mqtls_mqsc::script::run(mqsc, &mut store, &Stamp::default());
    assert_eq!(mqtls_mqsc::script::exit_code(&entries), 0);
    let file = dir.join(format!("{name}.redb"));
    let _ = std::fs::remove_file(&file);
    let messages = MessageStore::open(&file).unwrap();
    QueueManager::new(store, keystore(dir, Some(&name.to_lowercase())), Limits::default())
        .with_messages(messages)
}

fn setup() -> Pair {
    let dir = scratch("bench-qm-to-qm");
    ca_and_leaf(&dir, "qm1", "ec");
    ca_and_leaf(&dir, "qm2", "ec");
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let qm2 = Arc::new(queue_manager(&dir, "QM2", QM2));
    let listener = rt.block_on(TcpListener::bind("127.0.0.1:0")).unwrap();
    let port = listener.local_addr().unwrap().port();
    rt.spawn(serve(listener, qm2.clone()));
    let qm1 = Arc::new(queue_manager(&dir, "QM1", &QM1.replace("{port}", &port.to_string())));
    Pair { rt, qm1, qm2 }
}

impl Pair {
    /// Loads `n` messages on the channel's transmission queue (one unit of work), then
    /// times START CHANNEL until QM2 has committed them all; QM2's queue is emptied after.
    fn transfer(&self, tls: bool, n: usize, size: usize, persistent: bool) -> Duration {
        let (channel, xmitq) = if tls { ("TO.QM2.TLS", "XQ.TLS") } else { ("TO.QM2.PLAIN", "XQ.PLAIN") };
        let store = self.qm1.queues.store();
        let uow = store.begin();
        for _ in 0..n {
            let message = Message { persistent, payload: vec![0x5a; size], ..Message::default() };
            let t = Transmission { remote_q: "APP.IN".into(), remote_qmgr: "QM2".into(), message };
            store.put(xmitq, t.wrap(), Some(uow), usize::MAX).unwrap();
        }
        store.commit(uow).unwrap();
        let started = Instant::now();
        assert_eq!(run_mqsc(&self.qm1, &format!("START CHANNEL({channel})\n")).0, 0);
        let target = self.qm2.queues.store();
        while target.depth("APP.IN") < n || target.uncommitted("APP.IN") > 0 {
            std::thread::sleep(Duration::from_micros(200));
        }
        let elapsed = started.elapsed();
        self.rt.block_on(async {
            assert_eq!(run_mqsc(&self.qm1, &format!("STOP CHANNEL({channel})\n")).0, 0);
            while self
                .qm1
                .status
                .matching(channel)
                .iter()
                .any(|r| r.items().iter().any(|(k, v)| k == "STATUS" && v != "STOPPED"))
            {
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
        });
        target.clear("APP.IN").unwrap();
        elapsed
    }
}

fn qm_to_qm(c: &mut Criterion) {
    let pair = setup();
    let _guard = pair.rt.enter();
    for (size, label, n) in [(1024, "1k", 2000), (65_536, "64k", 200)] {
        for persistent in [true, false] {
            let kind = if persistent { "persistent" } else { "nonpersistent" };
            let mut group = c.benchmark_group(format!("qm_to_qm_{label}_{kind}"));
            group.throughput(Throughput::Elements(n as u64));
            group.sample_size(10);
            for tls in [true, false] {
                let name = if tls { "tls13" } else { "plain" };
                group.bench_function(BenchmarkId::from_parameter(name), |bench| {
                    bench.iter_custom(|iters| {
                        (0..iters).map(|_| pair.transfer(tls, n, size, persistent)).sum()
                    })
                });
            }
            group.finish();
        }
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(8));
    targets = qm_to_qm
}
criterion_main!(benches);
