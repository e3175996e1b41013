//! [`MessageStore`]: put, get, browse and units of work over all queues of a queue
//! manager. Persistent messages are written through to the database before an operation
//! returns (outside the store's lock: concurrent writers share one transaction, see
//! `group`); non-persistent ones live in memory only, as in MQ.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use mqtls_model::Message;

use crate::disk::Disk;
use crate::error::StoreError;
use crate::queue::{Cursor, Queue, Select};
use crate::sync::ChannelSync;

/// A unit of work: puts and gets that take effect together at commit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Uow(pub(crate) u64);

#[derive(Debug, Default)]
pub(crate) struct Work {
    pub(crate) puts: Vec<(String, Cursor, Arc<Message>)>,
    pub(crate) gets: Vec<(String, Cursor, Arc<Message>)>,
}

#[derive(Debug, Default)]
pub(crate) struct State {
    pub(crate) queues: HashMap<String, Queue>,
    next_seq: u64,
    next_uow: u64,
    pub(crate) work: HashMap<u64, Work>,
    /// Message channels' synchronisation records.
    pub(crate) channels: HashMap<String, ChannelSync>,
    /// The unit of work of each channel in doubt.
    pub(crate) prepared: HashMap<String, Uow>,
}

impl State {
    /// Starts a unit of work holding `work`.
    pub(crate) fn begin(&mut self, work: Work) -> Uow {
        self.next_uow += 1;
        self.work.insert(self.next_uow, work);
        Uow(self.next_uow)
    }

    /// Ends `uow`, its puts dropped and its gets returned with BackoutCount + 1.
    pub(crate) fn backout(&mut self, uow: Uow) -> Vec<String> {
        let Some(work) = self.work.remove(&uow.0) else { return Vec::new() };
        for (queue, _, _) in &work.puts {
            self.queues.get_mut(queue).expect("a queue with staged puts exists").staged_puts -= 1;
        }
        let mut regained = Vec::new();
        for (queue, cursor, message) in work.gets {
            let q = self.queues.get_mut(&queue).expect("a queue with staged gets exists");
            q.staged_gets -= 1;
            let mut message = Arc::unwrap_or_clone(message);
            message.backout_count = message.backout_count.saturating_add(1);
            q.ready.insert(cursor, Arc::new(message));
            if !regained.contains(&queue) {
                regained.push(queue);
            }
        }
        regained
    }

    /// Refuses a unit of work that already ended.
    pub(crate) fn active(&self, uow: Option<Uow>) -> Result<(), StoreError> {
        match uow {
            Some(Uow(id)) if !self.work.contains_key(&id) => Err(StoreError::NoUnitOfWork(id)),
            _ => Ok(()),
        }
    }
}

/// All queues' messages.
pub struct MessageStore {
    pub(crate) disk: Disk,
    state: Mutex<State>,
    /// Makes generated MsgIds unique across restarts (the store's open time).
    instance: [u8; 8],
}

impl std::fmt::Debug for MessageStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MessageStore").finish_non_exhaustive()
    }
}

