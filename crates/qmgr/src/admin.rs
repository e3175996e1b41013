//! MQSC against a running queue manager (what the admin socket serves): the script runs
//! against the live definitions — the next connection sees a change — and DISPLAY
//! CHSTATUS reads the status table.

use std::sync::Arc;

use mqtls_channel::reason;
use mqtls_model::Stamp;
use mqtls_model::{ChannelType, ModelError, ObjectType};
use mqtls_mqsc::command::{Command, Control, ControlTarget, Display, DisplayTarget, RefreshType};
use mqtls_mqsc::{execute_live, layout, messages, script, ConnRow, Items, Live, MqscError};

use crate::state::QueueManager;

/// Attributes DISPLAY CHSTATUS shows without ALL or a selection.
const SUMMARY: &[&str] = &["CHANNEL", "CHLTYPE", "CONNAME", "CURRENT", "STATUS", "SUBSTATE"];

/// Runs `src` against the queue manager: the exit code (0, 10, 20) and the report.
/// Each command changes everything it names or nothing.
pub fn run_mqsc(qm: &Arc<QueueManager>, src: &str) -> (i32, String) {
    let stamp = Stamp::from_unix(crate::unix_now());
    let mut entries = script::verify(src);
    let mut store = qm.store.write().expect("store lock");
    // Kept to undo the script's changes if they cannot be saved.
    let before = qm.home.as_ref().map(|_| store.clone());
    for entry in &mut entries {
        match &entry.command {
            Some(Command::Display(d)) if d.target == DisplayTarget::Chstatus => {
                entry.output = chstatus(qm, d)
            }
            Some(Command::RefreshSecurity(RefreshType::Ssl | RefreshType::All)) => {
                // The refresh reads the definitions (SSLKEYR, the labels): not under this lock.
                drop(store);
                let refreshed = qm.refresh_ssl();
                store = qm.store.write().expect("store lock");
                match refreshed {
                    Ok(problems) => {
                        entry.output = vec![messages::SECURITY_REFRESHED.to_owned()];
                        entry.output.extend(problems.into_iter().map(|p| format!("mqtls: warning: {p}")));
                    }
                    Err(why) => {
                        let command = "REFRESH SECURITY TYPE(SSL)".to_owned();
                        entry.failure =
                            Some(MqscError::Failed { command, why: format!("the keystore: {why}") });
                    }
                }
            }
            Some(Command::Stop(c) | Command::Start(c))
                if c.target == ControlTarget::Channel
                    && store.get(ObjectType::Channel, &c.name).is_none() =>
            {
                let missing = ModelError::NotFound { object: ObjectType::Channel, name: c.name.clone() };
                entry.failure = Some(MqscError::Model(missing));
            }
            Some(Command::Stop(c)) if c.target == ControlTarget::Channel => match stop(qm, c) {
                Ok(lines) => entry.output = lines,
                Err(why) => entry.failure = Some(failed("STOP CHANNEL", why)),
            },
            Some(Command::Start(c)) if c.target == ControlTarget::Listener => {
                drop(store);
                match qm.listeners.start(qm, &c.name) {
                    Ok(addr) => entry.output = vec![messages::listener_started(Some(&addr.to_string()))],
                    Err(why) => entry.failure = Some(failed("START LISTENER", why)),
                }
                store = qm.store.write().expect("store lock");
            }
            Some(Command::StopConn { conn }) => {
                let known = u64::from_str_radix(conn, 16).ok().filter(|id| qm.connections.stop(*id));
                match known {
                    Some(_) => entry.output = vec![format!("Connection {conn} stopped.")],
                    None => {
                        let why = format!("no connection CONN({conn}); DISPLAY CONN(*) lists them");
                        entry.failure = Some(failed("STOP CONN", why));
                    }
                }
            }
            Some(Command::ClearQlocal { name }) => match clear(qm, &store, name) {
                Ok(n) => entry.output = vec![messages::queue_cleared(n)],
                Err(why) => entry.failure = Some(failed("CLEAR QLOCAL", why)),
            },
            Some(Command::Delete(d))
                if d.otype == ObjectType::Qlocal && qm.queues.store().depth(&d.name) > 0 =>
            {
                let depth = qm.queues.store().depth(&d.name);
                if !d.purge {
                    let why = format!(
                        "QLOCAL({}) holds {depth} messages: DELETE QLOCAL({}) PURGE, or CLEAR QLOCAL({}) first",
                        d.name, d.name, d.name
                    );
                    entry.failure = Some(failed("DELETE QLOCAL", why));
                } else if let Err(why) = clear(qm, &store, &d.name) {
                    entry.failure = Some(failed("DELETE QLOCAL PURGE", why));
                } else if let Err(e) = execute_live(
                    &mut store,
                    entry.command.as_ref().expect("matched"),
                    stamp.clone(),
                    &Depths(qm),
                ) {
                    entry.failure = Some(e);
                } else {
                    entry.output = vec![format!("AMQ8007I: IBM MQ queue deleted ({depth} messages purged).")];
                }
            }
            Some(Command::Stop(c)) if c.target == ControlTarget::Listener => {
                if qm.listeners.stop(&c.name) {
                    entry.output = vec![messages::LISTENER_STOP_ACCEPTED.to_owned()];
                } else {
                    entry.failure =
                        Some(failed("STOP LISTENER", format!("LISTENER({}) is not running", c.name)));
                }
            }
            Some(Command::Start(c)) if c.target == ControlTarget::Channel => {
                use mqtls_model::ChannelType::{Rqstr, Sdr, Svr};
                let calls = store
                    .get(ObjectType::Channel, &c.name)
                    .and_then(mqtls_model::Object::channel_type)
                    .is_some_and(|t| matches!(t, Sdr | Svr | Rqstr));
                drop(store);
                let started = if calls { crate::initiator::start(qm, &c.name) } else { Ok(()) };
                match started {
                    Ok(()) => {
                        qm.status.start(&c.name);
                        entry.output = vec![messages::CHANNEL_START_ACCEPTED.to_owned()];
                    }
                    Err(why) => entry.failure = Some(failed("START CHANNEL", why)),
                }
                store = qm.store.write().expect("store lock");
            }
            Some(Command::ResetChannel { name, seqnum }) => {
                drop(store);
                match qm.reset_channel(name, seqnum.unwrap_or(1).max(1) as u64) {
                    Ok(line) => entry.output = vec![line],
                    Err(why) => entry.failure = Some(failed("RESET CHANNEL", why)),
                }
                store = qm.store.write().expect("store lock");
            }
            Some(Command::ResolveChannel { name, commit }) => match qm.resolve_channel(name, *commit) {
                Ok(line) => entry.output = vec![line],
                Err(why) => entry.failure = Some(failed("RESOLVE CHANNEL", why)),
            },
            Some(cmd) => match execute_live(&mut store, cmd, stamp.clone(), &Depths(qm)) {
                Ok(lines) => entry.output = lines,
                Err(e) => entry.failure = Some(e),
            },
            None => {}
        }
    }
    let changed = entries.iter().any(|e| {
        e.failure.is_none()
            && matches!(
                e.command,
                Some(
                    Command::Define(_)
                        | Command::Alter(_)
                        | Command::Delete(_)
                        | Command::SetChlauth(_)
                        | Command::SetAuthrec(_)
                        | Command::DeleteAuthrec { .. }
                )
            )
    });
    let mut report = script::report(src, &entries, true);
    if let (true, Some(home), Some(before)) = (changed, &qm.home, before) {
        if let Err(e) = home.save(&store) {
            *store = before;
            tracing::error!(error = %e, "definitions not saved; the script's changes were undone");
            report.push_str(&format!(
                "mqtls: the definitions could not be saved ({e}); every change of this script was undone.\n"
            ));
            return (20, report);
        }
    }
    // A TLS channel whose configuration cannot be built (a label that is missing, a key
    // type the CipherSpec cannot use) is reported now, not at the first handshake.
    let touched: Vec<String> = entries
        .iter()
        .filter(|e| e.failure.is_none())
        .filter_map(|e| match &e.command {
            Some(Command::Define(d)) if d.otype == ObjectType::Channel => Some(d.name.clone()),
            Some(Command::Alter(a)) if a.otype == ObjectType::Channel => Some(a.name.clone()),
            Some(Command::Alter(a)) if a.otype == ObjectType::Qmgr => Some("*".to_owned()),
            _ => None,
        })
        .collect();
    drop(store);
    let mut code = script::exit_code(&entries);
    for problem in touched.iter().flat_map(|name| qm.tls_problems(name)) {
        report.push_str(&format!("mqtls: warning: {problem}\n"));
        code = code.max(10);
    }
    (code, report)
}

