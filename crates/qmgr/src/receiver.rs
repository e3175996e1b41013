//! A receiver channel (RCVR) once started: resynchronisation with the sender, batches of
//! messages put to their destination queues inside one unit of work, committed together
//! with the channel's record (sequence number, batch id) when the sender ends the batch,
//! and only then confirmed. A broken connection backs the open batch out: the sender still
//! holds it and sends it again. One instance per sending queue manager and channel runs
//! at a time; a new one ends the old first.

use std::sync::Arc;
use std::time::Duration;

use mqtls_channel::frame::{encode, Frame};
use mqtls_channel::reason;
use mqtls_channel::transfer::{Answer, Send};
use mqtls_client::read_frame;
use mqtls_model::{ChannelType, Message, Transmission};
use mqtls_msgstore::{ChannelSync, Uow};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio::time::timeout;

use crate::admission::Started;
use crate::authority::Principal;
use crate::queues::{blocking, refusal};
use crate::queues::{resolve, rules, xmitq_for, Resolved};
use crate::state::QueueManager;
use crate::transfer::Transfer;

type Failure = (u32, String);

/// The CHSTATUS fields of a message channel the listener admitted, started by queue
/// manager `remote`: a receiver (RCVR, or RQSTR a server called), or a SVR a requester
/// called (it sends). None for other channels; refused for an SDR (MQ's requester
/// call-back, which mqtls does not run).
pub(crate) fn accepted(
    qm: &QueueManager,
    channel: &str,
    chltype: ChannelType,
    remote: &str,
) -> Result<Option<Arc<Transfer>>, String> {
    let t = match chltype {
        ChannelType::Rcvr | ChannelType::Rqstr => {
            let store = qm.store.read().expect("store lock");
            let def = store.get(mqtls_model::ObjectType::Channel, channel);
            let batchsz = def.and_then(|d| d.int("BATCHSZ")).unwrap_or(50).max(1) as u64;
            let fast = def.is_none_or(|d| d.str("NPMSPEED") != "NORMAL");
            Arc::new(Transfer::new("RUNNING", String::new(), batchsz, fast))
        }
        ChannelType::Svr => {
            let def = crate::definition::Definition::read(qm, channel)?;
            crate::definition::transfer_for(qm, channel, &def, "RUNNING")
        }
        ChannelType::Sdr => {
            return Err(format!(
                "channel {channel} is CHLTYPE(SDR): a requester calling a sender back is not supported by mqtls; define the partner of the RQSTR as a SVR"
            ))
        }
        _ => return Ok(None),
    };
    t.set_rqmname(remote);
    Ok(Some(t))
}

/// Serves a started receiver channel `channel` from queue manager `remote` until the
/// sender closes, goes silent, fails a check, or STOP CHANNEL ends it.
pub(crate) async fn run<S: AsyncRead + AsyncWrite + Unpin>(
    stream: &mut S,
    buf: &mut Vec<u8>,
    qm: &Arc<QueueManager>,
    started: Started,
    (channel, remote): (&str, &str),
    transfer: Arc<Transfer>,
) -> Result<(), String> {
    let key = crate::definition::sync_key(channel, ChannelType::Rcvr, remote);
    let slot = qm.receivers.slot(&key);
    slot.generation.send_modify(|g| *g += 1);
    let mut superseded = slot.generation.subscribe();
    superseded.borrow_and_update();
    let _running = timeout(qm.limits.handshake_timeout, slot.running.lock())
        .await
        .map_err(|_| format!("an earlier instance of channel {channel} from {remote} did not end"))?;
    let sync = qm.queues.store.channel_sync(&key);
    // A receiver with an MCAUSER (set, or mapped by CHLAUTH) puts with that user's
    // authority; a blank one runs as the queue manager, as in MQ.
    let putter =
        Some(started.mcauser.clone()).filter(|u| !u.is_empty()).map(|u| Principal::of(u, &qm.accounts));
    let use_dlq = qm
        .store
        .read()
        .expect("store lock")
        .get(mqtls_model::ObjectType::Channel, channel)
        .is_none_or(|c| c.str("USEDLQ") != "NO");
    let mut batch = Batch { key, sync, uow: None, count: 0, putter, use_dlq };
    transfer.committed(&batch.sync);
    let hb = started.heartbeat;
    let idle = Duration::from_secs(if hb == 0 { 7200 } else { 2 * u64::from(hb) });
    let result = loop {
        let frame = tokio::select! {
            frame = timeout(idle, read_frame(stream, buf, qm.limits.max_frame)) => match frame {
                Err(_) => break Err(format!("nothing from the sender for {}s (twice HBINT)", idle.as_secs())),
                Ok(Err(why)) => break Err(why),
                Ok(Ok(frame)) => frame,
            },
            () = started.stop.notified() => {
                let _ = stream.write_all(&encode(&Frame::Close { reason: qm.status.stop_reason(started.id) })).await;
                let _ = stream.shutdown().await;
                break Err("ended by STOP CHANNEL".to_owned());
            }
            _ = superseded.changed() => break Err("a new instance from the same queue manager replaced this one".to_owned()),
        };
        started.traffic.bytes(0, frame.encoded_len());
        let answer = match frame {
            Frame::Heartbeat => Some(encode(&Frame::Heartbeat)),
            Frame::Close { .. } => break Ok(()),
            Frame::Data { conversation: 0, payload } => {
                match step(qm, &mut batch, &payload, &started, &transfer).await {
                    Ok(None) => None,
                    Ok(Some(answer)) => {
                        Some(encode(&Frame::Data { conversation: 0, payload: answer.encode() }))
                    }
                    Err((code, text)) => {
                        let failed = Answer::Failed { reason: code, text: text.clone() };
                        let _ = stream
                            .write_all(&encode(&Frame::Data { conversation: 0, payload: failed.encode() }))
                            .await;
                        let _ = stream.flush().await;
                        break Err(text);
                    }
                }
            }
            _ => {
                break Err(
                    "a sender may send only heartbeats, transfers on conversation 0 and close".to_owned()
                )
            }
        };
        if let Some(bytes) = answer {
            started.traffic.bytes(bytes.len(), 0);
            if let Err(e) = async {
                stream.write_all(&bytes).await?;
                stream.flush().await
            }
            .await
            {
                break Err(e.to_string());
            }
        }
    };
    if let Some(uow) = batch.uow.take() {
        let regained = qm.queues.store.backout(uow);
        qm.queues.wake(&regained);
    }
    result
}

