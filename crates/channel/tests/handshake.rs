//! Real TLS handshakes over loopback between configurations built from channel
//! definitions: suites, protocol versions, key types, SSLCAUTH, and the SNI channel name.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::time::Duration;

use mqtls_channel::config::{client_config, server_config};
use mqtls_channel::{sni, ChannelError};
use mqtls_cipherspec::{CipherSpecName, SuiteId};
use mqtls_model::{AttrSet, Channel, Object, ObjectType, Stamp, Value};
use mqtls_test_support::{ca_and_leaf, keystore, scratch};
use rustls::pki_types::ServerName;

fn channel(name: &str, chltype: &str, ciph: &str, cauth: &str) -> Object {
    let mut values = vec![("CHLTYPE", Value::Word(chltype.into())), ("SSLCIPH", Value::Str(ciph.into()))];
    if !cauth.is_empty() {
        values.push(("SSLCAUTH", Value::Word(cauth.into())));
    }
    Object::new(
        ObjectType::Channel,
        name,
        AttrSet::from_values(ObjectType::Channel, values).unwrap(),
        Stamp::default(),
    )
    .unwrap()
}

/// What the server saw of a handshake: the negotiated suite, the channel named in the SNI,
/// and whether the client presented a certificate.
#[derive(Debug)]
struct Seen {
    suite: u16,
    sni_channel: String,
    client_cert: bool,
}

fn handshake(
    server: Arc<rustls::ServerConfig>,
    client: Arc<rustls::ClientConfig>,
    channel: &str,
) -> Result<Seen, String> {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let server_side = std::thread::spawn(move || -> Result<Seen, String> {
        let (sock, _) = listener.accept().map_err(|e| e.to_string())?;
        sock.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let conn = rustls::ServerConnection::new(server).map_err(|e| e.to_string())?;
        let mut tls = rustls::StreamOwned::new(conn, sock);
        let mut byte = [0u8; 1];
        tls.read_exact(&mut byte).map_err(|e| e.to_string())?;
        let suite = tls.conn.negotiated_cipher_suite().map(|s| u16::from(s.suite())).unwrap_or_default();
        let sni_channel =
            sni::decode(tls.conn.server_name().unwrap_or_default()).map_err(|e| e.to_string())?;
        Ok(Seen { suite, sni_channel, client_cert: tls.conn.peer_certificates().is_some() })
    });
    let sock = TcpStream::connect(addr).unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let name = ServerName::try_from(sni::encode(channel)).unwrap();
    let conn = rustls::ClientConnection::new(client, name).unwrap();
    let mut tls = rustls::StreamOwned::new(conn, sock);
    let client_result = tls.write_all(b"x").and_then(|()| tls.flush());
    let seen = server_side.join().unwrap();
    client_result.map_err(|e| e.to_string()).and(seen)
}

#[test]
fn mutual_tls13_names_the_channel_and_satisfies_sslciph() {
    let dir = scratch("chl-tls13");
    ca_and_leaf(&dir, "qm1", "ec");
    ca_and_leaf(&dir, "app1", "ec");
    let (svr, cln) = (
        channel("APP.SVRCONN", "SVRCONN", "ANY_TLS13", "REQUIRED"),
        channel("APP.SVRCONN", "CLNTCONN", "ANY_TLS12_OR_HIGHER", ""),
    );
    let server = server_config(&Channel::new(&svr).unwrap(), "qm1", &keystore(&dir, Some("qm1"))).unwrap();
    let client =
        client_config(&Channel::new(&cln).unwrap(), Some("app1"), &keystore(&dir, Some("app1"))).unwrap();
    let seen = handshake(server, client, "APP.SVRCONN").unwrap();
    assert_eq!(seen.sni_channel, "APP.SVRCONN");
    assert!(seen.client_cert);
    let spec = CipherSpecName::new("ANY_TLS13").accepts(SuiteId(seen.suite)).unwrap();
    assert!(spec.name.starts_with("TLS_"), "{}", spec.name);
}

