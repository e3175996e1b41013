use super::*;

fn rule(profile: &str, kind: RuleKind, address: Option<&str>, usersrc: UserSrc, mcauser: &str) -> Rule {
    Rule {
        profile: profile.into(),
        kind,
        address: address.map(|a| AddressPattern::parse(a).unwrap()),
        usersrc,
        mcauser: mcauser.into(),
        warn: false,
        label: format!("{profile}/{mcauser}"),
    }
}

fn peer(f: &str) -> RuleKind {
    RuleKind::SslPeerMap { peer: PeerFilter::parse(f).unwrap(), issuer: None }
}

fn partner<'a>(channel: &'a str, ip: &str, dn: Option<&'a Dn>) -> Partner<'a> {
    Partner {
        channel,
        client: true,
        address: ip.parse().unwrap(),
        host: None,
        peer: dn,
        issuer: None,
        remote_qmgr: None,
        client_user: Some("alice"),
        channel_mcauser: "",
        privileged: &["mqm", "root"],
    }
}

fn admitted(d: &Decision) -> Option<&str> {
    match &d.outcome {
        Outcome::Admit { mcauser } => Some(mcauser),
        Outcome::Refuse => None,
    }
}

/// MQ's default set: block everyone on every channel, then open what is wanted.
fn defaults() -> Vec<Rule> {
    vec![
        rule("*", RuleKind::AddressMap, Some("*"), UserSrc::NoAccess, ""),
        rule("*", RuleKind::BlockUser(vec!["*MQADMIN".into()]), None, UserSrc::Channel, ""),
    ]
}

#[test]
fn no_rules_admit_with_the_channel_user() {
    let d = evaluate(&[], &partner("APP", "10.0.0.1", None));
    assert_eq!(admitted(&d), Some("alice"));
    assert_eq!(d.rule, None);
}

#[test]
fn blockaddr_comes_first() {
    let mut rules = defaults();
    rules.push(rule("APP", RuleKind::AddressMap, Some("*"), UserSrc::Map, "app"));
    rules.push(rule(
        "*",
        RuleKind::BlockAddr(vec![AddressPattern::parse("10.9.*").unwrap()]),
        None,
        UserSrc::Channel,
        "",
    ));
    let d = evaluate(&rules, &partner("APP", "10.9.1.1", None));
    assert_eq!(d.outcome, Outcome::Refuse);
    assert_eq!(d.why, "address 10.9.1.1 is on the BLOCKADDR list");
    assert_eq!(admitted(&evaluate(&rules, &partner("APP", "10.8.1.1", None))), Some("app"));
}

#[test]
fn most_specific_profile_wins_over_the_backstop() {
    let mut rules = defaults();
    rules.push(rule("APP.*", RuleKind::AddressMap, Some("*"), UserSrc::Map, "generic"));
    rules.push(rule("APP.SVRCONN", RuleKind::AddressMap, Some("*"), UserSrc::Map, "exact"));
    assert_eq!(admitted(&evaluate(&rules, &partner("APP.SVRCONN", "1.2.3.4", None))), Some("exact"));
    assert_eq!(admitted(&evaluate(&rules, &partner("APP.OTHER", "1.2.3.4", None))), Some("generic"));
    let d = evaluate(&rules, &partner("ADMIN", "1.2.3.4", None));
    assert_eq!(d.outcome, Outcome::Refuse, "the '*' NOACCESS backstop");
    assert_eq!(d.rule.as_deref(), Some("*/"));
}

#[test]
fn sslpeermap_beats_addressmap_on_the_same_profile() {
    let dn = Dn::parse("CN=app1,O=demo").unwrap();
    let rules = vec![
        rule("APP", RuleKind::AddressMap, Some("*"), UserSrc::NoAccess, ""),
        rule("APP", peer("CN=app1"), None, UserSrc::Map, "app"),
    ];
    assert_eq!(admitted(&evaluate(&rules, &partner("APP", "1.1.1.1", Some(&dn)))), Some("app"));
    let other = Dn::parse("CN=eve").unwrap();
    assert_eq!(evaluate(&rules, &partner("APP", "1.1.1.1", Some(&other))).outcome, Outcome::Refuse);
}

#[test]
fn more_specific_sslpeer_and_address_win() {
    let dn = Dn::parse("CN=app1,OU=payments,O=demo").unwrap();
    let rules = vec![
        rule("APP", peer("O=demo"), None, UserSrc::Map, "broad"),
        rule("APP", peer("CN=app1,O=demo"), None, UserSrc::Map, "narrow"),
        rule("APP", peer("CN=app*,O=demo"), None, UserSrc::Map, "wild"),
    ];
    assert_eq!(admitted(&evaluate(&rules, &partner("APP", "1.1.1.1", Some(&dn)))), Some("narrow"));
    let rules = vec![
        rule("APP", RuleKind::AddressMap, Some("10.*"), UserSrc::Map, "net"),
        rule("APP", RuleKind::AddressMap, Some("10.1.1.1"), UserSrc::Map, "host"),
    ];
    assert_eq!(admitted(&evaluate(&rules, &partner("APP", "10.1.1.1", None))), Some("host"));
    assert_eq!(admitted(&evaluate(&rules, &partner("APP", "10.1.1.2", None))), Some("net"));
}

#[test]
fn usermap_and_qmgrmap_follow_the_channel_kind() {
    let rules = vec![
        rule("*", RuleKind::UserMap("alice".into()), None, UserSrc::Map, "mapped_alice"),
        rule("*", RuleKind::QmgrMap("QM2*".into()), None, UserSrc::Map, "qm2user"),
    ];
    assert_eq!(admitted(&evaluate(&rules, &partner("APP", "1.1.1.1", None))), Some("mapped_alice"));
    let mut qm = partner("QM2.TO.QM1", "1.1.1.1", None);
    qm.client = false;
    qm.remote_qmgr = Some("QM2A");
    assert_eq!(admitted(&evaluate(&rules, &qm)), Some("qm2user"));
}

#[test]
fn blockuser_stops_privileged_and_listed_users() {
    let mut rules = defaults();
    rules.push(rule("APP", RuleKind::AddressMap, Some("*"), UserSrc::Map, "mqm"));
    let d = evaluate(&rules, &partner("APP", "1.1.1.1", None));
    assert_eq!(d.outcome, Outcome::Refuse);
    assert_eq!(d.why, "user 'mqm' is on the BLOCKUSER list");
    // A more specific BLOCKUSER list replaces the '*' one for that channel.
    rules.push(rule("APP", RuleKind::BlockUser(vec!["nobody".into()]), None, UserSrc::Channel, ""));
    assert_eq!(admitted(&evaluate(&rules, &partner("APP", "1.1.1.1", None))), Some("mqm"));
}

#[test]
fn warn_admits_and_reports() {
    let mut r = rule("APP", RuleKind::AddressMap, Some("*"), UserSrc::NoAccess, "");
    r.warn = true;
    let d = evaluate(&[r], &partner("APP", "1.1.1.1", None));
    assert_eq!(admitted(&d), Some("alice"));
    assert_eq!(d.warnings, vec!["USERSRC(NOACCESS) would refuse (WARN(YES): admitted)".to_string()]);
}
