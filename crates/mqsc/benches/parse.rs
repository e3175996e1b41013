//! MQSC throughput: bytes per second through line assembly + parsing alone, and through
//! the full check (typed commands against the object model), on the public corpus.
//!
//! cargo bench -p mqtls-mqsc --bench parse
#![allow(missing_docs)] // criterion_group! generates an undocumented function

use std::fs;
use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use mqtls_mqsc::lines::{assemble, Item};
use mqtls_mqsc::parser::parse_command;
use mqtls_mqsc::script;

/// Every shared-corpus script and project example, concatenated (with END lines removed
/// so the whole text is read).
fn corpus() -> String {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut text = String::new();
    for dir in [root.join("../shared/corpus/mqsc"), root.join("mqsc")] {
        let mut paths: Vec<_> =
            fs::read_dir(&dir).expect("corpus dir").map(|e| e.expect("entry").path()).collect();
        paths.sort();
        for p in paths {
            let body = String::from_utf8_lossy(&fs::read(&p).expect("read")).into_owned();
            for line in body.lines().filter(|l| !l.trim().eq_ignore_ascii_case("END")) {
                text.push_str(line);
                text.push('\n');
            }
        }
    }
    text
}

fn bench(c: &mut Criterion) {
    let text = corpus();
    let mut group = c.benchmark_group("mqsc");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("syntax", |b| {
        b.iter(|| {
            assemble(&text)
                .into_iter()
                .filter_map(|i| match i {
                    Item::Command(l) => parse_command(l).ok(),
                    Item::Error { .. } => None,
                })
                .count()
        })
    });
    group.bench_function("typed", |b| b.iter(|| script::verify(&text).len()));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
