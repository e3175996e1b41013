//! The channel initiator: starts SDR, SVR and RQSTR channels on START CHANNEL, senders
//! when messages arrive on a triggered transmission queue (TRIGGER, TRIGDATA naming the
//! channel or blank for the one serving that queue), and at queue-manager start for
//! triggered queues that hold messages or senders left in doubt. RESET and RESOLVE
//! CHANNEL act on the records.

use std::sync::Arc;

use mqtls_model::{ChannelType, ObjectType, Stamp, Store};
use mqtls_msgstore::ChannelSync;
use tokio::sync::mpsc;

use crate::definition::Definition;
use crate::definition::{transfer_for, Instance};
use crate::state::QueueManager;
use crate::status::{ChannelStatus, Traffic};

/// START CHANNEL of an SDR, SVR or RQSTR: a new instance (BINDING), unless one runs.
pub(crate) fn start(qm: &Arc<QueueManager>, name: &str) -> Result<(), String> {
    let def = Definition::read(qm, name)?;
    def.require_conname(name)?;
    if qm.running_message_channel(name) {
        return Err(format!("channel {name} is already running"));
    }
    let rows = qm.status.matching("*");
    if let Some(other) = rows.iter().find(|r| {
        r.channel != name
            && def.sends()
            && r.transfer.as_ref().is_some_and(|t| t.xmitq == def.xmitq && t.state().0 != "STOPPED")
    }) {
        return Err(format!("channel {} already serves transmission queue {}", other.channel, def.xmitq));
    }
    let runtime = tokio::runtime::Handle::try_current()
        .map_err(|_| "sender channels run inside the queue manager's runtime".to_owned())?;
    for stale in rows.iter().filter(|r| r.channel == name) {
        qm.status.remove(stale.id);
    }
    qm.status.start(name);
    let transfer = transfer_for(qm, name, &def, "BINDING");
    let traffic = Arc::new(Traffic::default());
    let id = qm.next_id();
    let row = ChannelStatus {
        channel: name.to_owned(),
        chltype: def.chltype,
        conname: def.conname.iter().map(ToString::to_string).collect::<Vec<_>>().join(","),
        locladdr: String::new(),
        status: "BINDING",
        mcauser: if def.sends() { String::new() } else { def.mcauser.clone() },
        secprot: "",
        sslciph: "",
        sslpeer: String::new(),
        sslcerti: String::new(),
        started: Stamp::from_unix(crate::unix_now()),
        maxmsgl: def.maxmsgl,
        maxshcnv: 0,
        hbint: def.hbint,
        id,
        traffic: traffic.clone(),
        transfer: Some(transfer.clone()),
        remote: crate::status::Remote::default(),
    };
    let stop = qm.status.admit(row, u64::MAX, u64::MAX)?;
    tracing::info!(channel = name, chltype = %def.chltype, xmitq = %def.xmitq, "channel starting");
    let me = Instance { qm: qm.clone(), name: name.to_owned(), id, transfer, traffic, stop };
    runtime.spawn(crate::sender::run(me));
    Ok(())
}

/// The channel a triggered transmission queue starts: TRIGDATA, else the SDR (or SVR with
/// a CONNAME) whose XMITQ it is.
fn triggered_channel(store: &Store, queue: &str) -> Option<String> {
    let q = store.get(ObjectType::Qlocal, queue)?;
    if q.str("USAGE") != "XMITQ" || q.get("TRIGGER") != Some(mqtls_model::Value::Flag(true)) {
        return None;
    }
    let named = q.str("TRIGDATA");
    if !named.is_empty() {
        return Some(named);
    }
    store
        .channels()
        .find(|c| {
            let t = c.channel_type();
            c.xmitq() == queue
                && (t == ChannelType::Sdr || (t == ChannelType::Svr && !c.conname().is_empty()))
        })
        .map(|c| c.name().to_owned())
}

/// Starts the channel a queue triggers, if it holds messages and its channel neither runs
/// nor was STOPPED.
fn trigger(qm: &Arc<QueueManager>, queue: &str) {
    let Some(channel) = triggered_channel(&qm.store.read().expect("store lock"), queue) else { return };
    if qm.status.is_stopped(&channel)
        || qm.queues.store.depth(queue) == 0
        || qm.status.matching(&channel).iter().any(|r| r.channel == channel)
    {
        return;
    }
    match start(qm, &channel) {
        Ok(()) => tracing::info!(%channel, %queue, "channel triggered"),
        Err(why) => tracing::warn!(%channel, %queue, %why, "channel not triggered"),
    }
}

