//! Keystores made by real producers: openssl pkcs12 (default and -legacy) and Java keytool.

use std::os::unix::fs::PermissionsExt;

use mqtls_pki::{CertFacts, Entry, KeyKind, Keystore, Password, PkiError};
use mqtls_test_support::{ca_and_leaf, openssl, run, scratch};

fn password() -> Password {
    Password::new("s3cret-pw".into()).unwrap()
}

fn personal_chain_len(ks: &Keystore, label: &str) -> usize {
    match ks.get(label).unwrap() {
        Entry::Personal { chain, .. } => chain.len(),
        Entry::Trusted { .. } => 0,
    }
}

#[test]
fn openssl_default_and_legacy_pkcs12() {
    let dir = scratch("openssl-p12");
    ca_and_leaf(&dir, "qm1", "ec");
    for (file, extra) in [("default.p12", None), ("legacy.p12", Some("-legacy"))] {
        let mut args = vec![
            "pkcs12",
            "-export",
            "-inkey",
            "qm1.key",
            "-in",
            "qm1.pem",
            "-certfile",
            "ca.pem",
            "-name",
            "qm1-label",
            "-passout",
            "pass:s3cret-pw",
            "-out",
            file,
        ];
        args.extend(extra);
        openssl(&dir, &args);
        let ks = Keystore::open(&dir.join(file), Some(&password())).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(ks.labels().collect::<Vec<_>>(), ["qm1-label"], "{file}");
        assert_eq!(personal_chain_len(&ks, "qm1-label"), 2, "{file}: leaf and CA");
        let facts = CertFacts::from_der(ks.get("qm1-label").unwrap().certificate().unwrap()).unwrap();
        assert_eq!(facts.key, KeyKind::Ec("P-256"));
        assert_eq!(facts.subject().to_string(), "CN=qm1,O=mqtls test");
        assert_eq!(facts.sans, ["qm1.example", "127.0.0.1"]);
        let wrong =
            Keystore::open(&dir.join(file), Some(&Password::new("nope".into()).unwrap())).unwrap_err();
        assert!(matches!(wrong, PkiError::WrongPassword { .. }), "{file}: {wrong}");
    }
}

#[test]
fn java_keytool_pkcs12() {
    let dir = scratch("keytool");
    ca_and_leaf(&dir, "unused", "rsa");
    run(
        &dir,
        "keytool",
        &[
            "-genkeypair",
            "-alias",
            "qm2",
            "-keyalg",
            "RSA",
            "-keysize",
            "2048",
            "-dname",
            "CN=QM2,O=mqtls test",
            "-storetype",
            "PKCS12",
            "-keystore",
            "java.p12",
            "-storepass",
            "s3cret-pw",
            "-keypass",
            "s3cret-pw",
            "-validity",
            "5",
        ],
    );
    run(
        &dir,
        "keytool",
        &[
            "-importcert",
            "-alias",
            "trusted-ca",
            "-file",
            "ca.pem",
            "-keystore",
            "java.p12",
            "-storepass",
            "s3cret-pw",
            "-noprompt",
        ],
    );
    let ks = Keystore::open(&dir.join("java.p12"), Some(&password())).unwrap();
    assert_eq!(ks.labels().collect::<Vec<_>>(), ["qm2", "trusted-ca"]);
    assert!(matches!(ks.get("trusted-ca").unwrap(), Entry::Trusted { .. }));
    assert_eq!(ks.trusted().len(), 1);
    let facts = CertFacts::from_der(ks.get("qm2").unwrap().certificate().unwrap()).unwrap();
    assert_eq!(facts.key, KeyKind::Rsa(2048));
}

#[test]
fn saved_keystores_are_owner_only_and_readable_by_openssl() {
    let dir = scratch("save");
    ca_and_leaf(&dir, "app1", "ec");
    let mut ks = Keystore::new();
    let pem =
        [std::fs::read(dir.join("app1.key")).unwrap(), std::fs::read(dir.join("app1.pem")).unwrap()].concat();
    ks.add("app1", Keystore::pem_entry(&pem, &dir.join("app1.pem")).unwrap()).unwrap();
    ks.add(
        "ca",
        Keystore::pem_entry(&std::fs::read(dir.join("ca.pem")).unwrap(), &dir.join("ca.pem")).unwrap(),
    )
    .unwrap();
    let path = dir.join("saved.p12");
    ks.save_p12(&path, &password()).unwrap();
    assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    openssl(&dir, &["pkcs12", "-in", "saved.p12", "-passin", "pass:s3cret-pw", "-nodes", "-out", "dump.pem"]);
    let dump = std::fs::read_to_string(dir.join("dump.pem")).unwrap();
    assert!(dump.contains("friendlyName: app1") && dump.contains("friendlyName: ca"), "{dump}");
    assert_eq!(Keystore::open(&path, Some(&password())).unwrap(), ks);
}

