use super::*;
use crate::error::ErrorKind;

fn text_values(dn: &Dn) -> Vec<(String, String)> {
    dn.avas()
        .map(|a| (a.key.name().to_owned(), a.text().map_or_else(|| format!("{:?}", a.value), str::to_owned)))
        .collect()
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

#[test]
fn rfc4514_section4_examples() {
    let dn = Dn::parse("UID=jsmith,DC=example,DC=net").unwrap();
    assert_eq!(text_values(&dn), pairs(&[("UID", "jsmith"), ("DC", "example"), ("DC", "net")]));

    let dn = Dn::parse("OU=Sales+CN=J.  Smith,DC=example,DC=net").unwrap();
    assert_eq!(dn.0[0].0.len(), 2, "multi-valued RDN");
    assert_eq!(dn.0[0].0[1].text(), Some("J.  Smith"));

    let dn = Dn::parse(r#"CN=James \"Jim\" Smith\, III,DC=example,DC=net"#).unwrap();
    assert_eq!(dn.0[0].0[0].text(), Some(r#"James "Jim" Smith, III"#));

    let dn = Dn::parse(r"CN=Before\0dAfter,DC=example,DC=net").unwrap();
    assert_eq!(dn.0[0].0[0].text(), Some("Before\rAfter"));

    let dn = Dn::parse("1.3.6.1.4.1.1466.0=#04024869").unwrap();
    assert_eq!(dn.0[0].0[0].value, AvaValue::Der(vec![0x04, 0x02, 0x48, 0x69]));
    assert_eq!(dn.to_string(), "1.3.6.1.4.1.1466.0=#04024869");

    let dn = Dn::parse(r"CN=Lu\C4\8Di\C4\87").unwrap();
    assert_eq!(dn.0[0].0[0].text(), Some("Lučić"));
}

#[test]
fn every_special_character_in_both_escape_forms() {
    for (c, hex) in [
        (',', "2C"),
        ('+', "2B"),
        ('"', "22"),
        ('\\', "5C"),
        ('<', "3C"),
        ('>', "3E"),
        (';', "3B"),
        ('=', "3D"),
    ] {
        let named = Dn::parse(&format!("CN=a\\{c}b")).unwrap();
        let hexed = Dn::parse(&format!("CN=a\\{hex}b")).unwrap();
        assert_eq!(named, hexed, "{c}");
        assert_eq!(named.0[0].0[0].text(), Some(format!("a{c}b").as_str()));
    }
    assert_eq!(Dn::parse(r"CN=\#leading").unwrap().0[0].0[0].text(), Some("#leading"));
    assert_eq!(Dn::parse(r"CN=\ both\ ").unwrap().0[0].0[0].text(), Some(" both "));
    assert_eq!(Dn::parse(r"CN=nul\00byte").unwrap().0[0].0[0].text(), Some("nul\0byte"));
}

#[test]
fn rfc2253_leniencies() {
    let a = Dn::parse("CN=John Smith, O=IBM ;OU=Test , C=GB").unwrap();
    assert_eq!(text_values(&a), pairs(&[("CN", "John Smith"), ("O", "IBM"), ("OU", "Test"), ("C", "GB")]));
    let q = Dn::parse(r#"CN="Quoted Last, Quoted First",O=x"#).unwrap();
    assert_eq!(q.0[0].0[0].text(), Some("Quoted Last, Quoted First"));
    assert_eq!(Dn::parse("OID.2.5.4.3=x").unwrap().0[0].0[0].key.name(), "CN");
    assert_eq!(Dn::parse("cn=x,st=y,sp=z").unwrap().to_string(), "CN=x,ST=y,ST=z");
    assert!(Dn::parse("").unwrap().is_empty());
}

#[test]
fn errors_name_the_character() {
    let kind = |s: &str| Dn::parse(s).unwrap_err().kind;
    let at = |s: &str| Dn::parse(s).unwrap_err().at;
    assert_eq!(kind("1.3.6.1.4.1.1466.0=#0402486"), ErrorKind::BadHex);
    assert_eq!(kind("1.3.6.1.4.1.1466.0=#0402486900"), ErrorKind::BadBer);
    assert_eq!(kind("1.3.6.1.4.1.1466.0=#"), ErrorKind::BadHex);
    assert_eq!(kind(r#"CN=a"b"#), ErrorKind::Unescaped('"'));
    assert_eq!(kind("CN=a<b"), ErrorKind::Unescaped('<'));
    assert_eq!(kind("CN=a>b"), ErrorKind::Unescaped('>'));
    assert_eq!(kind("CN=a\0b"), ErrorKind::Unescaped('\0'));
    assert_eq!(kind(r"CN=a\"), ErrorKind::TrailingBackslash);
    assert_eq!(kind(r"CN=a\Zb"), ErrorKind::BadEscape);
    assert_eq!(kind(r"CN=a\4"), ErrorKind::BadEscape);
    assert_eq!(kind(r"CN=\C4\8"), ErrorKind::BadEscape);
    assert_eq!(kind(r"CN=\C4"), ErrorKind::InvalidUtf8);
    assert_eq!(kind("CN"), ErrorKind::ExpectedEquals);
    assert_eq!(kind("=x"), ErrorKind::ExpectedType);
    assert_eq!(kind("CN =x"), ErrorKind::BlankBeforeEquals);
    assert_eq!(kind("FOO=x"), ErrorKind::UnknownType);
    assert_eq!(kind(r#"CN="open"#), ErrorKind::UnterminatedQuote);
    assert_eq!(kind(r#"CN="a"b"#), ErrorKind::AfterQuote);
    assert_eq!(kind("CN=a,"), ErrorKind::ExpectedType);
    assert_eq!(at("CN=ok,O=a<b"), 9);
    assert_eq!(
        Dn::parse("CN=ok,O=a<b").unwrap_err().to_string(),
        "DN \"CN=ok,O=a<b\", character 10: '<' must be escaped with '\\'"
    );
}

#[test]
fn rendering_escapes_and_round_trips() {
    let tricky = [
        r#"CN=James \"Jim\" Smith\, III,DC=example,DC=net"#,
        r"CN=\#hash\ ,O=a\+b\;c\<d\>e\\f",
        "OU=Sales+CN=J.  Smith,DC=example,DC=net",
        r"CN=Before\0DAfter",
        "1.2.3.4=#0403414243",
        "CN=Lučić",
    ];
    for s in tricky {
        let dn = Dn::parse(s).unwrap();
        let rendered = dn.to_string();
        assert_eq!(Dn::parse(&rendered).unwrap(), dn, "{s} -> {rendered}");
    }
    assert_eq!(Dn::parse(r"CN=\#hash\ ").unwrap().to_string(), r"CN=\#hash\ ");
}