/// CLEAR QLOCAL: the queue's committed messages removed; refused while a unit of work
/// holds some of them.
fn clear(qm: &QueueManager, store: &mqtls_model::Store, name: &str) -> Result<usize, String> {
    if store.get(ObjectType::Qlocal, name).is_none() {
        return Err(format!("QLOCAL({name}) not found"));
    }
    qm.queues.store().clear(name).map_err(|e| e.to_string())
}

/// CURDEPTH, IPPROCS, OPPROCS and UNCOM from the message store and the open handles.
struct Depths<'a>(&'a QueueManager);

impl Live for Depths<'_> {
    fn curdepth(&self, queue: &str) -> usize {
        self.0.queues.store().depth(queue)
    }
    fn handles(&self, queue: &str) -> (usize, usize) {
        self.0.queues.handles(queue)
    }
    fn uncommitted(&self, queue: &str) -> usize {
        self.0.queues.store().uncommitted(queue)
    }
    fn administrators(&self) -> &dyn mqtls_dn::Administrators {
        &self.0.accounts
    }
    fn qmstatus(&self) -> Option<Items> {
        // The store is locked by the script running: QMNAME comes from the caller.
        let qm = self.0;
        let mut items = vec![
            ("STATUS", "RUNNING".to_owned()),
            ("CHINIT", "RUNNING".to_owned()),
            ("CONNS", qm.connections.count().to_string()),
            ("STANDBY", "NOPERMIT".to_owned()),
            ("STARTDA", qm.started.date.clone()),
            ("STARTTI", qm.started.time.clone()),
        ];
        if let Some(home) = &qm.home {
            items.push(("DATPATH", home.dir.display().to_string()));
        }
        Some(items.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
    }
    fn listener_status(&self) -> Option<Vec<(String, Items)>> {
        let rows = self.0.listeners.started().into_iter().map(|(name, addr, started)| {
            let items = [
                ("STATUS", "RUNNING".to_owned()),
                ("PID", std::process::id().to_string()),
                ("STARTDA", started.date),
                ("STARTTI", started.time),
                ("IPADDR", addr.ip().to_string()),
                ("PORT", addr.port().to_string()),
            ];
            (name, items.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
        });
        Some(rows.collect())
    }
    fn connections(&self) -> Option<Vec<ConnRow>> {
        let rows = self.0.connections.all().into_iter().map(|c| ConnRow {
            conn: crate::connections::conn_id(c.id),
            items: c.items(),
            handles: c.handle_items(),
        });
        Some(rows.collect())
    }
}

fn failed(command: &str, why: String) -> MqscError {
    MqscError::Failed { command: command.to_owned(), why }
}

/// STOP CHANNEL: MODE(QUIESCE) (the default) tells partners 2202, FORCE and TERMINATE
/// 2009; STATUS(STOPPED) (the default without CONNAME) refuses new starts until START
/// CHANNEL. CONNAME ends only the instances with that partner address, leaving the
/// channel startable.
fn stop(qm: &QueueManager, c: &Control) -> Result<Vec<String>, String> {
    if c.qmname.is_some() {
        return Err("STOP CHANNEL QMNAME is not supported by mqtls; STOP CHANNEL(name) CONNAME(address) ends one receiver instance".into());
    }
    if c.conname.is_some() && c.status == Some("STOPPED") {
        return Err(
            "STATUS(STOPPED) stops the whole channel; with CONNAME use STATUS(INACTIVE) or leave it out"
                .into(),
        );
    }
    let why = if matches!(c.mode, Some("FORCE" | "TERMINATE")) {
        reason::CONNECTION_BROKEN
    } else {
        reason::CONNECTION_QUIESCING
    };
    let stopped = c.conname.is_none() && c.status != Some("INACTIVE");
    let ended = qm.status.stop(&c.name, c.conname.as_deref(), why, stopped);
    if let (0, Some(conname)) = (ended, &c.conname) {
        return Err(format!("no instance of channel {} runs with CONNAME({conname})", c.name));
    }
    Ok(vec![messages::CHANNEL_STOP_ACCEPTED.to_owned()])
}

fn chstatus(qm: &QueueManager, d: &Display) -> Vec<String> {
    let rows = qm.status.matching(&d.name);
    if rows.is_empty() {
        return vec![mqtls_mqsc::NO_CHSTATUS.to_owned()];
    }
    let where_kw = d.where_.as_ref().map(|w| w.keyword.as_str());
    let wanted =
        |k: &str| d.all || SUMMARY.contains(&k) || where_kw == Some(k) || d.select.iter().any(|s| s == k);
    let mut out = Vec::new();
    let connections = qm.connections.all();
    for row in rows {
        let mut items = row.items();
        let stopping = qm.status.stop_reason(row.id) != 0;
        // The instance's connected applications: the first one's name as MQ's RAPPLTAG,
        // how many share it as CURSHCNV (a server-connection channel's conversations).
        let mine: Vec<_> = connections.iter().filter(|c| c.instance == row.id).collect();
        if let Some(tag) = mine.first().map(|c| c.appltag.clone()).filter(|t| !t.is_empty()) {
            items.push(("RAPPLTAG".to_owned(), tag));
        }
        if row.chltype == ChannelType::Svrconn {
            items.push(("CURSHCNV".to_owned(), mine.len().to_string()));
        }
        items.push(("STOPREQ".to_owned(), if stopping { "YES" } else { "NO" }.to_owned()));
        if d.where_.as_ref().is_some_and(|w| !mqtls_mqsc::items_match(&items, w)) {
            continue;
        }
        let items: Vec<_> = items.into_iter().filter(|(k, _)| wanted(k)).collect();
        out.extend(layout("AMQ8417I: Display Channel Status details.", &items));
    }
    if out.is_empty() {
        out.push(mqtls_mqsc::NO_CHSTATUS.to_owned());
    }
    out
}
