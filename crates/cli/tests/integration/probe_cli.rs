//! `mqtls probe` against a running queue manager: the chain, the suite, the client
//! certificate request, the channel start's answer and the CipherSpecs the channel
//! accepts — each compared with what the channel's definition says should happen.

use mqtls_test_support::pem_keystore_dir;

use crate::mqtls;
use crate::qmgr_cli::tls_qmgr;

#[test]
fn probe_shows_what_the_listener_offers_a_channel_and_what_it_accepts() {
    let (dir, port, _qm) = tls_qmgr("cli-probe");
    let ks = pem_keystore_dir(&dir, "app1").display().to_string();
    let address = format!("127.0.0.1:{port}");
    let args = ["probe", address.as_str(), "--channel", "APP.SVRCONN", "--keystore", ks.as_str()];

    let (code, out, err) = mqtls(&[&args[..], &["--label", "app1"]].concat(), "");
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("Negotiated TLSv1_3"), "{out}");
    assert!(
        out.contains("subject CN=qm1,O=mqtls test") && out.contains("issuer  CN=Test CA,O=mqtls test"),
        "{out}"
    );
    assert!(out.contains("Trust: the chain is valid to a CA of the key repository."), "{out}");
    assert!(out.contains("Client certificate: requested from CN=Test CA,O=mqtls test; sent."), "{out}");
    assert!(out.contains("Channel start: accepted, MAXMSGL("), "{out}");
    // SSLCIPH(ANY_TLS13): the TLS 1.3 CipherSpecs are accepted, no TLS 1.2 one is.
    let line = |name: &str| {
        out.lines().find(|l| l.trim_start().starts_with(name)).unwrap_or_else(|| panic!("{name}: {out}"))
    };
    assert!(line("TLS_AES_128_GCM_SHA256").ends_with("accepted"), "{out}");
    assert!(line("TLS_CHACHA20_POLY1305_SHA256").ends_with("accepted"), "{out}");
    assert!(line("ECDHE_ECDSA_AES_128_GCM_SHA256").contains("refused"), "{out}");

    // Without a client certificate: requested, none sent, and the start fails (SSLCAUTH).
    let (code, out, _) = mqtls(&args, "");
    assert_eq!(code, 10, "{out}");
    assert!(out.contains("none sent (give --keystore and --label)"), "{out}");
    assert!(out.contains("Channel start: "), "{out}");
    assert!(!out.contains("Channel start: accepted"), "{out}");
    // TLS 1.3 judges the missing client certificate after the handshake: the sweep reads
    // on for the listener's alert instead of calling the CipherSpec accepted.
    let line = |name: &str| {
        out.lines().find(|l| l.trim_start().starts_with(name)).unwrap_or_else(|| panic!("{name}: {out}"))
    };
    assert!(line("TLS_AES_128_GCM_SHA256").contains("refused after the handshake"), "{out}");
}

#[test]
fn probe_checks_sslpeer_from_a_ccdt_and_says_when_nothing_listens() {
    let (dir, port, _qm) = tls_qmgr("cli-probe-ccdt");
    let ccdt = format!(
        r#"{{"channel": [{{"name": "APP.SVRCONN", "type": "clientConnection",
            "clientConnection": {{ "connection": [{{ "host": "127.0.0.1", "port": {port} }}], "queueManager": "QM1" }},
            "transmissionSecurity": {{ "cipherSpecification": "TLS_AES_256_GCM_SHA384", "certificateLabel": "app1",
                                       "certificatePeerName": "CN=qm2,O=mqtls test" }} }}]}}"#
    );
    std::fs::write(dir.join("ccdt.json"), ccdt).unwrap();
    let ks = pem_keystore_dir(&dir, "app1").display().to_string();
    let file = dir.join("ccdt.json").display().to_string();
    let address = format!("127.0.0.1:{port}");
    let (code, out, err) =
        mqtls(&["probe", &address, "--channel", "APP.SVRCONN", "--ccdt", &file, "--keystore", &ks], "");
    // The start is accepted, but SSLPEER does not match: a real client refuses, exit 10.
    assert_eq!(code, 10, "{out}{err}");
    assert!(
        out.contains("Channel start: accepted") && out.contains("would refuse this queue manager"),
        "{out}"
    );
    assert!(
        out.contains("offering TLS_AES_256_GCM_SHA384") && out.contains("TLS13_AES_256_GCM_SHA384"),
        "{out}"
    );
    assert!(
        out.contains("SSLPEER('CN=qm2,O=mqtls test'): does NOT match (first difference: CN=qm2)"),
        "{out}"
    );

    let closed = format!("127.0.0.1:{}", mqtls_test_support::free_port());
    let (code, out, _) = mqtls(&["probe", &closed, "--channel", "APP.SVRCONN"], "");
    assert_eq!(code, 20, "{out}");
    assert!(out.contains("No TLS handshake") && out.contains("connecting to"), "{out}");
}
