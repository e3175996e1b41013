//! What a workload measured: rates and latency percentiles, and the timestamp a message
//! carries from its producer to its consumer (both in this process).

use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Nanoseconds since the bench started: what a message's first eight bytes carry.
pub(crate) fn now_ns() -> u64 {
    static START: OnceLock<Instant> = OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_nanos() as u64
}

/// A payload of `size` bytes stamped with the time it is made.
pub(crate) fn payload(size: usize) -> Vec<u8> {
    let mut p = vec![0x5a; size.max(8)];
    p[..8].copy_from_slice(&now_ns().to_be_bytes());
    p
}

/// The latency of a received payload: now minus its stamp.
pub(crate) fn latency_of(payload: &[u8]) -> Duration {
    let sent = payload.get(..8).and_then(|b| b.try_into().ok()).map_or(0, u64::from_be_bytes);
    Duration::from_nanos(now_ns().saturating_sub(sent))
}

/// A producer-to-consumer run: messages, the time from the first send to the last
/// receipt, and each message's latency.
#[derive(Clone, Debug, Default)]
pub(crate) struct Flow {
    /// Messages carried.
    pub(crate) count: usize,
    /// First send to last receipt.
    pub(crate) elapsed: Duration,
    /// Send to receipt, per message.
    pub(crate) latencies: Vec<Duration>,
}

impl Flow {
    /// Messages per second.
    pub(crate) fn rate(&self) -> f64 {
        self.count as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// The latency at `q` (0.5 for the median), milliseconds.
    pub(crate) fn percentile_ms(&self, q: f64) -> f64 {
        let mut l = self.latencies.clone();
        l.sort_unstable();
        let Some(last) = l.len().checked_sub(1) else { return f64::NAN };
        l[((last as f64) * q).round() as usize].as_secs_f64() * 1000.0
    }
}

/// The workload knobs shared by every peer.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Spec {
    /// Payload bytes.
    pub(crate) size: usize,
    /// Persistent (confirmed after the broker's store has it) or not.
    pub(crate) persistent: bool,
    /// Messages sent.
    pub(crate) count: usize,
    /// Messages a producer may have unconfirmed (a persistent mqtls producer commits a
    /// unit of work of this many).
    pub(crate) window: usize,
    /// Messages per second the producer keeps to (none: as fast as it can), so that
    /// latency is measured without a backlog.
    pub(crate) pace: Option<u32>,
}

/// Waits until message `sent` is due, `started` being when the first was (nanoseconds
/// from [`now_ns`]).
pub(crate) async fn pace(spec: &Spec, sent: usize, started: u64) {
    if let Some(rate) = spec.pace {
        let due = started + sent as u64 * 1_000_000_000 / u64::from(rate.max(1));
        let now = now_ns();
        if due > now {
            tokio::time::sleep(Duration::from_nanos(due - now)).await;
        }
    }
}
