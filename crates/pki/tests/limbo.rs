//! The x509-limbo suite (../shared/corpus/x509-limbo): every case that applies to channel
//! validation runs through `validate` (plus rustls-webpki's name check where the case names
//! a peer); divergences from the expected result must be listed, with a reason, in
//! `limbo-exceptions.tsv`, and a listed case that no longer diverges fails the test too.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::PathBuf;

use mqtls_pki::{validate, Crls, Role, UnknownStatus};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, ServerName};
use serde::Deserialize;

#[derive(Deserialize)]
struct Limbo {
    testcases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    id: String,
    validation_kind: String,
    trusted_certs: Vec<String>,
    untrusted_intermediates: Vec<String>,
    peer_certificate: String,
    validation_time: Option<String>,
    signature_algorithms: Vec<String>,
    key_usage: Vec<String>,
    expected_result: String,
    expected_peer_name: Option<PeerName>,
    max_chain_depth: Option<u32>,
    crls: Vec<String>,
}

#[derive(Deserialize)]
struct PeerName {
    kind: String,
    value: String,
}

fn der(pem: &str) -> Vec<u8> {
    CertificateDer::from_pem_slice(pem.as_bytes()).expect("limbo PEM").to_vec()
}

fn unix(rfc3339: &str) -> i64 {
    let t = rfc3339.replace(' ', "T");
    let (date, time) = t.split_once('T').expect("date and time");
    let d: Vec<i64> = date.split('-').map(|p| p.parse().unwrap()).collect();
    let hms: Vec<i64> = time[..8].split(':').map(|p| p.parse().unwrap()).collect();
    mqtls_dn::civil::to_unix(d[0], d[1], d[2], hms[0], hms[1], hms[2])
}

/// Why a case does not apply to channel validation, if it does not.
fn skip_reason(case: &Case) -> Option<&'static str> {
    if !case.signature_algorithms.is_empty() || !case.key_usage.is_empty() {
        return Some("constrains signature algorithms or key usage, which channels do not configure");
    }
    if case.max_chain_depth.is_some() {
        return Some("sets a maximum chain depth, which channels do not configure");
    }
    None
}

/// What we conclude: Ok(()) for SUCCESS, Err(reason) for FAILURE.
fn run(case: &Case) -> Result<(), String> {
    let now = case.validation_time.as_deref().map_or_else(
        || std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64,
        unix,
    );
    let mut chain = vec![der(&case.peer_certificate)];
    chain.extend(case.untrusted_intermediates.iter().map(|p| der(p)));
    let anchors: Vec<Vec<u8>> = case.trusted_certs.iter().map(|p| der(p)).collect();
    let anchor_refs: Vec<&[u8]> = anchors.iter().map(Vec::as_slice).collect();
    let crl_files: Vec<(String, Vec<u8>)> =
        case.crls.iter().map(|p| ("crl".to_owned(), p.as_bytes().to_vec())).collect();
    let crls = Crls::parse(&crl_files).map_err(|e| e.to_string())?;
    let unknown = if crls.is_empty() { UnknownStatus::Allow } else { UnknownStatus::Deny };
    let role = if case.validation_kind == "CLIENT" { Role::Client } else { Role::Server };
    validate(&chain, &anchor_refs, role, now, &crls, unknown).map_err(|e| e.to_string())?;
    if let Some(name) = &case.expected_peer_name {
        let server_name = match name.kind.as_str() {
            "DNS" | "IP" => {
                ServerName::try_from(name.value.as_str()).map_err(|e| format!("peer name: {e}"))?
            }
            other => return Err(format!("peer name kind {other} is not checked")),
        };
        let ee_der = CertificateDer::from(chain[0].as_slice());
        let ee = webpki::EndEntityCert::try_from(&ee_der).map_err(|e| format!("{e:?}"))?;
        ee.verify_is_valid_for_subject_name(&server_name).map_err(|e| format!("name: {e:?}"))?;
    }
    Ok(())
}

#[test]
fn x509_limbo() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let xz = std::fs::read(root.join("../../../shared/corpus/x509-limbo/limbo.json.xz"))
        .expect("the x509-limbo corpus sits beside the project");
    let mut json = Vec::new();
    lzma_rs::xz_decompress(&mut xz.as_slice(), &mut json).expect("xz");
    let limbo: Limbo = serde_json::from_slice(&json).expect("limbo.json");
    let mut exceptions: BTreeMap<String, (String, String)> = BTreeMap::new();
    let mut text = String::new();
    std::fs::File::open(root.join("tests/limbo-exceptions.tsv")).unwrap().read_to_string(&mut text).unwrap();
    for line in text.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
        let mut f = line.splitn(3, '\t');
        let (id, actual, reason) =
            (f.next().unwrap(), f.next().unwrap(), f.next().expect("a reason for every exception"));
        exceptions.insert(id.to_owned(), (actual.to_owned(), reason.to_owned()));
    }
    let (mut passed, mut skipped, mut known) = (0, 0, 0);
    let mut unexpected = Vec::new();
    for case in &limbo.testcases {
        if let Some(why) = skip_reason(case) {
            skipped += 1;
            println!("skip {}: {why}", case.id);
            continue;
        }
        let outcome = run(case);
        let actual = if outcome.is_ok() { "SUCCESS" } else { "FAILURE" };
        match (actual == case.expected_result, exceptions.remove(&case.id)) {
            (true, None) => passed += 1,
            (false, Some((listed, _))) if listed == actual => known += 1,
            (true, Some(_)) => unexpected.push(format!(
                "{}: listed as a divergence but now matches {}",
                case.id, case.expected_result
            )),
            (false, _) => unexpected.push(format!(
                "{}\t{actual}\t(expected {}; {:?})",
                case.id,
                case.expected_result,
                outcome.err()
            )),
        }
    }
    unexpected.extend(exceptions.keys().map(|id| format!("{id}: listed but not in the suite")));
    println!(
        "x509-limbo: {} cases: {passed} as expected, {known} known divergences, {skipped} skipped",
        limbo.testcases.len()
    );
    assert!(unexpected.is_empty(), "unlisted divergences:\n{}", unexpected.join("\n"));
}
