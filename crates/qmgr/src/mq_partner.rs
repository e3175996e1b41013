//! A real IBM MQ partner at an mqtls listener: after TLS (or on a plain connection) it
//! sends a TSH segment with its initial data (ID). The channel it names goes through the
//! same channel-start checks as an mqtls partner's; a refusal is answered as IBM MQ
//! answers it, with a STATUS segment carrying MQ's code (NO_CHANNEL, CHANNEL_WRONG_TYPE,
//! CIPHER_SPEC, PEER_NAME, SSL_CLIENT_CERTIFICATE...) — never a hang or a silent close.
//! An admitted partner gets this queue manager's ID answer and shows in DISPLAY CHSTATUS
//! (BINDING, with its RPRODUCT, RVERSION and FAP level); the flow it sends next (user id
//! data, MQCONN, messages) is past what mqtls provides, and is refused with
//! PROTOCOL_SEGMENT_TYPE and a log line naming the flow.

use std::net::SocketAddr;
use std::sync::Arc;

use mqtls_channel::fap::{segment, status, Segment, FAP_LEVEL};
use mqtls_channel::frame::ChannelStart;
use mqtls_channel::initial_data::{caps, InitialData};
use mqtls_channel::start::Negotiated;
use mqtls_client::read_segment;
use mqtls_model::Excerpt;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio::time::timeout;

use crate::pending::PendingGuard;
use crate::state::QueueManager;
use crate::status::{ChannelStatus, Remote};

/// The largest segment read before a channel runs (MQ's initial data is 240 bytes).
const MAX_SEGMENT: u32 = 64 * 1024;

/// Serves an IBM MQ partner whose first bytes (in `buf`) opened a TSH segment.
pub(crate) async fn serve<S: AsyncRead + AsyncWrite + Unpin>(
    mut stream: S,
    mut buf: Vec<u8>,
    tls: Negotiated<'_>,
    (addr, local): (SocketAddr, String),
    qm: &Arc<QueueManager>,
    _place: PendingGuard,
) -> Result<(), String> {
    let limit = qm.limits.handshake_timeout;
    let first = timeout(limit, read_segment(&mut stream, &mut buf, MAX_SEGMENT))
        .await
        .map_err(|_| "no complete IBM MQ initial data before the timeout".to_owned())??;
    if first.kind != segment::INITIAL_DATA {
        let text = format!(
            "an IBM MQ partner opened with {} (0x{:02x}) instead of INITIAL_DATA",
            segment::name(first.kind),
            first.kind
        );
        return answer(&mut stream, qm, &first, status::PROTOCOL_SEGMENT_TYPE, text).await;
    }
    let id = match InitialData::decode(&first.body, first.little_endian) {
        Ok(id) => id,
        Err(e) => {
            let text = format!("an IBM MQ partner's initial data: {e}");
            return answer(&mut stream, qm, &first, status::PROTOCOL_ID_ERROR, text).await;
        }
    };
    let start = ChannelStart {
        channel: id.channel.clone(),
        chltype: id.partner_type(),
        qmgr: id.qmgr.clone(),
        // MQ sends the user id in a later flow (USERID_DATA), which mqtls does not serve.
        user: String::new(),
        max_msg_len: id.max_msg_size,
        sharecnv: id.conversations.clamp(1, 999) as u16,
        heartbeat: id.heartbeat,
    };
    let admitted = match crate::admission::admit(qm, &start, &tls, addr).await {
        Ok(admitted) => admitted,
        Err(refusal) => return answer(&mut stream, qm, &first, refusal.status, refusal.text).await,
    };
    let (max_msg_len, sharecnv, heartbeat) = crate::admission::negotiate(qm, &admitted.channel, &start);
    let (product, version) = id.product_and_version();
    let row = qm.next_id();
    let remote = Remote { product: product.clone(), version: version.clone(), fap_level: id.fap_level };
    let binding = ChannelStatus {
        status: "BINDING",
        maxmsgl: max_msg_len,
        maxshcnv: sharecnv,
        hbint: heartbeat,
        remote,
        locladdr: local,
        ..ChannelStatus::admitted(&admitted, addr.ip().to_string(), row)
    };
    // The row lives only until the next flow or the handshake timeout: no instance limit.
    qm.status.admit(binding, u64::MAX, u64::MAX)?;
    tracing::info!(channel = %Excerpt::value(&admitted.channel), %addr, fap_level = id.fap_level, product = %Excerpt::value(&id.product), "IBM MQ partner's initial data accepted");
    let qmgr = qm.store.read().expect("store lock").qmgr().name().to_owned();
    let ours = InitialData {
        fap_level: id.fap_level.min(FAP_LEVEL),
        caps1: id.caps1 & (caps::MSG_SEQ | caps::CONVERSION_CAPABLE | caps::SPLIT_MESSAGE | caps::MQREQUEST),
        max_batch: id.max_batch,
        max_transmission: id.max_transmission,
        max_msg_size: max_msg_len,
        seq_wrap: id.seq_wrap,
        channel: id.channel.clone(),
        ccsid: 819,
        qmgr: qmgr.clone(),
        heartbeat,
        conversations: u32::from(sharecnv),
        product: InitialData::mqtls_product(),
        mqm_id: qmgr,
        ..InitialData::default()
    };
    let reply = Segment::answer(&first, segment::INITIAL_DATA, 0, ours.encode(first.little_endian));
    let sent = async {
        stream.write_all(&reply.encode()).await?;
        stream.flush().await
    };
    let outcome = match sent.await {
        Err(e) => Err(e.to_string()),
        Ok(()) => match timeout(limit, read_segment(&mut stream, &mut buf, MAX_SEGMENT)).await {
            Err(_) => Err("an IBM MQ partner sent nothing after the initial data before the timeout".into()),
            Ok(Err(why)) => Err(why),
            Ok(Ok(next)) => {
                let text = format!(
                    "channel {}: the IBM MQ partner ({product} {version}, FAP level {}) sent {} (0x{:02x}) after the initial data; mqtls does not provide IBM MQ's protocol past the ID exchange (user ids, MQCONN, messages): connect with an mqtls client or sender",
                    admitted.channel,
                    id.fap_level,
                    segment::name(next.kind),
                    next.kind
                );
                answer(&mut stream, qm, &next, status::PROTOCOL_SEGMENT_TYPE, text).await
            }
        },
    };
    qm.status.remove(row);
    outcome
}

/// Answers `to` with a STATUS segment carrying `code`, closes, and returns `text` for the
/// log (the partner is told only the code, as MQ tells it).
async fn answer<S: AsyncWrite + Unpin>(
    stream: &mut S,
    qm: &QueueManager,
    to: &Segment,
    code: u32,
    text: String,
) -> Result<(), String> {
    qm.refused(&text);
    tracing::warn!(status = code, why = %Excerpt::line(&text), "IBM MQ partner refused");
    let body = mqtls_channel::fap::status_body(to.little_endian, code);
    // CtlFlag1 0x02: an error.
    let _ = stream.write_all(&Segment::answer(to, segment::STATUS, 0x02, body).encode()).await;
    let _ = stream.shutdown().await;
    Err(text)
}