impl MessageStore {
    /// Opens (or creates, owner-only) the store file and loads every persistent message.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let (disk, loaded, channels) = Disk::open(path)?;
        let mut state = State::default();
        for row in loaded {
            state.next_seq = state.next_seq.max(row.seq + 1);
            let cursor = Cursor::new(row.message.priority, row.seq);
            state.queues.entry(row.queue).or_default().ready.insert(cursor, Arc::new(row.message));
        }
        for (key, record) in channels {
            crate::sync::restore(&mut state, key, &record)?;
        }
        Ok(Self::with(disk, state))
    }

    /// A store whose persistent messages do not survive the process (tests, the demo).
    pub fn in_memory() -> Result<Self, StoreError> {
        Ok(Self::with(Disk::in_memory()?, State::default()))
    }

    fn with(disk: Disk, state: State) -> Self {
        let nanos =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        Self { disk, state: Mutex::new(state), instance: (nanos as u64).to_be_bytes() }
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the maps half-changed: every
        // operation checks before it changes, and changes nothing after a failed write.
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Starts a unit of work.
    pub fn begin(&self) -> Uow {
        self.lock().begin(Work::default())
    }

    /// Puts `message` on `queue`, inside `uow` or at once. A MsgId of zeros is replaced by
    /// a unique one, which is returned. Refused when the queue holds `max_depth` messages.
    pub fn put(
        &self,
        queue: &str,
        mut message: Message,
        uow: Option<Uow>,
        max_depth: usize,
    ) -> Result<[u8; 24], StoreError> {
        let mut guard = self.lock();
        let state = &mut *guard;
        state.active(uow)?;
        let q = state.queues.entry(queue.to_owned()).or_default();
        if q.depth() >= max_depth {
            return Err(StoreError::QueueFull { queue: queue.to_owned(), max_depth });
        }
        let seq = state.next_seq;
        if message.msg_id == [0; 24] {
            message.msg_id = self.msg_id(seq);
        }
        let msg_id = message.msg_id;
        let cursor = Cursor::new(message.priority, seq);
        match uow {
            Some(Uow(id)) => {
                q.staged_puts += 1;
                let work = state.work.get_mut(&id).expect("checked above");
                work.puts.push((queue.to_owned(), cursor, Arc::new(message)));
            }
            None if message.persistent => {
                // Counted (MAXDEPTH) but not visible while it is written without the lock.
                q.staged_puts += 1;
                state.next_seq += 1;
                drop(guard);
                let written = self.disk.write(&[(queue, seq, &message)], &[]);
                let mut state = self.lock();
                let q = state.queues.get_mut(queue).expect("a queue with a staged put exists");
                q.staged_puts -= 1;
                written?;
                q.ready.insert(cursor, Arc::new(message));
                return Ok(msg_id);
            }
            None => {
                q.ready.insert(cursor, Arc::new(message));
            }
        }
        state.next_seq += 1;
        Ok(msg_id)
    }

    fn msg_id(&self, seq: u64) -> [u8; 24] {
        let mut id = [0u8; 24];
        id[..4].copy_from_slice(b"AMQ ");
        id[4..12].copy_from_slice(&self.instance);
        id[12..20].copy_from_slice(&seq.to_be_bytes());
        id
    }

    /// A MsgId no other message of this store has (for a message wrapped before its put,
    /// such as one bound for a remote queue).
    pub fn fresh_msg_id(&self) -> [u8; 24] {
        let mut state = self.lock();
        state.next_seq += 1;
        self.msg_id(state.next_seq - 1)
    }

    /// Gets (removes) the first message `select` admits, inside `uow` or at once.
    pub fn get(
        &self,
        queue: &str,
        uow: Option<Uow>,
        select: &Select,
    ) -> Result<Option<Arc<Message>>, StoreError> {
        let mut guard = self.lock();
        let state = &mut *guard;
        state.active(uow)?;
        let Some(q) = state.queues.get_mut(queue) else { return Ok(None) };
        let Some((cursor, message)) = q.first(None, select).map(|(c, m)| (c, m.clone())) else {
            return Ok(None);
        };
        match uow {
            Some(Uow(id)) => {
                q.staged_gets += 1;
                let work = state.work.get_mut(&id).expect("checked above");
                work.gets.push((queue.to_owned(), cursor, message.clone()));
            }
            None if message.persistent => {
                // Taken off the queue (no one else gets it) while its removal is written
                // without the lock; back in its place if the write fails.
                q.ready.remove(&cursor);
                q.staged_gets += 1;
                drop(guard);
                let written = self.disk.write(&[], &[(queue, cursor.seq())]);
                let mut state = self.lock();
                let q = state.queues.get_mut(queue).expect("a queue with a staged get exists");
                q.staged_gets -= 1;
                if let Err(e) = written {
                    q.ready.insert(cursor, message);
                    return Err(e);
                }
                return Ok(Some(message));
            }
            None => {}
        }
        q.ready.remove(&cursor);
        Ok(Some(message))
    }

    /// The first message after `after` (or from the start) that `select` admits, left
    /// on the queue, with the cursor to continue from.
    pub fn browse(
        &self,
        queue: &str,
        after: Option<Cursor>,
        select: &Select,
    ) -> Option<(Cursor, Arc<Message>)> {
        let state = self.lock();
        let (cursor, message) = state.queues.get(queue)?.first(after, select)?;
        Some((cursor, message.clone()))
    }

    /// Commits `uow`: its persistent puts and gets reach the disk in one transaction, then
    /// its puts become visible. Returns the queues that gained messages. When the write
    /// fails, nothing changed and the unit of work is still active.
    pub fn commit(&self, uow: Uow) -> Result<Vec<String>, StoreError> {
        self.commit_with(uow, None, true)
    }

    /// [`commit`](Self::commit), writing a channel's record in the same transaction. The
    /// disk write runs without the store's lock, so other conversations go on meanwhile
    /// and their commits join the same transaction (group commit). The unit of work is
    /// taken out of the active ones while it is written, and put back if the write fails.
    pub(crate) fn commit_with(
        &self,
        uow: Uow,
        channel: Option<(&str, &ChannelSync)>,
        durable: bool,
    ) -> Result<Vec<String>, StoreError> {
        let work = self.lock().work.remove(&uow.0).ok_or(StoreError::NoUnitOfWork(uow.0))?;
        let inserts: Vec<_> = work
            .puts
            .iter()
            .filter(|(_, _, m)| m.persistent)
            .map(|(q, c, m)| (q.as_str(), c.seq(), m.as_ref()))
            .collect();
        let deletes: Vec<_> = work
            .gets
            .iter()
            .filter(|(_, _, m)| m.persistent)
            .map(|(q, c, _)| (q.as_str(), c.seq()))
            .collect();
        let record = channel.map(|(key, sync)| (key, sync.encode(&[])));
        let written = self.disk.write_with(
            &inserts,
            &deletes,
            record.as_ref().map(|(k, r)| (*k, r.as_slice())),
            durable,
        );
        let mut guard = self.lock();
        let state = &mut *guard;
        if let Err(e) = written {
            state.work.insert(uow.0, work);
            return Err(e);
        }
        if let Some((key, sync)) = channel {
            state.channels.insert(key.to_owned(), sync.clone());
            state.prepared.remove(key);
        }
        let mut gained = Vec::new();
        for (queue, _, _) in &work.gets {
            state.queues.get_mut(queue).expect("a queue with staged gets exists").staged_gets -= 1;
        }
        for (queue, cursor, message) in work.puts {
            let q = state.queues.get_mut(&queue).expect("a queue with staged puts exists");
            q.staged_puts -= 1;
            q.ready.insert(cursor, message);
            if !gained.contains(&queue) {
                gained.push(queue);
            }
        }
        Ok(gained)
    }

    /// Backs out `uow`: its puts vanish, its gets return to their queues with the backout
    /// count raised. Returns the queues that regained messages. Unknown units of work
    /// (already ended) are ignored.
    pub fn backout(&self, uow: Uow) -> Vec<String> {
        self.lock().backout(uow)
    }
}

impl MessageStore {
    /// CURDEPTH of `queue`: committed messages and those units of work hold.
    pub fn depth(&self, queue: &str) -> usize {
        self.lock().queues.get(queue).map_or(0, Queue::depth)
    }

    /// UNCOM: messages units of work hold on `queue`.
    pub fn uncommitted(&self, queue: &str) -> usize {
        self.lock().queues.get(queue).map_or(0, |q| q.staged_puts + q.staged_gets)
    }

    /// CLEAR QLOCAL: removes every committed message. Refused (nothing removed) while a
    /// unit of work holds messages of the queue, as MQ does. Returns how many went.
    pub fn clear(&self, queue: &str) -> Result<usize, StoreError> {
        let mut state = self.lock();
        let Some(q) = state.queues.get_mut(queue) else { return Ok(0) };
        if q.staged_puts + q.staged_gets > 0 {
            return Err(StoreError::Uncommitted { queue: queue.to_owned() });
        }
        let deletes: Vec<_> =
            q.ready.iter().filter(|(_, m)| m.persistent).map(|(c, _)| (queue, c.seq())).collect();
        self.disk.write(&[], &deletes)?;
        let n = q.ready.len();
        q.ready.clear();
        Ok(n)
    }
}
