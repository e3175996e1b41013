//! The Markdown report: one row per figure, a column per peer with the ratio mqtls / peer
//! next to it, the versions measured, and every failure said in words.

use std::collections::HashMap;
use std::process::Command;

use crate::stats::Flow;

/// One measured figure of one peer.
#[derive(Clone, Debug)]
pub(crate) struct Figure {
    label: String,
    value: Result<f64, String>,
    unit: &'static str,
}

impl Figure {
    /// A measured value in `unit` (msg/s, ms, KiB: the report says which way is better).
    pub(crate) fn new(label: &str, value: f64, unit: &'static str) -> Self {
        Self { label: label.to_owned(), value: Ok(value), unit }
    }

    /// A workload that did not complete, and why.
    pub(crate) fn failed(label: &str, why: &str) -> Self {
        Self { label: label.to_owned(), value: Err(why.to_owned()), unit: "" }
    }
}

/// Every peer's figures.
#[derive(Debug, Default)]
pub(crate) struct Report {
    peers: Vec<String>,
    order: Vec<String>,
    figures: HashMap<(String, String), Figure>,
    notes: Vec<String>,
}

impl Report {
    /// A report over `peers` (mqtls first).
    pub(crate) fn new(peers: &[String]) -> Self {
        Self { peers: peers.to_vec(), ..Self::default() }
    }

    /// Records `figure` for `peer`.
    pub(crate) fn add(&mut self, peer: &str, figure: Figure) {
        if !self.order.contains(&figure.label) {
            self.order.push(figure.label.clone());
        }
        if let Err(why) = &figure.value {
            self.notes.push(format!("{peer}, {}: {why}", figure.label));
        }
        self.figures.insert((peer.to_owned(), figure.label.clone()), figure);
    }

    /// Records a producer-to-consumer run: its rate, median and 99th percentile.
    pub(crate) fn add_flow(&mut self, peer: &str, label: &str, flow: &Flow) {
        self.add(peer, Figure::new(&format!("{label}: messages/s"), flow.rate(), "msg/s"));
        self.add(peer, Figure::new(&format!("{label}: p50 latency"), flow.percentile_ms(0.5), "ms"));
        self.add(peer, Figure::new(&format!("{label}: p99 latency"), flow.percentile_ms(0.99), "ms"));
    }

    /// A peer that could not be started or measured.
    pub(crate) fn unavailable(&mut self, peer: &str, why: &str) {
        self.notes.push(format!("{peer}: not measured: {why}"));
    }

    /// The report (`cargo xtask bench --peers` puts the machine and the command above it).
    pub(crate) fn markdown(&self) -> String {
        let mut out = String::new();
        out.push_str(&format!("Versions: {}.\n\n", versions()));
        let mut head = "| figure | mqtls |".to_owned();
        let mut rule = "|---|---|".to_owned();
        for p in self.peers.iter().filter(|p| *p != "mqtls") {
            head.push_str(&format!(" {p} | mqtls / {p} |"));
            rule.push_str("---|---|");
        }
        out.push_str(&format!("{head}\n{rule}\n"));
        for label in &self.order {
            let get = |p: &str| self.figures.get(&(p.to_owned(), label.clone()));
            let ours = get("mqtls");
            let mut line = format!("| {label} | {} |", shown(ours));
            for p in self.peers.iter().filter(|p| *p != "mqtls") {
                let theirs = get(p);
                let ratio = match (ours.map(|f| &f.value), theirs.map(|f| &f.value)) {
                    (Some(Ok(a)), Some(Ok(b))) if *b > 0.0 => format!("{:.2}", a / b),
                    _ => "—".to_owned(),
                };
                line.push_str(&format!(" {} | {ratio} |", shown(theirs)));
            }
            out.push_str(&line);
            out.push('\n');
        }
        if !self.notes.is_empty() {
            out.push_str("\nNot measured:\n\n");
            for n in &self.notes {
                out.push_str(&format!("- {}\n", n.lines().next().unwrap_or_default()));
            }
        }
        out
    }
}

fn shown(f: Option<&Figure>) -> String {
    match f.map(|f| (&f.value, f.unit)) {
        None => "—".to_owned(),
        Some((Err(_), _)) => "failed".to_owned(),
        Some((Ok(v), unit)) if *v >= 100.0 => format!("{v:.0} {unit}"),
        Some((Ok(v), unit)) => format!("{v:.2} {unit}"),
    }
}

fn versions() -> String {
    let version = |package: &str| {
        Command::new("dpkg-query")
            .args(["-W", "-f", "${Version}", package])
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map_or_else(|| "not installed".to_owned(), |o| String::from_utf8_lossy(&o.stdout).into_owned())
    };
    format!(
        "mqtls {}, rabbitmq-server {}, nats-server {}, activemq {}, lapin 4, async-nats 0.52, OpenJDK (`java -version`) for ActiveMQ",
        env!("CARGO_PKG_VERSION"),
        version("rabbitmq-server"),
        version("nats-server"),
        version("activemq")
    )
}
