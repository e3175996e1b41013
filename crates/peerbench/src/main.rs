//! `mqtls-peerbench`: mqtls next to RabbitMQ, NATS and ActiveMQ on this machine in one run,
//! each started here with the same test PKI and mutually authenticated TLS on loopback,
//! the same workloads against each, one server running at a time. Prints a Markdown
//! report (`--out FILE` writes it too) with every figure's ratio mqtls / peer.
//!
//! cargo xtask bench --peers            (builds, installs missing peers, runs, writes BENCHMARKS.md)
//! mqtls-peerbench [--quick] [--peers mqtls,rabbitmq,nats,activemq] [--mqtls PATH] [--out FILE] [--idle 1000,10000]

mod activemq;
mod mqtls_peer;
mod nats;
mod pki;
mod process;
mod rabbitmq;
mod report;
mod stats;
mod stomp;

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{bail, Context, Result};

use crate::process::Server;
use crate::report::{Figure, Report};
use crate::stats::{Flow, Spec};

/// One server under test.
enum Peer {
    Mqtls(mqtls_peer::Mqtls),
    Rabbit(rabbitmq::Rabbit),
    Nats(nats::Nats),
    ActiveMq(activemq::ActiveMq),
}

/// What is held open to measure idle connections.
type Held = Box<dyn Send>;

impl Peer {
    fn server(&self) -> &Server {
        match self {
            Self::Mqtls(p) => &p.server,
            Self::Rabbit(p) => &p.server,
            Self::Nats(p) => &p.server,
            Self::ActiveMq(p) => &p.server,
        }
    }

    async fn setup_once(&self) -> Result<()> {
        match self {
            Self::Mqtls(p) => p.setup_once().await,
            Self::Rabbit(p) => p.setup_once().await,
            Self::Nats(p) => p.setup_once().await,
            Self::ActiveMq(p) => p.setup_once().await,
        }
    }

    async fn flow(&self, spec: Spec) -> Result<Flow> {
        match self {
            Self::Mqtls(p) => p.flow(spec).await,
            Self::Rabbit(p) => p.flow(spec).await,
            Self::Nats(p) => p.flow(spec).await,
            Self::ActiveMq(p) => p.flow(spec).await,
        }
    }

    async fn idle(&self, n: usize) -> Result<Held> {
        Ok(match self {
            Self::Mqtls(p) => Box::new(p.idle(n).await?),
            Self::Rabbit(p) => Box::new(p.idle(n).await?),
            Self::Nats(p) => Box::new(p.idle(n).await?),
            Self::ActiveMq(p) => Box::new(p.idle(n).await?),
        })
    }
}

struct Options {
    quick: bool,
    peers: Vec<String>,
    mqtls: PathBuf,
    out: Option<PathBuf>,
    idle: Option<Vec<usize>>,
}

fn options() -> Result<Options> {
    let sibling = std::env::current_exe()?.with_file_name("mqtls");
    let mut o = Options {
        quick: false,
        peers: ["mqtls", "rabbitmq", "nats", "activemq"].map(String::from).to_vec(),
        mqtls: sibling,
        out: None,
        idle: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--quick" => o.quick = true,
            "--peers" => o.peers = args.next().context("--peers LIST")?.split(',').map(String::from).collect(),
            "--mqtls" => o.mqtls = args.next().context("--mqtls PATH")?.into(),
            "--out" => o.out = Some(args.next().context("--out FILE")?.into()),
            "--idle" => {
                let list = args.next().context("--idle N,M")?;
                o.idle = Some(list.split(',').map(str::parse).collect::<Result<_, _>>().context("--idle N,M")?);
            }
            other => bail!("unknown argument {other}; usage: mqtls-peerbench [--quick] [--peers LIST] [--mqtls PATH] [--out FILE] [--idle N,M]"),
        }
    }
    if !o.peers.iter().any(|p| p == "mqtls") {
        o.peers.insert(0, "mqtls".into());
    }
    Ok(o)
}

fn start(name: &str, o: &Options, pki: &pki::Pki, dir: &std::path::Path) -> Result<Peer> {
    Ok(match name {
        "mqtls" => Peer::Mqtls(mqtls_peer::Mqtls::start(&o.mqtls, pki, dir)?),
        "rabbitmq" => Peer::Rabbit(rabbitmq::Rabbit::start(pki, dir)?),
        "nats" => Peer::Nats(nats::Nats::start(pki, dir)?),
        "activemq" => Peer::ActiveMq(activemq::ActiveMq::start(pki, dir)?),
        other => bail!("unknown peer {other} (mqtls, rabbitmq, nats, activemq)"),
    })
}

