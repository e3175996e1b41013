//! The public CCDT corpus: every JSON file parses strictly, or fails with a precise
//! error and (where MQ's C client would accept it) parses leniently; both binary files
//! decode to the channels their sources define; conversions are lossless.

use std::fs;
use std::path::PathBuf;

use mqtls_ccdt::{read_binary, read_json, write_binary, write_json, Affinity, CcdtError, Mode};

fn corpus(kind: &str) -> Vec<(String, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus").join(kind);
    let mut files: Vec<_> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), fs::read(&p).unwrap()))
        .collect();
    files.sort();
    files
}

/// Files that are not strict JSON, with the error strict mode must give, and whether
/// lenient mode reads them.
const NOT_STRICT: &[(&str, &str, bool)] = &[
    ("bdsaen__mqtoolbox__MQSamples__AMQCLCHL_QMGR1_SSL.JSON", "line 13, column 4: trailing comma", true),
    ("bdsaen__mqtoolbox__MQSamples__AMQCLCHL_QMGR_GROUP.JSON", "line 13, column 3: trailing comma", true),
    (
        "ewiger__ibm-mq-mtls__client_ccdt.json",
        "line 7: unknown key channel[0].clientConnection.queueManagerName, did you mean queueManager?",
        true,
    ),
    (
        "ibm-messaging__mq-metric-samples__scripts__ccdt.json",
        "line 18: unknown key channel[0].transmissionSecurity.requirePartnerCertificate",
        true,
    ),
    (
        "ibm-messaging__mq-helm__samples__AWSEKSPartnerSolution__test__ccdt_template.json",
        "line 12, column 33: expected value: found $PORT (an unrendered template placeholder",
        false,
    ),
    ("ibm-messaging__mq-helm__samples__AWSEKS__test__ccdt_template.json", "found $PORT", false),
    (
        "ibm-messaging__mq-helm__samples__AzureAKSMultiInstance__test__ccdt_template.json",
        "found $PORT",
        false,
    ),
    ("ibm-messaging__mq-helm__samples__Minikube__test__ccdt_template.json", "found $PORT", false),
];

#[test]
fn every_json_file_parses_or_fails_precisely() {
    let files = corpus("ccdt-json");
    assert!(files.len() >= 28, "{} files", files.len());
    for (name, bytes) in files {
        let text = String::from_utf8(bytes).expect("utf-8");
        let strict = read_json(&text, Mode::Strict);
        match NOT_STRICT.iter().find(|(f, ..)| *f == name) {
            None => {
                let ccdt = strict.unwrap_or_else(|e| panic!("{name}: {e}"));
                assert!(!ccdt.channels.is_empty() && ccdt.warnings.is_empty(), "{name}");
            }
            Some((_, error, lenient_ok)) => {
                let err = strict.err().unwrap_or_else(|| panic!("{name} parsed strictly")).to_string();
                assert!(err.starts_with(error) || err.contains(error), "{name}: {err}");
                assert_eq!(read_json(&text, Mode::Lenient).is_ok(), *lenient_ok, "{name} in lenient mode");
            }
        }
    }
}

#[test]
fn binary_files_decode_to_their_sources() {
    let files = corpus("ccdt-bin");
    let (_, ewiger) = files.iter().find(|(n, _)| n.starts_with("ewiger")).unwrap();
    let channels = read_binary(ewiger).unwrap();
    let names: Vec<&str> = channels.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["SYSTEM.DEF.CLNTCONN", "CERT.SVRCONN", "CERT.SVRCONN_CLNT"]);
    let cert = &channels[1];
    assert_eq!((cert.qmgr.as_str(), cert.conname().as_str()), ("QM1", "ibmmq(1414)"));
    assert_eq!(cert.cipher_spec, "TLS_RSA_WITH_AES_256_CBC_SHA256");
    assert_eq!((cert.heartbeat, cert.keepalive, cert.sharing_conversations), (300, -1, 10));
    assert_eq!(cert.affinity, Affinity::Preferred);
    // 2025-06-11 16:49:04 UTC, the repository's commit date; the channels came 32 s later.
    assert_eq!(channels[0].altered, Some(0x6849_B380));
    assert_eq!(cert.altered, Some(0x6849_B380 + 32));

    let (_, bdsaen) = files.iter().find(|(n, _)| n.starts_with("bdsaen")).unwrap();
    let channels = read_binary(bdsaen).unwrap();
    assert_eq!(channels.len(), 2);
    assert_eq!((channels[1].name.as_str(), channels[1].qmgr.as_str()), ("TEST.SVRCONN", "QMGR1"));
    assert_eq!(channels[1].conname(), "localhost(1414)");
    assert!(!channels[1].uses_tls());
}

#[test]
fn written_binary_matches_the_real_layout_and_reads_back() {
    for (name, bytes) in corpus("ccdt-bin") {
        let channels = read_binary(&bytes).unwrap();
        let written = write_binary(&channels).unwrap();
        assert_eq!(read_binary(&written).unwrap(), channels, "{name}");
        // Same slot sizes as runmqsc's: 2098-byte slots holding 2078-byte records.
        assert_eq!(written.len(), bytes.len(), "{name}");
        assert_eq!(&written[4..8], &bytes[4..8], "{name}: slot length");
        // The same alphabetical links.
        let links = |b: &[u8], slot: usize| b[4 + slot * 2098 + 12..4 + slot * 2098 + 20].to_vec();
        for slot in 0..channels.len() {
            assert_eq!(links(&written, slot), links(&bytes, slot), "{name}: links of slot {slot}");
        }
    }
}

