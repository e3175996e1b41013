//! mqtls itself as the bench meets it: a queue manager created and started with the
//! `mqtls` binary (a home with its redb message store, the PKI's `qm1` imported into its
//! keystore), reached with mqtls's own client library over TLS 1.3 with a client
//! certificate.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use mqtls_client::{
    Address, ClientChannel, ConnectOptions, Connection, GetOptions, Hconn, Message, OPEN_INPUT, OPEN_OUTPUT,
};
use mqtls_test_support::free_port;

use crate::pki::Pki;
use crate::process::Server;
use crate::stats::{latency_of, now_ns, pace, payload, Flow, Spec};

/// A started mqtls queue manager and how to reach it.
pub(crate) struct Mqtls {
    /// The `qmgr start --foreground` process.
    pub(crate) server: Server,
    channel: Arc<ClientChannel>,
    options: Arc<ConnectOptions>,
    address: Address,
}

fn mqsc(port: u16) -> String {
    format!(
        "ALTER QMGR CERTLABL('qm1')\n\
         DEFINE CHANNEL(BENCH.TLS) CHLTYPE(SVRCONN) SSLCIPH(ANY_TLS13) SSLCAUTH(REQUIRED) MCAUSER('app') SHARECNV(1)\n\
         DEFINE QLOCAL(BENCH.P) MAXDEPTH(999999999) DEFPSIST(YES)\n\
         DEFINE QLOCAL(BENCH.N) MAXDEPTH(999999999)\n\
         DEFINE QLOCAL(BENCH.SETUP) MAXDEPTH(999999999)\n\
         DEFINE LISTENER(BENCH) TRPTYPE(TCP) PORT({port}) IPADDR('127.0.0.1') CONTROL(QMGR)\n\
         SET AUTHREC OBJTYPE(QMGR) PRINCIPAL('app') AUTHADD(CONNECT)\n\
         SET AUTHREC PROFILE('BENCH.*') OBJTYPE(QUEUE) PRINCIPAL('app') AUTHADD(PUT,GET,INQ)\n"
    )
}

impl Mqtls {
    /// Creates QM1 under `dir` with the PKI's `qm1` certificate and starts it.
    pub(crate) fn start(binary: &Path, pki: &Pki, dir: &Path) -> Result<Self> {
        let home = dir.join("mqtls-home");
        let _ = std::fs::remove_dir_all(&home);
        let port = free_port();
        std::fs::write(dir.join("bench.mqsc"), mqsc(port))?;
        let bundle = dir.join("qm1-bundle.pem");
        std::fs::write(
            &bundle,
            [std::fs::read(pki.file("qm1.key"))?, std::fs::read(pki.file("qm1.pem"))?].concat(),
        )?;
        let ssl: PathBuf = home.join("qmgrs/QM1/ssl");
        let (ks, stash) = (ssl.join("key.p12"), ssl.join("key.sth"));
        let run = |args: &[&str]| -> Result<()> {
            let out = Command::new(binary).args(args).env("MQTLS_HOME", &home).output().context("mqtls")?;
            if !out.status.success() {
                bail!("mqtls {args:?}: {}", String::from_utf8_lossy(&out.stderr));
            }
            Ok(())
        };
        let s = |p: &Path| p.to_string_lossy().into_owned();
        run(&["qmgr", "create", "QM1", "--ini-mqsc", &s(&dir.join("bench.mqsc"))])?;
        run(&["keystore", "add-ca", &s(&ks), "benchca", &s(&pki.file("ca.pem")), "--stash", &s(&stash)])?;
        run(&["keystore", "import", &s(&ks), "qm1", &s(&bundle), "--stash", &s(&stash)])?;
        let mut command = Command::new(binary);
        command.args(["qmgr", "start", "QM1", "--foreground", "--max-connections", "30000"]);
        command.args(["--max-pending-per-address", "30000"]).env("MQTLS_HOME", &home);
        let server = Server::start("mqtls", command, port, &dir.join("mqtls.log"), Duration::from_secs(30))?;
        let mut channel = ClientChannel::new("BENCH.TLS");
        channel.cipher_spec = "ANY_TLS13".into();
        channel.cert_label = "app1".into();
        channel.heartbeat = 999_999;
        let options = ConnectOptions {
            user: "app".into(),
            keystore: Some(mqtls_test_support::keystore(&pki.dir, Some("app1"))),
            ..Default::default()
        };
        let address = Address { host: "127.0.0.1".into(), port: Some(port) };
        Ok(Self { server, channel: Arc::new(channel), options: Arc::new(options), address })
    }

    async fn connection(&self) -> Result<Arc<Connection>> {
        Ok(Connection::open(&self.channel, &self.address, &self.options).await?)
    }

    /// One TLS connection with its first message: connect, open, put, disconnect.
    pub(crate) async fn setup_once(&self) -> Result<()> {
        let mut h = Hconn::connect(self.connection().await?, "QM1").await?;
        let q = h.open("BENCH.SETUP", OPEN_OUTPUT).await?;
        h.put(&q, Message { payload: payload(64), ..Message::default() }, false).await?;
        h.disconnect().await?;
        Ok(())
    }

    /// Producer to consumer on two connections.
    pub(crate) async fn flow(&self, spec: Spec) -> Result<Flow> {
        let queue = if spec.persistent { "BENCH.P" } else { "BENCH.N" };
        let mut consumer = Hconn::connect(self.connection().await?, "QM1").await?;
        let input = consumer.open(queue, OPEN_INPUT).await?;
        let mut producer = Hconn::connect(self.connection().await?, "QM1").await?;
        let output = producer.open(queue, OPEN_OUTPUT).await?;
        let receiving = tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(spec.count);
            let options = GetOptions { wait_ms: 10_000, syncpoint: spec.persistent, ..GetOptions::default() };
            // MQGETs pipelined a window at a time (a unit of work per window when
            // persistent), as the brokers' consumers have a prefetch window.
            while latencies.len() < spec.count {
                let want = spec.window.min(spec.count - latencies.len());
                let got = consumer.get_many(&input, want, options).await?;
                if got.is_empty() {
                    bail!("no message within 10 s after {}", latencies.len());
                }
                latencies.extend(got.iter().map(|m| latency_of(&m.payload)));
                if spec.persistent {
                    consumer.commit().await?;
                }
            }
            Ok::<_, anyhow::Error>((latencies, now_ns()))
        });
        let started = now_ns();
        let mut sent = 0;
        while sent < spec.count {
            pace(&spec, sent, started).await;
            let n = spec.window.min(spec.count - sent);
            let batch = (0..n).map(|_| Message {
                persistent: spec.persistent,
                payload: payload(spec.size),
                ..Message::default()
            });
            // A unit of work per window; one message at a time is a persistent put outside
            // any (written and synced before its answer), as an MQ application puts one.
            let in_uow = spec.persistent && n > 1;
            producer.put_many(&output, batch.collect::<Vec<_>>(), in_uow).await?;
            if in_uow {
                producer.commit().await?;
            }
            sent += n;
        }
        let (latencies, ended) = receiving.await??;
        producer.disconnect().await?;
        Ok(Flow { count: spec.count, elapsed: Duration::from_nanos(ended - started), latencies })
    }

    /// `n` idle TLS connections, each with its channel started.
    pub(crate) async fn idle(&self, n: usize) -> Result<Vec<Arc<Connection>>> {
        crate::process::open_many(n, || self.connection()).await
    }
}
