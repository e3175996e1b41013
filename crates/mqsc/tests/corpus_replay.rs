//! Replays the fuzz target over every MQSC file we have (the project's examples, the
//! shared public corpus, any saved fuzz corpus) and over hand-made hostile inputs, so the
//! round-trip property is checked on stable Rust in every test run.

use std::fs;
use std::path::{Path, PathBuf};

use mqtls_mqsc::fuzzing::parse_print_reparse;

fn files_in(dir: &Path) -> Vec<PathBuf> {
    fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_file()).collect())
        .unwrap_or_default()
}

#[test]
fn every_corpus_file_round_trips() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let shared = files_in(&root.join("../shared/corpus/mqsc"));
    assert!(shared.len() >= 70, "the shared corpus must sit beside the project");
    let mut all = shared;
    all.extend(files_in(&root.join("mqsc")));
    for path in &all {
        parse_print_reparse(&fs::read(path).expect("read"));
    }
    // A local fuzz corpus, if any; a running fuzzer may remove files as we go.
    for path in files_in(&root.join("fuzz/corpus/mqsc_roundtrip")) {
        if let Ok(bytes) = fs::read(path) {
            parse_print_reparse(&bytes);
        }
    }
}

#[test]
fn hostile_inputs_do_not_panic() {
    let long_line = format!("DEFINE QLOCAL(A) DESCR('{}')", "x".repeat(5000));
    let deep = format!("DEFINE QLOCAL(A) DESCR({}{})", "(".repeat(10_000), ")".repeat(10_000));
    let many = format!("DEFINE QLOCAL(A) {}", "TRIGGER ".repeat(10_000));
    let inputs: Vec<Vec<u8>> = vec![
        b"".to_vec(),
        b"+".to_vec(),
        b"-\n-\n-".to_vec(),
        b"'".to_vec(),
        b"DEFINE QLOCAL('".to_vec(),
        b"DEFINE QLOCAL(A) DESCR('''''')".to_vec(),
        b"\xff\xfe\x00DEFINE".to_vec(),
        b"DEFINE QLOCAL(A) DESCR('\xc3')".to_vec(),
        b";;;\n;".to_vec(),
        b"DIS CHL(*) WHERE()".to_vec(),
        b"SET CHLAUTH() TYPE()".to_vec(),
        "DEFINE QLOCAL(é) DESCR('é+\n  é')".as_bytes().to_vec(),
        long_line.into_bytes(),
        deep.into_bytes(),
        many.into_bytes(),
    ];
    for input in inputs {
        parse_print_reparse(&input);
    }
}

#[test]
fn every_sslpeer_in_the_corpus_compiles_and_matches_its_own_dn() {
    use mqtls_dn::{Dn, PeerFilter};
    use mqtls_model::Value;
    use mqtls_mqsc::command::Command;
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut seen = 0;
    for path in files_in(&root.join("../shared/corpus/mqsc")) {
        let src = String::from_utf8_lossy(&fs::read(&path).expect("read")).into_owned();
        for entry in mqtls_mqsc::script::verify(&src) {
            let attrs = match &entry.command {
                Some(Command::Define(d)) => &d.attrs,
                Some(Command::Alter(a)) => &a.attrs,
                Some(Command::SetChlauth(s)) => &s.attrs,
                _ => continue,
            };
            let Some(Value::Str(filter)) = attrs.get("SSLPEER") else { continue };
            if filter.trim().is_empty() {
                continue;
            }
            seen += 1;
            let compiled = PeerFilter::parse(filter).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            if !filter.contains('*') {
                let dn = Dn::parse(filter).unwrap();
                assert!(compiled.matches(&dn), "{filter} does not match its own DN");
            }
        }
    }
    assert!(seen >= 8, "only {seen} SSLPEER values found in the corpus");
}
