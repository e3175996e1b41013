//! SSLPEER filter matching on certificate-shaped DNs: compiled once and matched
//! (what a listener does), against compiling the filter on every match (the baseline).
//!
//! cargo bench -p mqtls-dn --bench filter
#![allow(missing_docs)] // criterion_group! generates an undocumented function

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use mqtls_dn::{Dn, PeerFilter};

const SUBJECTS: &[&str] = &[
    "SERIALNUMBER=4C:D0:49:D5,CN=Client,OU=MQ,O=IBM,C=US",
    "CN=mqclient1,O=example,C=GB",
    "E=john@example.com,CN=John Smith,OU=Test,OU=Sales,O=IBM,L=Hursley,ST=Hampshire,C=GB",
    "CN=app1.payments.example.com,OU=Payments,OU=Retail,O=Example Bank plc,L=London,C=GB",
    "CN=QM2,OU=Messaging,DC=corp,DC=example,DC=com",
    "CN=eve,O=Mallory Ltd,C=XX",
];

const FILTERS: &[&str] = &[
    "CN=Client,OU=MQ,O=IBM,C=US",
    "CN=mqclient1",
    "CN=John*,OU=Test,OU=Sales,C=GB",
    "CN=*.payments.example.com,O=Example Bank*",
    "DC=corp,DC=example,DC=com",
];

fn bench(c: &mut Criterion) {
    let dns: Vec<Dn> = SUBJECTS.iter().map(|s| Dn::parse(s).expect("valid DN")).collect();
    let compiled: Vec<PeerFilter> =
        FILTERS.iter().map(|f| PeerFilter::parse(f).expect("valid filter")).collect();
    let pairs = (dns.len() * compiled.len()) as u64;
    let mut group = c.benchmark_group("sslpeer");
    group.throughput(Throughput::Elements(pairs));
    group.bench_function("compiled_match", |b| {
        b.iter(|| dns.iter().flat_map(|d| compiled.iter().map(move |f| f.matches(d))).filter(|m| *m).count())
    });
    group.bench_function("parse_and_match", |b| {
        b.iter(|| {
            dns.iter()
                .flat_map(|d| FILTERS.iter().map(move |f| PeerFilter::parse(f).expect("valid").matches(d)))
                .filter(|m| *m)
                .count()
        })
    });
    group.finish();
    let text: String = SUBJECTS.join("\n");
    let mut group = c.benchmark_group("dn");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("parse", |b| {
        b.iter(|| SUBJECTS.iter().map(|s| Dn::parse(s).expect("valid").0.len()).sum::<usize>())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
