use super::*;

fn dn(s: &str) -> Dn {
    Dn::parse(s).unwrap()
}

fn m(filter: &str, subject: &str) -> bool {
    PeerFilter::parse(filter).unwrap_or_else(|e| panic!("{e}")).matches(&dn(subject))
}

const SUBJECT: &str = "CN=John Smith,OU=Test,OU=Sales,O=IBM,L=Hursley,ST=Hampshire,C=GB";

#[test]
fn matching_table() {
    let table: &[(&str, bool)] = &[
        ("CN=John Smith, O=IBM ,OU=Test , C=GB", true),
        ("CN=JOHN SMITH;O=ibm", true),
        ("cn=john smith", true),
        ("CN=John*", true),
        ("CN=*Smith", true),
        ("CN=*ohn Smi*", true),
        ("CN=*", true),
        ("CN=Jane*", false),
        ("CN=John", false),
        ("SP=Hampshire", true),
        ("S=hampshire", true),
        ("ST=Kent", false),
        ("OU=Test", true),
        ("OU=Test,OU=Sales", true),
        ("OU=Sales", false),
        ("OU=Sales,OU=Test", false),
        ("OU=Test,OU=Sales,OU=Extra", false),
        ("OU=T*,OU=*s", true),
        ("CN=\"John Smith\"", true),
        ("DC=example", false),
        ("L=Hursley,C=GB,O=IBM", true),
        ("O=IB", false),
    ];
    for (filter, want) in table {
        assert_eq!(m(filter, SUBJECT), *want, "{filter}");
    }
}

#[test]
fn quoted_values_hold_separators_and_attribute_names() {
    assert!(m(r#"O="Acme, Inc.";CN=x"#, r"CN=x,O=Acme\, Inc."));
    assert!(m(r#"CN="OU=A""#, r"CN=OU\3DA"));
    assert!(!m(r#"CN="x*""#, "CN=xyz"), "a quoted * is literal");
    assert!(m(r#"CN="  padded  ""#, r"CN=\  padded \ "));
}

#[test]
fn domain_components_repeat_in_order() {
    let s = "CN=host,DC=example,DC=com";
    assert!(m("DC=example,DC=com", s));
    assert!(!m("DC=com,DC=example", s));
    assert!(m("DC=example", s));
}

#[test]
fn exact_sslpeer_values_from_the_public_corpus() {
    // From ewiger/ibm-mq-mtls and Nordic-MVP-GitOps-Repos (corpus/mqsc).
    assert!(m("CN=Client,OU=MQ,O=IBM,C=US", "CN=Client,OU=MQ,O=IBM,C=US"));
    assert!(!m("CN=Client,OU=MQ,O=IBM,C=US", "CN=Client,OU=MQ,O=IBM,C=GB"));
    assert!(m("CN=mqclient1", "CN=mqclient1,O=example"));
    assert!(m("CN=mqclient1", "CN=MQCLIENT1"));
    assert!(!m("CN=mqclient1", "CN=mqclient10"));
}

#[test]
fn errors_point_at_the_character() {
    let err = |s: &str| PeerFilter::parse(s).unwrap_err();
    let e = err("CN=a,FOO=b");
    assert_eq!((e.at, e.kind), (5, ErrorKind::UnknownType));
    assert_eq!(e.to_string(), "SSLPEER \"CN=a,FOO=b\", character 6: unknown attribute type");
    assert_eq!(err("CN =a").kind, ErrorKind::BlankBeforeEquals);
    assert_eq!(err("CN=a,CN=b").kind, ErrorKind::Repeated);
    assert_eq!(err("GN=a").kind, ErrorKind::NotFilterable);
    assert_eq!(err("CN=a*b").at, 4);
    assert_eq!(err("CN=a*b").kind, ErrorKind::InnerWildcard);
    assert_eq!(err("CN=\"open").kind, ErrorKind::UnterminatedQuote);
    assert_eq!(err("CN=\"a\"b").kind, ErrorKind::AfterQuote);
    assert_eq!(err("").kind, ErrorKind::Empty);
    assert_eq!(err("CN=a,").kind, ErrorKind::ExpectedType);
    assert_eq!(err(&format!("CN={}", "x".repeat(1100))).kind, ErrorKind::TooLong);
    assert_eq!(err("CN").kind, ErrorKind::ExpectedEquals);
}

#[test]
fn explanations_and_specificity() {
    let f = PeerFilter::parse("CN=John*,OU=Test,OU=Marketing").unwrap();
    assert_eq!(f.first_mismatch(&dn(SUBJECT)), Some("OU=Marketing".into()));
    assert_eq!(PeerFilter::parse("CN=x").unwrap().first_mismatch(&dn("CN=x")), None);
    assert!(f.specificity() > PeerFilter::parse("CN=John*").unwrap().specificity());
    assert!(
        PeerFilter::parse("CN=John").unwrap().specificity()
            > PeerFilter::parse("CN=John*").unwrap().specificity()
    );
}

#[test]
fn a_repeated_attribute_matches_only_when_every_value_does() {
    // One name in a certificate cannot vouch for another beside it, in either order or
    // in one multi-valued RDN.
    for subject in
        ["CN=evil,CN=app1,O=x", "CN=app1,CN=evil,O=x", "CN=evil+CN=app1,O=x", "CN=app1+CN=evil,O=x"]
    {
        assert!(!m("CN=app*", subject), "{subject}");
        assert!(!m("CN=app1,O=x", subject), "{subject}");
        let f = PeerFilter::parse("CN=app1").unwrap();
        assert_eq!(f.first_mismatch(&dn(subject)).as_deref(), Some("CN=app1"), "{subject}");
    }
    assert!(m("CN=app*", "CN=app1,CN=app2,O=x"), "every value matches");
    assert!(m("O=x", "CN=evil,CN=app1,O=x"), "parts about other attributes are unaffected");
    assert!(!m("CN=*", "O=x"), "an attribute the DN lacks never matches");
}
