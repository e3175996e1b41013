//! RabbitMQ (Debian's rabbitmq-server): one node in a temporary directory with an AMQPS
//! listener on loopback only (`verify_peer`, `fail_if_no_peer_cert`, TLS 1.3 and 1.2),
//! reached with lapin. Persistent: a durable queue, delivery mode 2, publisher confirms.
//! Non-persistent: a transient queue, no confirms.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result};
use futures_util::StreamExt;
use lapin::options::{
    BasicAckOptions, BasicConsumeOptions, BasicPublishOptions, BasicQosOptions, ConfirmSelectOptions,
    QueueDeclareOptions,
};
use lapin::tcp::{OwnedIdentity, OwnedTLSConfig};
use lapin::types::FieldTable;
use lapin::{BasicProperties, Connection, ConnectionProperties};
use mqtls_test_support::free_port;

use crate::pki::{Pki, PASSWORD};
use crate::process::{fresh_dir, Server};
use crate::stats::{latency_of, now_ns, pace, payload, Flow, Spec};

/// The node's program (Debian's /usr/sbin wrapper would switch to the rabbitmq user).
pub(crate) const PROGRAM: &str = "/usr/lib/rabbitmq/bin/rabbitmq-server";

/// A started RabbitMQ node.
pub(crate) struct Rabbit {
    /// The node's process group.
    pub(crate) server: Server,
    uri: String,
    tls: OwnedTLSConfig,
}

impl Rabbit {
    /// Writes the node's configuration under `dir` and starts it.
    pub(crate) fn start(pki: &Pki, dir: &Path) -> Result<Self> {
        let (base, port) = (fresh_dir(dir, "rabbitmq")?, free_port());
        let f = |n: &str| pki.path(n);
        let conf = format!(
            "listeners.tcp = none\nlisteners.ssl.default = 127.0.0.1:{port}\n\
             ssl_options.cacertfile = {}\nssl_options.certfile = {}\nssl_options.keyfile = {}\n\
             ssl_options.verify = verify_peer\nssl_options.fail_if_no_peer_cert = true\n\
             ssl_options.versions.1 = tlsv1.3\nssl_options.versions.2 = tlsv1.2\n\
             loopback_users = none\n",
            f("ca.pem"),
            f("server.pem"),
            f("server.key")
        );
        std::fs::write(base.join("rabbitmq.conf"), conf)?;
        std::fs::write(base.join("enabled_plugins"), "[].\n")?;
        let mut command = Command::new(PROGRAM);
        command
            .env("HOME", &base)
            .env("RABBITMQ_CONFIG_FILE", base.join("rabbitmq.conf"))
            .env("RABBITMQ_MNESIA_BASE", base.join("mnesia"))
            .env("RABBITMQ_LOG_BASE", base.join("log"))
            .env("RABBITMQ_ENABLED_PLUGINS_FILE", base.join("enabled_plugins"))
            .env("RABBITMQ_NODENAME", format!("peerbench{port}@localhost"))
            .env("RABBITMQ_DIST_PORT", free_port().to_string())
            .env("RABBITMQ_PID_FILE", base.join("pid"));
        let server =
            Server::start("RabbitMQ", command, port, &base.join("out.log"), Duration::from_secs(90))?;
        let tls = OwnedTLSConfig {
            identity: Some(OwnedIdentity::PKCS12 {
                der: std::fs::read(pki.file("app1.p12"))?,
                password: PASSWORD.into(),
            }),
            cert_chain: Some(std::fs::read_to_string(pki.file("ca.pem"))?),
        };
        Ok(Self { server, uri: format!("amqps://guest:guest@127.0.0.1:{port}/%2f"), tls })
    }

    async fn connection(&self) -> Result<Connection> {
        self.connect(&self.uri).await
    }

    async fn connect(&self, uri: &str) -> Result<Connection> {
        let runtime = lapin::runtime::default_runtime().context("lapin runtime")?;
        Connection::connect_with_config(uri, ConnectionProperties::default(), self.tls.clone(), runtime)
            .await
            .context("AMQPS connection")
    }

    /// One TLS connection with its first message, confirmed.
    pub(crate) async fn setup_once(&self) -> Result<()> {
        let conn = self.connection().await?;
        let channel = conn.create_channel().await?;
        channel.confirm_select(ConfirmSelectOptions::default()).await?;
        let body = payload(64);
        let props = BasicProperties::default();
        channel
            .basic_publish("".into(), "bench.setup".into(), BasicPublishOptions::default(), &body, props)
            .await?
            .await?;
        conn.close(200, "done".into()).await?;
        Ok(())
    }

    /// Producer to consumer on two connections.
    pub(crate) async fn flow(&self, spec: Spec) -> Result<Flow> {
        let queue = if spec.persistent { "bench.p" } else { "bench.n" };
        let declare = QueueDeclareOptions { durable: spec.persistent, ..QueueDeclareOptions::default() };
        let consumer_conn = self.connection().await?;
        let consumer_channel = consumer_conn.create_channel().await?;
        consumer_channel.queue_declare(queue.into(), declare, FieldTable::default()).await?;
        consumer_channel
            .basic_qos(spec.window.min(u16::MAX as usize) as u16, BasicQosOptions::default())
            .await?;
        let no_ack = !spec.persistent;
        let options = BasicConsumeOptions { no_ack, ..BasicConsumeOptions::default() };
        let mut consumer = consumer_channel
            .basic_consume(queue.into(), "bench".into(), options, FieldTable::default())
            .await?;
        let receiving = tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(spec.count);
            while latencies.len() < spec.count {
                let delivery = consumer.next().await.context("the consumer ended")??;
                latencies.push(latency_of(&delivery.data));
                if !no_ack {
                    delivery.ack(BasicAckOptions::default()).await?;
                }
            }
            Ok::<_, anyhow::Error>((latencies, now_ns(), consumer_conn))
        });
        let conn = self.connection().await?;
        let channel = conn.create_channel().await?;
        if spec.persistent {
            channel.confirm_select(ConfirmSelectOptions::default()).await?;
        }
        let props = BasicProperties::default().with_delivery_mode(if spec.persistent { 2 } else { 1 });
        let started = now_ns();
        let mut pending = std::collections::VecDeque::new();
        for i in 0..spec.count {
            pace(&spec, i, started).await;
            let body = payload(spec.size);
            let confirm = channel
                .basic_publish("".into(), queue.into(), BasicPublishOptions::default(), &body, props.clone())
                .await?;
            if spec.persistent {
                pending.push_back(confirm);
                if pending.len() >= spec.window {
                    pending.pop_front().expect("one pending").await?;
                }
            }
        }
        for confirm in pending {
            confirm.await?;
        }
        let (latencies, ended, consumer_conn) = receiving.await??;
        let _ = consumer_conn.close(200, "done".into()).await;
        let _ = conn.close(200, "done".into()).await;
        Ok(Flow { count: spec.count, elapsed: Duration::from_nanos(ended - started), latencies })
    }

    /// `n` idle AMQPS connections, with frame_max 8192: lapin keeps 32 frames of buffer each
    /// way and a thread per connection, 8 MiB at RabbitMQ's default 128 KiB frames, too
    /// much on the bench's side for 10,000 (the node's own memory is what is measured).
    pub(crate) async fn idle(&self, n: usize) -> Result<Vec<Connection>> {
        let uri = format!("{}?frame_max=8192", self.uri);
        crate::process::open_many(n, || self.connect(&uri)).await
    }
}
