//! A sender channel (SDR) instance: connects to the CONNAME addresses in turn (TLS with
//! the channel's SSLCIPH and certificate, the receiver checked against SSLPEER and the
//! queue manager's revocation settings), resolves a batch left in doubt, then moves the
//! transmission queue in batches. A batch leaves the transmission queue only once the
//! receiver confirmed its commit; a broken connection leaves it in doubt, resolved at the
//! next start. Failures retry SHORTRTY times every SHORTTMR, then LONGRTY times every
//! LONGTMR, then the channel is STOPPED; DISCINT of quiet ends it (INACTIVE).

use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

use mqtls_channel::frame::{encode, Frame};
use mqtls_channel::transfer::{Answer, Send};
use mqtls_client::{dial, Dial, Dialled};
use mqtls_model::{Channel, Stamp};
use mqtls_msgstore::ChannelSync;
use tokio::io::AsyncWriteExt;
use tokio::time::{sleep, Instant};

use crate::admission::Started;
use crate::definition::{Definition, Ended, Instance};
use crate::link::{data, Link};
use crate::queues::blocking;
use crate::resync::{resync, settle, Outcome};
use crate::state::QueueManager;
use crate::transfer::Transfer;

/// Runs the instance until it stops, goes inactive, or runs out of retries.
pub(crate) async fn run(me: Instance) {
    let mut retries: Option<(u64, u64)> = None;
    loop {
        let ended = session(&me).await;
        let why = match ended {
            Ended::Stopped => return me.transfer.set_state("STOPPED", None),
            Ended::Idle => {
                tracing::info!(channel = %me.name, "channel inactive after DISCINT");
                me.qm.status.remove(me.id);
                return (me.qm.hooks.retrigger)(&me.qm, &me.name);
            }
            Ended::Fatal(why) => {
                tracing::error!(channel = %me.name, why = %mqtls_model::Excerpt::line(&why), "channel stopped");
                me.qm.status.mark_stopped(&me.name);
                return me.transfer.set_state("STOPPED", Some(&why));
            }
            Ended::Failed { why, ran } => {
                if ran {
                    retries = None;
                }
                why
            }
        };
        let def = match Definition::read(&me.qm, &me.name) {
            Ok(def) => def,
            Err(why) => return me.transfer.set_state("STOPPED", Some(&why)),
        };
        let (short, long) = retries.get_or_insert((def.short.0, def.long.0));
        let wait = if *short > 0 {
            *short -= 1;
            def.short.1
        } else if *long > 0 {
            *long -= 1;
            def.long.1
        } else {
            tracing::error!(channel = %me.name, why = %mqtls_model::Excerpt::line(&why), "channel stopped: no retries left (SHORTRTY, LONGRTY)");
            me.qm.status.mark_stopped(&me.name);
            return me.transfer.set_state("STOPPED", Some(&why));
        };
        tracing::warn!(channel = %me.name, why = %mqtls_model::Excerpt::line(&why), retry_in_s = wait, "channel failed; retrying");
        me.transfer.set_retries(*short, *long);
        me.transfer.set_state("RETRYING", Some(&why));
        tokio::select! {
            () = sleep(Duration::from_secs(wait)) => {}
            () = me.stop.notified() => return me.transfer.set_state("STOPPED", None),
        }
    }
}

async fn session(me: &Instance) -> Ended {
    let def = match Definition::read(&me.qm, &me.name).and_then(|d| d.require_conname(&me.name).map(|()| d)) {
        Ok(def) => def,
        Err(why) => return Ended::Fatal(why),
    };
    me.transfer.set_state("BINDING", None);
    let (address, d) = match connect(me, &def).await {
        Ok(connected) => connected,
        Err(ended) => return ended,
    };
    started(me, &def, &address, &d);
    if !def.sends() {
        return receive(me, &def, d).await;
    }
    let heartbeat = d.negotiated.heartbeat;
    let link = Link { stream: d.stream, buf: d.buf, traffic: me.traffic.clone() };
    send(me, &def, link, heartbeat).await
}

/// Connects to the first CONNAME address that answers and starts the channel; the
/// partner's certificate is checked for revocation.
async fn connect(me: &Instance, def: &Definition) -> Result<(String, Dialled), Ended> {
    let tls = def.tls_config(&me.qm).map_err(|why| Ended::Failed { why, ran: false })?;
    let ours = me.qm.store.read().expect("store lock").qmgr().name().to_owned();
    let mut last = String::from("CONNAME is empty");
    for address in &def.conname {
        let attempt = dial(
            address,
            Dial {
                channel: &me.name,
                chltype: mqtls_channel::start::mqcht(def.chltype),
                qmgr: &ours,
                user: &def.mcauser,
                tls: tls.clone(),
                peer_filter: &def.sslpeer,
                max_msg_len: def.maxmsgl,
                sharecnv: 1,
                heartbeat: def.hbint,
                timeout: me.qm.limits.handshake_timeout,
                // qm.ini's SSL OutboundSNI is not read: MQ's default, the channel's SNI.
                outbound_sni: mqtls_channel::sni::Outbound::Channel,
            },
        );
        let attempt = tokio::select! {
            a = attempt => a,
            () = me.stop.notified() => return Err(Ended::Stopped),
        };
        match attempt {
            Ok(d) if d.chain.is_empty() => return Ok((address.to_string(), d)),
            Ok(d) => {
                return match crate::revocation::partner(&me.qm, d.chain.clone()).await {
                    Ok(()) => Ok((address.to_string(), d)),
                    Err((code, why)) => Err(Ended::Failed {
                        why: format!("the partner's certificate ({code}): {why}"),
                        ran: false,
                    }),
                }
            }
            Err(e) => last = format!("{address}: {}", with_reason(&e)),
        }
    }
    Err(Ended::Failed { why: last, ran: false })
}

