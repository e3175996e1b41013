//! Channel starts per second through a running listener on loopback: a plain channel,
//! mutually authenticated TLS channels (the listener picks the channel's configuration
//! from the SNI, builds it, runs the start checks), and the baseline: a tokio-rustls server
//! with one prebuilt configuration answering the same start frame. ECDSA P-256 and RSA-2048
//! certificates, TLS 1.3 and TLS 1.2, no session resumption, TCP_NODELAY on both ends.
//! Also heartbeat round trips on an open channel, TLS vs plain.
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
        sock.set_nodelay(true).unwrap();
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
                if tls.write_all(&encode(&reply)).await.is_err() || tls.flush().await.is_err() {
                    return;
                }
            }
        });
    }
}

/// A listener for `key` certificates (`ec` or `rsa`) serving APP13.SVRCONN (ANY_TLS13),
/// APP12.SVRCONN (the key's TLS 1.2 ECDHE-GCM CipherSpec) and PLAIN.SVRCONN; raw baseline
/// servers for both TLS channels; the client configurations. Returns the ports.
struct Setup {
    port: u16,
    raw13: u16,
    raw12: u16,
    client13: Arc<rustls::ClientConfig>,
    client12: Arc<rustls::ClientConfig>,
}

fn setup(rt: &Runtime, key: &str) -> Setup {
    let dir = scratch(&format!("bench-qmgr-{key}"));
    ca_and_leaf(&dir, "qm1", key);
    ca_and_leaf(&dir, "app1", key);
    let tls12 = if key == "ec" { "ECDHE_ECDSA_AES_128_GCM_SHA256" } else { "ECDHE_RSA_AES_128_GCM_SHA256" };
    let svrconn = |ciph: &str| {
        let mut values = tls_svrconn();
        values[1] = ("SSLCIPH", Value::Str(ciph.into()));
        values
    };
    let mut store = Store::new("QM1", Stamp::default()).unwrap();
    for (name, values) in [
        ("APP13.SVRCONN", svrconn("ANY_TLS13")),
        ("APP12.SVRCONN", svrconn(tls12)),
        ("PLAIN.SVRCONN", vec![("CHLTYPE", Value::Word("SVRCONN".into()))]),
    ] {
        let attrs = AttrSet::from_values(ObjectType::Channel, values).unwrap();
        store.define(ObjectType::Channel, name, attrs, None, false, Stamp::default()).unwrap();
    }
    let qm = Arc::new(QueueManager::new(store, keystore(&dir, Some("qm1")), Limits::default()));
    let raw_config = |ciph: &str| {
        let svr = object("APP.SVRCONN", svrconn(ciph));
        server_config(&Channel::new(&svr).unwrap(), "qm1", &keystore(&dir, Some("qm1"))).unwrap()
    };
    let (port, raw13, raw12) = rt.block_on(async {
        let bind = || async { TcpListener::bind("127.0.0.1:0").await.unwrap() };
        let (listener, r13, r12) = (bind().await, bind().await, bind().await);
        let ports = [&listener, &r13, &r12].map(|l| l.local_addr().unwrap().port());
        tokio::spawn(serve(listener, qm));
        tokio::spawn(raw_server(r13, raw_config("ANY_TLS13")));
        tokio::spawn(raw_server(r12, raw_config(tls12)));
        (ports[0], ports[1], ports[2])
    });
    let client = |ciph: &str| {
        let cln = object(
            "APP.SVRCONN",
            vec![("CHLTYPE", Value::Word("CLNTCONN".into())), ("SSLCIPH", Value::Str(ciph.into()))],
        );
        client_config(&Channel::new(&cln).unwrap(), Some("app1"), &keystore(&dir, Some("app1"))).unwrap()
    };
    Setup { port, raw13, raw12, client13: client("ANY_TLS13"), client12: client(tls12) }
}

/// Connects over TLS naming `channel`, starts it, sends `rounds` heartbeats, closes.
async fn tls(config: Arc<rustls::ClientConfig>, port: u16, channel: &str, rounds: usize) {
    let sock = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    sock.set_nodelay(true).unwrap();
    let name = ServerName::try_from(sni::encode(channel)).unwrap();
    session(TlsConnector::from(config).connect(name, sock).await.unwrap(), channel, rounds).await;
}

async fn plain(port: u16, rounds: usize) {
    let sock = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    sock.set_nodelay(true).unwrap();
    session(sock, "PLAIN.SVRCONN", rounds).await;
}

fn bench(c: &mut Criterion) {
    let rt = Runtime::new().unwrap();
    let mut g = c.benchmark_group("start");
    g.throughput(Throughput::Elements(1));
    let mut ec = None;
    for key in ["ec", "rsa"] {
        let s = setup(&rt, key);
        for (v, config, raw, channel) in [
            ("tls13", &s.client13, s.raw13, "APP13.SVRCONN"),
            ("tls12", &s.client12, s.raw12, "APP12.SVRCONN"),
        ] {
            g.bench_function(format!("mqtls_{key}_{v}"), |b| {
                b.iter(|| rt.block_on(tls(config.clone(), s.port, channel, 0)))
            });
            g.bench_function(format!("raw_tokio_rustls_{key}_{v}"), |b| {
                b.iter(|| rt.block_on(tls(config.clone(), raw, channel, 0)))
            });
        }
        ec.get_or_insert(s);
    }
    let s = ec.expect("the EC setup");
    g.bench_function("mqtls_plain", |b| b.iter(|| rt.block_on(plain(s.port, 0))));
    g.finish();

    let mut g = c.benchmark_group("heartbeats_1000");
    g.throughput(Throughput::Elements(1000));
    g.sample_size(20);
    g.bench_function("mqtls_ec_tls13", |b| {
        b.iter(|| rt.block_on(tls(s.client13.clone(), s.port, "APP13.SVRCONN", 1000)))
    });
    g.bench_function("mqtls_plain", |b| b.iter(|| rt.block_on(plain(s.port, 1000))));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
