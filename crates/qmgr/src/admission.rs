//! A channel start admitted or refused, whoever asked (an mqtls partner's start frame or
//! an IBM MQ partner's initial data): the checks in MQ's order, revocation and STOPPED
//! ([`admit`]), MQ's negotiation of MAXMSGL, SHARECNV and HBINT, the refusal sent, and what
//! a started instance runs with ([`Started`]).

use std::net::SocketAddr;
use std::sync::Arc;

use mqtls_channel::frame::{encode, ChannelStart, Frame};
use mqtls_channel::reason;
use mqtls_channel::start::{check, Admitted, Negotiated, Refusal};
use mqtls_model::{Excerpt, ObjectType};
use tokio::io::{AsyncWrite, AsyncWriteExt};

use crate::state::QueueManager;
use crate::status::Traffic;

/// What the started channel runs with.
pub(crate) struct Started {
    pub(crate) id: u64,
    pub(crate) mcauser: String,
    pub(crate) max_msg_len: u32,
    pub(crate) sharecnv: u16,
    pub(crate) heartbeat: u32,
    pub(crate) stop: Arc<tokio::sync::Notify>,
    pub(crate) traffic: Arc<Traffic>,
    /// QMGR SSLRKEYC.
    pub(crate) reset_after: u64,
}

/// MQ's negotiation: MAXMSGL the smallest of both ends (and the listener's frame bound),
/// SHARECNV the smaller (at least one conversation), HBINT the larger.
pub(crate) fn negotiate(qm: &QueueManager, channel: &str, start: &ChannelStart) -> (u32, u16, u32) {
    let store = qm.store.read().expect("store lock");
    let def = store.get(ObjectType::Channel, channel);
    let int = |kw: &str, default: i64| {
        def.and_then(|d| d.int(kw)).unwrap_or(default).clamp(0, i64::from(u32::MAX)) as u32
    };
    let max_msg_len = start.max_msg_len.min(int("MAXMSGL", 4_194_304)).min(qm.limits.max_frame);
    let sharecnv = start.sharecnv.min(int("SHARECNV", 10).min(999) as u16).max(1);
    let heartbeat = start.heartbeat.max(int("HBINT", 300));
    (max_msg_len, sharecnv, heartbeat)
}

/// The checks on a channel start (MQ's order, `mqtls_channel::start::check`), then the
/// partner's certificate's revocation and whether the channel is STOPPED; a refusal is
/// logged with its reason here.
pub(crate) async fn admit(
    qm: &Arc<QueueManager>,
    start: &ChannelStart,
    tls: &Negotiated<'_>,
    addr: SocketAddr,
) -> Result<Admitted, Refusal> {
    let mut outcome = check(&qm.store.read().expect("store lock"), start, tls, addr.ip(), &qm.accounts);
    if let (Ok(_), Some(chain)) = (&outcome, tls.peer_chain) {
        if let Err((code, why)) = crate::revocation::partner(qm, chain.to_vec()).await {
            outcome = Err(Refusal::new(code, why));
        }
    }
    if let Ok(admitted) = &outcome {
        if qm.status.is_stopped(&admitted.channel) {
            let name = &admitted.channel;
            let text = format!("channel {name} is STOPPED: START CHANNEL({name}) allows it again");
            outcome = Err(Refusal::new(reason::CHANNEL_NOT_AVAILABLE, text));
        }
    }
    if let Err(refusal) = &outcome {
        tracing::warn!(channel = %Excerpt::value(&start.channel), %addr, reason = refusal.reason, why = %Excerpt::line(&refusal.text), "channel refused");
    }
    outcome
}

/// Refuses a channel start: tells the partner `reason` with a generic line (never `text`:
/// the rule, the filter and the partner's DN are for the log), closes, and returns `text`
/// for the log.
pub(crate) async fn refuse<S: AsyncWrite + Unpin>(
    stream: &mut S,
    qm: &QueueManager,
    reason: u32,
    text: String,
) -> Result<(), String> {
    qm.refused(&text);
    end(stream, reason, reason::told(reason), text).await
}

/// Ends a connection with `reason`, telling the partner `told`; returns `text` for the
/// log. A running channel's partner is told what it did wrong ([`refuse`] for starts).
pub(crate) async fn end<S: AsyncWrite + Unpin>(
    stream: &mut S,
    reason: u32,
    told: String,
    text: String,
) -> Result<(), String> {
    let _ = stream.write_all(&encode(&Frame::Refuse { reason, text: told })).await;
    let _ = stream.shutdown().await;
    Err(text)
}
