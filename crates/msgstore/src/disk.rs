//! The persistent half: one redb table keyed by (queue, sequence number) holding encoded
//! persistent messages. Every change is one transaction committed with immediate
//! durability, so after a crash a message is either wholly there or wholly gone.

use std::fs::OpenOptions;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use mqtls_model::Message;
use redb::{Database, ReadableDatabase, ReadableTable, TableDefinition};

use crate::error::{Context, StoreError};

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
        let disk = Self { db };
        let loaded = disk.load()?;
        let channels = disk.load_channels()?;
        Ok((disk, loaded, channels))
    }

    /// A database in memory: nothing survives the process (tests, the demo).
    pub(crate) fn in_memory() -> Result<Self, StoreError> {
        let db = Database::builder()
            .create_with_backend(redb::backends::InMemoryBackend::new())
            .during("create in memory")?;
        Ok(Self { db })
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
    /// undoes it whole).
    pub(crate) fn write_with(
        &self,
        inserts: &[(&str, u64, &Message)],
        deletes: &[(&str, u64)],
        channel: Option<(&str, &[u8])>,
        durable: bool,
    ) -> Result<(), StoreError> {
        if inserts.is_empty() && deletes.is_empty() && channel.is_none() {
            return Ok(());
        }
        let mut txn = self.db.begin_write().during("begin a transaction")?;
        if !durable {
            txn.set_durability(redb::Durability::None).during("begin a transaction")?;
        }
        if let Some((key, record)) = channel {
            let mut table = txn.open_table(CHANNELS).during("open the channel table")?;
            table.insert(key, record).during("write a channel record")?;
        }
        {
            let mut table = txn.open_table(MESSAGES).during("open the message table")?;
            let mut buf = Vec::new();
            for (queue, seq, message) in inserts {
                buf.clear();
                message.encode_into(&mut buf);
                table.insert((*queue, *seq), buf.as_slice()).during("write a message")?;
            }
            for (queue, seq) in deletes {
                table.remove((*queue, *seq)).during("remove a message")?;
            }
        }
        txn.commit().during("commit")
    }
}
