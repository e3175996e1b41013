//! Chain validation per second (mqtls `validate` against raw rustls-webpki on the same
//! chain) and OCSP: full response verification against cache hits. The PKI and the OCSP
//! response are made by the openssl command line at start-up (mqtls-test-support).
//!
//! cargo bench -p mqtls-pki --bench pki
#![allow(missing_docs)] // criterion_group! generates an undocumented function

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use mqtls_pki::{
    ocsp_request, validate, verify_response, Crls, OcspAuthentication, OcspClient, Role, UnknownStatus,
};
use mqtls_test_support::{ca_and_leaf, ca_database, der, now, openssl, scratch, OcspResponder};
use rustls_pki_types::{CertificateDer, UnixTime};

fn bench(c: &mut Criterion) {
    let dir = scratch("pki-bench");
    ca_and_leaf(&dir, "leaf", "ec");
    let (leaf, ca) = (der(&dir, "leaf.pem"), der(&dir, "ca.pem"));
    let now = now();
    let crls = Crls::default();

    let mut group = c.benchmark_group("chain");
    group.throughput(Throughput::Elements(1));
    group.bench_function("mqtls_validate", |b| {
        b.iter(|| {
            validate(std::slice::from_ref(&leaf), &[&ca], Role::Client, now, &crls, UnknownStatus::Allow)
                .unwrap()
        })
    });
    let ca_der = CertificateDer::from(ca.as_slice());
    let anchor = webpki::anchor_from_trusted_cert(&ca_der).unwrap().to_owned();
    let leaf_der = CertificateDer::from(leaf.as_slice());
    let time = UnixTime::since_unix_epoch(std::time::Duration::from_secs(now as u64));
    group.bench_function("webpki_raw", |b| {
        b.iter(|| {
            let ee = webpki::EndEntityCert::try_from(&leaf_der).unwrap();
            ee.verify_for_usage(
                webpki::ALL_VERIFICATION_ALGS,
                std::slice::from_ref(&anchor),
                &[],
                time,
                webpki::KeyUsage::client_auth(),
                None,
                None,
            )
            .map(|_| ())
            .unwrap()
        })
    });
    group.finish();

    // One real OCSP response, made offline by openssl from our own request.
    ca_database(&dir);
    openssl(&dir, &["ca", "-config", "ca.cnf", "-valid", "leaf.pem"]);
    let nonce = [7u8; 16];
    std::fs::write(dir.join("req.der"), ocsp_request(&leaf, &ca, &nonce).unwrap()).unwrap();
    openssl(
        &dir,
        &[
            "ocsp",
            "-index",
            "index.txt",
            "-rsigner",
            "ca.pem",
            "-rkey",
            "ca.key",
            "-CA",
            "ca.pem",
            "-reqin",
            "req.der",
            "-respout",
            "resp.der",
            "-ndays",
            "1",
        ],
    );
    let response = std::fs::read(dir.join("resp.der")).unwrap();
    let mut group = c.benchmark_group("ocsp");
    group.throughput(Throughput::Elements(1));
    group.bench_function("verify_response", |b| {
        b.iter(|| verify_response(&response, &leaf, &ca, Some(&nonce), now, 300).unwrap())
    });
    // Cache hits: prime the cache through a real responder, then ask again.
    let responder = OcspResponder::start(&dir, "ca.pem", "ca.key");
    let client = OcspClient::default();
    let url = responder.url();
    assert!(client.check(&leaf, &ca, &url, OcspAuthentication::Required, now).admitted);
    group.bench_function("cache_hit", |b| {
        b.iter(|| assert!(client.check(&leaf, &ca, &url, OcspAuthentication::Required, now).cached))
    });
    group.finish();
    drop(responder);
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, bench);
criterion_main!(benches);
