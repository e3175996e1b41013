//! The doctor's partner check against live sender channels: configurations drawn at random
//! from the traps of a TLS sender / receiver pair — each end's SSLCIPH (sets, single specs,
//! a refused one), the certificate each presents (EC, RSA, a label in the wrong case, a
//! missing one), SSLPEER at both ends (matching or not), SSLCAUTH, CHLAUTH rules at the
//! receiver (a blocked queue manager, address or DN), the receiver missing or a SVRCONN.
//! QM1 holds every case's sender, QM2 every receiver, both running (`mqtls qmgr run`);
//! `mqtls doctor --partner-mqsc --partner-keystore` predicts; START CHANNEL is what happens.
//! Asserted: the doctor reports an error for the channel if and only if the sender does not
//! reach RUNNING, and the reason code in the sender's LASTERR (the receiver's refusal, or
//! this end's own: 2393 for a handshake, 2398 for SSLPEER) is one the doctor names.
//! Seeded (`MQTLS_DIFF_SEED`); `MQTLS_DIFF_CASES` cases (30 by default).

use std::time::{Duration, Instant};

use mqtls_test_support::{ca_and_leaf, scratch};

use crate::doctor_cli::private_pem_dir;
use crate::doctor_differential::{Rng, Tally};

/// One case: the sender's side and the receiver's.
struct Case {
    ciph: &'static str,
    label: &'static str,
    peer: &'static str,
    their_ciph: &'static str,
    their_label: &'static str,
    required: bool,
    their_peer: &'static str,
    chlauth: &'static str,
    /// RCVR, SVRCONN (a wrong type) or MISSING (no channel of that name).
    kind: &'static str,
}

impl Case {
    fn draw(rng: &mut Rng) -> Self {
        Self {
            ciph: rng.cipher(),
            label: rng.pick(&["qm1", "qm1", "qm1", "qm1rsa", "QM1", "nolabel"]),
            peer: rng.pick(&["", "", "", "CN=qm2,O=mqtls test", "CN=other"]),
            their_ciph: rng.cipher(),
            their_label: rng.pick(&["qm2", "qm2", "qm2", "qm2rsa"]),
            required: rng.pick(&[true, true, false]),
            their_peer: rng.pick(&["", "", "", "CN=qm1,O=mqtls test", "CN=other"]),
            chlauth: rng.pick(&[
                "",
                "",
                "",
                "",
                "TYPE(QMGRMAP) QMNAME('QM1') USERSRC(NOACCESS)",
                "TYPE(ADDRESSMAP) ADDRESS('127.0.0.1') USERSRC(NOACCESS)",
                "TYPE(SSLPEERMAP) SSLPEER('CN=qm1rsa') USERSRC(NOACCESS)",
            ]),
            kind: rng.pick(&["RCVR", "RCVR", "RCVR", "RCVR", "RCVR", "RCVR", "SVRCONN", "MISSING"]),
        }
    }

    fn describe(&self) -> String {
        format!(
            "sender {} label {} peer '{}' / receiver {} {} label {} {} peer '{}'{}",
            self.ciph,
            self.label,
            self.peer,
            self.kind,
            self.their_ciph,
            self.their_label,
            if self.required { "REQUIRED" } else { "OPTIONAL" },
            self.their_peer,
            if self.chlauth.is_empty() { String::new() } else { format!(" CHLAUTH {}", self.chlauth) }
        )
    }
}

/// A keystore directory for one queue manager: its two certificates and the shared CA.
fn keystore_dir(pki: &std::path::Path, name: &str, labels: &[&str]) -> String {
    let dir = scratch(&format!("partner-diff-{name}"));
    for file in std::iter::once("ca.pem".to_owned())
        .chain(labels.iter().flat_map(|l| [format!("{l}.pem"), format!("{l}.key")]))
    {
        std::fs::copy(pki.join(&file), dir.join(&file)).unwrap();
    }
    let mut ks = String::new();
    for label in labels {
        ks = private_pem_dir(&dir, label);
    }
    ks
}