struct Batch {
    key: String,
    sync: ChannelSync,
    uow: Option<Uow>,
    count: u32,
    putter: Option<Principal>,
    /// USEDLQ(YES): what cannot be put goes to the queue manager's DEADQ.
    use_dlq: bool,
}

impl Batch {
    fn next_seq(&self) -> u64 {
        self.sync.seq.wrapping_add(u64::from(self.count)).wrapping_add(1)
    }
}

async fn step(
    qm: &Arc<QueueManager>,
    batch: &mut Batch,
    payload: &[u8],
    started: &Started,
    transfer: &Transfer,
) -> Result<Option<Answer>, Failure> {
    let send = Send::decode(payload).map_err(|e| (reason::CONNECTION_BROKEN, e.to_string()))?;
    match send {
        Send::Resync { seq, luwid, reset, .. } => {
            if batch.uow.is_some() || batch.count > 0 {
                return Err((reason::CONNECTION_BROKEN, "resynchronisation inside a batch".into()));
            }
            if reset {
                let next = ChannelSync { seq, luwid, in_doubt: None, reset_pending: false };
                let (store, key, rec) = (qm.clone(), batch.key.clone(), next.clone());
                blocking(move || store.queues.store.reset_channel(&key, &rec)).await?.map_err(refusal)?;
                tracing::info!(key = %batch.key, seq, "sequence number reset by the sender");
                batch.sync = next;
                transfer.committed(&batch.sync);
            }
            let qmgr = qm.store.read().expect("store lock").qmgr().name().to_owned();
            Ok(Some(Answer::Synced { seq: batch.sync.seq, luwid: batch.sync.luwid, qmgr }))
        }
        Send::Msg { seq, now, message } => {
            if seq != batch.next_seq() {
                let text = format!(
                    "message sequence number error on {}: expected {}, the sender sent {seq}; RESET CHANNEL at the sender",
                    batch.key,
                    batch.next_seq()
                );
                return Err((reason::CONNECTION_BROKEN, text));
            }
            let uow =
                if now { None } else { Some(*batch.uow.get_or_insert_with(|| qm.queues.store.begin())) };
            let target = match deliver(qm, &message, uow, batch.putter.as_ref()) {
                Err(failure) if batch.use_dlq && DEAD_LETTERED.contains(&failure.0) => {
                    dead_letter(qm, &message, uow, failure)?
                }
                other => other?,
            };
            if uow.is_none() {
                qm.queues.wake(&[target]);
            }
            batch.count += 1;
            started.traffic.message(crate::unix_now());
            transfer.current(batch.sync.luwid.wrapping_add(1), seq, u64::from(batch.count));
            Ok(None)
        }
        Send::EndBatch { luwid, seq, count } => {
            if count != batch.count || seq != batch.next_seq().wrapping_sub(1) {
                let text = format!(
                    "batch {luwid} ends at sequence number {seq} with {count} messages, but {} arrived ending at {}",
                    batch.count,
                    batch.next_seq().wrapping_sub(1)
                );
                return Err((reason::CONNECTION_BROKEN, text));
            }
            let uow = batch.uow.take().unwrap_or_else(|| qm.queues.store.begin());
            let next = ChannelSync { seq, luwid, in_doubt: None, reset_pending: false };
            let (q, key, rec) = (qm.clone(), batch.key.clone(), next.clone());
            let gained =
                blocking(move || q.queues.store.commit_channel(uow, &key, &rec)).await?.map_err(refusal)?;
            qm.queues.wake(&gained);
            batch.sync = next;
            batch.count = 0;
            transfer.batch_done(&batch.sync);
            Ok(Some(Answer::Confirmed { luwid }))
        }
    }
}

