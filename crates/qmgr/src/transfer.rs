//! What a message channel instance (sender or receiver) shows in DISPLAY CHSTATUS beyond
//! a client channel's fields: its state as it moves (BINDING, RUNNING, RETRYING,
//! STOPPED), sequence numbers, batch ids, batches, in-doubt, the transmission queue and
//! the retries left.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;

use mqtls_msgstore::ChannelSync;

/// A message channel's live status, updated as it runs.
#[derive(Debug)]
pub struct Transfer {
    state: Mutex<(&'static str, String)>,
    rqmname: Mutex<String>,
    /// XMITQ (blank on a receiver).
    pub xmitq: String,
    /// BATCHSZ of the definition.
    pub batchsz: u64,
    /// NPMSPEED: true for FAST.
    pub fast: bool,
    cur_seq: AtomicU64,
    last_seq: AtomicU64,
    cur_luwid: AtomicU64,
    last_luwid: AtomicU64,
    cur_msgs: AtomicU64,
    batches: AtomicU64,
    in_doubt: AtomicBool,
    xqmsgsa: AtomicU64,
    short_left: AtomicU64,
    long_left: AtomicU64,
}

impl Transfer {
    /// A status in `state`, for `xmitq`.
    pub fn new(state: &'static str, xmitq: String, batchsz: u64, fast: bool) -> Self {
        Self {
            state: Mutex::new((state, String::new())),
            rqmname: Mutex::default(),
            xmitq,
            batchsz,
            fast,
            cur_seq: AtomicU64::new(0),
            last_seq: AtomicU64::new(0),
            cur_luwid: AtomicU64::new(0),
            last_luwid: AtomicU64::new(0),
            cur_msgs: AtomicU64::new(0),
            batches: AtomicU64::new(0),
            in_doubt: AtomicBool::new(false),
            xqmsgsa: AtomicU64::new(0),
            short_left: AtomicU64::new(0),
            long_left: AtomicU64::new(0),
        }
    }

    /// STATUS, and why the channel last failed (blank if it has not).
    pub fn state(&self) -> (&'static str, String) {
        self.state.lock().expect("transfer lock").clone()
    }

    /// Moves to `state`; `why` (when given) is kept as the last error.
    pub fn set_state(&self, state: &'static str, why: Option<&str>) {
        let mut s = self.state.lock().expect("transfer lock");
        s.0 = state;
        if let Some(why) = why {
            why.clone_into(&mut s.1);
        }
    }

    /// RQMNAME: the partner queue manager.
    pub fn set_rqmname(&self, name: &str) {
        name.clone_into(&mut self.rqmname.lock().expect("transfer lock"));
    }

    /// The committed position from the channel's record.
    pub fn committed(&self, sync: &ChannelSync) {
        self.last_seq.store(sync.seq, Ordering::Relaxed);
        self.last_luwid.store(sync.luwid, Ordering::Relaxed);
        self.cur_seq.store(sync.in_doubt.map_or(sync.seq, |d| d.seq), Ordering::Relaxed);
        self.cur_luwid.store(sync.in_doubt.map_or(sync.luwid, |d| d.luwid), Ordering::Relaxed);
        self.in_doubt.store(sync.in_doubt.is_some(), Ordering::Relaxed);
    }

    /// A batch under way: its id, the sequence number reached and its messages so far.
    pub fn current(&self, luwid: u64, seq: u64, msgs: u64) {
        self.cur_luwid.store(luwid, Ordering::Relaxed);
        self.cur_seq.store(seq, Ordering::Relaxed);
        self.cur_msgs.store(msgs, Ordering::Relaxed);
    }

    /// INDOUBT: the batch was sent and its confirmation has not arrived.
    pub fn set_in_doubt(&self, on: bool) {
        self.in_doubt.store(on, Ordering::Relaxed);
    }

    /// A batch committed.
    pub fn batch_done(&self, sync: &ChannelSync) {
        self.batches.fetch_add(1, Ordering::Relaxed);
        self.cur_msgs.store(0, Ordering::Relaxed);
        self.committed(sync);
    }

    /// XQMSGSA: messages on the transmission queue.
    pub fn set_available(&self, n: usize) {
        self.xqmsgsa.store(n as u64, Ordering::Relaxed);
    }

    /// SHORTRTS and LONGRTS: the retries left.
    pub fn set_retries(&self, short: u64, long: u64) {
        self.short_left.store(short, Ordering::Relaxed);
        self.long_left.store(long, Ordering::Relaxed);
    }

    /// BATCHES so far.
    pub fn batches(&self) -> u64 {
        self.batches.load(Ordering::Relaxed)
    }

    /// The fields DISPLAY CHSTATUS adds for a message channel.
    pub(crate) fn items(&self) -> Vec<(&'static str, String)> {
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed).to_string();
        let rqm = self.rqmname.lock().expect("transfer lock").clone();
        let blank = |s: String| if s.is_empty() { " ".to_owned() } else { s };
        let (_, why) = self.state();
        vec![
            ("BATCHES", get(&self.batches)),
            ("BATCHSZ", self.batchsz.to_string()),
            ("CURLUWID", format!("{:016X}", self.cur_luwid.load(Ordering::Relaxed))),
            ("CURMSGS", get(&self.cur_msgs)),
            ("CURSEQNO", get(&self.cur_seq)),
            ("INDOUBT", if self.in_doubt.load(Ordering::Relaxed) { "YES" } else { "NO" }.to_owned()),
            ("LONGRTS", get(&self.long_left)),
            ("LSTLUWID", format!("{:016X}", self.last_luwid.load(Ordering::Relaxed))),
            ("LSTSEQNO", get(&self.last_seq)),
            ("NPMSPEED", if self.fast { "FAST" } else { "NORMAL" }.to_owned()),
            ("RQMNAME", blank(rqm)),
            ("SHORTRTS", get(&self.short_left)),
            ("XMITQ", blank(self.xmitq.clone())),
            ("XQMSGSA", get(&self.xqmsgsa)),
            ("LASTERR", blank(why)),
        ]
    }
}
