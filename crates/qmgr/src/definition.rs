//! A message channel's definition as an instance runs with it: SDR and SVR (which send
//! from a transmission queue) and RQSTR (which receives), their batch, retry, interval
//! and TLS settings.

use std::sync::Arc;

use mqtls_ccdt::{parse_conname, Address};
use mqtls_channel::config::client_config;
use mqtls_model::{Channel, ChannelType, ObjectType};

use tokio::sync::Notify;

use crate::state::QueueManager;
use crate::status::Traffic;
use crate::transfer::Transfer;

/// A message channel's definition as one instance runs with it (read at each start, so
/// ALTER CHANNEL applies from the next one).
pub(crate) struct Definition {
    pub(crate) chltype: ChannelType,
    /// CONNAME's addresses (empty for a SVR that only answers requesters).
    pub(crate) conname: Vec<Address>,
    /// XMITQ (blank for a requester).
    pub(crate) xmitq: String,
    pub(crate) mcauser: String,
    pub(crate) batchsz: usize,
    pub(crate) batchint: u64,
    pub(crate) batchlim: usize,
    pub(crate) discint: u64,
    pub(crate) hbint: u32,
    pub(crate) maxmsgl: u32,
    pub(crate) fast: bool,
    pub(crate) sslpeer: String,
    /// (SHORTRTY, SHORTTMR) and (LONGRTY, LONGTMR).
    pub(crate) short: (u64, u64),
    pub(crate) long: (u64, u64),
    pub(crate) definition: mqtls_model::Object,
    label: String,
}

impl Definition {
    /// The definition of `name`: an SDR or SVR channel with a transmission queue of
    /// USAGE(XMITQ), or an RQSTR.
    pub(crate) fn read(qm: &QueueManager, name: &str) -> Result<Self, String> {
        let store = qm.store.read().expect("store lock");
        let object =
            store.get(ObjectType::Channel, name).ok_or_else(|| format!("channel {name} is not defined"))?;
        let chl = Channel::new(object).expect("channels have a type");
        let chltype = chl.channel_type();
        if !matches!(chltype, ChannelType::Sdr | ChannelType::Svr | ChannelType::Rqstr) {
            return Err(format!(
                "channel {name} is CHLTYPE({chltype}); mqtls starts SDR, SVR and RQSTR channels (RCVR and SVRCONN start when their partner connects)"
            ));
        }
        let conname = parse_conname(&object.str("CONNAME"));
        let xmitq = object.str("XMITQ");
        if chltype != ChannelType::Rqstr {
            if xmitq.is_empty() {
                return Err(format!(
                    "channel {name} has no XMITQ: ALTER CHANNEL({name}) CHLTYPE({chltype}) XMITQ(queue)"
                ));
            }
            match store.get(ObjectType::Qlocal, &xmitq) {
                None => return Err(format!("XMITQ({xmitq}) of channel {name} is not defined: DEFINE QLOCAL({xmitq}) USAGE(XMITQ)")),
                Some(q) if q.str("USAGE") != "XMITQ" => {
                    return Err(format!("queue {xmitq} is the XMITQ of channel {name} but has USAGE(NORMAL): ALTER QLOCAL({xmitq}) USAGE(XMITQ)"))
                }
                Some(_) => {}
            }
        }
        let int = |kw: &str, default: i64| object.int(kw).unwrap_or(default).max(0) as u64;
        let label = store.certificate_label(&chl);
        let sends = chltype != ChannelType::Rqstr;
        Ok(Self {
            chltype,
            conname,
            xmitq,
            mcauser: chl.mcauser(),
            batchsz: int("BATCHSZ", 50).max(1) as usize,
            batchint: int("BATCHINT", 0),
            batchlim: match int("BATCHLIM", 5000) {
                0 => usize::MAX,
                kb => (kb as usize).saturating_mul(1024),
            },
            discint: int("DISCINT", 6000),
            hbint: int("HBINT", 300).min(u64::from(u32::MAX)) as u32,
            maxmsgl: int("MAXMSGL", 4_194_304).min(u64::from(u32::MAX)) as u32,
            fast: object.str("NPMSPEED") != "NORMAL",
            sslpeer: chl.ssl_peer().unwrap_or_default(),
            // A requester does not retry (MQ gives it no retry attributes): it stops.
            short: if sends { (int("SHORTRTY", 10), int("SHORTTMR", 60)) } else { (0, 0) },
            long: if sends { (int("LONGRTY", 999_999_999), int("LONGTMR", 1200)) } else { (0, 0) },
            definition: object.clone(),
            label,
        })
    }

