//! `mqtls keystore` with keys and certificates from the openssl command line.

use std::os::unix::fs::PermissionsExt;

use mqtls_test_support::{openssl, scratch};

use crate::mqtls_env;

const PW: (&str, &str) = ("MQTLS_KEYSTORE_PASSWORD", "correct horse");

fn ks(args: &[&str]) -> (i32, String, String) {
    mqtls_env(args, "", &[PW])
}

#[test]
fn create_import_add_ca_list_export_delete() {
    let dir = scratch("ks-cycle");
    let store = dir.join("qm1.p12");
    let s = store.to_str().unwrap();
    assert_eq!(ks(&["keystore", "create", s]).0, 0);
    assert_eq!(std::fs::metadata(&store).unwrap().permissions().mode() & 0o777, 0o600);
    openssl(
        &dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "5",
            "-subj",
            "/O=Example/CN=Example CA",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
        ],
    );
    openssl(
        &dir,
        &[
            "req",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "qm1.key",
            "-out",
            "qm1.csr",
            "-subj",
            "/O=Example/CN=QM1",
        ],
    );
    openssl(
        &dir,
        &[
            "x509",
            "-req",
            "-in",
            "qm1.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "5",
            "-out",
            "qm1.pem",
        ],
    );
    let both =
        [std::fs::read(dir.join("qm1.key")).unwrap(), std::fs::read(dir.join("qm1.pem")).unwrap()].concat();
    std::fs::write(dir.join("qm1-bundle.pem"), both).unwrap();
    let (code, out, err) =
        ks(&["keystore", "import", s, "ibmwebspheremqqm1", dir.join("qm1-bundle.pem").to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(ks(&["keystore", "add-ca", s, "example-ca", dir.join("ca.pem").to_str().unwrap()]).0, 0);
    let (code, out, _) = ks(&["keystore", "list", s, "--cipherspec", "ECDHE_RSA_AES_128_GCM_SHA256"]);
    assert_eq!(code, 10, "short validity and key mismatch are flagged: {out}");
    assert!(out.contains("ibmwebspheremqqm1  [personal]\n  subject:   CN=QM1,O=Example\n  issuer:    CN=Example CA,O=Example\n  key:       EC P-256"), "{out}");
    assert!(out.contains("! EC P-256 key does not fit ECDHE_RSA_AES_128_GCM_SHA256"), "{out}");
    assert!(out.contains("example-ca  [CA]"), "{out}");
    let (_, pem, _) = ks(&["keystore", "export", s, "ibmwebspheremqqm1"]);
    std::fs::write(dir.join("exported.pem"), pem).unwrap();
    openssl(&dir, &["x509", "-in", "exported.pem", "-noout"]);
    let (code, _, err) = ks(&["keystore", "delete", s, "IBMWEBSPHEREMQQM1"]);
    assert_eq!(code, 20);
    assert!(
        err.contains("no entry labelled 'IBMWEBSPHEREMQQM1'; the closest is 'ibmwebspheremqqm1'"),
        "{err}"
    );
    assert_eq!(ks(&["keystore", "delete", s, "ibmwebspheremqqm1"]).0, 0);
    let (_, out, _) = ks(&["keystore", "list", s]);
    assert!(!out.contains("ibmwebspheremqqm1"), "{out}");
}

#[test]
fn self_signed_and_password_mistakes() {
    let dir = scratch("ks-selfsigned");
    let store = dir.join("site.p12");
    let s = store.to_str().unwrap();
    let (code, out, err) =
        ks(&["keystore", "self-signed", s, "site", "--cn", "mq.example", "--key", "ec384"]);
    assert_eq!(code, 0, "{out}{err}");
    let (_, out, _) = ks(&["keystore", "list", s]);
    assert!(out.contains("subject:   CN=mq.example,O=mqtls") && out.contains("key:       EC P-384"), "{out}");
    let (code, _, err) = mqtls_env(&["keystore", "list", s], "", &[("MQTLS_KEYSTORE_PASSWORD", "wrong")]);
    assert_eq!(code, 20);
    assert!(err.contains("site.p12: wrong password"), "{err}");
    let (code, _, err) = mqtls_env(&["keystore", "list", s], "", &[]);
    assert_eq!(code, 20);
    assert!(err.contains("give --stash FILE or set MQTLS_KEYSTORE_PASSWORD"), "{err}");
    assert!(!err.contains("correct horse"), "the password is never printed");
    let (code, _, err) = ks(&["keystore", "self-signed", s, "big", "--key", "ec521"]);
    assert_eq!(code, 20);
    assert!(err.contains("no P-521: the ring TLS provider can neither sign nor verify it"), "{err}");
}

#[test]
fn import_from_an_openssl_pkcs12() {
    let dir = scratch("ks-import-p12");
    openssl(
        &dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "k.pem",
            "-out",
            "c.pem",
            "-days",
            "40",
            "-subj",
            "/CN=from p12",
        ],
    );
    openssl(
        &dir,
        &[
            "pkcs12",
            "-export",
            "-inkey",
            "k.pem",
            "-in",
            "c.pem",
            "-name",
            "their-label",
            "-passout",
            "pass:other secret",
            "-out",
            "in.p12",
        ],
    );
    let store = dir.join("mine.p12");
    let s = store.to_str().unwrap();
    assert_eq!(ks(&["keystore", "create", s]).0, 0);
    let src = dir.join("in.p12");
    let (code, _, err) = ks(&["keystore", "import", s, "mine", src.to_str().unwrap()]);
    assert_eq!(code, 20);
    assert!(err.contains("set MQTLS_SOURCE_PASSWORD to the password of"), "{err}");
    let (code, out, err) = mqtls_env(
        &["keystore", "import", s, "mine", src.to_str().unwrap()],
        "",
        &[PW, ("MQTLS_SOURCE_PASSWORD", "other secret")],
    );
    assert_eq!(code, 0, "{out}{err}");
    let (_, out, _) = ks(&["keystore", "list", s]);
    assert!(out.contains("mine  [personal]\n  subject:   CN=from p12"), "{out}");
}

#[test]
fn create_with_a_new_stash_writes_it_and_later_commands_need_no_password() {
    let dir = scratch("ks-stash");
    let (store, stash) = (dir.join("qm1.p12"), dir.join("qm1.sth"));
    let (s, st) = (store.to_str().unwrap(), stash.to_str().unwrap());
    let (code, out, err) = ks(&["keystore", "create", s, "--stash", st]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("stashed its password"), "{out}");
    assert_eq!(std::fs::metadata(&stash).unwrap().permissions().mode() & 0o777, 0o600);
    // No password in the environment from here on: the stash alone opens the keystore.
    let (code, out, err) =
        mqtls_env(&["keystore", "self-signed", s, "qm1", "--cn", "QM1", "--stash", st], "", &[]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("CN=QM1"), "{out}");
    let (code, _, err) =
        mqtls_env(&["keystore", "list", s, "--stash", dir.join("none.sth").to_str().unwrap()], "", &[]);
    assert_eq!(code, 20);
    assert_eq!(err.matches("No such file").count(), 1, "the cause is said once: {err}");
}
