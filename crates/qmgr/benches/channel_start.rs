//! Channel starts per second through a running listener on loopback: a plain channel, a
//! mutually authenticated TLS 1.3 channel (the listener picks the channel's configuration
//! from the SNI, builds it, runs the start checks), and the baseline: a tokio-rustls server
//! with one prebuilt configuration answering the same start frame. Also heartbeat round
//! trips on an open channel, TLS vs plain. ECDSA P-256, no session resumption.
//!
//! cargo bench -p mqtls-qmgr --bench channel_start
#![allow(missing_docs)] // criterion_group! generates an undocumented function

use std::sync::Arc;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use mqtls_channel::config::{client_config, server_config};
use mqtls_channel::frame::{encode, ChannelStart, Frame};
use mqtls_channel::sni;
use mqtls_model::{AttrSet, Channel, Object, ObjectType, Stamp, Store, Value};
use mqtls_qmgr::{read_frame, serve, Limits, QueueManager};
use mqtls_test_support::{ca_and_leaf, keystore, scratch};
use rustls::pki_types::ServerName;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::runtime::Runtime;
use tokio_rustls::{TlsAcceptor, TlsConnector};

fn object(name: &str, values: Vec<(&'static str, Value)>) -> Object {
    let attrs = AttrSet::from_values(ObjectType::Channel, values).unwrap();
    Object::new(ObjectType::Channel, name, attrs, Stamp::default()).unwrap()
}

fn tls_svrconn() -> Vec<(&'static str, Value)> {
    vec![
        ("CHLTYPE", Value::Word("SVRCONN".into())),
        ("SSLCIPH", Value::Str("ANY_TLS13".into())),
        ("SSLCAUTH", Value::Word("REQUIRED".into())),
        ("CERTLABL", Value::Str("qm1".into())),
    ]
}

fn start_frame(channel: &str) -> Vec<u8> {
    encode(&Frame::ChannelStart(ChannelStart {
        channel: channel.into(),
        chltype: 6,
        qmgr: String::new(),
        user: "app".into(),
        max_msg_len: 1 << 20,
        sharecnv: 10,
        heartbeat: 300,
    }))
}

/// Sends the start frame, waits for StartAck, then sends `rounds` heartbeats and reads
/// each echo; closes the channel.
async fn session<S: AsyncRead + AsyncWrite + Unpin>(mut s: S, channel: &str, rounds: usize) {
    let mut buf = Vec::new();
    s.write_all(&start_frame(channel)).await.unwrap();
    assert!(matches!(read_frame(&mut s, &mut buf, 1 << 16).await.unwrap(), Frame::StartAck { .. }));
    let beat = encode(&Frame::Heartbeat);
    for _ in 0..rounds {
        s.write_all(&beat).await.unwrap();
        assert_eq!(read_frame(&mut s, &mut buf, 1 << 16).await.unwrap(), Frame::Heartbeat);
    }
    s.write_all(&encode(&Frame::Close { reason: 0 })).await.unwrap();
}

/// The baseline server: one prebuilt configuration, answers the start frame and echoes.
async fn raw_server(listener: TcpListener, config: Arc<rustls::ServerConfig>) {
    let acceptor = TlsAcceptor::from(config);
    loop {
        let (sock, _) = listener.accept().await.unwrap();
        let acceptor = acceptor.clone();
        tokio::spawn(async move {
            let Ok(mut tls) = acceptor.accept(sock).await else { return };
            let mut buf = Vec::new();
            while let Ok(frame) = read_frame(&mut tls, &mut buf, 1 << 20).await {
                let reply = match frame {
                    Frame::ChannelStart(s) => Frame::StartAck {
                        max_msg_len: s.max_msg_len,
                        sharecnv: s.sharecnv,
                        heartbeat: s.heartbeat,
                    },
                    Frame::Heartbeat => Frame::Heartbeat,
                    _ => return,
                };
                if tls.write_all(&encode(&reply)).await.is_err() {
                    return;
                }
            }
        });
    }
}

fn bench(c: &mut Criterion) {
    let dir = scratch("bench-qmgr");
    ca_and_leaf(&dir, "qm1", "ec");
    ca_and_leaf(&dir, "app1", "ec");
    let rt = Runtime::new().unwrap();

    let mut store = Store::new("QM1", Stamp::default()).unwrap();
    let define = |store: &mut Store, name: &str, values| {
        let attrs = AttrSet::from_values(ObjectType::Channel, values).unwrap();
        store.define(ObjectType::Channel, name, attrs, None, false, Stamp::default()).unwrap();
    };
    define(&mut store, "APP.SVRCONN", tls_svrconn());
    define(&mut store, "PLAIN.SVRCONN", vec![("CHLTYPE", Value::Word("SVRCONN".into()))]);
    let qm = Arc::new(QueueManager::new(store, keystore(&dir, Some("qm1")), Limits::default()));
    let (port, raw_port) = rt.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let raw = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let ports = (listener.local_addr().unwrap().port(), raw.local_addr().unwrap().port());
        tokio::spawn(serve(listener, qm));
        let svr = object("APP.SVRCONN", tls_svrconn());
        let config =
            server_config(&Channel::new(&svr).unwrap(), "qm1", &keystore(&dir, Some("qm1"))).unwrap();
        tokio::spawn(raw_server(raw, config));
        ports
    });

    let cln = object(
        "APP.SVRCONN",
        vec![("CHLTYPE", Value::Word("CLNTCONN".into())), ("SSLCIPH", Value::Str("ANY_TLS13".into()))],
    );
    let client =
        client_config(&Channel::new(&cln).unwrap(), Some("app1"), &keystore(&dir, Some("app1"))).unwrap();
    let tls = |port: u16, rounds: usize| {
        let connector = TlsConnector::from(client.clone());
        async move {
            let sock = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
            let name = ServerName::try_from(sni::encode("APP.SVRCONN")).unwrap();
            session(connector.connect(name, sock).await.unwrap(), "APP.SVRCONN", rounds).await;
        }
    };
    let plain = |rounds: usize| async move {
        let sock = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
        session(sock, "PLAIN.SVRCONN", rounds).await;
    };

    let mut g = c.benchmark_group("start");
    g.throughput(Throughput::Elements(1));
    g.bench_function("mqtls_tls13", |b| b.iter(|| rt.block_on(tls(port, 0))));
    g.bench_function("raw_tokio_rustls_tls13", |b| b.iter(|| rt.block_on(tls(raw_port, 0))));
    g.bench_function("mqtls_plain", |b| b.iter(|| rt.block_on(plain(0))));
    g.finish();

    let mut g = c.benchmark_group("heartbeats_1000");
    g.throughput(Throughput::Elements(1000));
    g.sample_size(20);
    g.bench_function("mqtls_tls13", |b| b.iter(|| rt.block_on(tls(port, 1000))));
    g.bench_function("mqtls_plain", |b| b.iter(|| rt.block_on(plain(1000))));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