#[test]
fn a_single_tls12_cipherspec_is_all_that_is_offered() {
    let dir = scratch("chl-tls12");
    ca_and_leaf(&dir, "qm1", "ec");
    let svr = channel("TO.QM1", "RCVR", "ECDHE_ECDSA_AES_128_GCM_SHA256", "OPTIONAL");
    let cln = channel("TO.QM1", "SDR", "ANY_TLS12_OR_HIGHER", "");
    let server = server_config(&Channel::new(&svr).unwrap(), "qm1", &keystore(&dir, Some("qm1"))).unwrap();
    let client = client_config(&Channel::new(&cln).unwrap(), None, &keystore(&dir, Some("qm1"))).unwrap();
    let seen = handshake(server, client, "TO.QM1").unwrap();
    assert_eq!(seen.suite, 0xC02B, "ECDHE_ECDSA_AES_128_GCM_SHA256");
    assert!(!seen.client_cert, "SSLCAUTH(OPTIONAL) without a client certificate");
}

#[test]
fn no_common_protocol_fails_the_handshake() {
    let dir = scratch("chl-mismatch");
    ca_and_leaf(&dir, "qm1", "ec");
    let svr = channel("APP", "SVRCONN", "ECDHE_ECDSA_AES_256_GCM_SHA384", "OPTIONAL");
    let cln = channel("APP", "CLNTCONN", "ANY_TLS13", "");
    let server = server_config(&Channel::new(&svr).unwrap(), "qm1", &keystore(&dir, Some("qm1"))).unwrap();
    let client = client_config(&Channel::new(&cln).unwrap(), None, &keystore(&dir, Some("qm1"))).unwrap();
    assert!(handshake(server, client, "APP").is_err());
}

#[test]
fn sslcauth_required_refuses_a_client_without_a_certificate() {
    let dir = scratch("chl-cauth");
    ca_and_leaf(&dir, "qm1", "ec");
    let svr = channel("APP", "SVRCONN", "ANY_TLS12_OR_HIGHER", "REQUIRED");
    let cln = channel("APP", "CLNTCONN", "ANY_TLS12_OR_HIGHER", "");
    let server = server_config(&Channel::new(&svr).unwrap(), "qm1", &keystore(&dir, Some("qm1"))).unwrap();
    let client = client_config(&Channel::new(&cln).unwrap(), None, &keystore(&dir, Some("qm1"))).unwrap();
    let err = handshake(server, client, "APP").unwrap_err();
    assert!(err.to_lowercase().contains("certificate"), "{err}");
}

#[test]
fn key_type_and_cipherspec_problems_are_caught_before_any_handshake() {
    let dir = scratch("chl-keytype");
    ca_and_leaf(&dir, "rsa1", "rsa");
    let ks = keystore(&dir, Some("rsa1"));
    let ecdsa = channel("APP", "SVRCONN", "ECDHE_ECDSA_AES_128_GCM_SHA256", "OPTIONAL");
    let err = server_config(&Channel::new(&ecdsa).unwrap(), "rsa1", &ks).unwrap_err();
    assert_eq!(err.to_string(), "channel APP: certificate 'rsa1' has an RSA 2048 key, but ECDHE_ECDSA_AES_128_GCM_SHA256 needs an EC certificate");
    assert_eq!(err.outcome().0, 2393);
    let refused = channel("APP", "SVRCONN", "TLS_RSA_WITH_AES_256_CBC_SHA256", "OPTIONAL");
    let err = server_config(&Channel::new(&refused).unwrap(), "rsa1", &ks).unwrap_err();
    assert!(matches!(err, ChannelError::CipherSpec { .. }), "{err}");
    let err = server_config(&Channel::new(&ecdsa).unwrap(), "RSA1", &ks).unwrap_err();
    assert!(err.to_string().contains("no entry labelled 'RSA1'; the closest is 'rsa1'"), "{err}");
    assert_eq!(err.outcome().0, 2402);
}

