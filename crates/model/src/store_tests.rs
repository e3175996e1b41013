use super::*;
use crate::attrs::Param;
use crate::chlauth::{ChlauthAction, ChlauthType, Entity};

fn stamp() -> Stamp {
    Stamp::from_unix(1_795_420_798)
}

fn attrs(otype: ObjectType, chltype: Option<ChannelType>, pairs: &[(&str, &str)]) -> AttrSet {
    let values: Vec<Vec<String>> = pairs.iter().map(|(_, v)| vec![v.to_string()]).collect();
    let params: Vec<Param<'_>> = pairs
        .iter()
        .zip(&values)
        .map(|((k, _), v)| Param { keyword: k, values: Some(v.as_slice()) })
        .collect();
    let (set, findings) = AttrSet::build(otype, chltype, &params);
    assert!(findings.is_empty(), "{findings:?}");
    set
}

fn svrconn(pairs: &[(&str, &str)]) -> AttrSet {
    let mut all = vec![("CHLTYPE", "SVRCONN")];
    all.extend_from_slice(pairs);
    attrs(ObjectType::Channel, Some(ChannelType::Svrconn), &all)
}

#[test]
fn define_replace_and_alter() {
    let mut store = Store::new("QM1", stamp()).unwrap();
    store
        .define(ObjectType::Channel, "APP", svrconn(&[("SSLCIPH", "ANY_TLS13")]), None, false, stamp())
        .unwrap();
    let err = store.define(ObjectType::Channel, "APP", svrconn(&[]), None, false, stamp()).unwrap_err();
    assert_eq!(err.to_string(), "CHANNEL(APP) already exists; use REPLACE to overwrite it");
    // REPLACE starts again from the defaults: SSLCIPH is gone.
    store.define(ObjectType::Channel, "APP", svrconn(&[("DESCR", "x")]), None, true, stamp()).unwrap();
    assert_eq!(store.get(ObjectType::Channel, "APP").unwrap().str("SSLCIPH"), "");
    // ALTER keeps what it does not name.
    store.alter(ObjectType::Channel, "APP", svrconn(&[("SSLCAUTH", "OPTIONAL")]), stamp()).unwrap();
    let chl = store.get(ObjectType::Channel, "APP").unwrap();
    assert_eq!((chl.str("DESCR").as_str(), chl.str("SSLCAUTH").as_str()), ("x", "OPTIONAL"));
}

#[test]
fn channel_type_cannot_change() {
    let mut store = Store::new("QM1", stamp()).unwrap();
    store.define(ObjectType::Channel, "APP", svrconn(&[]), None, false, stamp()).unwrap();
    let rcvr = attrs(ObjectType::Channel, Some(ChannelType::Rcvr), &[("CHLTYPE", "RCVR")]);
    let err = store.alter(ObjectType::Channel, "APP", rcvr, stamp()).unwrap_err();
    assert_eq!(err.to_string(), "CHANNEL(APP) is CHLTYPE(SVRCONN), not RCVR");
}

#[test]
fn like_and_system_defaults() {
    let mut store = Store::new("QM1", stamp()).unwrap();
    store
        .define(
            ObjectType::Channel,
            "SYSTEM.DEF.SVRCONN",
            svrconn(&[("MCAUSER", "nobody")]),
            None,
            false,
            stamp(),
        )
        .unwrap();
    store.define(ObjectType::Channel, "A", svrconn(&[("HBINT", "30")]), None, false, stamp()).unwrap();
    assert_eq!(store.get(ObjectType::Channel, "A").unwrap().str("MCAUSER"), "nobody");
    store.define(ObjectType::Channel, "B", svrconn(&[]), Some("A"), false, stamp()).unwrap();
    assert_eq!(store.get(ObjectType::Channel, "B").unwrap().int("HBINT"), Some(30));
    let err = store.define(ObjectType::Channel, "C", svrconn(&[]), Some("NOPE"), false, stamp()).unwrap_err();
    assert_eq!(err.to_string(), "CHANNEL(NOPE) not found");
}

#[test]
fn queues_share_a_namespace() {
    let mut store = Store::new("QM1", stamp()).unwrap();
    store.define(ObjectType::Qlocal, "Q1", AttrSet::default(), None, false, stamp()).unwrap();
    let err = store.define(ObjectType::Qremote, "Q1", AttrSet::default(), None, true, stamp()).unwrap_err();
    assert_eq!(err.to_string(), "Q1 is already defined as QLOCAL; names are shared by all queue types");
    assert!(store.delete(ObjectType::Qalias, "Q1").is_err());
    assert!(store.delete(ObjectType::Qlocal, "Q1").is_ok());
    assert!(store.get(ObjectType::Qlocal, "Q1").is_none());
}

