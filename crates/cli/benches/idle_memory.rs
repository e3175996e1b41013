//! Memory per idle channel: `mqtls qmgr run` in its own process, N channels started and
//! left idle (mutually authenticated TLS 1.3, ECDSA P-256; and plain; a fresh queue
//! manager for each), the queue manager's resident memory (VmRSS) read before and after. Prints the figures for
//! BENCHMARKS.md.
//!
//! cargo bench -p mqtls-cli --bench idle_memory            (1,000 and 10,000 channels)
#![allow(missing_docs)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;

use mqtls_client::{Address, ClientChannel, ConnectOptions, Connection};
use mqtls_test_support::{ca_and_leaf, free_port, keystore, scratch, Running};

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// `mqtls qmgr run` in `dir` on a free port: the process and the port.
fn start(dir: &std::path::Path) -> (Running, u16) {
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_mqtls"))
        .args(["qmgr", "run", "QM1", "--mqsc", "qm1.mqsc", "--keystore", "ks", "--max-connections", "30000"])
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut qm = Running(child);
    let mut banner = String::new();
    BufReader::new(qm.0.stdout.as_mut().unwrap()).read_line(&mut banner).unwrap();
    (qm, port)
}

fn main() {
    let dir = scratch("idle-memory");
    ca_and_leaf(&dir, "qm1", "ec");
    ca_and_leaf(&dir, "app1", "ec");
    mqtls_test_support::pem_keystore_dir(&dir, "qm1");
    std::fs::write(
        dir.join("qm1.mqsc"),
        "ALTER QMGR CERTLABL('qm1')\n\
         DEFINE CHANNEL(TLS.SVRCONN) CHLTYPE(SVRCONN) SSLCIPH(ANY_TLS13) SSLCAUTH(REQUIRED) SHARECNV(1)\n\
         DEFINE CHANNEL(PLAIN.SVRCONN) CHLTYPE(SVRCONN) SHARECNV(1)\n",
    )
    .unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let opts = ConnectOptions {
        user: "app".into(),
        keystore: Some(keystore(&dir, Some("app1"))),
        ..Default::default()
    };

    println!("| channels | kind | queue manager RSS before | after | per channel |");
    println!("|---|---|---|---|---|");
    for (name, ciph) in [("PLAIN.SVRCONN", ""), ("TLS.SVRCONN", "ANY_TLS13")] {
        // A fresh queue manager per kind: freed memory of the other kind would be reused.
        let (qm, port) = start(&dir);
        let pid = qm.0.id();
        let address = Address { host: "127.0.0.1".into(), port: Some(port) };
        let mut chl = ClientChannel::new(name);
        chl.cipher_spec = ciph.into();
        chl.cert_label = if ciph.is_empty() { String::new() } else { "app1".into() };
        chl.heartbeat = 999_999;
        let (chl, opts) = (Arc::new(chl), Arc::new(opts.clone()));
        let mut held = Vec::new();
        let mut opened = 0usize;
        for target in [1_000usize, 10_000] {
            let before = rss_kib(pid);
            let batch = target - opened;
            let conns = rt.block_on(async {
                let mut all = Vec::new();
                // 64 at a time: within the listen backlog.
                for _ in 0..batch.div_ceil(64) {
                    let n = 64.min(batch - all.len());
                    let started: Vec<_> = (0..n)
                        .map(|_| {
                            let (chl, opts, address) = (chl.clone(), opts.clone(), address.clone());
                            tokio::spawn(
                                async move { Connection::open(&chl, &address, &opts).await.unwrap() },
                            )
                        })
                        .collect();
                    for t in started {
                        all.push(t.await.unwrap());
                    }
                }
                all
            });
            held.extend(conns);
            opened = target;
            std::thread::sleep(std::time::Duration::from_millis(500));
            let after = rss_kib(pid);
            let kind = if ciph.is_empty() { "plain" } else { "TLS 1.3, mutual" };
            let per = after.saturating_sub(before) as f64 / batch as f64;
            println!("| {target} | {kind} | {before} KiB | {after} KiB | {per:.1} KiB (the last {batch}) |");
        }
        drop(held);
        drop(qm);
    }
}
