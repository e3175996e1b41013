//! What message channels keep with the messages (MQ's SYSTEM.CHANNEL.SYNCQ): per channel,
//! the last committed message sequence number and batch id, and for a sender whose batch
//! was sent but not yet confirmed, that batch — "in doubt" — with the messages it holds.
//! Records are written in the same transaction as the messages they account for, so after
//! a crash a batch is either wholly delivered and recorded or wholly still to send.

use std::sync::Arc;

use mqtls_model::Message;

use crate::error::StoreError;
use crate::queue::Select;
use crate::store::{MessageStore, State, Uow, Work};

/// A message channel's synchronisation record.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChannelSync {
    /// The sequence number of the last message committed (CHSTATUS LSTSEQNO).
    pub seq: u64,
    /// The id of the last batch committed (CHSTATUS LSTLUWID).
    pub luwid: u64,
    /// A sender's batch sent and not yet confirmed.
    pub in_doubt: Option<InDoubt>,
    /// RESET CHANNEL at the sender: the receiver is told `seq` at the next start.
    pub reset_pending: bool,
}

/// A batch the sender sent whose commit at the receiver is not yet known.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct InDoubt {
    /// The batch id (CHSTATUS CURLUWID).
    pub luwid: u64,
    /// The sequence number of its last message (CHSTATUS CURSEQNO).
    pub seq: u64,
    /// How many persistent messages it holds.
    pub messages: usize,
}

const VERSION: u8 = 1;

/// The (queue, sequence) keys of the messages a batch in doubt holds.
type Held = Vec<(String, u64)>;

impl ChannelSync {
    /// The record: version, seq, luwid, then for a batch in doubt its luwid, seq and the
    /// (queue, sequence) keys of the messages it holds.
    pub(crate) fn encode(&self, held: &[(&str, u64)]) -> Vec<u8> {
        let mut out = vec![VERSION];
        out.extend_from_slice(&self.seq.to_be_bytes());
        out.extend_from_slice(&self.luwid.to_be_bytes());
        let reset = u8::from(self.reset_pending) << 1;
        match &self.in_doubt {
            None => out.push(reset),
            Some(d) => {
                out.push(1 | reset);
                out.extend_from_slice(&d.luwid.to_be_bytes());
                out.extend_from_slice(&d.seq.to_be_bytes());
                out.extend_from_slice(&(held.len() as u32).to_be_bytes());
                for (queue, seq) in held {
                    out.extend_from_slice(&(queue.len() as u16).to_be_bytes());
                    out.extend_from_slice(queue.as_bytes());
                    out.extend_from_slice(&seq.to_be_bytes());
                }
            }
        }
        out
    }

    fn decode(bytes: &[u8]) -> Result<(Self, Held), &'static str> {
        let mut at = 0;
        let mut take = |n: usize| -> Result<&[u8], &'static str> {
            let end = at + n;
            let out = bytes.get(at..end).ok_or("truncated")?;
            at = end;
            Ok(out)
        };
        let u64_at = |b: &[u8]| u64::from_be_bytes(b.try_into().expect("8 bytes"));
        if take(1)? != [VERSION] {
            return Err("unknown version");
        }
        let seq = u64_at(take(8)?);
        let luwid = u64_at(take(8)?);
        let mut held = Vec::new();
        let flags = take(1)?[0];
        if flags > 3 {
            return Err("bad flags");
        }
        let in_doubt = match flags & 1 {
            0 => None,
            _ => {
                let d_luwid = u64_at(take(8)?);
                let d_seq = u64_at(take(8)?);
                let n = u32::from_be_bytes(take(4)?.try_into().expect("4 bytes"));
                for _ in 0..n {
                    let len = usize::from(u16::from_be_bytes(take(2)?.try_into().expect("2 bytes")));
                    let queue = std::str::from_utf8(take(len)?).map_err(|_| "a queue name is not UTF-8")?;
                    held.push((queue.to_owned(), u64_at(take(8)?)));
                }
                Some(InDoubt { luwid: d_luwid, seq: d_seq, messages: held.len() })
            }
        };
        if at != bytes.len() {
            return Err("extra bytes");
        }
        Ok((Self { seq, luwid, in_doubt, reset_pending: flags & 2 == 2 }, held))
    }
}

/// At open: a channel's record, and for a batch in doubt a unit of work holding its
/// messages again, so they stay invisible until the channel resolves it.
pub(crate) fn restore(state: &mut State, key: String, record: &[u8]) -> Result<(), StoreError> {
    let (sync, held) =
        ChannelSync::decode(record).map_err(|why| StoreError::DamagedSync { key: key.clone(), why })?;
    if sync.in_doubt.is_some() {
        let mut work = Work::default();
        for (queue, seq) in held {
            let Some(q) = state.queues.get_mut(&queue) else { continue };
            let Some(cursor) = q.ready.keys().find(|c| c.seq() == seq).copied() else { continue };
            let message = q.ready.remove(&cursor).expect("found above");
            q.staged_gets += 1;
            work.gets.push((queue, cursor, message));
        }
        let uow = state.begin(work);
        state.prepared.insert(key.clone(), uow);
    }
    state.channels.insert(key, sync);
    Ok(())
}

impl MessageStore {
    /// The record of the channel `key` (zeros for a channel that never ran).
    pub fn channel_sync(&self, key: &str) -> ChannelSync {
        self.lock().channels.get(key).cloned().unwrap_or_default()
    }