#[test]
fn required_attributes() {
    let mut store = Store::new("QM1", stamp()).unwrap();
    let sdr = attrs(ObjectType::Channel, Some(ChannelType::Sdr), &[("CHLTYPE", "SDR"), ("CONNAME", "h(1)")]);
    let err = store.define(ObjectType::Channel, "TO.QM2", sdr, None, false, stamp()).unwrap_err();
    assert_eq!(err.to_string(), "XMITQ is required for CHLTYPE(SDR)");
    let ocsp = attrs(ObjectType::Authinfo, None, &[("AUTHTYPE", "OCSP")]);
    let err = store.define(ObjectType::Authinfo, "OCSP", ocsp, None, false, stamp()).unwrap_err();
    assert_eq!(err.to_string(), "OCSPURL is required for AUTHTYPE(OCSP)");
    assert!(store.get(ObjectType::Authinfo, "OCSP").is_none(), "a failed DEFINE changes nothing");
}

#[test]
fn generic_names() {
    assert!(generic_match("*", "ANY"));
    assert!(generic_match("APP.*", "APP.SVRCONN"));
    assert!(!generic_match("APP.*", "AP"));
    assert!(generic_match("EXACT", "EXACT") && !generic_match("EXACT", "EXACTLY"));
}

fn chlauth(profile: &str, rtype: ChlauthType, pairs: &[(&str, &[&str])]) -> ChlauthRecord {
    let values: Vec<Vec<String>> =
        pairs.iter().map(|(_, v)| v.iter().map(|s| s.to_string()).collect()).collect();
    let params: Vec<Param<'_>> = pairs
        .iter()
        .zip(&values)
        .map(|((k, _), v)| Param { keyword: k, values: Some(v.as_slice()) })
        .collect();
    let (attrs, findings) = ChlauthRecord::parse_params(rtype, &params);
    assert!(findings.is_empty(), "{findings:?}");
    ChlauthRecord { profile: profile.into(), rtype, attrs, altered: stamp() }
}

#[test]
fn chlauth_add_replace_remove() {
    let mut store = Store::new("QM1", stamp()).unwrap();
    let peer = |user: &str| {
        chlauth(
            "APP",
            ChlauthType::SslPeerMap,
            &[("SSLPEER", &["CN=a"]), ("USERSRC", &["MAP"]), ("MCAUSER", &[user])],
        )
    };
    store.set_chlauth(peer("u1"), ChlauthAction::Add).unwrap();
    let err = store.set_chlauth(peer("u2"), ChlauthAction::Add).unwrap_err();
    assert_eq!(err.to_string(), "CHLAUTH(APP) TYPE(SSLPEERMAP) already exists; use ACTION(REPLACE)");
    store.set_chlauth(peer("u2"), ChlauthAction::Replace).unwrap();
    assert_eq!(store.chlauth().len(), 1);
    assert_eq!(store.chlauth()[0].get("MCAUSER"), Some(Value::Str("u2".into())));
    store.set_chlauth(peer("u2"), ChlauthAction::Remove).unwrap();
    assert!(store.chlauth().is_empty());
}

#[test]
fn chlauth_rules_need_their_parts() {
    let mut store = Store::new("QM1", stamp()).unwrap();
    let no_user = chlauth("APP", ChlauthType::AddressMap, &[("ADDRESS", &["*"]), ("USERSRC", &["MAP"])]);
    let err = store.set_chlauth(no_user, ChlauthAction::Add).unwrap_err();
    assert_eq!(err.to_string(), "MCAUSER is required with USERSRC(MAP)");
    let block = chlauth("APP", ChlauthType::BlockAddr, &[("ADDRLIST", &["10.0.0.1"])]);
    assert!(store.set_chlauth(block, ChlauthAction::Add).is_err());
    let (_, findings) = ChlauthRecord::parse_params(
        ChlauthType::BlockUser,
        &[Param { keyword: "SSLPEER", values: Some(&["CN=x".to_string()]) }],
    );
    assert_eq!(findings[0].error.to_string(), "SSLPEER is not valid for CHLAUTH TYPE(BLOCKUSER)");
}

