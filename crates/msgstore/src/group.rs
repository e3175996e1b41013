//! Group commit: the writes that arrive while one is on its way to the disk go together in
//! the next transaction, one fsync for all of them, as MQ's log forces the records of
//! several units of work at once. The first waiting writer leads: it takes every pending
//! change, writes them in one transaction, and wakes the others with the outcome.

use std::sync::{Condvar, Mutex, MutexGuard};

use crate::error::StoreError;

/// One caller's change, owned until its transaction is written.
#[derive(Debug, Default)]
pub(crate) struct Change {
    /// (queue, sequence number, encoded message) to insert.
    pub(crate) inserts: Vec<(String, u64, Vec<u8>)>,
    /// (queue, sequence number) to remove.
    pub(crate) deletes: Vec<(String, u64)>,
    /// A channel's synchronisation record to write.
    pub(crate) channel: Option<(String, Vec<u8>)>,
    /// Needs an fsync before the caller goes on.
    pub(crate) durable: bool,
}

impl Change {
    pub(crate) fn is_empty(&self) -> bool {
        self.inserts.is_empty() && self.deletes.is_empty() && self.channel.is_none()
    }
}

#[derive(Debug, Default)]
struct Queue {
    pending: Vec<(u64, Change)>,
    next_ticket: u64,
    /// Every ticket up to this one (exclusive) is written or failed.
    done_below: u64,
    leading: bool,
    /// Why a ticket's transaction failed, kept until its writer reads it.
    failed: Vec<(u64, String)>,
}

/// The writers waiting for the disk.
#[derive(Debug, Default)]
pub(crate) struct Group {
    queue: Mutex<Queue>,
    written: Condvar,
}

impl Group {
    fn lock(&self) -> MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Writes `change` with whatever else is pending, through `write` (one transaction
    /// for all the changes it is given); returns once it is on disk, or why not (a panic
    /// in `write` is an error for every writer of the batch).
    pub(crate) fn write(
        &self,
        change: Change,
        write: impl Fn(&[(u64, Change)]) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let mut q = self.lock();
        let ticket = q.next_ticket;
        q.next_ticket += 1;
        q.pending.push((ticket, change));
        loop {
            if q.done_below > ticket {
                return match q.failed.iter().position(|(t, _)| *t == ticket) {
                    Some(i) => Err(StoreError::GroupCommit(q.failed.swap_remove(i).1)),
                    None => Ok(()),
                };
            }
            if q.leading {
                q = self.written.wait(q).unwrap_or_else(std::sync::PoisonError::into_inner);
                continue;
            }
            q.leading = true;
            let batch = std::mem::take(&mut q.pending);
            drop(q);
            // A panic in the write must not leave the lead taken (every writer would wait
            // for ever): it fails the batch like any error.
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| write(&batch)))
                .unwrap_or_else(|_| {
                    Err(StoreError::GroupCommit("the message store's write panicked".into()))
                });
            q = self.lock();
            if let Err(e) = outcome {
                let why = e.to_string();
                q.failed.extend(batch.iter().map(|(t, _)| (*t, why.clone())));
            }
            q.done_below = batch.last().map_or(q.done_below, |(t, _)| t + 1);
            q.leading = false;
            self.written.notify_all();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_or_panicking_write_fails_its_batch_and_hands_the_lead_on() {
        let group = Group::default();
        let failed = group.write(Change { durable: true, ..Change::default() }, |_| {
            Err(StoreError::GroupCommit("disk full".into()))
        });
        assert!(matches!(failed, Err(StoreError::GroupCommit(ref why)) if why == "disk full"), "{failed:?}");
        let panicked = group.write(Change::default(), |_| panic!("a bug in the write"));
        assert!(matches!(panicked, Err(StoreError::GroupCommit(ref why)) if why.contains("panicked")));
        assert!(
            group
                .write(Change::default(), |batch| {
                    assert_eq!(batch.len(), 1, "only this change is pending");
                    Ok(())
                })
                .is_ok(),
            "the next writer leads"
        );
    }
}
