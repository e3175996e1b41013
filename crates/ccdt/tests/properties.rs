//! proptest: random channels write and read back equal, in both formats; the fuzz
//! properties hold on the corpus files and on mutated copies of them.

use mqtls_ccdt::fuzzing::{binary_roundtrip, json_roundtrip};
use mqtls_ccdt::{
    read_binary, read_json, write_binary, write_json, Address, Affinity, ClientChannel, Exit, LocalAddress,
    Mode, Reconnect,
};
use proptest::prelude::*;
use proptest::sample::select;

fn text(max: usize) -> impl Strategy<Value = String> {
    proptest::string::string_regex(&format!("[A-Za-z0-9._ ()/-]{{0,{max}}}"))
        .unwrap()
        .prop_map(|s| s.replace(['(', ')', ','], "").trim().to_owned())
}

fn channel() -> impl Strategy<Value = ClientChannel> {
    let names = proptest::string::string_regex("[A-Z][A-Z0-9._]{0,19}").unwrap();
    let hosts = proptest::collection::vec(("[a-z][a-z0-9.-]{0,20}", proptest::option::of(1u16..)), 0..4);
    (
        (
            names,
            text(48),
            hosts,
            select(vec!["", "ANY_TLS13", "ECDHE_RSA_AES_128_GCM_SHA256"]),
            text(64),
            text(200),
        ),
        (text(64), any::<i32>(), 0..=99i32, select(vec![Affinity::Preferred, Affinity::None])),
        (
            select(vec![Reconnect::No, Reconnect::Yes, Reconnect::QueueManager, Reconnect::Disabled]),
            -1..99_999i32,
            0..999i32,
        ),
        (
            proptest::option::of((1u16.., 2u16..)),
            select(vec![vec![], vec!["system"], vec!["none", "system"]]),
        ),
        (
            select(vec![vec![], vec!["zlibfast"], vec!["rle", "zlibhigh", "any"]]),
            proptest::option::of(0i64..i64::from(i32::MAX)),
        ),
        proptest::collection::vec(("[a-z]{1,20}\\([a-z]{1,10}\\)", "[a-z]{0,10}"), 0..3),
    )
        .prop_map(|(a, b, c, d, e, exits)| {
            let mut ch = ClientChannel::new(&a.0);
            ch.qmgr = a.1;
            ch.connections = a.2.into_iter().map(|(host, port)| Address { host, port }).collect();
            while ch.conname().len() > 264 {
                ch.connections.pop();
            }
            if ch.connections.is_empty() {
                // A JSON clientConnection needs both; an entry with neither omits it.
                ch.qmgr.clear();
            }
            ch.cipher_spec = a.3.into();
            ch.cert_label = a.4;
            ch.peer_name = a.5;
            ch.description = b.0;
            ch.max_msg_length = b.1;
            ch.client_weight = b.2;
            ch.affinity = b.3;
            ch.reconnect = c.0;
            ch.keepalive = c.1;
            ch.heartbeat = c.2;
            ch.local_address = d
                .0
                .map(|(lo, hi)| LocalAddress { host: "10.0.0.1".into(), port: None, range: Some((lo, hi)) })
                .into_iter()
                .collect();
            ch.header_compression = d.1.into_iter().map(str::to_owned).collect();
            ch.message_compression = e.0.into_iter().map(str::to_owned).collect();
            ch.altered = e.1.filter(|t| *t > 0);
            ch.send_exits = exits.into_iter().map(|(name, user_data)| Exit { name, user_data }).collect();
            ch
        })
}

proptest! {
    #[test]
    fn binary_write_then_read(channels in proptest::collection::vec(channel(), 1..5)) {
        let mut unique = channels;
        let mut seen = std::collections::HashSet::new();
        unique.retain(|c| seen.insert(c.name.clone()));
        let bytes = write_binary(&unique).unwrap();
        prop_assert_eq!(read_binary(&bytes).unwrap(), unique);
    }

    #[test]
    fn json_write_then_read(channels in proptest::collection::vec(channel(), 1..5)) {
        prop_assert_eq!(read_json(&write_json(&channels), Mode::Strict).unwrap().channels, channels);
    }

    #[test]
    fn mutated_corpus_files_never_panic(flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8)) {
        let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/ccdt-bin");
        for entry in std::fs::read_dir(dir).unwrap() {
            let mut bytes = std::fs::read(entry.unwrap().path()).unwrap();
            for (at, b) in &flips {
                let i = at.index(bytes.len());
                bytes[i] = *b;
            }
            binary_roundtrip(&bytes);
            json_roundtrip(&bytes);
        }
    }
}