#[test]
fn block_lists_grow_and_shrink() {
    let mut store = Store::new("QM1", stamp()).unwrap();
    let users = |u: &[&str]| chlauth("*", ChlauthType::BlockUser, &[("USERLIST", u)]);
    store.set_chlauth(users(&["NOBODY", "*MQADMIN"]), ChlauthAction::Add).unwrap();
    store.set_chlauth(users(&["EVE"]), ChlauthAction::Add).unwrap();
    assert_eq!(store.chlauth().len(), 1);
    let list = |s: &Store| s.chlauth()[0].get("USERLIST").unwrap();
    assert_eq!(list(&store), Value::List(vec!["NOBODY".into(), "*MQADMIN".into(), "EVE".into()]));
    store.set_chlauth(users(&["NOBODY"]), ChlauthAction::Remove).unwrap();
    assert_eq!(list(&store), Value::List(vec!["*MQADMIN".into(), "EVE".into()]));
}

#[test]
fn authrecs_accumulate() {
    let mut store = Store::new("QM1", stamp()).unwrap();
    let who = Entity::Principal("app".into());
    store.set_authrec("Q1", "QUEUE", who.clone(), &["PUT", "GET"], &[]);
    store.set_authrec("Q1", "QUEUE", who.clone(), &["INQ"], &["GET"]);
    let rec = &store.authrecs()[0];
    assert_eq!(rec.authorities.iter().copied().collect::<Vec<_>>(), vec!["INQ", "PUT"]);
    store.set_authrec("Q1", "QUEUE", who, &[], &["ALL"]);
    assert!(store.authrecs().is_empty());
}

/// IBM MQ keeps CLNTCONN channels in a client channel table apart from the queue manager's
/// channels ("DELETE CHANNEL": CHLTABLE(QMGRTBL) "does not contain any channels of type
/// CLNTCONN"; "Creating a client channel definition table": define the client-connection
/// channel "with the same name as the server-connection channel").
#[test]
fn clntconn_channels_have_their_own_table() {
    let mut store = Store::new("QM1", stamp()).unwrap();
    let client = |pairs: &[(&str, &str)]| {
        let mut all = vec![("CHLTYPE", "CLNTCONN"), ("CONNAME", "qm1(1414)")];
        all.extend_from_slice(pairs);
        attrs(ObjectType::Channel, Some(ChannelType::Clntconn), &all)
    };
    store.define(ObjectType::Channel, "APP", svrconn(&[]), None, false, stamp()).unwrap();
    store.define(ObjectType::Channel, "APP", client(&[]), None, false, stamp()).unwrap();
    assert_eq!(store.get(ObjectType::Channel, "APP").unwrap().channel_type(), Some(ChannelType::Svrconn));
    assert_eq!(store.client_channel("APP").unwrap().channel_type(), Some(ChannelType::Clntconn));
    let all: Vec<_> = store.matching(&[ObjectType::Channel], "*").filter_map(Object::channel_type).collect();
    assert_eq!(all, [ChannelType::Svrconn, ChannelType::Clntconn]);
    // A third channel type under the name still collides with the SVRCONN.
    let sdr = attrs(
        ObjectType::Channel,
        Some(ChannelType::Sdr),
        &[("CHLTYPE", "SDR"), ("CONNAME", "h"), ("XMITQ", "X")],
    );
    let e = store.define(ObjectType::Channel, "APP", sdr, None, true, stamp()).unwrap_err();
    assert!(matches!(e, ModelError::WrongChannelType { .. }), "{e}");
    // ALTER goes to the table of its CHLTYPE.
    store.alter(ObjectType::Channel, "APP", client(&[("DESCR", "c")]), stamp()).unwrap();
    assert_eq!(store.client_channel("APP").unwrap().str("DESCR"), "c");
    assert_eq!(store.get(ObjectType::Channel, "APP").unwrap().str("DESCR"), "");
    // DELETE without CHLTABLE is QMGRTBL; naming the other table is said.
    store.delete(ObjectType::Channel, "APP").unwrap();
    let e = store.delete(ObjectType::Channel, "APP").unwrap_err();
    assert_eq!(
        e.to_string(),
        "CHANNEL(APP) is not in CHLTABLE(QMGRTBL); CHLTABLE(CLNTTBL) has it: DELETE CHANNEL(APP) CHLTABLE(CLNTTBL)"
    );
    store.delete_channel("APP", ChannelTable::Client).unwrap();
    assert!(store.client_channel("APP").is_none());
    let e = store.delete_channel("APP", ChannelTable::Client).unwrap_err();
    assert!(matches!(e, ModelError::NotFound { .. }), "{e}");
}
