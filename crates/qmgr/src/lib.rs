//! The queue-manager runtime (tokio): listeners that serve TLS and plain channels on one
//! port and run the channel start, and the channel status table. Message operations,
//! persistence and the admin socket are not here yet.
#![forbid(unsafe_code)]

mod listener;
mod status;

pub use listener::{read_frame, serve, Limits, QueueManager};
pub use status::{ChannelStatus, StatusTable};