#[test]
fn labels_are_case_sensitive_and_errors_name_the_closest() {
    let dir = scratch("labels");
    ca_and_leaf(&dir, "qm1", "ec");
    let mut ks = Keystore::new();
    ks.add(
        "ibmwebspheremqqm1",
        Keystore::pem_entry(&std::fs::read(dir.join("ca.pem")).unwrap(), &dir.join("ca.pem")).unwrap(),
    )
    .unwrap();
    let err = ks.get("IBMWEBSPHEREMQQM1").unwrap_err();
    assert_eq!(err.to_string(), "no entry labelled 'IBMWEBSPHEREMQQM1'; the closest is 'ibmwebspheremqqm1'");
    assert!(matches!(
        ks.add("ibmwebspheremqqm1", Entry::Trusted { cert: vec![] }),
        Err(PkiError::LabelExists { .. })
    ));
}

#[test]
fn pem_directories_and_costly_or_corrupt_files() {
    let dir = scratch("pemdir");
    ca_and_leaf(&dir, "qm1", "rsa");
    let store = dir.join("store");
    std::fs::create_dir(&store).unwrap();
    std::fs::copy(dir.join("ca.pem"), store.join("root.pem")).unwrap();
    let both = [
        std::fs::read(dir.join("qm1.key")).unwrap(),
        std::fs::read(dir.join("qm1.pem")).unwrap(),
        std::fs::read(dir.join("ca.pem")).unwrap(),
    ]
    .concat();
    std::fs::write(store.join("qm1.pem"), both).unwrap();
    let ks = Keystore::open(&store, None).unwrap();
    assert_eq!(personal_chain_len(&ks, "qm1"), 2);
    assert!(matches!(ks.get("root").unwrap(), Entry::Trusted { .. }));

    openssl(
        &dir,
        &[
            "pkcs12",
            "-export",
            "-inkey",
            "qm1.key",
            "-in",
            "qm1.pem",
            "-iter",
            "2000000",
            "-passout",
            "pass:s3cret-pw",
            "-out",
            "slow.p12",
        ],
    );
    let err = Keystore::open(&dir.join("slow.p12"), Some(&password())).unwrap_err();
    assert!(matches!(err, PkiError::TooCostly { .. }), "{err}");

    std::fs::write(dir.join("junk.p12"), b"\x30\x82\xff\xffnot a keystore").unwrap();
    let err = Keystore::open(&dir.join("junk.p12"), Some(&password())).unwrap_err();
    assert!(err.to_string().contains("junk.p12: not a PKCS#12 keystore"), "{err}");
}

#[test]
fn stash_files_must_be_owner_only() {
    let dir = scratch("stash");
    let stash = dir.join("key.sth");
    password().stash(&stash).unwrap();
    assert_eq!(Password::from_stash(&stash).unwrap(), password());
    std::fs::set_permissions(&stash, std::fs::Permissions::from_mode(0o644)).unwrap();
    let err = Password::from_stash(&stash).unwrap_err();
    assert!(
        err.to_string().ends_with("the password stash is readable by others (mode 644); chmod 600 it"),
        "{err}"
    );
    assert_eq!(format!("{:?}", password()), "Password(<redacted>)");
}

#[test]
fn labels_are_bounded_and_free_of_control_characters() {
    let cert = || Entry::Trusted { cert: vec![0x30, 0x00] };
    let mut ks = Keystore::new();
    let long = "l".repeat(50_000_000);
    for (label, why) in [
        (long.as_str(), "at most 64 characters"),
        ("app\nforged", "control characters"),
        ("app\u{1b}[2J", "control characters"),
        ("", "a label is required"),
    ] {
        let err = ks.add(label, cert()).unwrap_err();
        let text = err.to_string();
        assert!(matches!(err, PkiError::BadLabel { .. }) && text.contains(why), "{text}");
        assert!(text.len() < 200 && !text.contains('\n') && !text.contains('\u{1b}'), "{text}");
    }
    ks.add(&"l".repeat(64), cert()).expect("64 characters is MQ's limit");
    assert_eq!(ks.labels().count(), 1, "nothing else was added");
}
