//! Runs typed commands against an in-memory [`Store`]: definitions and DISPLAY.
//! Commands that act on running channels and listeners need a queue manager.

use mqtls_dn::{evaluate, Administrators, Dn, Outcome, Partner};
use mqtls_model::schema::Kind;
use mqtls_model::{
    generic_match, ChannelTable, ChannelType, ChlauthRecord, Entity, ModelError, Object, ObjectType, Stamp,
    Store, Value,
};

use crate::command::{Command, ControlTarget, Display, DisplayTarget};
use crate::error::MqscError;
use crate::layout::{layout, shown};
use crate::live_display::{ConnRow, Items};
use crate::where_filter::{object_matches, value_of};

/// DISPLAY CHSTATUS when no channel instance matches.
pub const NO_CHSTATUS: &str = "AMQ8420I: Channel Status not found.";

/// What the queue manager says after a definition changed (runmqsc message lines).
fn done(otype: ObjectType, what: &str) -> String {
    let (id, noun) = match (otype, what) {
        (t, "created") if t.is_queue() => ("AMQ8006I", "Queue"),
        (t, "deleted") if t.is_queue() => ("AMQ8007I", "Queue"),
        (ObjectType::Qlocal | ObjectType::Qmodel | ObjectType::Qremote | ObjectType::Qalias, _) => {
            ("AMQ8008I", "Queue")
        }
        (ObjectType::Channel, "created") => ("AMQ8014I", "Channel"),
        (ObjectType::Channel, "deleted") => ("AMQ8015I", "Channel"),
        (ObjectType::Channel, _) => ("AMQ8016I", "Channel"),
        (ObjectType::Qmgr, _) => ("AMQ8005I", "Queue manager"),
        (ObjectType::Listener, _) => ("AMQ8626I", "Listener"),
        (ObjectType::Authinfo, _) => ("AMQ8563I", "Authentication information"),
        (ObjectType::Namelist, _) => ("AMQ8548I", "Namelist"),
        (ObjectType::Service, _) => ("AMQ8627I", "Service"),
        (ObjectType::Topic, _) => ("AMQ8690I", "Topic"),
        (ObjectType::Process, _) => ("AMQ8010I", "Process"),
        (ObjectType::Sub, _) => ("AMQ8094I", "Subscription"),
    };
    format!("{id}: {noun} {what}.")
}

/// What a running queue manager knows beyond its definitions, for DISPLAY. Without one
/// (in memory, or verifying) every queue is empty and unopened.
pub trait Live {
    /// CURDEPTH of a local queue.
    fn curdepth(&self, _queue: &str) -> usize {
        0
    }
    /// IPPROCS and OPPROCS: handles open on a local queue for input and for output.
    fn handles(&self, _queue: &str) -> (usize, usize) {
        (0, 0)
    }
    /// Messages units of work hold on a local queue (UNCOM).
    fn uncommitted(&self, _queue: &str) -> usize {
        0
    }
    /// Whether this is an in-memory queue manager (`mqsc --memory`, the shell without a
    /// queue manager): START / STOP CHANNEL and LISTENER, CLEAR QLOCAL and REFRESH SECURITY
    /// are checked against the definitions and answered, and nothing runs. Otherwise (a
    /// script loaded as definitions) they need a running queue manager.
    fn in_memory(&self) -> bool {
        false
    }
    /// DISPLAY QMSTATUS's pairs but QMNAME; `None` without a running queue manager.
    fn qmstatus(&self) -> Option<Items> {
        None
    }
    /// DISPLAY LSSTATUS: each running listener's name and run-time pairs (the LISTENER
    /// object's DESCR, TRPTYPE, CONTROL and BACKLOG are added from the definitions).
    fn listener_status(&self) -> Option<Vec<(String, Items)>> {
        None
    }
    /// DISPLAY CONN: each connected application.
    fn connections(&self) -> Option<Vec<ConnRow>> {
        None
    }
    /// Who `*MQADMIN` stands for in MATCH(RUNCHECK): without OS accounts, the user ids
    /// `mqm` and `root`.
    fn administrators(&self) -> &dyn Administrators {
        &["mqm", "root"]
    }
}

/// A queue manager with no messages.
pub(crate) struct Empty;

impl Live for Empty {}

/// Applies `cmd` to `store`; returns the lines runmqsc would print. Local queues show
/// CURDEPTH(0): there is no message store here (see [`execute_live`]).
pub fn execute(store: &mut Store, cmd: &Command, stamp: Stamp) -> Result<Vec<String>, MqscError> {
    execute_live(store, cmd, stamp, &Empty)
}

