//! Chain validation against chains and CRLs made by the openssl command line.

use mqtls_pki::{validate, CertFacts, Crls, PkiError, Role, UnknownStatus};
use mqtls_test_support::{ca_and_leaf, ca_database, der, now, openssl, scratch, sign};

fn reason(e: PkiError) -> String {
    e.to_string()
}

#[test]
fn good_chains_pass_for_both_roles() {
    let dir = scratch("good");
    ca_and_leaf(&dir, "qm1", "ec");
    let (leaf, ca) = (der(&dir, "qm1.pem"), der(&dir, "ca.pem"));
    for role in [Role::Server, Role::Client] {
        let path = validate(
            std::slice::from_ref(&leaf),
            &[&ca],
            role,
            now(),
            &Crls::default(),
            UnknownStatus::Allow,
        )
        .unwrap();
        assert_eq!(path[0].subject().to_string(), "CN=qm1,O=mqtls test");
    }
}

#[test]
fn failures_name_the_certificate_and_the_fix() {
    let dir = scratch("bad");
    ca_and_leaf(&dir, "qm1", "rsa");
    let (leaf, ca) = (der(&dir, "qm1.pem"), der(&dir, "ca.pem"));
    let facts = CertFacts::from_der(&leaf).unwrap();
    let err = reason(
        validate(
            std::slice::from_ref(&leaf),
            &[],
            Role::Server,
            now(),
            &Crls::default(),
            UnknownStatus::Allow,
        )
        .unwrap_err(),
    );
    assert_eq!(
        err,
        "certificate 'CN=qm1,O=mqtls test': issued by 'CN=Test CA,O=mqtls test', which is not in the trust store: add that CA certificate (mqtls keystore add-ca)"
    );
    let later = facts.not_after + 86_400;
    let err = reason(
        validate(
            std::slice::from_ref(&leaf),
            &[&ca],
            Role::Server,
            later,
            &Crls::default(),
            UnknownStatus::Allow,
        )
        .unwrap_err(),
    );
    assert!(
        err.starts_with("certificate 'CN=qm1,O=mqtls test': expired at ")
            && err.ends_with("(notAfter); renew it"),
        "{err}"
    );
    let err = reason(
        validate(
            std::slice::from_ref(&ca),
            &[&ca],
            Role::Server,
            now(),
            &Crls::default(),
            UnknownStatus::Allow,
        )
        .unwrap_err(),
    );
    assert!(err.contains("is a CA certificate, presented as an end entity"), "{err}");
}

#[test]
fn extended_key_usage_must_fit_the_role() {
    let dir = scratch("eku");
    ca_and_leaf(&dir, "seed", "ec");
    sign(&dir, "client", "/CN=client only", "extendedKeyUsage=clientAuth\n");
    let (leaf, ca) = (der(&dir, "client.pem"), der(&dir, "ca.pem"));
    assert!(validate(
        std::slice::from_ref(&leaf),
        &[&ca],
        Role::Client,
        now(),
        &Crls::default(),
        UnknownStatus::Allow
    )
    .is_ok());
    let err = reason(
        validate(&[leaf], &[&ca], Role::Server, now(), &Crls::default(), UnknownStatus::Allow).unwrap_err(),
    );
    assert_eq!(err, "certificate 'CN=client only': its extended key usage does not allow serverAuth (a listener's certificate)");
}

#[test]
fn crls_made_by_openssl_ca_revoke() {
    let dir = scratch("crl");
    ca_and_leaf(&dir, "good", "ec");
    ca_and_leaf(&dir, "bad", "ec");
    ca_database(&dir);
    openssl(&dir, &["ca", "-config", "ca.cnf", "-revoke", "bad.pem"]);
    openssl(&dir, &["ca", "-config", "ca.cnf", "-gencrl", "-out", "crl.pem"]);
    let crls = Crls::parse(&[("crl.pem".into(), std::fs::read(dir.join("crl.pem")).unwrap())]).unwrap();
    let ca = der(&dir, "ca.pem");
    assert!(
        validate(&[der(&dir, "good.pem")], &[&ca], Role::Client, now(), &crls, UnknownStatus::Deny).is_ok()
    );
    let err = reason(
        validate(&[der(&dir, "bad.pem")], &[&ca], Role::Client, now(), &crls, UnknownStatus::Deny)
            .unwrap_err(),
    );
    assert_eq!(err, "certificate 'CN=bad,O=mqtls test': revoked: its serial is on the issuer's CRL");
    let garbage = Crls::parse(&[("x.crl".into(), b"not a crl".to_vec())]).unwrap_err();
    assert!(garbage.to_string().starts_with("x.crl: not a certificate revocation list"), "{garbage}");
}