/// The workloads, run in this order against every peer.
fn workloads(quick: bool) -> (usize, Vec<(&'static str, Spec)>, Vec<usize>) {
    let scale = |full: usize| if quick { full / 10 } else { full };
    let flow = |size, persistent, count| Spec { size, persistent, count, window: 100, pace: None };
    // Paced well below every peer's capacity, one message in flight: latency without a backlog.
    let paced = |persistent| Spec { size: 1024, persistent, count: scale(2_500), window: 1, pace: Some(500) };
    let flows = vec![
        ("1 KiB persistent", flow(1024, true, scale(5_000))),
        ("64 KiB persistent", flow(65_536, true, scale(2_000))),
        ("1 KiB non-persistent", flow(1024, false, scale(20_000))),
        ("64 KiB non-persistent", flow(65_536, false, scale(2_000))),
        ("1 KiB persistent at 500 msg/s", paced(true)),
        ("1 KiB non-persistent at 500 msg/s", paced(false)),
    ];
    let idle = if quick { vec![100] } else { vec![1_000, 10_000] };
    (scale(500), flows, idle)
}

/// Setups and flows against a started peer.
async fn traffic(peer: &Peer, name: &str, o: &Options, report: &mut Report) -> Result<()> {
    let (setups, flows, _) = workloads(o.quick);
    for _ in 0..5 {
        peer.setup_once().await.with_context(|| format!("{name}: the first connection"))?;
    }
    let started = Instant::now();
    for i in 0..setups {
        peer.setup_once().await.with_context(|| format!("{name}: setup {i}"))?;
    }
    let rate = setups as f64 / started.elapsed().as_secs_f64();
    report.add(
        name,
        Figure::new("TLS connection setups (connect + first message), sequential", rate, "setups/s"),
    );
    for (label, spec) in flows {
        match peer.flow(spec).await {
            Ok(flow) => report.add_flow(name, label, &flow),
            Err(e) => report.add(name, Figure::failed(label, &format!("{e:#}"))),
        }
    }
    Ok(())
}

/// Idle connections against a freshly started peer (memory the flows freed would be
/// reused and hide what connections cost).
async fn idle(peer: &Peer, name: &str, o: &Options, report: &mut Report) -> Result<()> {
    let idle = o.idle.clone().unwrap_or_else(|| workloads(o.quick).2);
    let mut held = Vec::new();
    let mut opened = 0;
    for n in idle {
        let before = peer.server().rss_kib();
        let label = format!("memory per idle TLS connection, {opened} to {n}");
        match peer.idle(n - opened).await {
            Ok(h) => {
                held.push(h);
                tokio::time::sleep(std::time::Duration::from_secs(2)).await;
                let after = peer.server().rss_kib();
                let per = after.saturating_sub(before) as f64 / (n - opened) as f64;
                let own = process::own_rss_gib();
                eprintln!("peerbench: {name}: {n} idle: server {after} KiB ({per:.1} KiB each), the bench {own:.2} GiB");
                report.add(name, Figure::new(&label, per, "KiB"));
                opened = n;
            }
            Err(e) => {
                report.add(name, Figure::failed(&label, &format!("{e:#}")));
                break;
            }
        }
    }
    Ok(())
}

fn main() -> Result<()> {
    let o = options()?;
    let dir = std::env::temp_dir().join(format!("mqtls-peerbench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let pki = pki::Pki::create(&dir)?;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let mut report = Report::new(&o.peers);
    for name in &o.peers {
        eprintln!("peerbench: {name}");
        let measured = start(name, &o, &pki, &dir).and_then(|peer| {
            runtime.block_on(traffic(&peer, name, &o, &mut report))?;
            drop(peer);
            let peer = start(name, &o, &pki, &dir)?;
            runtime.block_on(idle(&peer, name, &o, &mut report))
        });
        if let Err(e) = measured {
            report.unavailable(name, &format!("{e:#}"));
        }
    }
    let text = report.markdown();
    print!("{text}");
    if let Some(out) = &o.out {
        std::fs::write(out, &text).with_context(|| format!("{}", out.display()))?;
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
