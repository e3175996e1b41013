use mqtls_model::{AttrSet, Stamp, Value};
use mqtls_test_support::{ca_and_leaf, der, scratch};

use super::*;
use crate::frame::ChannelStart;

const TLS13_AES128: SuiteId = SuiteId(0x1301);

/// A CHLAUTH record to set up: profile, type, parameters.
type Rule<'a> = (&'a str, mqtls_model::ChlauthType, Vec<(&'static str, Value)>);

fn store(channel_attrs: &[(&'static str, &str)], chlauth: &[Rule<'_>]) -> Store {
    let mut store = Store::new("QM1", Stamp::default()).unwrap();
    let mut values: Vec<(&'static str, Value)> = vec![("CHLTYPE", Value::Word("SVRCONN".into()))];
    for (k, v) in channel_attrs {
        let value = if matches!(*k, "SSLCAUTH") { Value::Word((*v).into()) } else { Value::Str((*v).into()) };
        values.push((k, value));
    }
    let attrs = AttrSet::from_values(ObjectType::Channel, values).unwrap();
    store.define(ObjectType::Channel, "APP.SVRCONN", attrs, None, false, Stamp::default()).unwrap();
    for (profile, rtype, values) in chlauth {
        let attrs = AttrSet::from_chlauth_values(values.clone()).unwrap();
        let record =
            ChlauthRecord { profile: (*profile).into(), rtype: *rtype, attrs, altered: Stamp::default() };
        store.set_chlauth(record, mqtls_model::ChlauthAction::Add).unwrap();
    }
    store
}

fn start(channel: &str, chltype: u8) -> ChannelStart {
    ChannelStart {
        channel: channel.into(),
        chltype,
        qmgr: String::new(),
        user: "alice".into(),
        max_msg_len: 1024,
        sharecnv: 1,
        heartbeat: 60,
    }
}

fn addr() -> IpAddr {
    "10.1.2.3".parse().unwrap()
}

/// A client certificate (`CN=app1,O=mqtls test`) from the test PKI.
fn client_chain() -> Vec<Vec<u8>> {
    let dir = scratch("chl-start");
    ca_and_leaf(&dir, "app1", "ec");
    vec![der(&dir, "app1.pem")]
}

#[test]
fn a_tls_client_is_admitted_with_the_negotiated_fields() {
    let chain = client_chain();
    let store =
        store(&[("SSLCIPH", "ANY_TLS13"), ("SSLPEER", "CN=app*,O=mqtls test"), ("MCAUSER", "appuser")], &[]);
    let sni = sni::encode("APP.SVRCONN");
    let tls = Negotiated { sni: Some(&sni), suite: Some(TLS13_AES128), peer_chain: Some(&chain) };
    let ok = check(&store, &start("APP.SVRCONN", 6), &tls, addr(), &["mqm", "root"]).unwrap();
    assert_eq!(
        (ok.secprot, ok.sslciph, ok.mcauser.as_str()),
        ("TLSV13", "TLS_AES_128_GCM_SHA256", "appuser")
    );
    assert!(
        ok.sslpeer.starts_with("SERIALNUMBER=") && ok.sslpeer.ends_with(",CN=app1,O=mqtls test"),
        "{}",
        ok.sslpeer
    );
    assert_eq!(ok.sslcerti, "CN=Test CA,O=mqtls test");
}

#[test]
fn each_check_refuses_with_its_reason() {
    let chain = client_chain();
    let tls_store = store(&[("SSLCIPH", "ANY_TLS13"), ("SSLCAUTH", "REQUIRED")], &[]);
    let sni = sni::encode("APP.SVRCONN");
    let other_sni = sni::encode("OTHER");
    let good = Negotiated { sni: Some(&sni), suite: Some(TLS13_AES128), peer_chain: Some(&chain) };
    let cases: Vec<(Store, ChannelStart, Negotiated<'_>, u32, &str)> = vec![
        (tls_store.clone(), start("APP.SVRCONN", 6), Negotiated { sni: Some(&other_sni), ..good }, 2540, "the TLS handshake named channel OTHER but the start frame names APP.SVRCONN"),
        (tls_store.clone(), start("NOPE", 6), Negotiated { sni: None, ..good }, 2540, "channel NOPE is not defined"),
        (tls_store.clone(), start("APP.SVRCONN", 1), good, 2539, "is CHLTYPE(SVRCONN); a partner of type 1 cannot start it"),
        (tls_store.clone(), start("APP.SVRCONN", 6), Negotiated::default(), 2393, "has SSLCIPH but the partner connected without TLS"),
        (store(&[], &[]), start("APP.SVRCONN", 6), good, 2393, "has no SSLCIPH but the partner used TLS"),
        (tls_store.clone(), start("APP.SVRCONN", 6), Negotiated { suite: Some(SuiteId(0xC02F)), ..good }, 2393, "does not satisfy SSLCIPH(ANY_TLS13)"),
        (tls_store.clone(), start("APP.SVRCONN", 6), Negotiated { peer_chain: None, ..good }, 2393, "SSLCAUTH(REQUIRED) and the partner sent no certificate"),
        (
            store(&[("SSLCIPH", "ANY_TLS13"), ("SSLPEER", "CN=app1,O=elsewhere")], &[]),
            start("APP.SVRCONN", 6),
            good,
            2035,
            "(first difference: O=elsewhere)",
        ),
        (
            store(
                &[("SSLCIPH", "ANY_TLS13")],
                &[("*", mqtls_model::ChlauthType::AddressMap, vec![("ADDRESS", Value::Str("*".into())), ("USERSRC", Value::Word("NOACCESS".into()))])],
            ),
            start("APP.SVRCONN", 6),
            good,
            2035,
            "blocked by CHLAUTH('*') TYPE(ADDRESSMAP) ADDRESS('*'): the most specific matching rule has USERSRC(NOACCESS)",
        ),
    ];
    for (store, start, tls, reason, text) in cases {
        let refusal = check(&store, &start, &tls, addr(), &["mqm", "root"]).unwrap_err();
        assert_eq!(refusal.reason, reason, "{}", refusal.text);
        assert!(refusal.text.contains(text), "{} does not contain {text}", refusal.text);
    }
}

#[test]
fn chlauth_maps_the_certificate_to_a_user() {
    let chain = client_chain();
    let store = store(
        &[("SSLCIPH", "ANY_TLS13")],
        &[
            (
                "*",
                mqtls_model::ChlauthType::AddressMap,
                vec![("ADDRESS", Value::Str("*".into())), ("USERSRC", Value::Word("NOACCESS".into()))],
            ),
            (
                "APP.SVRCONN",
                mqtls_model::ChlauthType::SslPeerMap,
                vec![
                    ("SSLPEER", Value::Str("CN=app1".into())),
                    ("USERSRC", Value::Word("MAP".into())),
                    ("MCAUSER", Value::Str("mapped".into())),
                ],
            ),
        ],
    );
    let sni = sni::encode("APP.SVRCONN");
    let tls = Negotiated { sni: Some(&sni), suite: Some(TLS13_AES128), peer_chain: Some(&chain) };
    assert_eq!(
        check(&store, &start("APP.SVRCONN", 6), &tls, addr(), &["mqm", "root"]).unwrap().mcauser,
        "mapped"
    );
}