#[test]
fn json_to_binary_to_json_is_lossless() {
    for (name, bytes) in corpus("ccdt-json") {
        let Ok(ccdt) = read_json(&String::from_utf8(bytes).unwrap(), Mode::Lenient) else { continue };
        let mut channels = ccdt.channels;
        // Binary tables hold one entry per name, as runmqsc writes them.
        channels.dedup_by(|a, b| a.name == b.name);
        let mut seen = std::collections::HashSet::new();
        channels.retain(|c| seen.insert(c.name.clone()));
        let back = read_binary(&write_binary(&channels).unwrap_or_else(|e| panic!("{name}: {e}"))).unwrap();
        assert_eq!(back, channels, "{name}");
        let again = read_json(&write_json(&back), Mode::Strict).unwrap().channels;
        assert_eq!(again, channels, "{name}");
    }
}

#[test]
fn hostile_binary_input_is_refused_with_an_offset() {
    let bytes = corpus("ccdt-bin").remove(0).1;
    for cut in [0, 3, 4, 10, 24, 100, 2000, bytes.len() - 1] {
        let err = read_binary(&bytes[..cut]).unwrap_err();
        assert!(matches!(err, CcdtError::Binary { .. }), "cut at {cut}: {err}");
    }
    let mut lying = bytes.clone();
    lying[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
    assert_eq!(
        read_binary(&lying).unwrap_err().to_string(),
        "binary CCDT, offset 4: slot length runs past the end of the file"
    );
}

/// Regression (fuzz: ccdt_binary): a NUL inside an MQCHAR field ends it, as C readers
/// take it, so what is read writes back and reads the same.
#[test]
fn nul_ends_a_binary_field() {
    let (_, mut bytes) = corpus("ccdt-bin").into_iter().find(|(n, _)| n.starts_with("bdsaen")).unwrap();
    // CONNAME of the second slot: slot at 4 + 2098, record at +20, field at 1024.
    let conname = 4 + 2098 + 20 + 1024;
    bytes[conname + 3] = 0;
    bytes[conname + 40] = b'x';
    let channels = read_binary(&bytes).unwrap();
    assert_eq!(channels[1].conname(), "loc");
    let again = read_binary(&write_binary(&channels).unwrap()).unwrap();
    assert_eq!(again, channels);
}

/// Regression (fuzz: ccdt_json): an entry leniently read with a queue manager but no
/// connection writes back and reads back leniently.
#[test]
fn lenient_entries_round_trip_leniently() {
    let text = r#"{"channel": [{"name": "A", "type": "clientConnection", "clientConnection": {"queueManager": "QM1"}}]}"#;
    assert!(read_json(text, Mode::Strict).is_err());
    let lenient = read_json(text, Mode::Lenient).unwrap();
    assert_eq!(read_json(&write_json(&lenient.channels), Mode::Lenient).unwrap().channels, lenient.channels);
}

/// Regression (fuzz: ccdt_json): an error serde places at column 0 of a line starting
/// with '{' is reported, not a panic.
#[test]
fn json_errors_at_column_zero() {
    let input: &[u8] = b"{\x0a\x09\x22chnsmi{\x0a{\x0a  \x22channel\x22: [\x0a    {\x0a      \x22name\x22: \x22CERT.SVRCOransmissionSecurity\x22: {\x0a    \x09\x22chnsm    \x22cipherSpecification\x22: AES_256_CBC_SHA256\x22,\x0a        \x22certificateLabel\x22: \x22ibmwebspiheremqqm1_clienst\x22\x0an    }\x0a    }\x0a  ]\x0a}";
    let err = read_json(&String::from_utf8_lossy(input), Mode::Lenient).unwrap_err();
    assert!(matches!(err, CcdtError::Json { .. }), "{err}");
}

/// Regression (fuzz: ccdt_binary): control characters in a version-5 record's fixed exit
/// fields are dropped, so they cannot collide with the exit-list delimiters when written.
#[test]
fn control_characters_in_exit_fields() {
    let (_, mut bytes) = corpus("ccdt-bin").into_iter().find(|(n, _)| n.starts_with("bdsaen")).unwrap();
    let record = 4 + 2098 + 20;
    bytes[record + 20..record + 24].copy_from_slice(&5i32.to_le_bytes());
    bytes[record + 584..record + 587].copy_from_slice(b"lib");
    bytes[record + 920..record + 924].copy_from_slice(b"d\x01\x02x");
    let channels = read_binary(&bytes).unwrap();
    assert_eq!(
        (channels[1].send_exits[0].name.as_str(), channels[1].send_exits[0].user_data.as_str()),
        ("lib", "dx")
    );
    assert_eq!(read_binary(&write_binary(&channels).unwrap()).unwrap(), channels);
}
