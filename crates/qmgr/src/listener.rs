//! A listener: one port for TLS and plain channels (the first byte decides), the TLS
//! configuration chosen from the SNI in the ClientHello (a channel's, or the queue
//! manager's), a bounded number of connections, a timeout on every handshake and on the
//! channel start, an IBM MQ partner's TSH told from an mqtls frame, then the
//! channel-start checks and the status table.

use std::net::SocketAddr;
use std::sync::Arc;

use mqtls_channel::frame::{encode, Frame};
use mqtls_channel::reason;
use mqtls_channel::start::Negotiated;
use mqtls_client::read_frame;
use mqtls_model::{Excerpt, ObjectType};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio::time::timeout;

use crate::admission::{admit, refuse, Started};
use crate::pending::{Pending, PendingGuard};
use crate::state::QueueManager;
use crate::status::{ChannelStatus, Traffic};

/// Serves connections on `listener` until the task is dropped.
pub async fn serve(listener: TcpListener, qm: Arc<QueueManager>) -> std::io::Result<()> {
    let permits = Arc::new(Semaphore::new(qm.limits.max_connections));
    let pending = Arc::new(Pending::default());
    loop {
        let (sock, addr) = listener.accept().await?;
        // Requests and replies are small and answered at once: no Nagle delay.
        let _ = sock.set_nodelay(true);
        let Ok(permit) = permits.clone().try_acquire_owned() else {
            tracing::warn!(%addr, "connection refused: the listener is at its connection limit");
            continue;
        };
        let Some(place) = pending.enter(addr.ip(), qm.limits.max_pending_per_address) else {
            tracing::warn!(%addr, "connection refused: this address already has its pending handshakes");
            continue;
        };
        let qm = qm.clone();
        tokio::spawn(async move {
            let _permit = permit;
            if let Err(why) = connection(sock, addr, qm, place).await {
                tracing::info!(%addr, why = %Excerpt::line(&why), "connection ended");
            }
        });
    }
}

async fn connection(
    sock: TcpStream,
    addr: SocketAddr,
    qm: Arc<QueueManager>,
    place: PendingGuard,
) -> Result<(), String> {
    let qm = &qm;
    let limit = qm.limits.handshake_timeout;
    let mut first = [0u8; 1];
    let n = timeout(limit, sock.peek(&mut first))
        .await
        .map_err(|_| "no data before the timeout".to_owned())?
        .map_err(|e| e.to_string())?;
    if n == 0 {
        return Err("closed before sending anything".into());
    }
    let local = crate::status::local_address(sock.local_addr().ok());
    if first[0] != 0x16 {
        return channel_start(sock, Negotiated::default(), (addr, local), qm, place).await;
    }
    let (tls, sni) = crate::tls_accept::accept(sock, addr, qm).await?;
    let (_, conn) = tls.get_ref();
    let suite = conn.negotiated_cipher_suite().map(|s| mqtls_cipherspec::SuiteId(u16::from(s.suite())));
    let chain: Option<Vec<Vec<u8>>> =
        conn.peer_certificates().map(|c| c.iter().map(|d| d.to_vec()).collect());
    let negotiated = Negotiated { sni: sni.as_deref(), suite, peer_chain: chain.as_deref() };
    channel_start(tls, negotiated, (addr, local), qm, place).await
}

