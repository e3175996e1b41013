//! Every CipherSpec the catalog calls supported must exist in the TLS engine's provider,
//! and every AEAD suite the provider offers must be reachable from some CipherSpec.

use mqtls_cipherspec::{SuiteId, CATALOG};

fn provider_suites() -> Vec<u16> {
    rustls::crypto::ring::ALL_CIPHER_SUITES.iter().map(|s| u16::from(s.suite())).collect()
}

#[test]
fn supported_catalog_entries_exist_in_rustls() {
    let provided = provider_suites();
    for spec in CATALOG.iter().filter(|s| s.is_supported()) {
        assert!(provided.contains(&spec.suite.0), "{} ({:?}) is not in rustls", spec.name, spec.suite);
    }
}

#[test]
fn rustls_suites_without_an_mq_name_are_only_tls12_chacha() {
    let missing: Vec<_> = provider_suites()
        .into_iter()
        .filter(|id| !CATALOG.iter().any(|s| s.suite == SuiteId(*id) && s.is_supported()))
        .collect();
    // MQ defines no TLS 1.2 ChaCha20 CipherSpec names; those stay unreachable on purpose.
    assert_eq!(missing, vec![0xCCA9, 0xCCA8], "{missing:04X?}");
}