/// [`execute`] on a running queue manager: DISPLAY QLOCAL shows `live`'s CURDEPTH.
pub fn execute_live(
    store: &mut Store,
    cmd: &Command,
    stamp: Stamp,
    live: &dyn Live,
) -> Result<Vec<String>, MqscError> {
    if let Some(answer) = live.in_memory().then(|| crate::runtime::in_memory(store, cmd)).flatten() {
        return answer;
    }
    Ok(match cmd {
        Command::Define(d) => {
            let client = d.attrs.get("CHLTYPE") == Some(&Value::Word("CLNTCONN".into()));
            let existed = if client { store.client_channel(&d.name) } else { store.get(d.otype, &d.name) };
            let existed = existed.is_some();
            store.define(d.otype, &d.name, d.attrs.clone(), d.like.as_deref(), d.replace, stamp)?;
            vec![done(d.otype, if existed { "changed" } else { "created" })]
        }
        Command::Alter(a) if a.otype == ObjectType::Qmgr => {
            store.alter_qmgr(a.attrs.clone(), stamp);
            vec![done(ObjectType::Qmgr, "changed")]
        }
        Command::Alter(a) => {
            store.alter(a.otype, &a.name, a.attrs.clone(), stamp)?;
            vec![done(a.otype, "changed")]
        }
        Command::Delete(d) if d.otype == ObjectType::Channel => {
            store.delete_channel(&d.name, d.chltable.unwrap_or(ChannelTable::Qmgr))?;
            vec![done(d.otype, "deleted")]
        }
        Command::Delete(d) => {
            store.delete(d.otype, &d.name)?;
            vec![done(d.otype, "deleted")]
        }
        Command::SetChlauth(s) => {
            let record = ChlauthRecord {
                profile: s.profile.clone(),
                rtype: s.rtype,
                attrs: s.attrs.clone(),
                altered: stamp,
            };
            store.set_chlauth(record, s.action)?;
            vec!["AMQ8877I: Channel authentication record set.".to_owned()]
        }
        Command::DeleteAuthrec { profile, objtype, entity } => {
            store.delete_authrec(profile, objtype, entity)?;
            vec!["Authority record deleted.".to_owned()]
        }
        Command::SetAuthrec(s) => {
            store.set_authrec(&s.profile, s.objtype, s.entity.clone(), &s.add, &s.remove);
            vec!["AMQ8862I: Authority record set.".to_owned()]
        }
        Command::Display(d) => display(store, d, live)?,
        Command::End => Vec::new(),
        Command::NotProvided(n) => {
            return Err(MqscError::NotProvided { command: format!("{} {}", n.verb, n.object), why: n.why })
        }
        Command::Start(c) | Command::Stop(c) if c.target == ControlTarget::Service => {
            return Err(crate::runtime::service_not_provided(cmd))
        }
        other => return Err(MqscError::NeedsQueueManager { command: other.to_string() }),
    })
}