/// The sender's status once it has tried: RUNNING, or its state and LASTERR.
fn started(socket: &str, channel: &str) -> (bool, String) {
    let (_, out, err) =
        crate::mqtls(&["mqsc", "QM1", "--socket", socket], &format!("START CHANNEL({channel})\n"));
    assert!(out.contains("accepted") || err.is_empty(), "START CHANNEL({channel}): {out}{err}");
    let begun = Instant::now();
    loop {
        let (_, out, _) = crate::mqtls(
            &["mqsc", "QM1", "--socket", socket],
            &format!("DISPLAY CHSTATUS({channel}) STATUS LASTERR\n"),
        );
        let running = out.contains("STATUS(RUNNING)");
        let failed = out.contains("STATUS(RETRYING)") || out.contains("STATUS(STOPPED)");
        if running || failed || begun.elapsed() > Duration::from_secs(10) {
            let _ = crate::mqtls(&["mqsc", "QM1", "--socket", socket], &format!("STOP CHANNEL({channel})\n"));
            return (running, out);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn the_doctor_predicts_exactly_the_failures_of_live_sender_channels() {
    let cases: usize = std::env::var("MQTLS_DIFF_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(30);
    let seed: u64 = std::env::var("MQTLS_DIFF_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(20_261_204);
    let pki = scratch("partner-diff-pki");
    for (name, kind) in [("qm1", "ec"), ("qm1rsa", "rsa"), ("qm2", "ec"), ("qm2rsa", "rsa")] {
        ca_and_leaf(&pki, name, kind);
    }
    let ks1 = keystore_dir(&pki, "qm1", &["qm1", "qm1rsa"]);
    let ks2 = keystore_dir(&pki, "qm2", &["qm2", "qm2rsa"]);
    let mut rng = Rng(seed | 1);
    let drawn: Vec<Case> = (0..cases).map(|_| Case::draw(&mut rng)).collect();

    let dir = scratch("partner-diff");
    let mut theirs = String::from("ALTER QMGR CERTLABL('qm2')\n");
    for (i, c) in drawn.iter().enumerate() {
        let name = if c.kind == "MISSING" { format!("OTHER.{i:03}") } else { format!("CASE.{i:03}") };
        let chltype = if c.kind == "SVRCONN" { "SVRCONN" } else { "RCVR" };
        theirs += &format!(
            "DEFINE CHANNEL({name}) CHLTYPE({chltype}) SSLCIPH({}) CERTLABL('{}') SSLCAUTH({}) SSLPEER('{}')\n",
            c.their_ciph,
            c.their_label,
            if c.required { "REQUIRED" } else { "OPTIONAL" },
            c.their_peer
        );
        if !c.chlauth.is_empty() {
            theirs += &format!("SET CHLAUTH(CASE.{i:03}) {}\n", c.chlauth);
        }
    }
    std::fs::write(dir.join("qm2.mqsc"), &theirs).unwrap();
    let (mut qm2, port2, banner) = crate::qmgr_run_as(&dir, ("QM2", "qm2.mqsc"), &ks2, &[]);
    assert!(banner.contains("started"), "{banner}");
    let mut log = qm2.0.stderr.take().unwrap();
    std::thread::spawn(move || std::io::copy(&mut log, &mut std::io::sink()));

    let mut ours = String::from("ALTER QMGR CERTLABL('qm1')\n");
    for (i, c) in drawn.iter().enumerate() {
        ours += &format!(
            "DEFINE QLOCAL(XQ.{i:03}) USAGE(XMITQ)\n\
             DEFINE CHANNEL(CASE.{i:03}) CHLTYPE(SDR) CONNAME('127.0.0.1({port2})') XMITQ(XQ.{i:03}) SSLCIPH({}) CERTLABL('{}') SSLPEER('{}')\n",
            c.ciph, c.label, c.peer
        );
    }
    std::fs::write(dir.join("qm1.mqsc"), &ours).unwrap();
    let (mut qm1, _, banner) =
        crate::qmgr_run_as(&dir, ("QM1", "qm1.mqsc"), &ks1, &["--admin-socket", "qm1.sock"]);
    assert!(banner.contains("started"), "{banner}");
    let mut log = qm1.0.stderr.take().unwrap();
    std::thread::spawn(move || std::io::copy(&mut log, &mut std::io::sink()));
    let socket = dir.join("qm1.sock").display().to_string();

    let (a, b) = (dir.join("qm1.mqsc").display().to_string(), dir.join("qm2.mqsc").display().to_string());
    let args = ["doctor", "--mqsc", &a, "--keystore", &ks1, "--partner-mqsc", &b, "--partner-keystore", &ks2];
    let (_, said, _) = crate::mqtls(&args, "");
    let blocks: Vec<&str> = said.split("\n\n").filter(|b| b.starts_with("ERROR")).collect();

    let mut tally = Tally::new("sender", "ran");
    for (i, c) in drawn.iter().enumerate() {
        let name = format!("CASE.{i:03}");
        let errors: Vec<&str> = blocks.iter().copied().filter(|b| b.contains(&format!("({name})"))).collect();
        let (running, status) = started(&socket, &name);
        tally.case(&name, &c.describe(), &errors, running, &status);
    }
    tally.finish("live senders", seed);
}