async fn channel_start<S: AsyncRead + AsyncWrite + Unpin + Send + 'static + crate::running::Rekey>(
    mut stream: S,
    tls: Negotiated<'_>,
    (addr, local): (SocketAddr, String),
    qm: &Arc<QueueManager>,
    place: PendingGuard,
) -> Result<(), String> {
    let mut buf = Vec::new();
    let limit = qm.limits.handshake_timeout;
    // Four bytes tell an IBM MQ partner's segment (`TSH`) from an mqtls frame (`MQT`).
    match timeout(limit, read_at_least(&mut stream, &mut buf, 4)).await {
        Err(_) => return Err("no channel-start frame before the timeout".to_owned()),
        Ok(Err(why)) => return Err(why),
        Ok(Ok(())) if mqtls_channel::fap::is_mq(&buf) => {
            return crate::mq_partner::serve(stream, buf, tls, (addr, local), qm, place).await
        }
        Ok(Ok(())) => {}
    }
    let first = timeout(limit, read_frame(&mut stream, &mut buf, qm.limits.max_frame))
        .await
        .map_err(|_| "no channel-start frame before the timeout".to_owned())?;
    let start = match first {
        Ok(Frame::ChannelStart(start)) => start,
        Ok(_) => {
            return refuse(
                &mut stream,
                qm,
                reason::CONNECTION_BROKEN,
                "the first frame must be a channel start".into(),
            )
            .await
        }
        Err(why) => return refuse(&mut stream, qm, reason::CONNECTION_BROKEN, why).await,
    };
    let admitted = match admit(qm, &start, &tls, addr).await {
        Ok(admitted) => admitted,
        Err(refusal) => return refuse(&mut stream, qm, refusal.reason, refusal.text).await,
    };
    let (max_msg_len, sharecnv, heartbeat) = crate::admission::negotiate(qm, &admitted.channel, &start);
    let id = qm.next_id();
    let traffic = Arc::new(Traffic::default());
    let transfer = match crate::receiver::accepted(qm, &admitted.channel, admitted.chltype, &start.qmgr) {
        Ok(transfer) => transfer,
        Err(why) => return refuse(&mut stream, qm, reason::CHANNEL_CONFIG_ERROR, why).await,
    };
    let (max_inst, max_instc) = {
        let store = qm.store.read().expect("store lock");
        let def = store.get(ObjectType::Channel, &admitted.channel);
        let int = |kw| def.and_then(|d| d.int(kw)).map_or(u64::MAX, |n| n.max(0) as u64);
        (int("MAXINST"), int("MAXINSTC"))
    };
    let admitted_row = qm.status.admit(
        ChannelStatus {
            maxmsgl: max_msg_len,
            maxshcnv: sharecnv,
            hbint: heartbeat,
            traffic: traffic.clone(),
            transfer: transfer.clone(),
            locladdr: local,
            ..ChannelStatus::admitted(&admitted, addr.ip().to_string(), id)
        },
        max_inst,
        max_instc,
    );
    let stop = match admitted_row {
        Ok(stop) => stop,
        Err(why) => {
            let text = format!("{why}; ALTER CHANNEL MAXINST / MAXINSTC or end other instances");
            tracing::warn!(channel = %Excerpt::value(&admitted.channel), %addr, why = %Excerpt::line(&text), "channel refused");
            return refuse(&mut stream, qm, reason::CHANNEL_NOT_AVAILABLE, text).await;
        }
    };
    let channel = admitted.channel.clone();
    tracing::info!(channel = %Excerpt::value(&admitted.channel), %addr, secprot = admitted.secprot, sslciph = admitted.sslciph, mcauser = %Excerpt::value(&admitted.mcauser), "channel started");
    drop(place); // started: no longer pending
    let ack = Frame::StartAck { max_msg_len, sharecnv, heartbeat };
    let reset_after = qm.store.read().expect("store lock").qmgr().int("SSLRKEYC").unwrap_or(0).max(0) as u64;
    let started = Started {
        id,
        mcauser: admitted.mcauser,
        max_msg_len,
        sharecnv,
        heartbeat,
        stop,
        traffic,
        reset_after,
    };
    let sent = async {
        stream.write_all(&encode(&ack)).await?;
        stream.flush().await
    };
    let result = match sent.await {
        Ok(()) => match (admitted.chltype, transfer) {
            (mqtls_model::ChannelType::Svr, Some(t)) => {
                crate::sender::serve(qm, &channel, started, t, Box::new(stream), buf).await
            }
            (chltype, Some(t)) => {
                let key = if chltype == mqtls_model::ChannelType::Rqstr { "" } else { start.qmgr.as_str() };
                crate::receiver::run(&mut stream, &mut buf, qm, started, (&channel, key), t).await
            }
            (_, None) => crate::running::run(&mut stream, &mut buf, qm, started).await,
        },
        Err(e) => Err(e.to_string()),
    };
    qm.status.remove(id);
    result
}

/// Reads until `buf` holds at least `n` bytes.
async fn read_at_least<S: AsyncRead + Unpin>(
    stream: &mut S,
    buf: &mut Vec<u8>,
    n: usize,
) -> Result<(), String> {
    while buf.len() < n {
        buf.reserve(4096);
        if stream.read_buf(buf).await.map_err(|e| e.to_string())? == 0 {
            return Err("the partner closed the connection before the channel start".into());
        }
    }
    Ok(())
}
