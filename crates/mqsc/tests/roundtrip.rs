//! proptest: random typed commands print as canonical MQSC and parse back to the same value.

use mqtls_cipherspec::{Alias, CATALOG};
use mqtls_model::schema::{attributes, AttrDef, Kind};
use mqtls_model::{
    AttrSet, ChannelTable, ChannelType, ChlauthAction, ChlauthType, Entity, ObjectType, Value,
};
use mqtls_mqsc::command::*;
use mqtls_mqsc::convert::selectable;
use mqtls_mqsc::script;
use proptest::prelude::*;
use proptest::sample::{select, subsequence};

/// Printable text a quoted MQSC string can hold (no line breaks, no template markers).
fn text(max: usize) -> impl Strategy<Value = String> {
    proptest::string::string_regex(&format!("[ -z|~é]{{0,{}}}", max.min(24)))
        .expect("regex")
        .prop_filter("no template markers", |s| !s.contains("{{") && !s.contains("${"))
}

fn name(max: usize) -> impl Strategy<Value = String> {
    proptest::string::string_regex(&format!("[A-Za-z0-9._/]{{1,{}}}", max.min(20))).expect("regex")
}

fn value(def: &'static AttrDef) -> BoxedStrategy<Value> {
    match def.kind {
        Kind::Str { max } => text(max).prop_map(Value::Str).boxed(),
        Kind::CipherSpec => {
            let names: Vec<&str> = CATALOG
                .iter()
                .map(|s| s.name)
                .chain(Alias::ALL.iter().map(|a| a.name()))
                .chain([""])
                .collect();
            select(names).prop_map(|n| Value::Str(n.to_owned())).boxed()
        }
        Kind::DnFilter => select(vec!["", "CN=app1", "CN=app*,O=demo", "OU=a;OU=b", "CN=\"x, y\""])
            .prop_map(|f| Value::Str(f.to_owned()))
            .boxed(),
        Kind::Address => {
            select(vec!["*", "10.0.0.1", "192.168.*", "10.0.0.1-20", "*.example.com", "2001:db8::1"])
                .prop_map(|a| Value::Str(a.to_owned()))
                .boxed()
        }
        Kind::Int { min, max } => (min..=max).prop_map(Value::Int).boxed(),
        Kind::IntOr { min, max, words } => prop_oneof![
            (min..=max).prop_map(Value::Int),
            select(words).prop_map(|w| Value::Word(w.to_owned())),
        ]
        .boxed(),
        Kind::Enum(words) => select(words).prop_map(|w| Value::Word(w.to_owned())).boxed(),
        Kind::EnumList(words) => proptest::collection::vec(select(words).prop_map(str::to_owned), 0..3)
            .prop_map(Value::List)
            .boxed(),
        Kind::List { item_max, .. } => proptest::collection::vec(
            text(item_max).prop_filter("list items are not empty", |s| !s.is_empty()),
            0..3,
        )
        .prop_map(Value::List)
        .boxed(),
        Kind::Flag { .. } => any::<bool>().prop_map(Value::Flag).boxed(),
    }
}

/// Attribute values for an object, skipping CHLTYPE (handled by the caller).
fn attrs(otype: ObjectType, chltype: Option<ChannelType>) -> impl Strategy<Value = AttrSet> {
    let defs: Vec<&'static AttrDef> = attributes(otype)
        .iter()
        .filter(|d| d.keyword != "CHLTYPE" && chltype.is_none_or(|t| d.chl.has(t)))
        .collect();
    subsequence(defs.clone(), 0..defs.len().min(6))
        .prop_flat_map(|picked| {
            picked.into_iter().map(|d| value(d).prop_map(move |v| (d.keyword, v))).collect::<Vec<_>>()
        })
        .prop_map(move |values| {
            let chl = chltype.map(|t| ("CHLTYPE", Value::Word(t.keyword().to_owned())));
            AttrSet::from_values(otype, values.into_iter().chain(chl)).expect("generated values are valid")
        })
}

fn object_type() -> impl Strategy<Value = ObjectType> {
    select(ObjectType::ALL.iter().copied().filter(|t| *t != ObjectType::Qmgr).collect::<Vec<_>>())
}

fn define() -> impl Strategy<Value = Command> {
    (object_type(), select(ChannelType::ALL.to_vec()))
        .prop_flat_map(|(otype, t)| {
            let chltype = (otype == ObjectType::Channel).then_some(t);
            let max = otype.max_name();
            (Just(otype), name(max), proptest::option::of(name(max)), any::<bool>(), attrs(otype, chltype))
        })
        .prop_map(|(otype, name, like, replace, attrs)| {
            Command::Define(Define { otype, name, like, replace, attrs })
        })
}

fn alter() -> impl Strategy<Value = Command> {
    (select(ObjectType::ALL.to_vec()), select(ChannelType::ALL.to_vec()))
        .prop_flat_map(|(otype, t)| {
            let chltype = (otype == ObjectType::Channel).then_some(t);
            let name = if otype == ObjectType::Qmgr {
                Just(String::new()).boxed()
            } else {
                name(otype.max_name()).boxed()
            };
            (Just(otype), name, any::<bool>(), attrs(otype, chltype))
        })
        .prop_map(|(otype, name, force, attrs)| Command::Alter(Alter { otype, name, force, attrs }))
}

