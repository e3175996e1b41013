//! A started channel: heartbeats echoed, client conversations multiplexed over the one
//! connection (up to the negotiated SHARECNV, each its own task so a waiting get holds up
//! no other conversation), STOP CHANNEL, and the idle bound of twice HBINT.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use mqtls_channel::frame::{encode, Frame};
use mqtls_channel::ops::{request_id, Reply, Request, MAX_IN_FLIGHT};
use mqtls_channel::reason;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::timeout;

use crate::admission::{end, Started};
use crate::conversation::Session;
use crate::state::QueueManager;
use mqtls_client::read_frame;

/// A connection whose TLS secret keys can be reset (MQ's SSLRKEYC; a TLS 1.3 KeyUpdate).
pub(crate) trait Rekey {
    /// Resets the keys; false when the connection has none to reset (plain).
    fn rekey(&mut self) -> Result<bool, String>;
}

impl Rekey for tokio::net::TcpStream {
    fn rekey(&mut self) -> Result<bool, String> {
        Ok(false)
    }
}

impl Rekey for tokio_rustls::server::TlsStream<tokio::net::TcpStream> {
    fn rekey(&mut self) -> Result<bool, String> {
        self.get_mut().1.refresh_traffic_keys().map(|()| true).map_err(|e| e.to_string())
    }
}

struct Conversation {
    requests: mpsc::Sender<Vec<u8>>,
    task: JoinHandle<()>,
}

/// Serves the channel until the partner closes, goes silent, breaks a rule, or STOP
/// CHANNEL ends it. Conversations still running are ended and their units of work
/// backed out.
pub(crate) async fn run<S: AsyncRead + AsyncWrite + Unpin + Rekey>(
    stream: &mut S,
    buf: &mut Vec<u8>,
    qm: &Arc<QueueManager>,
    started: Started,
) -> Result<(), String> {
    let (replies, mut outgoing) = mpsc::unbounded_channel::<Vec<u8>>();
    let mut conversations: HashMap<u16, Conversation> = HashMap::new();
    let result = serve(stream, buf, qm, &started, &replies, &mut outgoing, &mut conversations).await;
    for (_, c) in conversations {
        c.task.abort();
    }
    result
}

async fn serve<S: AsyncRead + AsyncWrite + Unpin + Rekey>(
    stream: &mut S,
    buf: &mut Vec<u8>,
    qm: &Arc<QueueManager>,
    started: &Started,
    replies: &mpsc::UnboundedSender<Vec<u8>>,
    outgoing: &mut mpsc::UnboundedReceiver<Vec<u8>>,
    conversations: &mut HashMap<u16, Conversation>,
) -> Result<(), String> {
    // MQ ends a channel whose partner misses its heartbeats; HBINT(0) (no heartbeats)
    // still gets a two-hour bound.
    let hb = started.heartbeat;
    let idle = Duration::from_secs(if hb == 0 { 7200 } else { 2 * u64::from(hb) });
    let traffic = &started.traffic;
    // SSLRKEYC: bytes between secret key resets (0: never).
    let mut reset_after = Some(started.reset_after).filter(|n| *n > 0);
    let mut since_reset = 0u64;
    loop {
        if let Some(limit) = reset_after {
            let (_, sent, received, _) = traffic.snapshot();
            if sent + received - since_reset >= limit {
                since_reset = sent + received;
                match stream.rekey() {
                    Ok(true) => {
                        stream.flush().await.map_err(|e| e.to_string())?;
                        traffic.key_reset(crate::unix_now());
                    }
                    Ok(false) => reset_after = None,
                    Err(why) => {
                        tracing::warn!(%why, "SSLRKEYC: the secret key cannot be reset on this channel (TLS 1.2 has no key update in rustls)");
                        reset_after = None;
                    }
                }
            }
        }
        let frame = tokio::select! {
            frame = timeout(idle, read_frame(stream, buf, qm.limits.max_frame)) => frame.map_err(
                |_| format!("nothing from the partner for {}s (twice HBINT): channel ended", idle.as_secs()),
            )??,
            Some(bytes) = outgoing.recv() => {
                // Every reply ready is written before one flush (pipelined requests).
                let mut sent = bytes.len();
                stream.write_all(&bytes).await.map_err(|e| e.to_string())?;
                while let Ok(more) = outgoing.try_recv() {
                    sent += more.len();
                    stream.write_all(&more).await.map_err(|e| e.to_string())?;
                }
                stream.flush().await.map_err(|e| e.to_string())?;
                traffic.bytes(sent, 0);
                continue;
            }
            () = started.stop.notified() => {
                let _ = stream.write_all(&encode(&Frame::Close { reason: qm.status.stop_reason(started.id) })).await;
                let _ = stream.shutdown().await;
                return Err("ended by STOP CHANNEL".to_owned());
            }
        };
        traffic.bytes(0, frame.encoded_len());
        match frame {
            Frame::Heartbeat => {
                traffic.bytes(mqtls_channel::frame::HEADER, 0);
                stream.write_all(&encode(&Frame::Heartbeat)).await.map_err(|e| e.to_string())?;
                stream.flush().await.map_err(|e| e.to_string())?;
            }
            Frame::Close { .. } => return Ok(()),
            Frame::Data { conversation, payload } if conversation < started.sharecnv => {
                let c = conversations
                    .entry(conversation)
                    .or_insert_with(|| spawn(qm.clone(), started, conversation, replies.clone()));
                if c.requests.try_send(payload).is_err() {
                    let text =
                        format!("more than {MAX_IN_FLIGHT} requests waiting on conversation {conversation}");
                    return end(stream, reason::CONNECTION_BROKEN, text.clone(), text).await;
                }
            }
            Frame::Data { conversation, .. } => {
                let text = format!(
                    "conversation {conversation} is beyond the negotiated SHARECNV({})",
                    started.sharecnv
                );
                return end(stream, reason::CONNECTION_BROKEN, text.clone(), text).await;
            }
            _ => {
                let text = "only heartbeats, data and close may follow the channel start".to_owned();
                return end(stream, reason::CONNECTION_BROKEN, text.clone(), text).await;
            }
        }
    }
}

fn spawn(
    qm: Arc<QueueManager>,
    started: &Started,
    id: u16,
    replies: mpsc::UnboundedSender<Vec<u8>>,
) -> Conversation {
    let (requests, mut inbox) = mpsc::channel::<Vec<u8>>(MAX_IN_FLIGHT);
    let mut session =
        Session::new(qm, started.id, started.traffic.clone(), started.mcauser.clone(), started.max_msg_len);
    let task = tokio::spawn(async move {
        let stop = session.stop_signal();
        loop {
            let payload = tokio::select! {
                payload = inbox.recv() => payload,
                () = stop.notified() => {
                    session.end_by_operator();
                    continue;
                }
            };
            let Some(payload) = payload else { break };
            let (request_id, reply) = match Request::decode(&payload) {
                Ok((rid, request)) => (rid, session.serve(request).await),
                Err(e) => {
                    let code = match e {
                        mqtls_channel::frame::FrameError::UnknownOp { .. } => reason::FUNCTION_NOT_SUPPORTED,
                        _ => reason::CONNECTION_BROKEN,
                    };
                    (request_id(&payload).unwrap_or(0), Reply::Failed { reason: code, text: e.to_string() })
                }
            };
            let frame = Frame::Data { conversation: id, payload: reply.encode(request_id) };
            if replies.send(encode(&frame)).is_err() {
                break;
            }
        }
    });
    Conversation { requests, task }
}
