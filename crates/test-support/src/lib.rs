//! Test helpers shared by the crates' tests and benchmarks: a scratch directory, a PKI
//! made with the `openssl` command line (CA, leaves RSA or EC, a CA database for
//! revocation and CRLs), keystores holding it, and an `openssl ocsp` responder on a
//! loopback port.
//! Tests only: everything here panics on failure, with the tool's own message.
#![forbid(unsafe_code)]

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use mqtls_pki::{Entry, Keystore};

/// A fresh, empty directory for one test: `name`, the process id and a per-process counter,
/// so tests running in parallel never share one.
pub fn scratch(name: &str) -> PathBuf {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("mqtls-test-{name}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create the scratch directory");
    dir
}

/// Runs `program args` in `dir`; panics with its stderr if it fails.
pub fn run(dir: &Path, program: &str, args: &[&str]) {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    assert!(out.status.success(), "{program} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// Runs the openssl command line in `dir`.
pub fn openssl(dir: &Path, args: &[&str]) {
    run(dir, "openssl", args);
}

/// The DER form of a PEM certificate file in `dir`.
pub fn der(dir: &Path, pem: &str) -> Vec<u8> {
    let out = dir.join(format!("{pem}.der"));
    openssl(dir, &["x509", "-in", pem, "-outform", "DER", "-out", out.to_str().expect("UTF-8 path")]);
    std::fs::read(out).expect("read DER")
}

/// Seconds since the epoch, now.
pub fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock after 1970").as_secs()
        as i64
}

/// Generates a private key file: `rsa` (2048 bits) or anything else for EC P-256.
pub fn new_key(dir: &Path, out: &str, kind: &str) {
    match kind {
        "rsa" => {
            openssl(dir, &["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", out])
        }
        _ => {
            openssl(dir, &["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", out])
        }
    }
}

/// A CA (`ca.pem`, `ca.key`, made once per directory) and a leaf it signs
/// (`<name>.pem`, `<name>.key`) for serverAuth and clientAuth, with DNS and IP SANs.
pub fn ca_and_leaf(dir: &Path, name: &str, kind: &str) {
    if !dir.join("ca.pem").exists() {
        new_key(dir, "ca.key", kind);
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
    new_key(dir, &format!("{name}.key"), kind);
    let ext = format!(
        "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n\
         extendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=DNS:{name}.example,IP:127.0.0.1\n"
    );
    sign(dir, name, &format!("/O=mqtls test/CN={name}"), &ext);
}

/// Signs `<name>.key` with the CA into `<name>.pem`, with `subject` and extension lines `ext`.
pub fn sign(dir: &Path, name: &str, subject: &str, ext: &str) {
    let (key, csr, extfile, pem) =
        (format!("{name}.key"), format!("{name}.csr"), format!("{name}.ext"), format!("{name}.pem"));
    if !dir.join(&key).exists() {
        new_key(dir, &key, "ec");
    }
    openssl(dir, &["req", "-new", "-key", &key, "-out", &csr, "-subj", subject]);
    std::fs::write(dir.join(&extfile), ext).expect("write the extension file");
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
            &pem,
            "-extfile",
            &extfile,
        ],
    );
}

/// A keystore trusting the directory's CA (`ca.pem`, as label `ca`) and, if `label` is
/// given, holding `<label>.key` with `<label>.pem` under that label.
pub fn keystore(dir: &Path, label: Option<&str>) -> Keystore {
    let read = |f: &str| std::fs::read(dir.join(f)).expect("read a PKI file");
    let mut ks = Keystore::new();
    if let Some(label) = label {
        let pem = [read(&format!("{label}.key")), read(&format!("{label}.pem"))].concat();
        ks.add(label, Keystore::pem_entry(&pem, &dir.join(label)).expect("a key and certificate"))
            .expect("add");
    }
    let Entry::Trusted { cert } = Keystore::pem_entry(&read("ca.pem"), &dir.join("ca.pem")).expect("the CA")
    else {
        panic!("ca.pem holds a key")
    };
    ks.add("ca", Entry::Trusted { cert }).expect("add the CA");
    ks
}

/// Serves whatever `file` holds (read at each request) over plain HTTP on a loopback
/// port, for every path, until the process ends: a CRL distribution point. Returns the
/// port.
pub fn serve_file(file: &Path) -> u16 {
    use std::io::{Read, Write};
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("address").port();
    let file = file.to_owned();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            let body = std::fs::read(&file).unwrap_or_default();
            let head =
                format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
        }
    });
    port
}

/// A child process (a queue manager, a peer) killed and reaped when dropped, so a failing
/// test or bench leaves nothing running.
#[derive(Debug)]
pub struct Running(pub Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A PEM keystore directory `dir/ks` (as `mqtls qmgr run --keystore` reads one):
/// `<label>.pem` holding `<label>.key` and `<label>.pem`, and the CA as `ca.pem`.
pub fn pem_keystore_dir(dir: &Path, label: &str) -> PathBuf {
    let ks = dir.join("ks");
    std::fs::create_dir_all(&ks).expect("create the keystore directory");
    let read = |f: &str| std::fs::read(dir.join(f)).expect("read a PKI file");
    let identity = [read(&format!("{label}.key")), read(&format!("{label}.pem"))].concat();
    std::fs::write(ks.join(format!("{label}.pem")), identity).expect("write the identity");
    std::fs::write(ks.join("ca.pem"), read("ca.pem")).expect("write the CA");
    ks
}

/// An `openssl ca` database beside the CA (`ca.cnf`, `index.txt`, `crlnumber`).
pub fn ca_database(dir: &Path) {
    std::fs::write(dir.join("index.txt"), "").expect("index");
    std::fs::write(dir.join("crlnumber"), "01\n").expect("crlnumber");
    std::fs::write(
        dir.join("ca.cnf"),
        "[ca]\ndefault_ca=d\n[d]\ndatabase=index.txt\nnew_certs_dir=.\ncertificate=ca.pem\nprivate_key=ca.key\n\
         crlnumber=crlnumber\ndefault_md=sha256\ndefault_crl_days=7\n",
    )
    .expect("ca.cnf");
}

/// A loopback port nothing listens on (at the moment of asking).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("address").port()
}

/// An `openssl ocsp` responder for the CA database in a directory; killed when dropped.
pub struct OcspResponder {
    _child: Running,
    /// The loopback port it answers on.
    pub port: u16,
}

impl OcspResponder {
    /// Starts a responder signing with `signer` / `key`, answers valid for a day.
    pub fn start(dir: &Path, signer: &str, key: &str) -> Self {
        let port = free_port();
        let mut child = Command::new("openssl")
            .args([
                "ocsp",
                "-index",
                "index.txt",
                "-port",
                &port.to_string(),
                "-rsigner",
                signer,
                "-rkey",
                key,
                "-CA",
                "ca.pem",
                "-ndays",
                "1",
            ])
            .current_dir(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("openssl ocsp");
        // A probe connection would wedge the single-threaded responder: wait for its banner.
        let mut err = BufReader::new(child.stderr.take().expect("stderr"));
        let mut line = String::new();
        while !line.contains("waiting for OCSP client connections") {
            line.clear();
            assert!(err.read_line(&mut line).expect("responder stderr") > 0, "the OCSP responder exited");
        }
        Self { _child: Running(child), port }
    }

    /// Its URL.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}
