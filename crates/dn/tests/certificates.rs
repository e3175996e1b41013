//! DNs read from real certificates made by the `openssl` command line.

use std::path::Path;

use mqtls_dn::{CertNames, Dn, PeerFilter};
use mqtls_test_support::{openssl, scratch};

/// A self-signed EC certificate for `subj` (with extra `openssl req` arguments), as DER.
fn openssl_cert(dir: &Path, subj: &str, extra: &[&str]) -> Vec<u8> {
    let mut args =
        vec!["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1"];
    args.extend(["-keyout", "key.pem", "-out", "cert.der", "-outform", "DER", "-subj", subj]);
    args.extend(extra);
    openssl(dir, &args);
    std::fs::read(dir.join("cert.der")).unwrap()
}

#[test]
fn subject_renders_in_mq_order_with_short_names() {
    let dir = scratch("dn-order");
    let der = openssl_cert(
        &dir,
        "/C=GB/ST=Hampshire/L=Hursley/O=IBM/OU=Sales/OU=Test/CN=John Smith/emailAddress=john@example.com",
        &["-set_serial", "0x4CD049"],
    );
    let names = CertNames::from_der(&der).unwrap();
    assert_eq!(
        names.subject.to_string(),
        "E=john@example.com,CN=John Smith,OU=Test,OU=Sales,O=IBM,L=Hursley,ST=Hampshire,C=GB"
    );
    assert_eq!(names.issuer, names.subject, "self-signed");
    assert_eq!(names.serial, "4C:D0:49");
    assert_eq!(names.peer_with_serial().to_string(), format!("SERIALNUMBER=4C:D0:49,{}", names.subject));
    assert!(PeerFilter::parse("CN=John*,OU=Test,OU=Sales,C=GB").unwrap().matches(&names.subject));
    assert!(PeerFilter::parse("SERIALNUMBER=4C:D0:49").unwrap().matches(&names.peer_with_serial()));
}

#[test]
fn special_characters_and_unknown_attributes_round_trip() {
    let dir = scratch("dn-special");
    // businessCategory (2.5.4.15) has no MQ short name: it shows as a dotted OID and DER hex.
    let der = openssl_cert(
        &dir,
        "/O=Acme, Inc./OU=Sales+CN=a\\+b #1/businessCategory=custom",
        &["-multivalue-rdn"],
    );
    let names = CertNames::from_der(&der).unwrap();
    let text = names.subject.to_string();
    assert_eq!(text, r"2.5.4.15=#0C06637573746F6D,OU=Sales+CN=a\+b #1,O=Acme\, Inc.");
    assert_eq!(Dn::parse(&text).unwrap(), names.subject);
}

#[test]
fn garbage_is_not_a_certificate() {
    let err = CertNames::from_der(b"\x30\x03\x02\x01").unwrap_err();
    assert_eq!(err.to_string(), "certificate \"\", character 1: not a DER-encoded X.509 certificate");
}
