//! The channel status table: one row per running channel instance, as DISPLAY CHSTATUS
//! shows it.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::Notify;

use mqtls_model::{ChannelType, Stamp};

/// What a running instance has carried, updated as it runs (MSGS, BYTSSENT, BYTSRCVD,
/// BUFSSENT, BUFSRCVD, LSTMSGDA/LSTMSGTI).
#[derive(Debug, Default)]
pub struct Traffic {
    msgs: AtomicU64,
    sent: AtomicU64,
    received: AtomicU64,
    bufs_sent: AtomicU64,
    bufs_received: AtomicU64,
    last_msg: AtomicU64,
    key_resets: AtomicU64,
    last_key_reset: AtomicU64,
    waiting_gets: AtomicU64,
}

/// Marks a conversation as waiting in MQGET while it lives (SUBSTATE(MQGET)).
#[derive(Debug)]
pub struct Waiting<'a>(&'a Traffic);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.waiting_gets.fetch_sub(1, Ordering::Relaxed);
    }
}

impl Traffic {
    /// Counts bytes sent and received on the connection; each call with bytes in a
    /// direction is one transmission buffer (frame) in that direction.
    pub fn bytes(&self, sent: usize, received: usize) {
        self.sent.fetch_add(sent as u64, Ordering::Relaxed);
        self.received.fetch_add(received as u64, Ordering::Relaxed);
        self.bufs_sent.fetch_add(u64::from(sent > 0), Ordering::Relaxed);
        self.bufs_received.fetch_add(u64::from(received > 0), Ordering::Relaxed);
    }

    /// BUFSSENT and BUFSRCVD.
    pub fn buffers(&self) -> (u64, u64) {
        (self.bufs_sent.load(Ordering::Relaxed), self.bufs_received.load(Ordering::Relaxed))
    }

    /// Counts one message put or got, at `now` (seconds since the epoch).
    pub fn message(&self, now: u64) {
        self.msgs.fetch_add(1, Ordering::Relaxed);
        self.last_msg.store(now, Ordering::Relaxed);
    }

    /// A conversation starts waiting for a message; it stops when the guard drops.
    pub fn waiting(&self) -> Waiting<'_> {
        self.waiting_gets.fetch_add(1, Ordering::Relaxed);
        Waiting(self)
    }

    /// Counts a secret key reset (SSLRKEYC) at `now`.
    pub fn key_reset(&self, now: u64) {
        self.key_resets.fetch_add(1, Ordering::Relaxed);
        self.last_key_reset.store(now, Ordering::Relaxed);
    }

    /// SSLRKEYS and the time of the last reset (0 for none).
    pub fn key_resets(&self) -> (u64, u64) {
        (self.key_resets.load(Ordering::Relaxed), self.last_key_reset.load(Ordering::Relaxed))
    }

    /// MSGS, BYTSSENT, BYTSRCVD and the time of the last message (0 for none).
    pub fn snapshot(&self) -> (u64, u64, u64, u64) {
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        (get(&self.msgs), get(&self.sent), get(&self.received), get(&self.last_msg))
    }
}

/// One running channel instance.
#[derive(Clone, Debug)]
pub struct ChannelStatus {
    /// CHANNEL.
    pub channel: String,
    /// CHLTYPE.
    pub chltype: ChannelType,
    /// CONNAME: the partner's address.
    pub conname: String,
    /// LOCLADDR: this end's address and port, `127.0.0.1(1414)` (blank before it connects).
    pub locladdr: String,
    /// STATUS (RUNNING while the connection lives).
    pub status: &'static str,
    /// MCAUSER the instance runs as.
    pub mcauser: String,
    /// SECPROT: TLSV12, TLSV13 or blank.
    pub secprot: &'static str,
    /// SSLCIPH: the CipherSpec negotiated, or blank.
    pub sslciph: &'static str,
    /// SSLPEER: the partner's subject, with its serial.
    pub sslpeer: String,
    /// SSLCERTI: the partner's issuer.
    pub sslcerti: String,
    /// CHSTADA and CHSTATI: when the channel started.
    pub started: Stamp,
    /// MAXMSGL negotiated.
    pub maxmsgl: u32,
    /// MAXSHCNV: SHARECNV negotiated.
    pub maxshcnv: u16,
    /// HBINT negotiated, seconds.
    pub hbint: u32,
    /// An id unique within the queue manager's run, to remove the row when it ends.
    pub id: u64,
    /// Messages and bytes carried so far.
    pub traffic: Arc<Traffic>,
    /// A message channel's (SDR, RCVR) state, sequence numbers and batches.
    pub transfer: Option<Arc<crate::transfer::Transfer>>,
    /// What an IBM MQ partner said of itself in its initial data (blank for mqtls's own).
    pub remote: Remote,
}

/// An IBM MQ partner's product and FAP level, from its initial data.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Remote {
    /// RPRODUCT: `MQMM` a queue manager, `MQCC` a C client, `MQJB` Java...
    pub product: String,
    /// RVERSION: `09030000` for 9.3.0.0.
    pub version: String,
    /// The FAP level the partner offered (0: an mqtls partner).
    pub fap_level: u8,
}

