//! Between CCDT entries and CLNTCONN channel definitions of the object model, so MQSC
//! (`mqtls mqsc -n`) can edit a table.

use mqtls_model::{AttrSet, ModelError, Object, ObjectType, Stamp, Value};

use crate::channel::{parse_conname, parse_local_address, Affinity, ClientChannel, Exit, Reconnect};
use crate::time::{format_iso, parse_iso};

fn word(s: &str) -> Value {
    Value::Word(s.to_owned())
}

fn list_of_upper(items: &[String]) -> Value {
    Value::List(items.iter().map(|s| s.to_ascii_uppercase()).collect())
}

/// The CLNTCONN definition of a CCDT entry.
pub fn to_object(c: &ClientChannel) -> Result<Object, ModelError> {
    let mut values: Vec<(&'static str, Value)> = vec![
        ("CHLTYPE", word("CLNTCONN")),
        ("QMNAME", Value::Str(c.qmgr.clone())),
        ("CONNAME", Value::Str(c.conname())),
        ("SSLCIPH", Value::Str(c.cipher_spec.clone())),
        ("CERTLABL", Value::Str(c.cert_label.clone())),
        ("SSLPEER", Value::Str(c.peer_name.clone())),
        ("DESCR", Value::Str(c.description.clone())),
        ("MAXMSGL", Value::Int(c.max_msg_length.into())),
        ("HBINT", Value::Int(c.heartbeat.into())),
        ("KAINT", if c.keepalive < 0 { word("AUTO") } else { Value::Int(c.keepalive.into()) }),
        ("SHARECNV", Value::Int(c.sharing_conversations.into())),
        ("CLNTWGHT", Value::Int(c.client_weight.into())),
        (
            "AFFINITY",
            word(match c.affinity {
                Affinity::Preferred => "PREFERRED",
                Affinity::None => "NONE",
            }),
        ),
        (
            "DEFRECON",
            word(match c.reconnect {
                Reconnect::No => "NO",
                Reconnect::Yes => "YES",
                Reconnect::QueueManager => "QMGR",
                Reconnect::Disabled => "DISABLED",
            }),
        ),
        (
            "LOCLADDR",
            Value::Str(c.local_address.iter().map(ToString::to_string).collect::<Vec<_>>().join(",")),
        ),
        ("COMPHDR", list_of_upper(&c.header_compression)),
        ("COMPMSG", list_of_upper(&c.message_compression)),
        ("SENDEXIT", Value::List(c.send_exits.iter().map(|x| x.name.clone()).collect())),
        ("SENDDATA", Value::List(c.send_exits.iter().map(|x| x.user_data.clone()).collect())),
        ("RCVEXIT", Value::List(c.receive_exits.iter().map(|x| x.name.clone()).collect())),
        ("RCVDATA", Value::List(c.receive_exits.iter().map(|x| x.user_data.clone()).collect())),
    ];
    if let Some(x) = &c.security_exit {
        values.push(("SCYEXIT", Value::Str(x.name.clone())));
        values.push(("SCYDATA", Value::Str(x.user_data.clone())));
    }
    let attrs = AttrSet::from_values(ObjectType::Channel, values)?;
    let stamp = c.altered.map(stamp_of).unwrap_or_default();
    Object::new(ObjectType::Channel, &c.name, attrs, stamp)
}

/// The CCDT entry of a CLNTCONN definition.
pub fn from_object(o: &Object) -> ClientChannel {
    let mut c = ClientChannel::new(o.name());
    let list = |kw: &str| match o.get(kw) {
        Some(Value::List(items)) => items,
        _ => Vec::new(),
    };
    c.qmgr = o.str("QMNAME");
    c.connections = parse_conname(&o.str("CONNAME"));
    c.cipher_spec = o.str("SSLCIPH");
    c.cert_label = o.str("CERTLABL");
    c.peer_name = o.str("SSLPEER");
    c.description = o.str("DESCR");
    let int = |kw: &str, default: i32| o.int(kw).and_then(|v| i32::try_from(v).ok()).unwrap_or(default);
    c.max_msg_length = int("MAXMSGL", c.max_msg_length);
    c.heartbeat = int("HBINT", c.heartbeat);
    c.keepalive = int("KAINT", -1);
    c.sharing_conversations = int("SHARECNV", c.sharing_conversations);
    c.client_weight = int("CLNTWGHT", 0);
    c.affinity = if o.str("AFFINITY") == "NONE" { Affinity::None } else { Affinity::Preferred };
    c.reconnect = match o.str("DEFRECON").as_str() {
        "YES" => Reconnect::Yes,
        "QMGR" => Reconnect::QueueManager,
        "DISABLED" => Reconnect::Disabled,
        _ => Reconnect::No,
    };
    c.local_address = parse_local_address(&o.str("LOCLADDR"));
    c.header_compression = list("COMPHDR").iter().map(|s| s.to_ascii_lowercase()).collect();
    c.message_compression = list("COMPMSG").iter().map(|s| s.to_ascii_lowercase()).collect();
    let pair = |names: Vec<String>, data: Vec<String>| -> Vec<Exit> {
        names
            .into_iter()
            .enumerate()
            .map(|(i, name)| Exit { name, user_data: data.get(i).cloned().unwrap_or_default() })
            .collect()
    };
    c.send_exits = pair(list("SENDEXIT"), list("SENDDATA"));
    c.receive_exits = pair(list("RCVEXIT"), list("RCVDATA"));
    let scy = Exit { name: o.str("SCYEXIT"), user_data: o.str("SCYDATA") };
    c.security_exit = (!scy.name.is_empty() || !scy.user_data.is_empty()).then_some(scy);
    let altered = o.altered();
    c.altered =
        parse_iso(&format!("{}T{}Z", altered.date, altered.time.replace('.', ":"))).filter(|t| *t > 0);
    c
}

fn stamp_of(t: i64) -> Stamp {
    let iso = format_iso(t);
    Stamp { date: iso[..10].to_owned(), time: iso[11..19].replace(':', ".") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_survive_the_model() {
        let mut c = ClientChannel::new("APP.SVRCONN");
        c.qmgr = "QM1".into();
        c.connections = parse_conname("mq1(1414),mq2(1415)");
        c.cipher_spec = "ANY_TLS13".into();
        c.cert_label = "app1".into();
        c.peer_name = "CN=QM1".into();
        c.client_weight = 5;
        c.affinity = Affinity::None;
        c.reconnect = Reconnect::QueueManager;
        c.header_compression = vec!["system".into()];
        c.send_exits = vec![Exit { name: "lib(fn)".into(), user_data: "d".into() }];
        c.altered = Some(1_543_937_842);
        let object = to_object(&c).unwrap();
        assert_eq!(object.str("KAINT"), "AUTO");
        assert_eq!(object.altered().time, "15.37.22");
        assert_eq!(from_object(&object), c);
    }
}
