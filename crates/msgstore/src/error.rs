//! The crate's one error type.

/// Why a message operation failed. Nothing changed when one is returned.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The database file cannot be opened, read or written.
    #[error("message store {what}: {source}")]
    Database {
        /// What was being done.
        what: &'static str,
        /// The database's error.
        #[source]
        source: Box<redb::Error>,
    },
    /// The database file cannot be created.
    #[error("message store file {path}: {source}")]
    File {
        /// The file.
        path: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A stored message does not decode: the file was damaged or written by another version.
    #[error("message store: the message {seq} on {queue} is damaged ({source}); restore the file from a backup or remove it")]
    Damaged {
        /// Its queue.
        queue: String,
        /// Its sequence number.
        seq: u64,
        /// Why it does not decode.
        #[source]
        source: mqtls_model::ModelError,
    },
    /// A channel's synchronisation record does not decode.
    #[error("message store: the synchronisation record of channel {key} is damaged ({why}); restore the file from a backup")]
    DamagedSync {
        /// The channel's key.
        key: String,
        /// What is wrong.
        why: &'static str,
    },
    /// A channel operation that needs the channel not to be in doubt, or to be.
    #[error("channel {key}: {why}")]
    ChannelState {
        /// The channel's key.
        key: String,
        /// What is wrong and what to do.
        why: &'static str,
    },
    /// MAXDEPTH reached (MQRC_Q_FULL).
    #[error("queue {queue} is full: it holds MAXDEPTH({max_depth}) messages")]
    QueueFull {
        /// The queue.
        queue: String,
        /// Its MAXDEPTH.
        max_depth: usize,
    },
    /// CLEAR or DELETE of a queue while units of work hold some of its messages.
    #[error("queue {queue} has uncommitted messages: commit or back out the units of work first")]
    Uncommitted {
        /// The queue.
        queue: String,
    },
    /// A unit of work that was already committed or backed out.
    #[error("unit of work {0} is not active")]
    NoUnitOfWork(u64),
    /// The transaction a write shared with others (group commit) failed; nothing of it
    /// was written.
    #[error("{0}")]
    GroupCommit(String),
}

impl StoreError {
    pub(crate) fn db(what: &'static str) -> impl FnOnce(redb::Error) -> Self {
        move |e| Self::Database { what, source: Box::new(e) }
    }
}

/// Converts any redb error into [`StoreError::Database`] with what was being done.
pub(crate) trait Context<T> {
    fn during(self, what: &'static str) -> Result<T, StoreError>;
}

impl<T, E: Into<redb::Error>> Context<T> for Result<T, E> {
    fn during(self, what: &'static str) -> Result<T, StoreError> {
        self.map_err(|e| StoreError::db(what)(e.into()))
    }
}