/// LOCLADDR's form of a socket address: `ip(port)`, as CONNAME.
pub(crate) fn local_address(addr: Option<std::net::SocketAddr>) -> String {
    addr.map(|a| format!("{}({})", a.ip(), a.port())).unwrap_or_default()
}

impl ChannelStatus {
    /// The row of an admitted start from `conname`: RUNNING, nothing negotiated yet.
    pub(crate) fn admitted(admitted: &mqtls_channel::start::Admitted, conname: String, id: u64) -> Self {
        Self {
            channel: admitted.channel.clone(),
            chltype: admitted.chltype,
            conname,
            locladdr: String::new(),
            status: "RUNNING",
            mcauser: admitted.mcauser.clone(),
            secprot: admitted.secprot,
            sslciph: admitted.sslciph,
            sslpeer: admitted.sslpeer.clone(),
            sslcerti: admitted.sslcerti.clone(),
            started: Stamp::from_unix(crate::unix_now()),
            maxmsgl: 0,
            maxshcnv: 0,
            hbint: 0,
            id,
            traffic: Arc::default(),
            transfer: None,
            remote: Remote::default(),
        }
    }
}

impl ChannelStatus {
    /// The `KEYWORD`, value pairs DISPLAY CHSTATUS shows, in its order.
    pub fn items(&self) -> Vec<(String, String)> {
        let blank = |s: &str| if s.is_empty() { " ".to_owned() } else { s.to_owned() };
        let (msgs, sent, received, last) = self.traffic.snapshot();
        let stamp =
            |t: u64| if t == 0 { Stamp { date: " ".into(), time: " ".into() } } else { Stamp::from_unix(t) };
        let last = stamp(last);
        let (resets, last_reset) = self.traffic.key_resets();
        // RECEIVE: waiting for the partner; MQGET: a conversation waits for a message.
        let substate =
            if self.traffic.waiting_gets.load(Ordering::Relaxed) > 0 { "MQGET" } else { "RECEIVE" };
        let last_reset = stamp(last_reset);
        let (bufs_sent, bufs_received) = self.traffic.buffers();
        [
            ("CHANNEL", self.channel.clone()),
            ("CHLTYPE", self.chltype.to_string()),
            ("CONNAME", self.conname.clone()),
            ("CURRENT", String::new()),
            ("STATUS", self.transfer.as_ref().map_or(self.status, |t| t.state().0).to_owned()),
            ("SUBSTATE", substate.to_owned()),
            ("CHSTADA", self.started.date.clone()),
            // mqtls compresses nothing and runs no exits; channel monitoring is off.
            ("COMPHDR", "NONE,NONE".to_owned()),
            ("COMPMSG", "NONE,NONE".to_owned()),
            ("MCASTAT", "RUNNING".to_owned()),
            ("MONCHL", "OFF".to_owned()),
            // The process and the instance, as MQ's process and thread ids.
            ("JOBNAME", format!("{:08X}{:08X}", std::process::id(), self.id & 0xFFFF_FFFF)),
            ("CHSTATI", self.started.time.clone()),
            ("BYTSRCVD", received.to_string()),
            ("BYTSSENT", sent.to_string()),
            ("BUFSRCVD", bufs_received.to_string()),
            ("BUFSSENT", bufs_sent.to_string()),
            ("LOCLADDR", blank(&self.locladdr)),
            ("HBINT", self.hbint.to_string()),
            ("LSTMSGDA", last.date),
            ("LSTMSGTI", last.time),
            ("MAXMSGL", self.maxmsgl.to_string()),
            ("MAXSHCNV", self.maxshcnv.to_string()),
            ("MCAUSER", blank(&self.mcauser)),
            ("MSGS", msgs.to_string()),
            ("SECPROT", if self.secprot.is_empty() { "NONE".to_owned() } else { self.secprot.to_owned() }),
            ("SSLCIPH", blank(self.sslciph)),
            ("SSLPEER", blank(&self.sslpeer)),
            ("SSLCERTI", blank(&self.sslcerti)),
            ("SSLKEYDA", last_reset.date),
            ("SSLKEYTI", last_reset.time),
            ("SSLRKEYS", resets.to_string()),
            ("RPRODUCT", blank(&self.remote.product)),
            ("RVERSION", blank(&self.remote.version)),
            // Not an IBM MQ attribute: the FAP level an IBM MQ partner offered.
            (
                "FAPLEVEL",
                if self.remote.fap_level == 0 { " ".into() } else { self.remote.fap_level.to_string() },
            ),
        ]
        .into_iter()
        .chain(self.transfer.iter().flat_map(|t| t.items()))
        .map(|(k, v)| (k.to_owned(), v))
        .collect()
    }
}

/// The table, shared by every connection, with the stop requests and the STOPPED channels.
#[derive(Debug, Default)]
pub struct StatusTable {
    rows: Mutex<Vec<ChannelStatus>>,
    stops: Mutex<HashMap<u64, (Arc<Notify>, u32)>>,
    stopped: Mutex<HashSet<String>>,
}

