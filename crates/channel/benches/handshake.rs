//! Full mutual-TLS handshakes per second, in memory (no sockets): configurations built by
//! `mqtls-channel` from channel definitions, against raw rustls configurations with the
//! same certificates, TLS 1.3 and TLS 1.2, ECDSA P-256. Session resumption is off on both
//! sides of the comparison, so every iteration is a full handshake. And record encryption
//! per TLS 1.3 suite over established mqtls connections: 64 KiB from client to server,
//! AES-GCM against ChaCha20-Poly1305 on this CPU, which decides the suites' order.
//!
//! cargo bench -p mqtls-channel --bench handshake
#![allow(missing_docs)] // criterion_group! generates an undocumented function

use std::sync::Arc;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use mqtls_channel::config::{client_config, server_config};
use mqtls_channel::sni;
use mqtls_model::{AttrSet, Channel, Object, ObjectType, Stamp, Value};
use mqtls_pki::Entry;
use mqtls_test_support::{ca_and_leaf, keystore, scratch};
use rustls::crypto::ring::default_provider;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName};
use rustls::server::WebPkiClientVerifier;
use rustls::{ClientConfig, ClientConnection, RootCertStore, ServerConfig, ServerConnection};

fn channel(chltype: &str, ciph: &str) -> Object {
    let mut values = vec![("CHLTYPE", Value::Word(chltype.into())), ("SSLCIPH", Value::Str(ciph.into()))];
    if chltype == "SVRCONN" {
        values.push(("SSLCAUTH", Value::Word("REQUIRED".into())));
    }
    Object::new(
        ObjectType::Channel,
        "APP.SVRCONN",
        AttrSet::from_values(ObjectType::Channel, values).unwrap(),
        Stamp::default(),
    )
    .unwrap()
}

/// The same client configuration with session resumption off.
fn no_resumption(config: &Arc<ClientConfig>) -> Arc<ClientConfig> {
    let mut config = (**config).clone();
    config.resumption = rustls::client::Resumption::disabled();
    Arc::new(config)
}

/// Drives a handshake to its end through in-memory buffers.
fn handshake(server: &Arc<ServerConfig>, client: &Arc<ClientConfig>, name: &ServerName<'static>) {
    drop(connected(server, client, name));
}

/// Two connections with their handshake done, through in-memory buffers.
fn connected(
    server: &Arc<ServerConfig>,
    client: &Arc<ClientConfig>,
    name: &ServerName<'static>,
) -> (ClientConnection, ServerConnection) {
    let mut c = ClientConnection::new(client.clone(), name.clone()).unwrap();
    let mut s = ServerConnection::new(server.clone()).unwrap();
    let mut buf = Vec::new();
    while c.is_handshaking() || s.is_handshaking() {
        buf.clear();
        while c.wants_write() {
            c.write_tls(&mut buf).unwrap();
        }
        if !buf.is_empty() {
            s.read_tls(&mut buf.as_slice()).unwrap();
            s.process_new_packets().unwrap();
        }
        buf.clear();
        while s.wants_write() {
            s.write_tls(&mut buf).unwrap();
        }
        if !buf.is_empty() {
            c.read_tls(&mut buf.as_slice()).unwrap();
            c.process_new_packets().unwrap();
        }
    }
    (c, s)
}

/// 64 KiB written by the client and read by the server, per TLS 1.3 suite, ChaCha20 the
/// baseline: mqtls's configurations for a channel whose SSLCIPH is that one suite.
fn records(c: &mut Criterion) {
    use std::io::{Read, Write};
    let dir = scratch("records-bench");
    ca_and_leaf(&dir, "qm1", "ec");
    ca_and_leaf(&dir, "app1", "ec");
    let mut group = c.benchmark_group("records_64k");
    group.throughput(Throughput::Bytes(65_536));
    let name = ServerName::try_from(sni::encode("APP.SVRCONN")).unwrap();
    for (id, suite) in [
        ("chacha20_poly1305", "TLS_CHACHA20_POLY1305_SHA256"),
        ("aes_256_gcm", "TLS_AES_256_GCM_SHA384"),
        ("aes_128_gcm", "TLS_AES_128_GCM_SHA256"),
    ] {
        let (svr, cln) = (channel("SVRCONN", suite), channel("CLNTCONN", suite));
        let s = server_config(&Channel::new(&svr).unwrap(), "qm1", &keystore(&dir, Some("qm1"))).unwrap();
        let cl =
            client_config(&Channel::new(&cln).unwrap(), Some("app1"), &keystore(&dir, Some("app1"))).unwrap();
        let (mut client, mut server) = connected(&s, &cl, &name);
        let data = vec![0x5a; 65_536];
        let (mut wire, mut plain) = (Vec::new(), vec![0u8; 65_536]);
        group.bench_function(id, |b| {
            b.iter(|| {
                client.writer().write_all(&data).unwrap();
                wire.clear();
                while client.wants_write() {
                    client.write_tls(&mut wire).unwrap();
                }
                // Decrypted a record at a time: rustls holds at most 64 KiB of plaintext.
                let (mut incoming, mut got) = (wire.as_slice(), 0);
                while !incoming.is_empty() {
                    server.read_tls(&mut incoming).unwrap();
                    server.process_new_packets().unwrap();
                    while let Ok(n @ 1..) = server.reader().read(&mut plain) {
                        got += n;
                    }
                }
                assert_eq!(got, data.len());
            })
        });
    }
    group.finish();
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("handshake");
    group.throughput(Throughput::Elements(1));
    for key in ["ec", "rsa"] {
        let dir = scratch(&format!("handshake-bench-{key}"));
        ca_and_leaf(&dir, "qm1", key);
        ca_and_leaf(&dir, "app1", key);
        let tls12 =
            if key == "ec" { "ECDHE_ECDSA_AES_128_GCM_SHA256" } else { "ECDHE_RSA_AES_128_GCM_SHA256" };
        for (label, ciph, version) in
            [("tls13", "ANY_TLS13", &rustls::version::TLS13), ("tls12", tls12, &rustls::version::TLS12)]
        {
            pair(&mut group, &dir, &format!("{key}_{label}"), ciph, version);
        }
    }
    group.finish();
}