fn display(store: &Store, d: &Display, live: &dyn Live) -> Result<Vec<String>, MqscError> {
    let generic = d.name.ends_with('*');
    let all = d.all || (d.select.is_empty() && !generic);
    let mut out = Vec::new();
    match d.target {
        DisplayTarget::Qmstatus | DisplayTarget::Lsstatus | DisplayTarget::Conn => {
            return crate::live_display::display(store, d, live)
        }
        DisplayTarget::Objects(ObjectType::Qmgr) => {
            let qmgr = store.qmgr();
            out.extend(object_lines(qmgr, d, all, live));
        }
        DisplayTarget::Objects(t) => objects(store, &[t], d, all, live, &mut out),
        DisplayTarget::Queues => {
            let types = match d.filters.iter().find(|(k, _)| k == "TYPE").map(|(_, v)| v.as_str()) {
                Some("QLOCAL") => vec![ObjectType::Qlocal],
                Some("QREMOTE") => vec![ObjectType::Qremote],
                Some("QALIAS") => vec![ObjectType::Qalias],
                Some("QMODEL") => vec![ObjectType::Qmodel],
                _ => vec![ObjectType::Qlocal, ObjectType::Qmodel, ObjectType::Qremote, ObjectType::Qalias],
            };
            objects(store, &types, d, all, live, &mut out);
        }
        DisplayTarget::Chlauth if d.filters.iter().any(|(k, v)| k == "MATCH" && v == "RUNCHECK") => {
            out.extend(runcheck(store, d, live)?);
        }
        DisplayTarget::Chlauth => {
            for r in store.chlauth().iter().filter(|r| generic_match(&d.name, &r.profile)) {
                out.extend(chlauth_lines(r));
            }
        }
        DisplayTarget::Authrec => {
            for r in store.authrecs() {
                let (enttype, entity) = match &r.entity {
                    Entity::Principal(p) => ("PRINCIPAL", p),
                    Entity::Group(g) => ("GROUP", g),
                };
                let list: Vec<&str> = r.authorities.iter().copied().collect();
                let items = vec![
                    (
                        "PROFILE".to_owned(),
                        if r.profile.is_empty() { "self".into() } else { r.profile.clone() },
                    ),
                    ("ENTITY".into(), entity.clone()),
                    ("ENTTYPE".into(), enttype.into()),
                    ("OBJTYPE".into(), r.objtype.into()),
                    ("AUTHLIST".into(), list.join(",")),
                ];
                out.extend(layout("AMQ8864I: Display authority record details.", &items));
            }
        }
        DisplayTarget::Qstatus => {
            for q in store.matching(&[ObjectType::Qlocal], &d.name) {
                let (input, output) = live.handles(q.name());
                let uncom = live.uncommitted(q.name());
                let all_items = [
                    ("CURDEPTH", live.curdepth(q.name()).to_string()),
                    ("IPPROCS", input.to_string()),
                    ("OPPROCS", output.to_string()),
                    ("UNCOM", if uncom == 0 { "NO".to_owned() } else { uncom.to_string() }),
                ];
                let mut items =
                    vec![("QUEUE".to_owned(), q.name().to_owned()), ("TYPE".to_owned(), "QUEUE".to_owned())];
                let wanted = |k: &str| d.all || d.select.is_empty() || d.select.iter().any(|s| s == k);
                items
                    .extend(all_items.into_iter().filter(|(k, _)| wanted(k)).map(|(k, v)| (k.to_owned(), v)));
                out.extend(layout("AMQ8450I: Display queue status details.", &items));
            }
        }
        DisplayTarget::Chstatus if live.in_memory() => return Ok(vec![NO_CHSTATUS.to_owned()]),
        DisplayTarget::Chstatus => {
            return Err(MqscError::NeedsQueueManager { command: format!("DISPLAY CHSTATUS({})", d.name) });
        }
    }
    if out.is_empty() {
        out.push(format!("AMQ8147E: Object {} not found.", d.name));
    }
    Ok(out)
}

fn chlauth_lines(r: &ChlauthRecord) -> Vec<String> {
    let mut items =
        vec![("CHLAUTH".to_owned(), r.profile.clone()), ("TYPE".into(), r.rtype.keyword().into())];
    items.extend(r.attrs.values().map(|(k, v)| (k.to_owned(), shown(v))));
    layout("AMQ8878I: Display channel authentication record details.", &items)
}