    /// The keys of the channel records starting with `prefix` (a receiver's records, one
    /// per sending queue manager).
    pub fn channel_keys(&self, prefix: &str) -> Vec<String> {
        self.lock().channels.keys().filter(|k| k.starts_with(prefix)).cloned().collect()
    }

    /// The unit of work holding the channel's batch in doubt, if one is.
    pub fn in_doubt(&self, key: &str) -> Option<Uow> {
        self.lock().prepared.get(key).copied()
    }

    /// Gets up to `max` messages (and, past the first, at most `max_bytes` of payload)
    /// from `queue` in get order for one batch: inside `uow`, except non-persistent ones
    /// when `fast` (NPMSPEED(FAST)), which leave the queue at once.
    pub fn take(
        &self,
        queue: &str,
        uow: Uow,
        max: usize,
        max_bytes: usize,
        fast: bool,
    ) -> Result<Vec<Arc<Message>>, StoreError> {
        let mut guard = self.lock();
        let state = &mut *guard;
        state.active(Some(uow))?;
        let Some(q) = state.queues.get_mut(queue) else { return Ok(Vec::new()) };
        let work = state.work.get_mut(&uow.0).expect("checked above");
        let (mut out, mut bytes) = (Vec::new(), 0);
        while out.len() < max && (out.is_empty() || bytes < max_bytes) {
            let Some((cursor, message)) = q.first(None, &Select::ANY).map(|(c, m)| (c, m.clone())) else {
                break;
            };
            q.ready.remove(&cursor);
            bytes += message.payload.len();
            if message.persistent || !fast {
                q.staged_gets += 1;
                work.gets.push((queue.to_owned(), cursor, message.clone()));
            }
            out.push(message);
        }
        Ok(out)
    }

    /// Marks the batch of `uow` as sent and in doubt (batch `luwid`, last message `seq`),
    /// durably, before the sender asks the receiver to commit it.
    pub fn prepare(&self, uow: Uow, key: &str, luwid: u64, seq: u64) -> Result<(), StoreError> {
        let mut state = self.lock();
        state.active(Some(uow))?;
        let work = &state.work[&uow.0];
        let held: Vec<(&str, u64)> = work
            .gets
            .iter()
            .filter(|(_, _, m)| m.persistent)
            .map(|(q, c, _)| (q.as_str(), c.seq()))
            .collect();
        let mut sync = state.channels.get(key).cloned().unwrap_or_default();
        sync.in_doubt = Some(InDoubt { luwid, seq, messages: held.len() });
        self.disk.write_with(&[], &[], Some((key, &sync.encode(&held))), true)?;
        state.channels.insert(key.to_owned(), sync);
        state.prepared.insert(key.to_owned(), uow);
        Ok(())
    }

    /// Commits `uow` and writes the channel's new record in the same transaction: the
    /// receiver's batch (its puts and the batch id), or the sender's confirmed batch.
    pub fn commit_channel(&self, uow: Uow, key: &str, sync: &ChannelSync) -> Result<Vec<String>, StoreError> {
        self.commit_with(uow, Some((key, sync)), true)
    }

    /// [`commit_channel`](Self::commit_channel) without waiting for the disk: atomic, and
    /// durable with the next durable write; a crash before that undoes it whole. For what
    /// the other end's record recovers: a sender's confirmed batch (its durable in-doubt
    /// record and the receiver's record settle it after a crash), or a batch that carried
    /// only NPMSPEED(FAST) messages, which hold nothing to lose.
    pub fn commit_lazily(&self, uow: Uow, key: &str, sync: &ChannelSync) -> Result<Vec<String>, StoreError> {
        self.commit_with(uow, Some((key, sync)), false)
    }

    /// Writes the channel's new record, then backs out `uow` (the batch goes back on its
    /// queue, to be sent again).
    pub fn backout_channel(
        &self,
        uow: Uow,
        key: &str,
        sync: &ChannelSync,
    ) -> Result<Vec<String>, StoreError> {
        let mut state = self.lock();
        self.disk.write_with(&[], &[], Some((key, &sync.encode(&[]))), true)?;
        state.channels.insert(key.to_owned(), sync.clone());
        state.prepared.remove(key);
        Ok(state.backout(uow))
    }

    /// RESET CHANNEL: a new record for a channel that is not in doubt.
    pub fn reset_channel(&self, key: &str, sync: &ChannelSync) -> Result<(), StoreError> {
        let mut state = self.lock();
        if state.prepared.contains_key(key) {
            return Err(StoreError::ChannelState {
                key: key.to_owned(),
                why: "is in doubt: RESOLVE CHANNEL ACTION(COMMIT) or ACTION(BACKOUT) first",
            });
        }
        self.disk.write_with(&[], &[], Some((key, &sync.encode(&[]))), true)?;
        state.channels.insert(key.to_owned(), sync.clone());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip_and_damage_is_named() {
        let sync = ChannelSync {
            seq: 9,
            luwid: 4,
            in_doubt: Some(InDoubt { luwid: 5, seq: 12, messages: 2 }),
            reset_pending: true,
        };
        let bytes = sync.encode(&[("XMITQ", 3), ("XMITQ", 7)]);
        let (back, held) = ChannelSync::decode(&bytes).unwrap();
        assert_eq!(back, sync);
        assert_eq!(held, vec![("XMITQ".to_owned(), 3), ("XMITQ".to_owned(), 7)]);
        for cut in 0..bytes.len() {
            assert!(ChannelSync::decode(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        assert_eq!(ChannelSync::decode(&[2]), Err("unknown version"));
    }
}
