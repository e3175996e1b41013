//! Connections still in their TLS handshake or channel start, counted per partner
//! address: one host cannot hold more than `Limits::max_pending_per_address` of them, so
//! slow or stalled handshakes from one address (slowloris) do not use up the listener's
//! connection budget for everyone else.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

/// The per-address counts of one listener.
#[derive(Debug, Default)]
pub(crate) struct Pending {
    counts: Mutex<HashMap<IpAddr, usize>>,
}

/// One pending connection; dropping it (the channel started, or the connection ended)
/// frees its place.
#[derive(Debug)]
pub(crate) struct PendingGuard {
    pending: Arc<Pending>,
    ip: IpAddr,
}

impl Pending {
    /// A place for a connection from `ip`, unless it already has `max` pending.
    pub(crate) fn enter(self: &Arc<Self>, ip: IpAddr, max: usize) -> Option<PendingGuard> {
        let mut counts = self.counts.lock().expect("pending lock");
        let count = counts.entry(ip).or_default();
        if *count >= max {
            return None;
        }
        *count += 1;
        Some(PendingGuard { pending: self.clone(), ip })
    }
}

impl Drop for PendingGuard {
    fn drop(&mut self) {
        let mut counts = self.pending.counts.lock().expect("pending lock");
        if let Some(count) = counts.get_mut(&self.ip) {
            *count -= 1;
            if *count == 0 {
                counts.remove(&self.ip);
            }
        }
    }
}
