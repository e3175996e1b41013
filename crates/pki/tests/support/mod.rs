//! A small PKI made with the openssl command line, in a fresh directory per test.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// A scratch directory for one test.
pub(crate) fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mqtls-pki-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs a program in `dir`, failing the test with its stderr if it fails.
pub(crate) fn run(dir: &Path, program: &str, args: &[&str]) {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    assert!(out.status.success(), "{program} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// Runs openssl in `dir`.
pub(crate) fn openssl(dir: &Path, args: &[&str]) {
    run(dir, "openssl", args);
}

/// A CA (`ca.pem`, `ca.key`) and a leaf signed by it (`<name>.pem`, `<name>.key`).
/// `key` is `ec` or `rsa`.
pub(crate) fn ca_and_leaf(dir: &Path, name: &str, key: &str) {
    let newkey = |out: &str| match key {
        "rsa" => vec!["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", out]
            .into_iter()
            .map(String::from)
            .collect::<Vec<_>>(),
        _ => vec!["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", out]
            .into_iter()
            .map(String::from)
            .collect(),
    };
    let args = |v: Vec<String>| v;
    if !dir.join("ca.pem").exists() {
        openssl(dir, &args(newkey("ca.key")).iter().map(String::as_str).collect::<Vec<_>>());
        openssl(
            dir,
            &[
                "req",
                "-x509",
                "-new",
                "-key",
                "ca.key",
                "-out",
                "ca.pem",
                "-days",
                "30",
                "-subj",
                "/O=mqtls test/CN=Test CA",
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign,cRLSign",
            ],
        );
    }
    let key_file = format!("{name}.key");
    openssl(dir, &args(newkey(&key_file)).iter().map(String::as_str).collect::<Vec<_>>());
    let csr = format!("{name}.csr");
    openssl(
        dir,
        &["req", "-new", "-key", &key_file, "-out", &csr, "-subj", &format!("/O=mqtls test/CN={name}")],
    );
    let ext = dir.join(format!("{name}.ext"));
    std::fs::write(&ext, format!("basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=DNS:{name}.example,IP:127.0.0.1\n")).unwrap();
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            &csr,
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "10",
            "-out",
            &format!("{name}.pem"),
            "-extfile",
            ext.to_str().unwrap(),
        ],
    );
}
