//! Chain validation per second (mqtls `validate` against raw rustls-webpki on the same
//! chain) and OCSP: full response verification against cache hits. The PKI and the OCSP
//! response are made by the openssl command line at start-up.
//!
//! cargo bench -p mqtls-pki --bench pki
#![allow(missing_docs)] // criterion_group! generates an undocumented function

use std::path::Path;
use std::process::{Command, Stdio};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use mqtls_pki::{
    ocsp_request, validate, verify_response, Crls, OcspAuthentication, OcspClient, Role, UnknownStatus,
};
use rustls_pki_types::{CertificateDer, UnixTime};

fn openssl(dir: &Path, args: &[&str]) {
    let ok = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap()
        .success();
    assert!(ok, "openssl {args:?}");
}

fn der(dir: &Path, pem: &str) -> Vec<u8> {
    let out = format!("{pem}.der");
    openssl(dir, &["x509", "-in", pem, "-outform", "DER", "-out", &out]);
    std::fs::read(dir.join(out)).unwrap()
}

fn bench(c: &mut Criterion) {
    let dir = std::env::temp_dir().join(format!("mqtls-pki-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    openssl(
        &dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "3",
            "-subj",
            "/CN=Bench CA",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
        ],
    );
    openssl(
        &dir,
        &[
            "req",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "leaf.key",
            "-out",
            "leaf.csr",
            "-subj",
            "/CN=bench leaf",
        ],
    );
    std::fs::write(dir.join("leaf.ext"), "basicConstraints=CA:FALSE\n").unwrap();
    openssl(
        &dir,
        &[
            "x509",
            "-req",
            "-in",
            "leaf.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "2",
            "-out",
            "leaf.pem",
            "-extfile",
            "leaf.ext",
        ],
    );
    let (leaf, ca) = (der(&dir, "leaf.pem"), der(&dir, "ca.pem"));
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
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
    std::fs::write(dir.join("index.txt"), "").unwrap();
    std::fs::write(dir.join("ca.cnf"), "[ca]\ndefault_ca=d\n[d]\ndatabase=index.txt\nnew_certs_dir=.\ncertificate=ca.pem\nprivate_key=ca.key\ndefault_md=sha256\n").unwrap();
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
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut responder = Command::new("openssl")
        .args([
            "ocsp",
            "-index",
            "index.txt",
            "-port",
            &port.to_string(),
            "-rsigner",
            "ca.pem",
            "-rkey",
            "ca.key",
            "-CA",
            "ca.pem",
            "-ndays",
            "1",
        ])
        .current_dir(&dir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut banner = std::io::BufReader::new(responder.stderr.take().unwrap());
    let mut line = String::new();
    while !line.contains("waiting for OCSP client connections") {
        line.clear();
        assert!(std::io::BufRead::read_line(&mut banner, &mut line).unwrap() > 0, "responder exited");
    }
    let client = OcspClient::default();
    let url = format!("http://127.0.0.1:{port}");
    assert!(client.check(&leaf, &ca, &url, OcspAuthentication::Required, now).admitted);
    group.bench_function("cache_hit", |b| {
        b.iter(|| assert!(client.check(&leaf, &ca, &url, OcspAuthentication::Required, now).cached))
    });
    group.finish();
    let _ = responder.kill();
    let _ = responder.wait();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, bench);
criterion_main!(benches);
