//! The message store of a queue manager: local queues in priority-then-FIFO order, get
//! with MsgId/CorrelId selection, browse cursors, units of work (syncpoint), and
//! persistent messages written through to an embedded transactional database (redb), so
//! every committed persistent message survives a crash and none comes back twice.
//!
//! Synchronous: the queue manager calls it off its async threads when it may write.
//! Messages are held in memory as well; MAXDEPTH bounds each queue.
//!
//! ```
//! use mqtls_model::Message;
//! use mqtls_msgstore::{MessageStore, Select};
//!
//! let store = MessageStore::in_memory().unwrap();
//! let uow = store.begin();
//! store.put("APP.Q", Message::text("hello"), Some(uow), 5000).unwrap();
//! assert!(store.get("APP.Q", None, &Select::ANY).unwrap().is_none(), "not committed yet");
//! store.commit(uow).unwrap();
//! assert_eq!(store.get("APP.Q", None, &Select::ANY).unwrap().unwrap().payload, b"hello");
//! ```
#![forbid(unsafe_code)]

mod disk;
mod error;
mod group;
mod queue;
mod store;
mod sync;

pub use error::StoreError;
pub use queue::{Cursor, Select};
pub use store::{MessageStore, Uow};
pub use sync::{ChannelSync, InDoubt};
