//! NATS (Debian's nats-server) with JetStream: one server in a temporary directory, TLS
//! on loopback only with `verify: true` (a client certificate required), reached with
//! async-nats. Persistent: a JetStream stream on file storage, each publish acknowledged
//! by the server, a durable pull consumer acknowledging each message. Non-persistent:
//! core NATS publish and subscribe.
//!
//! nats-server 2.9 acknowledges a JetStream publish once the message is written to its
//! file, not after an fsync (its `sync_interval` flushes every two minutes): BENCHMARKS.md
//! says so next to the figures.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result};
use async_nats::jetstream::{self, consumer, stream};
use futures_util::StreamExt;
use mqtls_test_support::free_port;

use crate::pki::Pki;
use crate::process::{fresh_dir, Server};
use crate::stats::{latency_of, now_ns, pace, payload, Flow, Spec};

/// A started nats-server.
pub(crate) struct Nats {
    /// Its process.
    pub(crate) server: Server,
    url: String,
    tls: Box<rustls::ClientConfig>,
}

impl Nats {
    /// Writes the server's configuration under `dir` and starts it.
    pub(crate) fn start(pki: &Pki, dir: &Path) -> Result<Self> {
        let (base, port) = (fresh_dir(dir, "nats")?, free_port());
        let f = |n: &str| pki.path(n);
        let conf = format!(
            "listen: 127.0.0.1:{port}\nmax_connections: 30000\n\
             tls {{\n  cert_file: \"{}\"\n  key_file: \"{}\"\n  ca_file: \"{}\"\n  verify: true\n}}\n\
             jetstream {{\n  store_dir: \"{}\"\n}}\n",
            f("server.pem"),
            f("server.key"),
            f("ca.pem"),
            base.join("js").display()
        );
        std::fs::write(base.join("nats.conf"), conf)?;
        let mut command = Command::new("nats-server");
        command.arg("-c").arg(base.join("nats.conf"));
        let server = Server::start("NATS", command, port, &base.join("out.log"), Duration::from_secs(30))?;
        Ok(Self { server, url: format!("tls://127.0.0.1:{port}"), tls: Box::new(pki.client_config()?) })
    }

    async fn client(&self) -> Result<async_nats::Client> {
        async_nats::ConnectOptions::new()
            .require_tls(true)
            .tls_client_config((*self.tls).clone())
            .connect(&self.url)
            .await
            .context("NATS TLS connection")
    }

    /// One TLS connection with its first message, flushed to the server.
    pub(crate) async fn setup_once(&self) -> Result<()> {
        let client = self.client().await?;
        client.publish("bench.setup", payload(64).into()).await?;
        client.flush().await?;
        drop(client);
        Ok(())
    }

    /// Producer to consumer on two connections.
    pub(crate) async fn flow(&self, spec: Spec) -> Result<Flow> {
        if spec.persistent {
            self.jetstream_flow(spec).await
        } else {
            self.core_flow(spec).await
        }
    }

    async fn core_flow(&self, spec: Spec) -> Result<Flow> {
        let consumer = self.client().await?;
        let mut subscriber = consumer.subscribe("bench.n").await?;
        consumer.flush().await?;
        let receiving = tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(spec.count);
            while latencies.len() < spec.count {
                let m = tokio::time::timeout(Duration::from_secs(10), subscriber.next())
                    .await
                    .context("no message within 10 s (core NATS drops what a slow consumer misses)")?
                    .context("the subscription ended")?;
                latencies.push(latency_of(&m.payload));
            }
            Ok::<_, anyhow::Error>((latencies, now_ns(), consumer))
        });
        let producer = self.client().await?;
        let started = now_ns();
        for i in 0..spec.count {
            pace(&spec, i, started).await;
            producer.publish("bench.n", payload(spec.size).into()).await?;
            if i % spec.window == spec.window - 1 {
                producer.flush().await?;
            }
        }
        producer.flush().await?;
        let (latencies, ended, _consumer) = receiving.await??;
        Ok(Flow { count: spec.count, elapsed: Duration::from_nanos(ended - started), latencies })
    }

    async fn jetstream_flow(&self, spec: Spec) -> Result<Flow> {
        let client = self.client().await?;
        let js = jetstream::new(client.clone());
        let _ = js.delete_stream("BENCH").await;
        let config = stream::Config {
            name: "BENCH".into(),
            subjects: vec!["bench.p".into()],
            storage: stream::StorageType::File,
            ..Default::default()
        };
        let stream = js.get_or_create_stream(config).await?;
        let pull = consumer::pull::Config {
            durable_name: Some("bench".into()),
            ack_policy: consumer::AckPolicy::Explicit,
            ..Default::default()
        };
        let mut messages = stream.create_consumer(pull).await?.messages().await?;
        let receiving = tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(spec.count);
            while latencies.len() < spec.count {
                let m = messages
                    .next()
                    .await
                    .context("the consumer ended")?
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
                latencies.push(latency_of(&m.payload));
                m.ack().await.map_err(|e| anyhow::anyhow!("{e}"))?;
            }
            Ok::<_, anyhow::Error>((latencies, now_ns(), client))
        });
        let producer = jetstream::new(self.client().await?);
        let started = now_ns();
        let mut pending = std::collections::VecDeque::new();
        for i in 0..spec.count {
            pace(&spec, i, started).await;
            pending.push_back(producer.publish("bench.p", payload(spec.size).into()).await?);
            if pending.len() >= spec.window {
                pending.pop_front().expect("one pending").await?;
            }
        }
        for ack in pending {
            ack.await?;
        }
        let (latencies, ended, _client) = receiving.await??;
        Ok(Flow { count: spec.count, elapsed: Duration::from_nanos(ended - started), latencies })
    }

    /// `n` idle TLS connections.
    pub(crate) async fn idle(&self, n: usize) -> Result<Vec<async_nats::Client>> {
        crate::process::open_many(n, || self.client()).await
    }
}
