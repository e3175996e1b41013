//! Every fuzz target's property, run on stable Rust for a short time with inputs mutated
//! from the seed corpora (`mqsc/`, `ccdt/`, `../shared/corpus/`, encoded frames): what CI
//! runs of the fuzzing harness. Not coverage-guided — `fuzz/run.sh TARGET SECONDS`
//! (nightly, cargo-fuzz) is the real fuzzer; this keeps every property exercised on
//! every change. `MQTLS_FUZZ_SECONDS` sets the time per target (default 1).

use std::time::{Duration, Instant};

use mqtls_channel::frame::{encode, ChannelStart, Frame};
use mqtls_channel::ops::Request;
use mqtls_channel::transfer::Send;
use mqtls_model::Message;

use crate::root;

/// A target: its name, its property, its seeds.
type Target = (&'static str, fn(&[u8]), Vec<Vec<u8>>);

fn files(dirs: &[&str]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(root().join(dir)) else { continue };
        for entry in entries.flatten() {
            if entry.path().is_file() {
                out.push(std::fs::read(entry.path()).unwrap());
            }
        }
    }
    assert!(!out.is_empty(), "no seeds in {dirs:?}");
    out
}

fn frames() -> Vec<Vec<u8>> {
    let start = |channel: &str, chltype: u8, user: &str| {
        encode(&Frame::ChannelStart(ChannelStart {
            channel: channel.into(),
            chltype,
            qmgr: "QM2".into(),
            user: user.into(),
            max_msg_len: 4096,
            sharecnv: 10,
            heartbeat: 300,
        }))
    };
    vec![
        start("PLAIN.SVRCONN", 6, "bob"),
        start("PLAIN.SVRCONN", 6, "alice"),
        start("TLS.SVRCONN", 6, "bob"),
        start("QM2.TO.QM1", 1, ""),
        encode(&Frame::StartAck { max_msg_len: 4096, sharecnv: 10, heartbeat: 300 }),
        encode(&Frame::Refuse { reason: 2035, text: "not authorised".into() }),
        encode(&Frame::Heartbeat),
        encode(&Frame::Data { conversation: 3, payload: b"payload".to_vec() }),
        encode(&Frame::Close { reason: 0 }),
    ]
}

fn payloads() -> Vec<Vec<u8>> {
    let m = Message { persistent: true, ..Message::text("hello") };
    vec![
        Request::Put { handle: 1, syncpoint: true, message: m.clone() }.encode(7),
        Request::Connect { qmgr: "QM1".into(), application: String::new() }.encode(1),
        Request::Commit.encode(9),
        Send::Resync { seq: 4, luwid: 2, in_doubt: Some(3), reset: false }.encode(),
        Send::Msg { seq: 5, now: false, message: m }.encode(),
        Send::EndBatch { luwid: 3, seq: 5, count: 1 }.encode(),
    ]
}

/// IBM MQ segments: a client's initial data (both byte orders, multiplexed) and a STATUS.
fn segments() -> Vec<Vec<u8>> {
    use mqtls_channel::fap::{segment, status_body, Segment};
    let hello = mqtls_channel::initial_data::InitialData::client("SYSTEM.DEF.SVRCONN").segment();
    let big = Segment { little_endian: false, body: hello.body.clone(), ..hello.clone() };
    let status = Segment {
        kind: segment::STATUS,
        multiplexed: Some((1, 2)),
        body: status_body(true, 0x18),
        ..hello.clone()
    };
    vec![hello.encode(), big.encode(), status.encode()]
}