/// A failed start as LASTERR shows it: the error, with its MQ reason code when the text
/// does not give one already (a TLS handshake the partner refused: 2393).
fn with_reason(e: &mqtls_client::ClientError) -> String {
    let (code, text) = (e.reason(), e.to_string());
    if text.contains(&code.to_string()) {
        return text;
    }
    format!("{text} {}", mqtls_channel::reason::tag(code))
}

/// A requester's run once started: it receives what its server sends.
async fn receive(me: &Instance, def: &Definition, d: Dialled) -> Ended {
    me.transfer.set_state("RUNNING", None);
    let started = Started {
        id: me.id,
        mcauser: def.mcauser.clone(),
        max_msg_len: d.negotiated.max_msg_len,
        sharecnv: 1,
        heartbeat: d.negotiated.heartbeat,
        stop: me.stop.clone(),
        traffic: me.traffic.clone(),
        reset_after: 0,
    };
    let Dialled { mut stream, mut buf, .. } = d;
    let names = (me.name.as_str(), "");
    match crate::receiver::run(&mut stream, &mut buf, &me.qm, started, names, me.transfer.clone()).await {
        Ok(()) => Ended::Idle,
        Err(_) if me.qm.status.stop_reason(me.id) != 0 => Ended::Stopped,
        Err(why) => Ended::Failed { why, ran: true },
    }
}

/// A server answering its requester: started by the listener, it sends until DISCINT,
/// STOP CHANNEL or a failure (the requester retries).
pub(crate) async fn serve(
    qm: &Arc<QueueManager>,
    name: &str,
    started: Started,
    transfer: Arc<Transfer>,
    stream: Box<dyn mqtls_client::ChannelStream>,
    buf: Vec<u8>,
) -> Result<(), String> {
    let def = Definition::read(qm, name)?;
    let me = Instance {
        qm: qm.clone(),
        name: name.to_owned(),
        id: started.id,
        transfer,
        traffic: started.traffic.clone(),
        stop: started.stop.clone(),
    };
    let link = Link { stream, buf, traffic: started.traffic };
    match send(&me, &def, link, started.heartbeat).await {
        Ended::Failed { why, .. } | Ended::Fatal(why) => Err(why),
        Ended::Stopped | Ended::Idle => Ok(()),
    }
}

/// A sending end's run once started: resynchronisation, then batches until DISCINT, STOP
/// CHANNEL or a failure.
async fn send(me: &Instance, def: &Definition, mut link: Link, heartbeat: u32) -> Ended {
    let answer_limit = Duration::from_secs(u64::from(heartbeat.max(30)) * 2);
    let sync = match resync(me, &mut link, answer_limit).await {
        Ok(sync) => sync,
        Err(ended) => return ended,
    };
    me.transfer.set_state("RUNNING", None);
    let ended = batches(me, def, &mut link, sync, answer_limit, heartbeat).await;
    if matches!(ended, Ended::Stopped | Ended::Idle) {
        let _ = link.send(&[encode(&Frame::Close { reason: 0 })]).await;
        let _ = link.stream.shutdown().await;
    }
    match ended {
        Ended::Failed { why, .. } => Ended::Failed { why, ran: true },
        other => other,
    }
}

