//! The persistent half: one redb table keyed by (queue, sequence number) holding encoded
//! persistent messages. Every change is in one transaction committed with immediate
//! durability (with the changes of other threads that arrived meanwhile, `group`), so
//! after a crash a message is either wholly there or wholly gone.

use std::fs::OpenOptions;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use mqtls_model::Message;
use redb::{Database, ReadableDatabase, ReadableTable, TableDefinition};

use crate::error::{Context, StoreError};
use crate::group::{Change, Group};

const MESSAGES: TableDefinition<(&str, u64), &[u8]> = TableDefinition::new("messages");
const CHANNELS: TableDefinition<&str, &[u8]> = TableDefinition::new("channels");

/// A persistent message as loaded at start-up.
pub(crate) struct Loaded {
    pub(crate) queue: String,
    pub(crate) seq: u64,
    pub(crate) message: Message,
}

/// A channel's record as stored: its key and bytes.
pub(crate) type ChannelRecord = (String, Vec<u8>);

/// The database.
pub(crate) struct Disk {
    db: Database,
    group: Group,
}

impl Disk {
    /// Opens or creates the file (owner-only) and reads every stored message.
    pub(crate) fn open(path: &Path) -> Result<(Self, Vec<Loaded>, Vec<ChannelRecord>), StoreError> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .open(path)
            .map_err(|source| StoreError::File { path: path.display().to_string(), source })?;
        // The backend locks the file: a second queue manager on the same store is refused.
        let backend = redb::backends::FileBackend::new(file).during("open")?;
        let db = Database::builder().create_with_backend(backend).during("open")?;
        let disk = Self { db, group: Group::default() };
        let loaded = disk.load()?;
        let channels = disk.load_channels()?;
        Ok((disk, loaded, channels))
    }

    /// A database in memory: nothing survives the process (tests, the demo).
    pub(crate) fn in_memory() -> Result<Self, StoreError> {
        let db = Database::builder()
            .create_with_backend(redb::backends::InMemoryBackend::new())
            .during("create in memory")?;
        Ok(Self { db, group: Group::default() })
    }

    fn load(&self) -> Result<Vec<Loaded>, StoreError> {
        let txn = self.db.begin_read().during("read")?;
        let table = match txn.open_table(MESSAGES) {
            Ok(table) => table,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(Vec::new()),
            Err(e) => return Err(e).during("open the message table"),
        };
        let mut out = Vec::new();
        for row in table.iter().during("read messages")? {
            let (key, value) = row.during("read a message")?;
            let (queue, seq) = key.value();
            let message = Message::decode(value.value()).map_err(|source| StoreError::Damaged {
                queue: queue.to_owned(),
                seq,
                source,
            })?;
            out.push(Loaded { queue: queue.to_owned(), seq, message });
        }
        Ok(out)
    }

    fn load_channels(&self) -> Result<Vec<ChannelRecord>, StoreError> {
        let txn = self.db.begin_read().during("read")?;
        let table = match txn.open_table(CHANNELS) {
            Ok(table) => table,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(Vec::new()),
            Err(e) => return Err(e).during("open the channel table"),
        };
        let mut out = Vec::new();
        for row in table.iter().during("read channel records")? {
            let (key, value) = row.during("read a channel record")?;
            out.push((key.value().to_owned(), value.value().to_vec()));
        }
        Ok(out)
    }

    /// One atomic, durable change: `inserts` written and `deletes` removed together.
    pub(crate) fn write(
        &self,
        inserts: &[(&str, u64, &Message)],
        deletes: &[(&str, u64)],
    ) -> Result<(), StoreError> {
        self.write_with(inserts, deletes, None, true)
    }

    /// [`write`](Self::write) and, in the same transaction, a channel's record. Not
    /// `durable`: atomic, but on disk only with the next durable write (a crash before it
    /// undoes it whole). Writes from other threads meanwhile share the transaction.
    pub(crate) fn write_with(
        &self,
        inserts: &[(&str, u64, &Message)],
        deletes: &[(&str, u64)],
        channel: Option<(&str, &[u8])>,
        durable: bool,
    ) -> Result<(), StoreError> {
        let change = Change {
            inserts: inserts.iter().map(|(q, seq, m)| ((*q).to_owned(), *seq, m.encode())).collect(),
            deletes: deletes.iter().map(|(q, seq)| ((*q).to_owned(), *seq)).collect(),
            channel: channel.map(|(k, r)| (k.to_owned(), r.to_vec())),
            durable,
        };
        if change.is_empty() {
            return Ok(());
        }
        self.group.write(change, |batch| self.transaction(batch))
    }

    /// The changes of a group in one transaction, durable if any of them must be.
    fn transaction(&self, batch: &[(u64, Change)]) -> Result<(), StoreError> {
        let mut txn = self.db.begin_write().during("begin a transaction")?;
        if !batch.iter().any(|(_, c)| c.durable) {
            txn.set_durability(redb::Durability::None).during("begin a transaction")?;
        }
        {
            let mut channels = txn.open_table(CHANNELS).during("open the channel table")?;
            for (key, record) in batch.iter().filter_map(|(_, c)| c.channel.as_ref()) {
                channels.insert(key.as_str(), record.as_slice()).during("write a channel record")?;
            }
            let mut table = txn.open_table(MESSAGES).during("open the message table")?;
            for (_, change) in batch {
                for (queue, seq, encoded) in &change.inserts {
                    table.insert((queue.as_str(), *seq), encoded.as_slice()).during("write a message")?;
                }
                for (queue, seq) in &change.deletes {
                    table.remove((queue.as_str(), *seq)).during("remove a message")?;
                }
            }
        }
        txn.commit().during("commit")
    }
}