fn display() -> impl Strategy<Value = Command> {
    let targets = vec![
        DisplayTarget::Objects(ObjectType::Channel),
        DisplayTarget::Objects(ObjectType::Qmgr),
        DisplayTarget::Objects(ObjectType::Qlocal),
        DisplayTarget::Queues,
        DisplayTarget::Chstatus,
        DisplayTarget::Qstatus,
        DisplayTarget::Chlauth,
        DisplayTarget::Conn,
        DisplayTarget::Qmstatus,
        DisplayTarget::Lsstatus,
    ];
    select(targets).prop_flat_map(|target| {
        let keys = selectable(target);
        let name = if matches!(target, DisplayTarget::Objects(ObjectType::Qmgr) | DisplayTarget::Qmstatus) {
            Just(String::new()).boxed()
        } else {
            name(20).boxed()
        };
        let where_ = proptest::option::of(
            (select(keys.clone()), select(WhereOp::ALL.to_vec()), text(10))
                .prop_map(|(k, (_, op), value)| Where { keyword: k.to_owned(), op, value }),
        );
        (Just(target), name, any::<bool>(), subsequence(keys.clone(), 0..keys.len().min(5)), where_).prop_map(
            |(target, name, all, select, where_)| {
                let select = select.into_iter().map(str::to_owned).collect();
                Command::Display(Display { target, name, all, select, filters: vec![], where_ })
            },
        )
    })
}

fn chlauth() -> impl Strategy<Value = Command> {
    (
        select(ChlauthType::ALL.to_vec()),
        select(vec![ChlauthAction::Add, ChlauthAction::Replace, ChlauthAction::Remove]),
    )
        .prop_flat_map(|(rtype, action)| {
            let identity = match rtype {
                ChlauthType::BlockUser | ChlauthType::BlockAddr => {
                    proptest::collection::vec(name(12), 1..3).prop_map(Value::List).boxed()
                }
                ChlauthType::SslPeerMap => {
                    select(vec!["CN=a", "CN=b*,O=x"]).prop_map(|s| Value::Str(s.into())).boxed()
                }
                ChlauthType::AddressMap => {
                    select(vec!["*", "10.1.*"]).prop_map(|s| Value::Str(s.into())).boxed()
                }
                _ => text(40).prop_map(Value::Str).boxed(),
            };
            (Just(rtype), Just(action), name(20), identity, proptest::option::of(text(20)))
        })
        .prop_map(|(rtype, action, profile, identity, descr)| {
            let values =
                [(rtype.identity(), identity)].into_iter().chain(descr.map(|d| ("DESCR", Value::Str(d))));
            let attrs = AttrSet::from_chlauth_values(values).expect("valid");
            Command::SetChlauth(SetChlauth { profile, rtype, action, attrs })
        })
}

fn authrec() -> impl Strategy<Value = Command> {
    let auths = vec!["ALL", "BROWSE", "CONNECT", "GET", "INQ", "PUT", "SET", "DSP", "CHG"];
    (
        select(vec!["QMGR", "QUEUE", "TOPIC", "CHANNEL"]),
        name(20),
        any::<bool>(),
        "[a-z][a-z0-9]{0,11}",
        subsequence(auths.clone(), 1..3),
        subsequence(auths, 0..2),
        any::<bool>(),
    )
        .prop_map(|(objtype, profile, group, who, add, remove, delete)| {
            let profile = if objtype == "QMGR" { String::new() } else { profile };
            let entity = if group { Entity::Group(who) } else { Entity::Principal(who) };
            if delete {
                return Command::DeleteAuthrec { profile, objtype, entity };
            }
            Command::SetAuthrec(SetAuthrec { profile, objtype, entity, add, remove })
        })
}

fn runtime() -> impl Strategy<Value = Command> {
    prop_oneof![
        name(20).prop_map(|name| Command::Start(Control {
            target: ControlTarget::Channel,
            name,
            mode: None,
            status: None,
            conname: None,
            qmname: None
        })),
        (
            name(20),
            select(vec![None, Some("FORCE"), Some("QUIESCE")]),
            select(vec![None, Some("STOPPED"), Some("INACTIVE")]),
            select(vec![None, Some("10.0.0.1"), Some("host.example(1414)")])
        )
            .prop_map(|(name, mode, status, conname)| Command::Stop(Control {
                target: ControlTarget::Channel,
                name,
                mode,
                status,
                conname: conname.map(str::to_owned),
                qmname: None
            })),
        (name(20), proptest::option::of(0i64..999_999_999))
            .prop_map(|(name, seqnum)| Command::ResetChannel { name, seqnum }),
        (name(20), proptest::option::of(0i64..32_768))
            .prop_map(|(name, datalen)| Command::PingChannel { name, datalen }),
        (name(20), any::<bool>()).prop_map(|(name, commit)| Command::ResolveChannel { name, commit }),
        name(48).prop_map(|name| Command::ClearQlocal { name }),
        any::<u64>().prop_map(|id| Command::StopConn { conn: format!("{id:016X}") }),
        name(48).prop_map(|name| Command::Delete(Delete {
            otype: ObjectType::Qlocal,
            name,
            purge: true,
            chltable: None
        })),
        (name(20), proptest::option::of(select(vec![ChannelTable::Qmgr, ChannelTable::Client]))).prop_map(
            |(name, chltable)| Command::Delete(Delete {
                otype: ObjectType::Channel,
                name,
                purge: false,
                chltable
            })
        ),
        select(RefreshType::ALL.to_vec()).prop_map(|(_, t)| Command::RefreshSecurity(t)),
        Just(Command::End),
    ]
}

fn command() -> impl Strategy<Value = Command> {
    prop_oneof![define(), alter(), display(), chlauth(), authrec(), runtime()]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn print_then_parse_gives_the_same_command(cmd in command()) {
        let printed = cmd.to_string();
        let entries = script::verify(&printed);
        prop_assert_eq!(entries.len(), 1, "{}", printed);
        let errors: Vec<String> = entries[0].diagnostics.iter().map(ToString::to_string).collect();
        prop_assert_eq!(entries[0].command.as_ref(), Some(&cmd), "printed: {}\nfindings: {:?}", printed, errors);
    }
}