async fn batches(
    me: &Instance,
    def: &Definition,
    link: &mut Link,
    mut sync: ChannelSync,
    limit: Duration,
    hbint: u32,
) -> Ended {
    let failed = |why: String| Ended::Failed { why, ran: true };
    let store = &me.qm.queues.store;
    let waiter = me.qm.queues.waiter(&def.xmitq);
    let mut quiet_since = Instant::now();
    loop {
        if me.qm.status.stop_reason(me.id) != 0 {
            return Ended::Stopped;
        }
        let mut arrived = pin!(waiter.notified());
        arrived.as_mut().enable();
        let uow = store.begin();
        let mut msgs = match store.take(&def.xmitq, uow, def.batchsz, def.batchlim, def.fast) {
            Ok(m) => m,
            Err(e) => return failed(e.to_string()),
        };
        if msgs.is_empty() {
            store.backout(uow);
            me.transfer.set_available(0);
            let beat = Duration::from_secs(u64::from(hbint.max(1)));
            let discint = (def.discint > 0).then(|| quiet_since + Duration::from_secs(def.discint));
            tokio::select! {
                () = arrived => {}
                () = async { match discint { Some(t) => tokio::time::sleep_until(t).await, None => std::future::pending().await } } => return Ended::Idle,
                () = sleep(beat), if hbint > 0 => {
                    if let Err(why) = link.send(&[encode(&Frame::Heartbeat)]).await {
                        return failed(why);
                    }
                    if let Err(why) = link.echo(limit).await {
                        return failed(why);
                    }
                }
                () = me.stop.notified() => return Ended::Stopped,
            }
            continue;
        }
        if msgs.len() < def.batchsz && def.batchint > 0 {
            sleep(Duration::from_millis(def.batchint)).await;
            match store.take(&def.xmitq, uow, def.batchsz - msgs.len(), def.batchlim, def.fast) {
                Ok(more) => msgs.extend(more),
                Err(e) => return failed(e.to_string()),
            }
        }
        quiet_since = Instant::now();
        let luwid = sync.luwid.wrapping_add(1);
        let mut seq = sync.seq;
        let frames: Vec<Vec<u8>> = msgs
            .iter()
            .map(|m| {
                seq = seq.wrapping_add(1);
                data(Send::encode_msg(seq, def.fast && !m.persistent, m))
            })
            .collect();
        me.transfer.current(luwid, seq, msgs.len() as u64);
        if let Err(e) = link.send(&frames).await {
            let why = link.why_broken(e).await;
            let regained = store.backout(uow);
            me.qm.queues.wake(&regained);
            return failed(why);
        }
        // A batch of NPMSPEED(FAST) messages only holds nothing: no in-doubt record.
        let holds = !msgs.iter().all(|m| def.fast && !m.persistent);
        if holds {
            let (q, key) = (me.qm.clone(), me.name.clone());
            let prepared = blocking(move || q.queues.store.prepare(uow, &key, luwid, seq)).await;
            if let Some(why) = match prepared {
                Err(e) => Some(e.1),
                Ok(Err(e)) => Some(e.to_string()),
                Ok(Ok(())) => None,
            } {
                let regained = store.backout(uow);
                me.qm.queues.wake(&regained);
                return failed(why);
            }
            me.transfer.set_in_doubt(true);
        }
        let end = Send::EndBatch { luwid, seq, count: msgs.len() as u32 };
        let answer = match link.send(&[data(end.encode())]).await {
            Ok(()) => link.answer(limit).await,
            Err(e) => Err(link.why_broken(e).await),
        };
        match answer {
            Ok(Answer::Confirmed { luwid: confirmed }) if confirmed == luwid => {
                let next = ChannelSync { seq, luwid, in_doubt: None, reset_pending: false };
                if let Err(why) = settle(me, uow, &next, Outcome::Confirmed).await {
                    return Ended::Fatal(format!("batch {luwid} was delivered but not removed here: {why}"));
                }
                for _ in &msgs {
                    me.traffic.message(crate::unix_now());
                }
                sync = next;
                me.transfer.batch_done(&sync);
                me.transfer.set_available(store.depth(&def.xmitq));
            }
            Ok(Answer::Failed { reason, text }) => {
                let _ =
                    settle(me, uow, &ChannelSync { in_doubt: None, ..sync.clone() }, Outcome::NotDelivered)
                        .await;
                return failed(format!("the receiver refused batch {luwid} ({reason}): {text}"));
            }
            Ok(other) => {
                return failed(format!(
                    "unexpected answer to batch {luwid}: {other:?}; the batch stays in doubt"
                ))
            }
            Err(why) => {
                return failed(format!("{why}; batch {luwid} stays in doubt until the channel starts again"))
            }
        }
    }
}

/// Fills the instance's row once the channel has started: the address, the TLS fields.
pub(crate) fn started(me: &Instance, def: &Definition, address: &str, d: &Dialled) {
    let sslciph = Channel::new(&def.definition)
        .and_then(|c| c.ssl_ciph())
        .zip(d.suite_id)
        .and_then(|(ciph, id)| ciph.accepts(mqtls_cipherspec::SuiteId(id)).ok());
    let names = d.chain.first().and_then(|leaf| mqtls_dn::CertNames::from_der(leaf).ok());
    me.qm.status.update(me.id, |row| {
        address.clone_into(&mut row.conname);
        row.locladdr = crate::status::local_address(d.local);
        row.secprot = sslciph.map_or("", |s| s.protocol.secprot());
        row.sslciph = sslciph.map_or("", |s| s.name);
        row.sslpeer = names.as_ref().map(|n| n.peer_with_serial().to_string()).unwrap_or_default();
        row.sslcerti = names.as_ref().map(|n| n.issuer.to_string()).unwrap_or_default();
        row.maxmsgl = d.negotiated.max_msg_len;
        row.hbint = d.negotiated.heartbeat;
        row.started = Stamp::from_unix(crate::unix_now());
    });
}