/// Benchmarks mqtls's configurations and raw rustls ones side by side, for the PKI in `dir`.
fn pair(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    dir: &std::path::Path,
    label: &str,
    ciph: &str,
    version: &'static rustls::SupportedProtocolVersion,
) {
    let keystore = |label: &str| keystore(dir, Some(label));
    let svr = channel("SVRCONN", ciph);
    let cln = channel("CLNTCONN", ciph);
    let ours_s = server_config(&Channel::new(&svr).unwrap(), "qm1", &keystore("qm1")).unwrap();
    let ours_c =
        no_resumption(&client_config(&Channel::new(&cln).unwrap(), Some("app1"), &keystore("app1")).unwrap());
    let sni_name = ServerName::try_from(sni::encode("APP.SVRCONN")).unwrap();
    group.bench_function(format!("mqtls_{label}"), |b| b.iter(|| handshake(&ours_s, &ours_c, &sni_name)));

    let (raw_s, raw_c) = raw(dir, Arc::new(default_provider()), version);
    let host = ServerName::try_from("qm1.example").unwrap();
    group.bench_function(format!("raw_rustls_{label}"), |b| b.iter(|| handshake(&raw_s, &raw_c, &host)));
}

/// Raw rustls configurations over `provider` for the PKI in `dir` (`qm1` serves, `app1`
/// is the client), mutual TLS, no resumption.
fn raw(
    dir: &std::path::Path,
    provider: Arc<rustls::crypto::CryptoProvider>,
    version: &'static rustls::SupportedProtocolVersion,
) -> (Arc<ServerConfig>, Arc<ClientConfig>) {
    let identity = |label: &str| {
        let Ok(Entry::Personal { key, chain }) = keystore(dir, Some(label)).get(label).cloned() else {
            panic!()
        };
        (
            chain.into_iter().map(CertificateDer::from).collect::<Vec<_>>(),
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key)),
        )
    };
    let mut roots = RootCertStore::empty();
    for ca in keystore(dir, Some("qm1")).trusted() {
        roots.add(CertificateDer::from(ca.to_vec())).unwrap();
    }
    let roots = Arc::new(roots);
    let (s_chain, s_key) = identity("qm1");
    let server = Arc::new(
        ServerConfig::builder_with_provider(provider.clone())
            .with_protocol_versions(&[version])
            .unwrap()
            .with_client_cert_verifier(
                WebPkiClientVerifier::builder_with_provider(roots.clone(), provider.clone()).build().unwrap(),
            )
            .with_single_cert(s_chain, s_key)
            .unwrap(),
    );
    let (c_chain, c_key) = identity("app1");
    let client = no_resumption(&Arc::new(
        ClientConfig::builder_with_provider(provider)
            .with_protocol_versions(&[version])
            .unwrap()
            .with_root_certificates(roots)
            .with_client_auth_cert(c_chain, c_key)
            .unwrap(),
    ));
    (server, client)
}

/// Full mutual TLS 1.3 handshakes by key exchange: ring's X25519 (what mqtls uses, the
/// baseline) next to aws-lc-rs's X25519 and its hybrid post-quantum X25519MLKEM768.
#[cfg(feature = "bench-aws-lc")]
fn key_exchange(c: &mut Criterion) {
    use rustls::crypto::{aws_lc_rs, ring, CryptoProvider};
    let dir = scratch("kx-bench");
    ca_and_leaf(&dir, "qm1", "ec");
    ca_and_leaf(&dir, "app1", "ec");
    let mut group = c.benchmark_group("kx");
    group.throughput(Throughput::Elements(1));
    let variants = [
        ("ring_x25519", CryptoProvider { kx_groups: vec![ring::kx_group::X25519], ..default_provider() }),
        (
            "aws_lc_x25519",
            CryptoProvider { kx_groups: vec![aws_lc_rs::kx_group::X25519], ..aws_lc_rs::default_provider() },
        ),
        (
            "aws_lc_x25519mlkem768",
            CryptoProvider {
                kx_groups: vec![aws_lc_rs::kx_group::X25519MLKEM768],
                ..aws_lc_rs::default_provider()
            },
        ),
    ];
    let host = ServerName::try_from("qm1.example").unwrap();
    for (id, provider) in variants {
        let wanted = provider.kx_groups[0].name();
        let (server, client) = raw(&dir, Arc::new(provider), &rustls::version::TLS13);
        let (conn, _) = connected(&server, &client, &host);
        assert_eq!(conn.negotiated_key_exchange_group().map(|g| g.name()), Some(wanted), "{id}");
        group.bench_function(id, |b| b.iter(|| handshake(&server, &client, &host)));
    }
    group.finish();
}

#[cfg(not(feature = "bench-aws-lc"))]
criterion_group!(benches, bench, records);
#[cfg(feature = "bench-aws-lc")]
criterion_group!(benches, bench, records, key_exchange);
criterion_main!(benches);