/// Why a message goes to the dead-letter queue rather than stopping the channel: where it
/// was going does not exist, refuses puts, is full, or refuses this sender.
const DEAD_LETTERED: &[u32] = &[
    reason::UNKNOWN_OBJECT_NAME,
    reason::UNKNOWN_REMOTE_Q_MGR,
    reason::XMIT_Q_USAGE_ERROR,
    reason::PUT_INHIBITED,
    reason::Q_FULL,
    reason::MSG_TOO_BIG_FOR_Q,
    reason::NOT_AUTHORIZED,
];

/// Puts a message that could not be delivered on the queue manager's DEADQ with a
/// dead-letter header (why, and where it was going), in the batch's unit of work. When
/// there is no dead-letter queue, or it refuses too, the original failure stands.
fn dead_letter(
    qm: &QueueManager,
    message: &Message,
    uow: Option<Uow>,
    failure: Failure,
) -> Result<String, Failure> {
    let t = Transmission::unwrap(message).map_err(|e| (reason::CONNECTION_BROKEN, e.to_string()))?;
    let store = qm.store.read().expect("store lock");
    let deadq = store.qmgr().str("DEADQ");
    let Some(q) = store.get(mqtls_model::ObjectType::Qlocal, &deadq).filter(|_| !deadq.is_empty()) else {
        let (code, why) = failure;
        return Err((
            code,
            format!("{why}; no dead-letter queue: ALTER QMGR DEADQ(SYSTEM.DEAD.LETTER.QUEUE)"),
        ));
    };
    let max_depth = q.int("MAXDEPTH").unwrap_or(0).max(0) as usize;
    drop(store);
    let dl = mqtls_model::DeadLetter {
        reason: failure.0,
        dest_q: t.remote_q,
        dest_qmgr: t.remote_qmgr,
        message: t.message,
    };
    match qm.queues.store.put(&deadq, dl.wrap(), uow, max_depth) {
        Ok(_) => {
            tracing::warn!(reason = failure.0, why = %mqtls_model::Excerpt::line(&failure.1), %deadq, "message put on the dead-letter queue");
            Ok(deadq)
        }
        Err(e) => {
            Err((failure.0, format!("{}; the dead-letter queue {deadq} refused it too: {e}", failure.1)))
        }
    }
}

/// Puts one arriving message where its transmission header says: a queue of this queue
/// manager (through aliases and remote definitions), or the transmission queue towards
/// another. Returns the queue it went to.
fn deliver(
    qm: &QueueManager,
    message: &Message,
    uow: Option<Uow>,
    putter: Option<&Principal>,
) -> Result<String, Failure> {
    let t = Transmission::unwrap(message).map_err(|e| (reason::CONNECTION_BROKEN, e.to_string()))?;
    let store = qm.store.read().expect("store lock");
    let ours = store.qmgr().name().to_owned();
    let (resolved, msg) = if t.remote_qmgr.is_empty() || t.remote_qmgr == ours {
        let r = resolve(&store, &t.remote_q)
            .map_err(|(code, why)| (code, format!("a message for {} on {ours}: {why}", t.remote_q)))?;
        let msg = match &r.remote {
            Some((remote_q, remote_qmgr)) => Transmission {
                remote_q: remote_q.clone(),
                remote_qmgr: remote_qmgr.clone(),
                message: t.message,
            }
            .wrap(),
            None => t.message,
        };
        (r, msg)
    } else {
        let xmitq = xmitq_for(&store, "", &t.remote_qmgr)?;
        (Resolved { name: xmitq.clone(), local: xmitq, remote: None }, message.clone())
    };
    if let Some(p) = putter {
        p.require(&store, "QUEUE", &resolved.name, "PUT")?;
    }
    let rules = rules(&store, &resolved)?;
    drop(store);
    rules.admit_put(&resolved, msg.payload.len())?;
    let mut msg = msg;
    rules.resolve_persistence(&mut msg);
    qm.queues.store.put(&resolved.local, msg, uow, rules.max_depth).map_err(refusal)?;
    Ok(resolved.local)
}
