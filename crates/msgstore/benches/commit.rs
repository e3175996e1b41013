//! Persistent writes per second on a real file, one writer against eight at once (eight
//! conversations): each a persistent put outside a unit of work, and units of work of ten
//! persistent puts. With group commit the eight share transactions and fsyncs.
//!
//! cargo bench -p mqtls-msgstore --bench commit
#![allow(missing_docs)] // criterion_group! generates an undocumented function

use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use mqtls_model::Message;
use mqtls_msgstore::MessageStore;

const PER_WRITER: u64 = 20;

/// `writers` threads each writing PER_WRITER times (`uow`: units of work of ten puts);
/// the time for all of them.
fn run(store: &Arc<MessageStore>, writers: u64, uow: bool) -> Duration {
    let started = Instant::now();
    let threads: Vec<_> = (0..writers)
        .map(|_| {
            let store = store.clone();
            std::thread::spawn(move || {
                for _ in 0..PER_WRITER {
                    let m = || Message { persistent: true, ..Message::text("0123456789") };
                    if uow {
                        let u = store.begin();
                        for _ in 0..10 {
                            store.put("BENCH.Q", m(), Some(u), usize::MAX).unwrap();
                        }
                        store.commit(u).unwrap();
                    } else {
                        store.put("BENCH.Q", m(), None, usize::MAX).unwrap();
                    }
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let elapsed = started.elapsed();
    store.clear("BENCH.Q").unwrap();
    elapsed
}

fn commits(c: &mut Criterion) {
    let path = mqtls_test_support::scratch("bench-commit").join("messages.redb");
    let store = Arc::new(MessageStore::open(&path).unwrap());
    for (group, uow) in [("persistent_put", false), ("uow_commit", true)] {
        let mut g = c.benchmark_group(group);
        for writers in [1u64, 8] {
            g.throughput(Throughput::Elements(writers * PER_WRITER));
            g.bench_function(BenchmarkId::from_parameter(format!("{writers}_writers")), |b| {
                b.iter_custom(|iters| (0..iters).map(|_| run(&store, writers, uow)).sum())
            });
        }
        g.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(4));
    targets = commits
}
criterion_main!(benches);
