//! The queue-manager runtime (tokio): listeners that serve TLS and plain channels on one
//! port and run the channel start, the channel status table, and the admin socket that
//! runs MQSC against the live definitions, and the client conversations that put and get
//! messages on local queues (the message store is `mqtls-msgstore`).
#![forbid(unsafe_code)]

mod accounts;
mod admin;
mod admin_socket;
mod admission;
mod assemble;
mod authority;
mod connections;
mod conversation;
mod definition;
mod home;
mod initiator;
mod limits;
mod link;
mod listener;
mod mq_partner;
mod pending;
mod queues;
mod receiver;
mod resync;
mod revocation;
mod running;
mod sender;
mod state;
mod status;
mod tls_accept;
mod tls_configs;
mod transfer;

pub use accounts::{Accounts, ADMIN_GROUP};
pub use admin::run_mqsc;
pub use admin_socket::{bind_admin, serve_admin, AdminListener};
pub use connections::{conn_id, Connection, Connections};
pub use home::{client_channels, default_store, Home, HomeError, DEFAULT_OBJECTS};
pub use limits::Limits;
pub use listener::serve;
/// The frame reader the listener uses (the client's).
pub use mqtls_client::read_frame;
pub use queues::Queues;
pub use revocation::{check as check_revocation, configured as revocation, Revocation};
pub use state::Listeners;
pub use state::{KeystoreLoader, LoadKeystore, QueueManager};
pub use status::{ChannelStatus, Remote, StatusTable, Traffic};
pub use transfer::Transfer;

/// Seconds since the Unix epoch (0 if the clock is before it).
fn unix_now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// Milliseconds since the Unix epoch (0 if the clock is before it).
fn unix_now_ms() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}