/// Serves one TLS handshake with `server`; returns the negotiated suite, or the error.
fn serve_once(server: Arc<rustls::ServerConfig>) -> (u16, std::thread::JoinHandle<Result<u16, String>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = std::thread::spawn(move || {
        let (mut sock, _) = listener.accept().map_err(|e| e.to_string())?;
        sock.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let mut conn = rustls::ServerConnection::new(server).map_err(|e| e.to_string())?;
        while conn.is_handshaking() {
            conn.complete_io(&mut sock).map_err(|e| e.to_string())?;
        }
        Ok(conn.negotiated_cipher_suite().map(|s| u16::from(s.suite())).unwrap_or_default())
    });
    (port, handle)
}

fn s_client(port: u16, channel: &str, args: &[&str]) -> String {
    let out = std::process::Command::new("openssl")
        .args(["s_client", "-connect", &format!("127.0.0.1:{port}"), "-servername", &sni::encode(channel)])
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("openssl s_client");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn openssl_s_client_gets_only_what_sslciph_allows() {
    let dir = scratch("chl-s-client");
    ca_and_leaf(&dir, "qm1", "ec");
    let svr = channel("APP.SVRCONN", "SVRCONN", "ANY_TLS12", "OPTIONAL");
    let server = server_config(&Channel::new(&svr).unwrap(), "qm1", &keystore(&dir, Some("qm1"))).unwrap();

    let (port, handle) = serve_once(server.clone());
    let out = s_client(port, "APP.SVRCONN", &["-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256"]);
    assert_eq!(handle.join().unwrap(), Ok(0xC02B), "{out}");
    assert!(out.contains("TLSv1.2") && out.contains("ECDHE-ECDSA-AES128-GCM-SHA256"), "{out}");

    // A CBC suite MQ knows (ECDHE_ECDSA_AES_128_CBC_SHA256) is never offered.
    let (port, handle) = serve_once(server.clone());
    let _ = s_client(port, "APP.SVRCONN", &["-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-SHA256"]);
    assert!(handle.join().unwrap().is_err(), "a suite outside SSLCIPH must be refused");

    // TLS 1.3 is outside ANY_TLS12.
    let (port, handle) = serve_once(server);
    let _ = s_client(port, "APP.SVRCONN", &["-tls1_3"]);
    assert!(handle.join().unwrap().is_err(), "TLS 1.3 to a TLS 1.2-only channel must be refused");
}

#[test]
fn the_listener_settles_on_the_fastest_suite_both_ends_allow() {
    let dir = scratch("chl-suite-order");
    ca_and_leaf(&dir, "qm1", "ec");
    let svr = channel("APP.SVRCONN", "SVRCONN", "ANY_TLS13", "OPTIONAL");
    let server = server_config(&Channel::new(&svr).unwrap(), "qm1", &keystore(&dir, Some("qm1"))).unwrap();
    // openssl prefers ChaCha20 here; the listener's order decides: AES-256-GCM where the CPU
    // has AES instructions (several times faster, BENCHMARKS.md), ChaCha20 where it has not.
    let preferring_chacha =
        ["-tls1_3", "-ciphersuites", "TLS_CHACHA20_POLY1305_SHA256:TLS_AES_256_GCM_SHA384"];
    let (port, handle) = serve_once(server.clone());
    let out = s_client(port, "APP.SVRCONN", &preferring_chacha);
    let expected = if mqtls_channel::config::aes_hardware() { 0x1302 } else { 0x1303 };
    assert_eq!(handle.join().unwrap(), Ok(expected), "{out}");
    // A client allowing ChaCha20 only still gets it: the order changes, not the set.
    let (port, handle) = serve_once(server);
    let out = s_client(port, "APP.SVRCONN", &["-tls1_3", "-ciphersuites", "TLS_CHACHA20_POLY1305_SHA256"]);
    assert_eq!(handle.join().unwrap(), Ok(0x1303), "{out}");
}