/// After an instance went inactive: messages that arrived meanwhile trigger it again.
pub(crate) fn retrigger(qm: &Arc<QueueManager>, channel: &str) {
    let xmitq =
        qm.store.read().expect("store lock").get(ObjectType::Channel, channel).map(|c| c.str("XMITQ"));
    if let Some(q) = xmitq {
        trigger(qm, &q);
    }
}

impl QueueManager {
    /// Starts the channel initiator: triggered transmission queues start their channels
    /// as messages arrive; those holding messages now, and senders with a batch in doubt,
    /// start at once. Call once, inside the runtime.
    pub fn start_channels(self: &Arc<Self>) {
        let (tx, mut rx) = mpsc::unbounded_channel::<String>();
        self.queues.set_trigger(tx);
        let qm = self.clone();
        tokio::spawn(async move {
            while let Some(queue) = rx.recv().await {
                trigger(&qm, &queue);
            }
        });
        let (queues, senders): (Vec<String>, Vec<String>) = {
            let store = self.store.read().expect("store lock");
            let queues = store.matching(&[ObjectType::Qlocal], "*").map(|q| q.name().to_owned()).collect();
            let senders = store
                .channels()
                .filter(|c| c.channel_type() == ChannelType::Sdr)
                .map(|c| c.name().to_owned())
                .collect();
            (queues, senders)
        };
        for q in queues {
            trigger(self, &q);
        }
        for name in senders {
            let running = self.status.matching(&name).iter().any(|r| r.channel == name);
            if !running && self.queues.store.in_doubt(&name).is_some() {
                if let Err(why) = start(self, &name) {
                    tracing::warn!(channel = %name, %why, "channel in doubt not started");
                }
            }
        }
    }

    /// Whether an instance of message channel `name` is under way (not STOPPED).
    fn running_message_channel(&self, name: &str) -> bool {
        self.status
            .matching(name)
            .iter()
            .any(|r| r.channel == name && r.transfer.as_ref().is_some_and(|t| t.state().0 != "STOPPED"))
    }

    /// RESET CHANNEL: the channel's next message gets sequence number `seqnum`; a sender
    /// tells its receiver at the next start. Refused while in doubt or running.
    pub(crate) fn reset_channel(&self, name: &str, seqnum: u64) -> Result<String, String> {
        if self.running_message_channel(name) {
            return Err(format!("channel {name} is running: STOP CHANNEL({name}) first"));
        }
        let store = self.store.read().expect("store lock");
        let chl =
            store.get(ObjectType::Channel, name).ok_or_else(|| format!("channel {name} is not defined"))?;
        let chltype = chl.channel_type();
        drop(store);
        let keys: Vec<String> = match chltype {
            Some(ChannelType::Sdr) => vec![name.to_owned()],
            Some(ChannelType::Rcvr) => self.queues.store.channel_keys(&format!("{name}@")),
            _ => return Err(format!("RESET CHANNEL applies to SDR and RCVR channels; {name} is neither")),
        };
        for key in &keys {
            let old = self.queues.store.channel_sync(key);
            let next = ChannelSync {
                seq: seqnum.saturating_sub(1),
                luwid: old.luwid,
                in_doubt: None,
                reset_pending: chltype == Some(ChannelType::Sdr),
            };
            self.queues.store.reset_channel(key, &next).map_err(|e| e.to_string())?;
        }
        Ok(format!(
            "AMQ8023I: IBM MQ channel reset ({} record(s), next sequence number {seqnum}).",
            keys.len()
        ))
    }

    /// RESOLVE CHANNEL: commits or backs out a stopped sender's batch in doubt.
    pub(crate) fn resolve_channel(&self, name: &str, commit: bool) -> Result<String, String> {
        if self.running_message_channel(name) {
            return Err(format!("channel {name} is running: STOP CHANNEL({name}) first"));
        }
        let store = &self.queues.store;
        let Some(uow) = store.in_doubt(name) else {
            return Err(format!("channel {name} is not in doubt"));
        };
        let sync = store.channel_sync(name);
        let d = sync.in_doubt.expect("a channel in doubt has its batch");
        let next = if commit {
            ChannelSync { seq: d.seq, luwid: d.luwid, in_doubt: None, reset_pending: false }
        } else {
            ChannelSync { in_doubt: None, ..sync }
        };
        let result = if commit {
            store.commit_channel(uow, name, &next)
        } else {
            store.backout_channel(uow, name, &next)
        };
        self.queues.wake(&result.map_err(|e| e.to_string())?);
        for row in self.status.matching(name) {
            if let Some(t) = row.transfer.filter(|_| row.channel == name) {
                t.committed(&next);
            }
        }
        Ok(format!(
            "AMQ8096I: IBM MQ channel in-doubt batch {} ({} messages) {}.",
            d.luwid,
            d.messages,
            if commit { "committed" } else { "backed out" }
        ))
    }
}
