//! proptest: DNs render and parse back equal; the compiled SSLPEER matcher agrees with
//! the reference matcher on random filters and DNs.

use mqtls_dn::fuzzing::{dn_roundtrip, sslpeer_differential};
use mqtls_dn::{AttrKey, Ava, AvaValue, Dn, Rdn, ATTRIBUTES};
use proptest::prelude::*;
use proptest::sample::select;

fn ava() -> impl Strategy<Value = Ava> {
    let key = prop_oneof![
        select(ATTRIBUTES.to_vec()).prop_map(|t| AttrKey::Known(Box::leak(Box::new(t)))),
        Just(AttrKey::Oid("1.2.3.4".into())),
    ];
    let value = prop_oneof![
        "[ -~éč\\x00\\r]{0,12}".prop_map(AvaValue::Text),
        proptest::collection::vec(any::<u8>(), 0..6).prop_map(|body| {
            let mut der = vec![0x04, body.len() as u8];
            der.extend(body);
            AvaValue::Der(der)
        }),
    ];
    (key, value).prop_map(|(key, value)| Ava { key, value })
}

fn dn() -> impl Strategy<Value = Dn> {
    proptest::collection::vec(proptest::collection::vec(ava(), 1..3).prop_map(Rdn), 0..5).prop_map(Dn)
}

proptest! {
    #[test]
    fn rendered_dns_parse_back_equal(dn in dn()) {
        // Known types with DER values render as `#...` and parse back as DER: compare text.
        let text = dn.to_string();
        let parsed = Dn::parse(&text).map_err(|e| TestCaseError::fail(format!("{text:?}: {e}")))?;
        prop_assert_eq!(parsed.to_string(), text);
        dn_roundtrip(dn.to_string().as_bytes());
    }

    #[test]
    fn compiled_and_reference_matchers_agree(
        parts in proptest::collection::vec(
            (select(vec!["CN", "OU", "O", "C", "DC", "ST", "SP", "L", "cn", "ou"]),
             "[*]?[ A-Za-z]{0,4}[*]?"), 1..4),
        subject in select(vec![
            "CN=John Smith,OU=Test,OU=Sales,O=IBM,ST=Hants,C=GB",
            "CN=a,OU=b,DC=x,DC=y",
            "CN=,O=",
            "OU=TEST,OU=test",
        ]),
    ) {
        let filter = parts.iter().map(|(a, v)| format!("{a}={v}")).collect::<Vec<_>>().join(",");
        sslpeer_differential(format!("{filter}\n{subject}").as_bytes());
    }
}
