//! The queue-manager runtime (tokio): listeners that serve TLS and plain channels on one
//! port and run the channel start, the channel status table, and the admin socket that
//! runs MQSC against the live definitions. Message operations and persistence are not
//! here yet.
#![forbid(unsafe_code)]

mod admin;
mod listener;
mod revocation;
mod status;

pub use admin::{bind_admin, run_mqsc, serve_admin};
pub use listener::{read_frame, serve, KeystoreLoader, Limits, QueueManager};
pub use revocation::{check as check_revocation, configured as revocation, Revocation};
pub use status::{ChannelStatus, StatusTable};

/// Seconds since the Unix epoch (0 if the clock is before it).
fn unix_now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}
