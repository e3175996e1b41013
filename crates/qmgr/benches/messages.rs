//! Message round trips and pipelined puts through a running queue manager on loopback,
//! with the client library: a mutually authenticated TLS 1.3 channel next to a plain one
//! in the same run, 1 KiB and 64 KiB payloads; persistent puts to a real file next to
//! non-persistent ones.
//!
//! cargo bench -p mqtls-qmgr --bench messages
#![allow(missing_docs)] // criterion_group! generates an undocumented function

use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use mqtls_client::{
    Address, ClientChannel, ConnectOptions, Connection, GetOptions, Hconn, Hobj, Message, OPEN_INPUT,
    OPEN_OUTPUT,
};
use mqtls_model::{Stamp, Store};
use mqtls_msgstore::MessageStore;
use mqtls_qmgr::{serve, Limits, QueueManager};
use mqtls_test_support::{ca_and_leaf, keystore, scratch};
use tokio::net::TcpListener;
use tokio::runtime::Runtime;

const MQSC: &str = "
DEFINE CHANNEL(TLS.SVRCONN) CHLTYPE(SVRCONN) SSLCIPH(ANY_TLS13) SSLCAUTH(REQUIRED) CERTLABL('qm1')
DEFINE CHANNEL(PLAIN.SVRCONN) CHLTYPE(SVRCONN)
DEFINE QLOCAL(BENCH.Q) MAXDEPTH(999999999)
SET AUTHREC OBJTYPE(QMGR) PRINCIPAL('app') AUTHADD(CONNECT)
SET AUTHREC PROFILE('BENCH.Q') OBJTYPE(QUEUE) PRINCIPAL('app') AUTHADD(PUT,GET)
";
const BATCH: usize = 100;

struct Bench {
    rt: Runtime,
    qm: Arc<QueueManager>,
    port: u16,
    dir: std::path::PathBuf,
}

fn setup() -> Bench {
    let dir = scratch("bench-messages");
    ca_and_leaf(&dir, "qm1", "ec");
    ca_and_leaf(&dir, "app1", "ec");
    let mut store = Store::new("QM1", Stamp::default()).unwrap();
    let entries = mqtls_mqsc::script::run(MQSC, &mut store, &Stamp::default());
    assert_eq!(mqtls_mqsc::script::exit_code(&entries), 0);
    let _ = std::fs::remove_file(dir.join("messages.redb"));
    let messages = MessageStore::open(&dir.join("messages.redb")).unwrap();
    let qm = QueueManager::new(store, keystore(&dir, Some("qm1")), Limits::default()).with_messages(messages);
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let qm = Arc::new(qm);
    let listener = rt.block_on(TcpListener::bind("127.0.0.1:0")).unwrap();
    let port = listener.local_addr().unwrap().port();
    rt.spawn(serve(listener, qm.clone()));
    Bench { rt, qm, port, dir }
}

impl Bench {
    fn hconn(&self, tls: bool) -> (Hconn, Hobj) {
        let mut c = ClientChannel::new(if tls { "TLS.SVRCONN" } else { "PLAIN.SVRCONN" });
        if tls {
            c.cipher_spec = "ANY_TLS13".into();
            c.cert_label = "app1".into();
        }
        let address = Address { host: "127.0.0.1".into(), port: Some(self.port) };
        let opts = ConnectOptions {
            user: "app".into(),
            keystore: Some(keystore(&self.dir, Some("app1"))),
            ..Default::default()
        };
        self.rt.block_on(async {
            let conn = Connection::open(&c, &address, &opts).await.unwrap();
            let mut h = Hconn::connect(conn, "QM1").await.unwrap();
            let q = h.open("BENCH.Q", OPEN_INPUT | OPEN_OUTPUT).await.unwrap();
            (h, q)
        })
    }
}

fn message(size: usize, persistent: bool) -> Message {
    Message { persistent, payload: vec![0x5a; size], ..Message::default() }
}

fn messages(c: &mut Criterion) {
    let b = setup();
    for (size, label) in [(1024, "1k"), (65_536, "64k")] {
        let mut group = c.benchmark_group(format!("roundtrip_{label}"));
        group.throughput(Throughput::Elements(1));
        for tls in [true, false] {
            let (mut h, q) = b.hconn(tls);
            let name = if tls { "tls13" } else { "plain" };
            group.bench_function(BenchmarkId::from_parameter(name), |bench| {
                bench.iter(|| {
                    b.rt.block_on(async {
                        h.put(&q, message(size, false), false).await.unwrap();
                        h.get(&q, GetOptions::default()).await.unwrap().unwrap()
                    })
                })
            });
        }
        group.finish();

        let mut group = c.benchmark_group(format!("pipelined_put_{label}"));
        group.throughput(Throughput::Elements(BATCH as u64));
        for tls in [true, false] {
            let (mut h, q) = b.hconn(tls);
            let name = if tls { "tls13" } else { "plain" };
            group.bench_function(BenchmarkId::from_parameter(name), |bench| {
                bench.iter_custom(|iters| timed_batches(&b, &mut h, &q, iters, size, false))
            });
        }
        group.finish();
    }
    let mut group = c.benchmark_group("put_1k_persistence");
    group.throughput(Throughput::Elements(BATCH as u64));
    let (mut h, q) = b.hconn(true);
    for persistent in [true, false] {
        let name = if persistent { "persistent_fsync" } else { "nonpersistent" };
        group.bench_function(BenchmarkId::from_parameter(name), |bench| {
            bench.iter_custom(|iters| timed_batches(&b, &mut h, &q, iters, 1024, persistent))
        });
    }
    group.finish();
}

/// Puts `iters` pipelined batches of BATCH messages; the queue is emptied between
/// batches, outside the timing.
fn timed_batches(b: &Bench, h: &mut Hconn, q: &Hobj, iters: u64, size: usize, persistent: bool) -> Duration {
    let mut total = Duration::ZERO;
    for _ in 0..iters {
        let batch: Vec<Message> = (0..BATCH).map(|_| message(size, persistent)).collect();
        let started = Instant::now();
        b.rt.block_on(h.put_many(q, batch, false)).unwrap();
        total += started.elapsed();
        b.qm.queues.store().clear("BENCH.Q").unwrap();
    }
    total
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(4));
    targets = messages
}
criterion_main!(benches);
