use super::*;

fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn used(r: &Resolution) -> &'static str {
    r.steps.iter().find(|s| s.used).map(|s| s.what).unwrap()
}

#[test]
fn mqserver_wins_over_everything_and_is_a_trap() {
    let ini = ClientIni::parse("CHANNELS:\n ChannelDefinitionDirectory=/opt/ccdt\n");
    let r = resolve(
        &env(&[("MQSERVER", "APP.SVRCONN/TCP/'mq1(1414)'"), ("MQCCDTURL", "file:///x.json")]),
        Some(&ini),
        "/var/mqm",
    )
    .unwrap();
    let Source::Mqserver(ch) = &r.source else { panic!("{:?}", r.source) };
    assert_eq!((ch.name.as_str(), ch.conname().as_str()), ("APP.SVRCONN", "mq1(1414)"));
    assert_eq!(
        r.traps[0].text,
        "MQSERVER defines the only channel and overrides the CCDT at file:///x.json; it cannot carry TLS (no SSLCIPH): unset it and use a CCDT"
    );
    assert_eq!(r.steps.len(), 6, "every source is listed");
}

#[test]
fn server_connection_parms_come_next() {
    let ini = ClientIni::parse("CHANNELS:\n ServerConnectionParms=C1/TCP/h(1)\n");
    let r = resolve(&env(&[("MQCHLLIB", "/ccdt")]), Some(&ini), "/var/mqm").unwrap();
    assert!(matches!(r.source, Source::ServerConnectionParms(_)));
    assert!(r.traps[0].text.starts_with(
        "ServerConnectionParms defines the only channel and overrides the CCDT at /ccdt/AMQCLCHL.TAB"
    ));
}

#[test]
fn url_then_environment_then_ini_then_default() {
    let ini =
        ClientIni::parse("CHANNELS:\n ChannelDefinitionDirectory=/ini\n ChannelDefinitionFile=ccdt.json\n");
    let r = resolve(&env(&[("MQCCDTURL", "file:///u.json"), ("MQCHLLIB", "/lib")]), Some(&ini), "/var/mqm")
        .unwrap();
    assert_eq!((used(&r), &r.source), ("MQCCDTURL", &Source::Url("file:///u.json".into())));
    assert!(r.traps.iter().any(|t| t.text.starts_with("MQCCDTURL and MQCHLLIB/MQCHLTAB are both set")));
    let r = resolve(&env(&[("MQCHLTAB", "t.tab")]), Some(&ini), "/var/mqm").unwrap();
    assert_eq!(r.source, Source::File("/var/mqm/t.tab".into()), "MQCHLTAB alone uses the data directory");
    assert!(r.traps.iter().any(|t| t.text == "environment variable MQCHLTAB=t.tab overrides mqclient.ini ChannelDefinitionFile=ccdt.json: unset MQCHLTAB to use the file"));
    let r = resolve(&env(&[]), Some(&ini), "/var/mqm").unwrap();
    assert_eq!(r.source, Source::File("/ini/ccdt.json".into()));
    let r = resolve(&env(&[]), None, "/home/u/.mqtls/").unwrap();
    assert_eq!((used(&r), r.source), ("default table", Source::File("/home/u/.mqtls/AMQCLCHL.TAB".into())));
}

#[test]
fn tls_settings_and_their_traps() {
    let ini = ClientIni::parse("SSL:\n SSLKeyRepository=/keys/app\n CertificateLabel=appcert\n");
    let r =
        resolve(&env(&[("MQSSLKEYR", "/keys/other"), ("MQCERTLABL", "APPCERT")]), Some(&ini), "/d").unwrap();
    assert_eq!(r.key_repository, Some(Setting { value: "/keys/other".into(), from: "MQSSLKEYR" }));
    assert_eq!(r.cert_label.as_ref().unwrap().from, "MQCERTLABL");
    assert!(r.traps.iter().any(|t| t.text.contains(
        "MQCERTLABL=APPCERT overrides mqclient.ini CertificateLabel=appcert (they differ only in case)"
    )));
    let r = resolve(&env(&[]), Some(&ini), "/d").unwrap();
    assert_eq!(r.key_repository.unwrap().from, "mqclient.ini SSL:SSLKeyRepository");
}

#[test]
fn outbound_sni_env_beats_the_ini_and_bad_values_are_traps() {
    let ini = ClientIni::parse("SSL:\n OutboundSNI=HOSTNAME\n");
    let r = resolve(&env(&[]), Some(&ini), "/d").unwrap();
    assert_eq!(
        r.outbound_sni,
        Some(Setting { value: "HOSTNAME".into(), from: "mqclient.ini SSL:OutboundSNI" })
    );
    let r = resolve(&env(&[("MQOUTBOUND_SNI", "CHANNEL")]), Some(&ini), "/d").unwrap();
    assert_eq!(r.outbound_sni.unwrap().from, "MQOUTBOUND_SNI");
    assert!(r
        .traps
        .iter()
        .any(|t| t.text.contains("MQOUTBOUND_SNI=CHANNEL overrides mqclient.ini OutboundSNI=HOSTNAME")));
    let r = resolve(&env(&[("MQOUTBOUND_SNI", "sometimes")]), None, "/d").unwrap();
    assert_eq!(r.outbound_sni, None, "MQ uses CHANNEL for a value it does not know");
    assert!(r.traps.iter().any(|t| t.text.contains("MQOUTBOUND_SNI=sometimes is not CHANNEL or HOSTNAME")));
}

#[test]
fn bad_mqserver_values() {
    for (value, why) in [
        ("APP", "expected CHANNEL/TCP/host(port)"),
        ("APP/LU62/h", "only the TCP transport is supported"),
        ("A.NAME.LONGER.THAN.20/TCP/h", "the channel name must be 1 to 20 characters"),
        ("APP/TCP/", "no connection name after the second '/'"),
    ] {
        assert_eq!(
            parse_mqserver(value).unwrap_err(),
            CcdtError::Mqserver { value: value.into(), why },
            "{value}"
        );
    }
}

#[test]
fn non_tls_entry_first_and_case_only_labels() {
    let mut plain = ClientChannel::new("A.PLAIN");
    plain.qmgr = "QM1".into();
    let mut tls = ClientChannel::new("B.TLS");
    tls.cipher_spec = "ANY_TLS13".into();
    tls.cert_label = "AppCert".into();
    let label = Setting { value: "appcert".into(), from: "MQCERTLABL" };
    let traps = selection_traps(&[&plain, &tls], Some(&label));
    assert_eq!(traps[0].text, "A.PLAIN (no TLS) is tried before B.TLS (ANY_TLS13): the client will connect without TLS; remove it or give it SSLCIPH");
    assert!(traps[1].text.contains("labels differ only in case"));
    assert!(selection_traps(&[&tls, &plain], None).is_empty());
}