    /// Whether this end sends (SDR, SVR) rather than receives (RQSTR).
    pub(crate) fn sends(&self) -> bool {
        self.chltype != ChannelType::Rqstr
    }

    /// Refuses to start a channel with no CONNAME to connect to.
    pub(crate) fn require_conname(&self, name: &str) -> Result<(), String> {
        if self.conname.is_empty() {
            return Err(format!(
                "channel {name} has no CONNAME to connect to: ALTER CHANNEL({name}) CHLTYPE({}) CONNAME('host(port)'){}",
                self.chltype,
                if self.chltype == ChannelType::Svr { ", or let its RQSTR partner start it" } else { "" }
            ));
        }
        Ok(())
    }

    /// The TLS client configuration, for a channel with an SSLCIPH.
    pub(crate) fn tls_config(&self, qm: &QueueManager) -> Result<Option<Arc<rustls::ClientConfig>>, String> {
        let chl = Channel::new(&self.definition).expect("channels have a type");
        if chl.ssl_ciph().is_none() {
            return Ok(None);
        }
        let ks = qm.keystore.read().expect("keystore lock");
        client_config(&chl, Some(&self.label), &ks).map(Some).map_err(|e| {
            let (code, fix) = e.outcome();
            format!("{e}; {fix} {}", mqtls_channel::reason::tag(code))
        })
    }
}

/// How one connection attempt or run ended.
pub(crate) enum Ended {
    /// STOP CHANNEL.
    Stopped,
    /// DISCINT passed with nothing to send.
    Idle,
    /// Needs an operator (sequence numbers disagree, the definition is unusable).
    Fatal(String),
    /// Worth retrying; `ran` when the channel had started (the retry counts start again).
    Failed { why: String, ran: bool },
}

/// What an instance runs with.
pub(crate) struct Instance {
    pub(crate) qm: Arc<QueueManager>,
    pub(crate) name: String,
    pub(crate) id: u64,
    pub(crate) transfer: Arc<Transfer>,
    pub(crate) traffic: Arc<Traffic>,
    pub(crate) stop: Arc<Notify>,
}

/// The record key of a channel's synchronisation: a sender's name; a requester's name and
/// `@` (its one partner); a receiver's name, `@` and the sending queue manager.
pub(crate) fn sync_key(name: &str, chltype: ChannelType, remote: &str) -> String {
    match chltype {
        ChannelType::Sdr | ChannelType::Svr => name.to_owned(),
        ChannelType::Rqstr => format!("{name}@"),
        _ => format!("{name}@{remote}"),
    }
}

/// The CHSTATUS fields of a new instance of `def`, starting in `state`.
pub(crate) fn transfer_for(
    qm: &QueueManager,
    name: &str,
    def: &Definition,
    state: &'static str,
) -> Arc<Transfer> {
    let transfer = Arc::new(Transfer::new(state, def.xmitq.clone(), def.batchsz as u64, def.fast));
    transfer.set_retries(def.short.0, def.long.0);
    transfer.committed(&qm.queues.store.channel_sync(&sync_key(name, def.chltype, "")));
    if def.sends() {
        transfer.set_available(qm.queues.store.depth(&def.xmitq));
    }
    transfer
}
