//! ActiveMQ Classic (Debian's activemq 5.17): one broker in a temporary directory with a
//! STOMP+SSL transport (the blocking one: its NIO+SSL transport, under TLS 1.3, now and then
//! handled a frame twice: a second CONNECTED, "Already connected") on loopback only (`needClientAuth=true`; KahaDB, which syncs
//! its journal to disk before it answers a persistent send), reached with [`crate::stomp`].
//! Persistent: `persistent:true` sends, each with a receipt, and client-individual acks.
//! Non-persistent: `persistent:false` sends without receipts, automatic acks.

use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Result};
use mqtls_test_support::free_port;

use crate::pki::{Pki, PASSWORD};
use crate::process::{fresh_dir, Server};
use crate::stats::{latency_of, now_ns, pace, payload, Flow, Spec};
use crate::stomp::Stomp;

/// Debian's broker jar (org.apache.activemq.console.Main).
pub(crate) const JAR: &str = "/usr/share/activemq/bin/activemq.jar";

/// A started broker.
pub(crate) struct ActiveMq {
    /// Its Java process.
    pub(crate) server: Server,
    tls: Arc<rustls::ClientConfig>,
}

impl ActiveMq {
    /// Writes the broker's configuration under `dir` and starts it.
    pub(crate) fn start(pki: &Pki, dir: &Path) -> Result<Self> {
        let (base, port) = (fresh_dir(dir, "activemq")?, free_port());
        let f = |n: &str| pki.path(n);
        let data = base.join("data");
        let xml = format!(
            r#"<beans xmlns="http://www.springframework.org/schema/beans"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xsi:schemaLocation="http://www.springframework.org/schema/beans http://www.springframework.org/schema/beans/spring-beans-2.0.xsd
  http://activemq.apache.org/schema/core http://activemq.apache.org/schema/core/activemq-core.xsd">
  <broker xmlns="http://activemq.apache.org/schema/core" useJmx="false" brokerName="peerbench" dataDirectory="{data}" persistent="true">
    <persistenceAdapter><kahaDB directory="{data}/kahadb"/></persistenceAdapter>
    <sslContext>
      <sslContext keyStore="file:{ks}" keyStorePassword="{PASSWORD}" keyStoreType="PKCS12"
                  trustStore="file:{ts}" trustStorePassword="{PASSWORD}" trustStoreType="PKCS12"/>
    </sslContext>
    <transportConnectors>
      <transportConnector name="stomp+ssl" uri="stomp+ssl://127.0.0.1:{port}?needClientAuth=true&amp;maximumConnections=30000&amp;transport.tcpNoDelay=true"/>
    </transportConnectors>
  </broker>
</beans>
"#,
            data = data.display(),
            ks = f("server.p12"),
            ts = f("trust.p12"),
        );
        std::fs::write(base.join("activemq.xml"), xml)?;
        std::fs::write(
            base.join("log4j.properties"),
            "log4j.rootLogger=WARN, out\nlog4j.appender.out=org.apache.log4j.ConsoleAppender\n\
             log4j.appender.out.layout=org.apache.log4j.PatternLayout\n\
             log4j.appender.out.layout.ConversionPattern=%d %-5p %c{1} - %m%n\n",
        )?;
        let d = |k: &str, v: &Path| format!("-D{k}={}", v.display());
        let mut command = Command::new("java");
        command
            .args(["-Xms1G", "-Xmx1G"])
            .arg(d("log4j.configuration", &Path::new("file:").join(base.join("log4j.properties"))))
            .arg(d("activemq.home", Path::new("/usr/share/activemq")))
            .arg(d("activemq.base", &base))
            .arg(d("activemq.conf", &base))
            .arg(d("activemq.data", &data))
            .args(["-jar", JAR, "start"])
            .arg(format!("xbean:file:{}", base.join("activemq.xml").display()));
        let server =
            Server::start("ActiveMQ", command, port, &base.join("out.log"), Duration::from_secs(60))?;
        Ok(Self { server, tls: Arc::new(pki.client_config()?) })
    }

    async fn session(&self) -> Result<Stomp> {
        Stomp::connect(self.server.port, self.tls.clone()).await
    }

    /// One TLS connection with its first message, receipted.
    pub(crate) async fn setup_once(&self) -> Result<()> {
        let mut s = self.session().await?;
        s.send_frame("SEND", &[("destination", "/queue/bench.setup"), ("receipt", "1")], &payload(64))
            .await?;
        s.flush().await?;
        let answer = s.read().await?;
        if answer.command != "RECEIPT" {
            bail!("SEND answered {}", answer.command);
        }
        s.send_frame("DISCONNECT", &[], &[]).await?;
        s.flush().await
    }

    /// Producer to consumer on two connections.
    pub(crate) async fn flow(&self, spec: Spec) -> Result<Flow> {
        let queue = if spec.persistent { "/queue/bench.p" } else { "/queue/bench.n" };
        let mut consumer = self.session().await?;
        let ack = if spec.persistent { "client-individual" } else { "auto" };
        let prefetch = spec.window.to_string();
        let subscribe =
            [("destination", queue), ("id", "0"), ("ack", ack), ("activemq.prefetchSize", &prefetch)];
        consumer.send_frame("SUBSCRIBE", &subscribe, &[]).await?;
        consumer.flush().await?;
        let receiving = tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(spec.count);
            while latencies.len() < spec.count {
                let m = consumer.read().await?;
                if m.command != "MESSAGE" {
                    continue;
                }
                latencies.push(latency_of(&m.body));
                if spec.persistent {
                    let id = m.header("ack").unwrap_or_default().to_owned();
                    consumer.send_frame("ACK", &[("id", &id)], &[]).await?;
                    consumer.flush().await?;
                }
            }
            Ok::<_, anyhow::Error>((latencies, now_ns()))
        });
        let mut producer = self.session().await?;
        let persistent = if spec.persistent { "true" } else { "false" };
        let started = now_ns();
        let mut outstanding = 0usize;
        for i in 0..spec.count {
            pace(&spec, i, started).await;
            let receipt = i.to_string();
            let mut headers = vec![("destination", queue), ("persistent", persistent)];
            if spec.persistent {
                headers.push(("receipt", &receipt));
                outstanding += 1;
            }
            producer.send_frame("SEND", &headers, &payload(spec.size)).await?;
            if !spec.persistent && i % spec.window == spec.window - 1 {
                producer.flush().await?;
            }
            if outstanding >= spec.window {
                producer.flush().await?;
                producer.read().await?;
                outstanding -= 1;
            }
        }
        producer.flush().await?;
        while outstanding > 0 {
            producer.read().await?;
            outstanding -= 1;
        }
        let (latencies, ended) = receiving.await??;
        Ok(Flow { count: spec.count, elapsed: Duration::from_nanos(ended - started), latencies })
    }

    /// `n` idle STOMP sessions over TLS.
    pub(crate) async fn idle(&self, n: usize) -> Result<Vec<Stomp>> {
        crate::process::open_many(n, || self.session()).await
    }
}