fn dns() -> Vec<Vec<u8>> {
    [
        "CN=Client,OU=MQ,O=IBM,C=US\nCN=Client,OU=MQ,O=IBM,C=US",
        "CN=John*,OU=Test,OU=Sales;C=GB\nE=john@example.com,CN=John Smith,OU=Test,OU=Sales,O=IBM,C=GB",
        "CN=*Smith\nOU=Sales+CN=J.  Smith,DC=example,DC=net",
        "CN=\"James, Jim\"\nCN=James \\\"Jim\\\" Smith\\, III,DC=example,DC=net",
        "1.3.6.1.4.1.1466.0=#04024869\nCN=Lu\\C4\\8Di\\C4\\87",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect()
}

/// xorshift64: the same schedule for the same seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// One mutation of `input`: flip, overwrite, insert, delete, duplicate, splice or cut.
fn mutate(rng: &mut Rng, input: &mut Vec<u8>, seeds: &[Vec<u8>]) {
    let len = input.len();
    match rng.below(7) {
        0 if len > 0 => input[rng.below(len)] ^= 1 << rng.below(8),
        1 if len > 0 => {
            input[rng.below(len)] =
                *[0u8, 0xff, b'(', b')', b'\'', b'+', b',', b'='].get(rng.below(8)).unwrap()
        }
        2 => input.insert(rng.below(len + 1), rng.next() as u8),
        3 if len > 1 => {
            let at = rng.below(len);
            let n = rng.below(len - at).max(1);
            input.drain(at..at + n);
        }
        4 if len > 0 => {
            let at = rng.below(len);
            let piece = input[at..(at + rng.below(16) + 1).min(len)].to_vec();
            let to = rng.below(input.len() + 1);
            input.splice(to..to, piece);
        }
        5 => {
            let other = &seeds[rng.below(seeds.len())];
            if !other.is_empty() {
                let at = rng.below(other.len());
                let to = rng.below(len + 1);
                input.splice(to..to, other[at..(at + rng.below(64) + 1).min(other.len())].iter().copied());
            }
        }
        _ => input.truncate(rng.below(len + 1)),
    }
}

#[test]
fn every_fuzz_property_holds_on_mutated_seeds_for_a_while() {
    let seconds: u64 = std::env::var("MQTLS_FUZZ_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(1);
    let targets: Vec<Target> = vec![
        (
            "mqsc_roundtrip",
            mqtls_mqsc::fuzzing::parse_print_reparse,
            files(&["mqsc", "../shared/corpus/mqsc"]),
        ),
        ("ccdt_json", mqtls_ccdt::fuzzing::json_roundtrip, files(&["ccdt", "../shared/corpus/ccdt-json"])),
        ("ccdt_binary", mqtls_ccdt::fuzzing::binary_roundtrip, files(&["../shared/corpus/ccdt-bin"])),
        ("dn_roundtrip", mqtls_dn::fuzzing::dn_roundtrip, dns()),
        ("sslpeer_diff", mqtls_dn::fuzzing::sslpeer_differential, dns()),
        ("frame_decode", mqtls_channel::fuzzing::frame_roundtrip, frames()),
        ("channel_start", mqtls_channel::fuzzing::channel_start, frames()),
        ("ops_decode", mqtls_channel::fuzzing::ops_roundtrip, payloads()),
        ("transfer_decode", mqtls_channel::fuzzing::transfer_roundtrip, payloads()),
        ("fap_decode", mqtls_channel::fuzzing::fap_roundtrip, segments()),
    ];
    // A new seed each run widens what CI explores; MQTLS_FUZZ_SEED replays a failure's seed.
    let seed = std::env::var("MQTLS_FUZZ_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64
    }) | 1;
    let mut report = Vec::new();
    for (name, property, seeds) in targets {
        let mut rng = Rng(seed);
        let deadline = Instant::now() + Duration::from_secs(seconds);
        let mut runs = 0u64;
        while Instant::now() < deadline {
            let mut input = seeds[rng.below(seeds.len())].clone();
            for _ in 0..=rng.below(8) {
                mutate(&mut rng, &mut input, &seeds);
            }
            input.truncate(64 * 1024);
            let outcome = std::panic::catch_unwind(|| property(&input));
            if outcome.is_err() {
                let file = mqtls_test_support::scratch("fuzz-smoke").join(format!("{name}-crash"));
                std::fs::write(&file, &input).unwrap();
                panic!("{name}: the property failed (seed {seed}); input saved to {} — replay: MQTLS_FUZZ_SEED={seed} or fuzz/run.sh {name} with it in the corpus", file.display());
            }
            runs += 1;
        }
        report.push(format!("{name} {runs}"));
    }
    println!("fuzz smoke, {seconds}s each (seed {seed}): {}", report.join(", "));
}

#[test]
fn a_broken_property_is_caught() {
    // The harness itself: a property that fails on some mutation of its seed is found.
    fn no_zero_byte(data: &[u8]) {
        assert!(!data.contains(&0), "a zero byte");
    }
    let seeds = vec![b"abc".to_vec()];
    let mut rng = Rng(7);
    let found = (0..10_000).any(|_| {
        let mut input = seeds[0].clone();
        mutate(&mut rng, &mut input, &seeds);
        std::panic::catch_unwind(|| no_zero_byte(&input)).is_err()
    });
    assert!(found, "ten thousand mutations never produced a zero byte");
}
