//! What partners may cost a listener: time, connections, frame size.

use std::time::Duration;

/// Bounds on what partners may cost.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Time allowed for the TLS handshake and for the channel-start frame.
    pub handshake_timeout: Duration,
    /// Connections served at once; more are closed at once.
    pub max_connections: usize,
    /// Largest frame payload accepted.
    pub max_frame: u32,
    /// Connections one partner address may have in their handshake or channel start.
    pub max_pending_per_address: usize,
}

impl Default for Limits {
    /// Ten seconds, 1,000 connections, 4 MiB + 64 KiB frames, 100 pending per address.
    fn default() -> Self {
        Self {
            handshake_timeout: Duration::from_secs(10),
            max_connections: 1000,
            max_frame: 4 * 1024 * 1024 + 65_536,
            max_pending_per_address: 100,
        }
    }
}