#[test]
fn crls_fetched_from_distribution_points_over_http() {
    let dir = scratch("cdp");
    // Serve whatever crl.der holds, for every request, over plain HTTP on loopback.
    let port = mqtls_test_support::serve_file(&dir.join("crl.der"));
    // A leaf whose certificate names that distribution point.
    ca_and_leaf(&dir, "seed", "ec");
    sign(&dir, "cdp", "/CN=with cdp", &format!("crlDistributionPoints=URI:http://127.0.0.1:{port}/ca.crl\n"));
    ca_database(&dir);
    openssl(&dir, &["ca", "-config", "ca.cnf", "-gencrl", "-out", "empty.pem"]);
    openssl(&dir, &["crl", "-in", "empty.pem", "-outform", "DER", "-out", "crl.der"]);
    let (leaf, ca) = (der(&dir, "cdp.pem"), der(&dir, "ca.pem"));
    let mut crls = Crls::default();
    let urls = crls
        .fetch_distribution_points(std::slice::from_ref(&leaf), std::time::Duration::from_secs(5))
        .unwrap();
    assert_eq!(urls, [format!("http://127.0.0.1:{port}/ca.crl")]);
    assert!(validate(std::slice::from_ref(&leaf), &[&ca], Role::Client, now(), &crls, UnknownStatus::Deny)
        .is_ok());
    // Revoke it; the next fetch sees it.
    openssl(&dir, &["ca", "-config", "ca.cnf", "-revoke", "cdp.pem"]);
    openssl(&dir, &["ca", "-config", "ca.cnf", "-gencrl", "-out", "revoked.pem"]);
    openssl(&dir, &["crl", "-in", "revoked.pem", "-outform", "DER", "-out", "crl.der"]);
    let mut crls = Crls::default();
    crls.fetch_distribution_points(std::slice::from_ref(&leaf), std::time::Duration::from_secs(5)).unwrap();
    let err = validate(std::slice::from_ref(&leaf), &[&ca], Role::Client, now(), &crls, UnknownStatus::Deny)
        .unwrap_err();
    assert_eq!(err.to_string(), "certificate 'CN=with cdp': revoked: its serial is on the issuer's CRL");
}

#[test]
fn leaves_from_a_cert_authority_validate_and_openssl_agrees() {
    use mqtls_pki::{CertAuthority, Entry, KeySpec};
    let t = now();
    let ca = CertAuthority::new(KeySpec::EcP256, "Demo CA", "mqtls demo", t, 30).unwrap();
    let Entry::Personal { chain, .. } =
        ca.issue(KeySpec::EcP256, "app1", "mqtls demo", &["127.0.0.1".into()], t, 30).unwrap()
    else {
        panic!("issue makes a personal entry")
    };
    assert_eq!(chain.len(), 2, "leaf then CA");
    let path =
        validate(&chain[..1], &[ca.certificate()], Role::Client, t, &Crls::default(), UnknownStatus::Allow)
            .unwrap();
    assert_eq!(path[0].subject().to_string(), "CN=app1,O=mqtls demo");
    assert_eq!(path[0].names.issuer.to_string(), "CN=Demo CA,O=mqtls demo");
    let other = CertAuthority::new(KeySpec::EcP256, "Demo CA", "mqtls demo", t, 30).unwrap();
    let err = validate(
        &chain[..1],
        &[other.certificate()],
        Role::Client,
        t,
        &Crls::default(),
        UnknownStatus::Allow,
    );
    assert!(err.is_err(), "a CA with the same name but another key must not vouch for the leaf");

    let dir = scratch("ca-issue");
    let pem = |der: &[u8], name: &str| {
        std::fs::write(dir.join(format!("{name}.der")), der).unwrap();
        openssl(
            &dir,
            &["x509", "-inform", "DER", "-in", &format!("{name}.der"), "-out", &format!("{name}.pem")],
        );
    };
    pem(ca.certificate(), "ca");
    pem(&chain[0], "leaf");
    openssl(&dir, &["verify", "-CAfile", "ca.pem", "-purpose", "sslclient", "leaf.pem"]);
}