/// DISPLAY CHLAUTH(channel) MATCH(RUNCHECK) ADDRESS(...) [SSLPEER(...)] [SSLCERTI(...)]
/// [CLNTUSER(...)] [QMNAME(...)]: which rule a partner like this would meet, and the outcome.
fn runcheck(store: &Store, d: &Display, live: &dyn Live) -> Result<Vec<String>, MqscError> {
    let filter = |k: &str| d.filters.iter().find(|(f, _)| f == k).map(|(_, v)| v.as_str());
    let bad = |keyword: &str, value: &str, why| MqscError::BadParameter {
        keyword: keyword.into(),
        value: value.into(),
        why,
    };
    if d.name.contains('*') {
        return Err(bad("CHLAUTH", &d.name, "MATCH(RUNCHECK) needs a channel name, not a generic profile"));
    }
    let address =
        filter("ADDRESS").ok_or_else(|| bad("ADDRESS", "", "MATCH(RUNCHECK) needs the partner's ADDRESS"))?;
    let ip: std::net::IpAddr = address.parse().map_err(|_| bad("ADDRESS", address, "not an IP address"))?;
    let dn = |keyword: &'static str| {
        filter(keyword)
            .map(|v| Dn::parse(v).map_err(|source| MqscError::Model(ModelError::Dn { keyword, source })))
            .transpose()
    };
    let (peer, issuer) = (dn("SSLPEER")?, dn("SSLCERTI")?);
    let channel = store.get(ObjectType::Channel, &d.name);
    let client = match channel.and_then(Object::channel_type) {
        Some(t) => t == ChannelType::Svrconn,
        None => filter("QMNAME").is_none(),
    };
    let mcauser = channel.map(|c| c.str("MCAUSER")).unwrap_or_default();
    let rules = store.chlauth().iter().map(ChlauthRecord::to_rule).collect::<Result<Vec<_>, _>>()?;
    let partner = Partner {
        channel: &d.name,
        client,
        address: ip,
        host: None,
        peer: peer.as_ref(),
        issuer: issuer.as_ref(),
        remote_qmgr: filter("QMNAME"),
        client_user: filter("CLNTUSER"),
        channel_mcauser: &mcauser,
        privileged: live.administrators(),
    };
    let decision = evaluate(&rules, &partner);
    let mut out = Vec::new();
    if let Some(label) = &decision.rule {
        if let Some(r) = store.chlauth().iter().find(|r| &r.label() == label) {
            out.extend(chlauth_lines(r));
        }
    }
    out.extend(decision.warnings.iter().map(|w| format!("AMQ9787W: {w}.")));
    out.push(match &decision.outcome {
        Outcome::Admit { mcauser } => {
            format!("AMQ9783I: Channel will run using MCAUSER('{mcauser}'): {}.", decision.why)
        }
        Outcome::Refuse => {
            let by = decision.rule.as_deref().unwrap_or("CHLAUTH");
            format!("AMQ9777E: Channel would be blocked by {by}: {}.", decision.why)
        }
    });
    Ok(out)
}

fn objects(
    store: &Store,
    types: &[ObjectType],
    d: &Display,
    all: bool,
    live: &dyn Live,
    out: &mut Vec<String>,
) {
    let chltype =
        d.filters.iter().find(|(k, _)| k == "CHLTYPE").and_then(|(_, v)| ChannelType::from_keyword(v));
    for object in store.matching(types, &d.name) {
        if chltype.is_some_and(|t| object.channel_type() != Some(t)) {
            continue;
        }
        if d.where_.as_ref().is_some_and(|w| !object_matches(object, w)) {
            continue;
        }
        out.extend(object_lines(object, d, all, live));
    }
}

fn object_lines(object: &Object, d: &Display, all: bool, live: &dyn Live) -> Vec<String> {
    let otype = object.object_type();
    let name_kw = if otype == ObjectType::Qmgr { "QMNAME" } else { otype.display_keyword() };
    let mut items = vec![(name_kw.to_owned(), object.name().to_owned())];
    if otype.is_queue() {
        items.push(("TYPE".into(), otype.keyword().into()));
    }
    if let Some(t) = object.channel_type() {
        items.push(("CHLTYPE".into(), t.keyword().into()));
    }
    let mut wanted: Vec<&str> = d.select.iter().map(String::as_str).collect();
    if let Some(w) = &d.where_ {
        wanted.push(&w.keyword);
    }
    for (kw, value) in object.attributes() {
        if kw == "CHLTYPE" || !(all || wanted.contains(&kw)) {
            continue;
        }
        items.push(item(object, kw, &value));
    }
    if otype == ObjectType::Qmgr {
        for (kw, v) in crate::convert::QMGR_FIXED.iter().filter(|(kw, _)| all || wanted.contains(kw)) {
            items.push(((*kw).to_owned(), (*v).to_owned()));
        }
    }
    for kw in ["ALTDATE", "ALTTIME"] {
        if all || wanted.contains(&kw) {
            items.push((kw.to_owned(), shown(&value_of(object, kw).expect("always present"))));
        }
    }
    if otype == ObjectType::Qlocal && (all || wanted.contains(&"CURDEPTH")) {
        items.push(("CURDEPTH".to_owned(), live.curdepth(object.name()).to_string()));
    }
    layout(otype.display_heading(), &items)
}

/// One display item; flags show as their keyword or its negative (`NOTRIGGER`), bare.
fn item(object: &Object, kw: &str, value: &Value) -> (String, String) {
    match (value, object.def(kw).map(|d| d.kind)) {
        (Value::Flag(false), Some(Kind::Flag { off })) => (off.to_owned(), String::new()),
        (Value::Flag(_), _) => (kw.to_owned(), String::new()),
        _ => (kw.to_owned(), shown(value)),
    }
}
