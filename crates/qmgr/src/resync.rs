//! A sending channel's resynchronisation with its receiver at every start: a batch left
//! in doubt is settled by the receiver's last committed batch id (committed when the
//! receiver has it, backed out to be sent again when it has not), a pending RESET CHANNEL
//! is passed on, an end left behind by batches of NPMSPEED(FAST) messages takes the
//! other's position, and both ends must then agree on the sequence number.

use std::time::Duration;

use mqtls_channel::transfer::Send;
use mqtls_msgstore::{ChannelSync, Uow};

use crate::definition::{Ended, Instance};
use crate::link::{ask, Link};
use crate::queues::blocking;

/// Tells the receiver where this end is, settles a batch in doubt by what the receiver
/// last committed, and checks that both ends agree on the sequence number.
pub(crate) async fn resync(me: &Instance, link: &mut Link, limit: Duration) -> Result<ChannelSync, Ended> {
    let failed = |why: String| Ended::Failed { why, ran: false };
    let store = &me.qm.queues.store;
    let mut sync = store.channel_sync(&me.name);
    let hello = Send::Resync {
        seq: sync.seq,
        luwid: sync.luwid,
        in_doubt: sync.in_doubt.map(|d| d.luwid),
        reset: sync.reset_pending,
    };
    let (mut seq, luwid, rqm) = ask(link, hello, limit).await.map_err(failed)?;
    me.transfer.set_rqmname(&rqm);
    if let (Some(d), Some(uow)) = (sync.in_doubt, store.in_doubt(&me.name)) {
        let delivered = luwid == d.luwid;
        let next = if delivered {
            ChannelSync { seq: d.seq, luwid: d.luwid, in_doubt: None, reset_pending: false }
        } else {
            ChannelSync { in_doubt: None, reset_pending: false, ..sync.clone() }
        };
        let outcome = if delivered { Outcome::Delivered } else { Outcome::NotDelivered };
        settle(me, uow, &next, outcome).await.map_err(failed)?;
        tracing::info!(channel = %me.name, batch = d.luwid, committed = delivered, "batch in doubt resolved with {rqm}");
        sync = next;
    } else if sync.reset_pending {
        sync.reset_pending = false;
        record(me, &sync).await.map_err(failed)?;
    }
    // Batches of NPMSPEED(FAST) messages only are recorded without waiting for the disk
    // at both ends, so a crash may leave one end behind by such batches; a batch with
    // persistent messages is always recorded durably (and with it those before). The
    // end that is behind takes the other's position; the same batch id with different
    // sequence numbers is a real mismatch (RESET CHANNEL at one end only).
    if luwid > sync.luwid {
        tracing::info!(channel = %me.name, from = sync.seq, to = seq, "taking the receiver's position after batches of non-persistent messages");
        sync = ChannelSync { seq, luwid, in_doubt: None, reset_pending: false };
        record(me, &sync).await.map_err(failed)?;
    } else if luwid < sync.luwid {
        tracing::info!(channel = %me.name, from = seq, to = sync.seq, "the receiver takes this end's position after batches of non-persistent messages");
        let reset = Send::Resync { seq: sync.seq, luwid: sync.luwid, in_doubt: None, reset: true };
        seq = ask(link, reset, limit).await.map_err(failed)?.0;
    }
    me.transfer.committed(&sync);
    if seq != sync.seq {
        return Err(Ended::Fatal(format!(
            "message sequence number error: this end committed {}, {rqm} committed {seq}; RESET CHANNEL({}) SEQNUM({}) makes them agree",
            sync.seq,
            me.name,
            seq + 1
        )));
    }
    Ok(sync)
}

/// Writes the channel's record (not in doubt).
async fn record(me: &Instance, sync: &ChannelSync) -> Result<(), String> {
    let (q, key, rec) = (me.qm.clone(), me.name.clone(), sync.clone());
    blocking(move || q.queues.store.reset_channel(&key, &rec))
        .await
        .map_err(|e| e.1)?
        .map_err(|e| e.to_string())
}

/// What became of a batch in doubt.
#[derive(Clone, Copy)]
pub(crate) enum Outcome {
    /// The receiver confirmed it just now: committed without waiting for the disk.
    Confirmed,
    /// The receiver's record shows it committed (found at resynchronisation).
    Delivered,
    /// The receiver does not have it: back on the transmission queue.
    NotDelivered,
}

/// Removes a batch in doubt from the transmission queue, or returns it there.
pub(crate) async fn settle(
    me: &Instance,
    uow: Uow,
    next: &ChannelSync,
    outcome: Outcome,
) -> Result<(), String> {
    let (q, key, rec) = (me.qm.clone(), me.name.clone(), next.clone());
    let regained = blocking(move || {
        let store = &q.queues.store;
        match outcome {
            Outcome::Confirmed => store.commit_lazily(uow, &key, &rec),
            Outcome::Delivered => store.commit_channel(uow, &key, &rec),
            Outcome::NotDelivered => store.backout_channel(uow, &key, &rec),
        }
    })
    .await
    .map_err(|e| e.1)?
    .map_err(|e| e.to_string())?;
    me.qm.queues.wake(&regained);
    me.transfer.set_in_doubt(false);
    Ok(())
}