impl StatusTable {
    /// Adds a running instance, whose returned signal fires when STOP CHANNEL ends it,
    /// unless the channel already runs `max` instances (MAXINST), or `per_address` from
    /// the row's CONNAME (MAXINSTC): counted and added under one lock, so simultaneous
    /// starts cannot both pass. The refusal says which.
    pub fn admit(&self, row: ChannelStatus, max: u64, per_address: u64) -> Result<Arc<Notify>, String> {
        let mut rows = self.rows.lock().expect("status lock");
        let same = rows.iter().filter(|r| r.channel == row.channel);
        let (all, here) =
            same.fold((0u64, 0u64), |(a, h), r| (a + 1, h + u64::from(r.conname == row.conname)));
        if all >= max {
            return Err(format!("channel {} already runs MAXINST({max}) instances", row.channel));
        }
        if here >= per_address {
            let text = format!(
                "channel {} already runs MAXINSTC({per_address}) instances from {}",
                row.channel, row.conname
            );
            return Err(text);
        }
        let stop = Arc::new(Notify::new());
        self.stops.lock().expect("status lock").insert(row.id, (stop.clone(), 0));
        rows.push(row);
        Ok(stop)
    }

    /// Changes a row in place (a sender's partner and TLS fields once it has started).
    pub fn update(&self, id: u64, change: impl FnOnce(&mut ChannelStatus)) {
        if let Some(row) = self.rows.lock().expect("status lock").iter_mut().find(|r| r.id == id) {
            change(row);
        }
    }

    /// Removes an instance when its connection ends.
    pub fn remove(&self, id: u64) {
        self.rows.lock().expect("status lock").retain(|r| r.id != id);
        self.stops.lock().expect("status lock").remove(&id);
    }

    /// STOP CHANNEL: ends the running instances of `channel` (those with `conname`, if
    /// given), telling each partner `reason`; with `stopped`, new starts are refused until START CHANNEL. Returns how
    /// many instances were running.
    pub fn stop(&self, channel: &str, conname: Option<&str>, reason: u32, stopped: bool) -> usize {
        if stopped {
            self.stopped.lock().expect("status lock").insert(channel.to_owned());
        }
        let ids: Vec<u64> = self
            .rows
            .lock()
            .expect("status lock")
            .iter()
            .filter(|r| r.channel == channel && conname.is_none_or(|c| r.conname == c))
            .map(|r| r.id)
            .collect();
        let mut stops = self.stops.lock().expect("status lock");
        for id in &ids {
            if let Some((signal, why)) = stops.get_mut(id) {
                *why = reason;
                signal.notify_one();
            }
        }
        ids.len()
    }

    /// The reason STOP CHANNEL gave for ending instance `id`.
    pub fn stop_reason(&self, id: u64) -> u32 {
        self.stops.lock().expect("status lock").get(&id).map_or(0, |(_, why)| *why)
    }

    /// START CHANNEL: allows starts again. Returns whether the channel was STOPPED.
    pub fn start(&self, channel: &str) -> bool {
        self.stopped.lock().expect("status lock").remove(channel)
    }

    /// Leaves `channel` STOPPED (a sender out of retries or needing an operator).
    pub fn mark_stopped(&self, channel: &str) {
        self.stopped.lock().expect("status lock").insert(channel.to_owned());
    }

    /// Whether STOP CHANNEL left `channel` STOPPED.
    pub fn is_stopped(&self, channel: &str) -> bool {
        self.stopped.lock().expect("status lock").contains(channel)
    }

    /// One instance by its id.
    pub fn get(&self, id: u64) -> Option<ChannelStatus> {
        self.rows.lock().expect("status lock").iter().find(|r| r.id == id).cloned()
    }

    /// The instances of channels matching a generic name (`*`, `APP.*`, exact).
    pub fn matching(&self, pattern: &str) -> Vec<ChannelStatus> {
        let rows = self.rows.lock().expect("status lock");
        rows.iter().filter(|r| mqtls_model::generic_match(pattern, &r.channel)).cloned().collect()
    }
}

/// The receiving end of each (channel, sending queue manager): one instance at a time
/// (a new one supersedes the old, which watches `generation`).
#[derive(Debug, Default)]
pub(crate) struct Receivers(Mutex<HashMap<String, Arc<ReceiverSlot>>>);

/// One receiving end's lock and generation.
#[derive(Debug)]
pub(crate) struct ReceiverSlot {
    pub(crate) running: tokio::sync::Mutex<()>,
    pub(crate) generation: tokio::sync::watch::Sender<u64>,
}

impl Receivers {
    /// The slot of `key` (made on first use).
    pub(crate) fn slot(&self, key: &str) -> Arc<ReceiverSlot> {
        let mut map = self.0.lock().expect("receivers lock");
        map.entry(key.to_owned())
            .or_insert_with(|| {
                Arc::new(ReceiverSlot {
                    running: tokio::sync::Mutex::new(()),
                    generation: tokio::sync::watch::channel(0).0,
                })
            })
            .clone()
    }
}
