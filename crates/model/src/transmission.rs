//! The transmission header (MQ's MQXQH): what a message waiting on a transmission queue
//! carries so the receiving queue manager knows where it goes.
//!
//! A message put to a remote queue is stored on the transmission queue as a message of
//! Format `MQXMIT` with the same persistence and priority, whose payload is: magic `XQH `,
//! version u8 (1), the remote queue and the remote queue manager (each a u16 length and
//! at most 48 bytes of UTF-8), then the original message in its own encoding.

use crate::error::ModelError;
use crate::message::{enclose, opened, put_text, Message};

/// MQFMT_XMIT_Q_HEADER: the Format of a message on a transmission queue.
pub const XMIT_FORMAT: &str = "MQXMIT";
const MAGIC: &[u8; 4] = b"XQH ";
const VERSION: u8 = 1;

/// A message on its way to a queue of another queue manager.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transmission {
    /// MQXQH.RemoteQName: the queue on the destination queue manager.
    pub remote_q: String,
    /// MQXQH.RemoteQMgrName: the destination queue manager.
    pub remote_qmgr: String,
    /// The message as the application put it.
    pub message: Message,
}

impl Transmission {
    /// The transmission-queue message: Format `MQXMIT`, the original's persistence,
    /// priority and MsgId, the header and the original as payload.
    pub fn wrap(&self) -> Message {
        let mut header = Vec::with_capacity(110);
        header.extend_from_slice(MAGIC);
        header.push(VERSION);
        put_text(&mut header, &self.remote_q);
        put_text(&mut header, &self.remote_qmgr);
        enclose(XMIT_FORMAT, &header, &self.message)
    }

    /// Reads a transmission-queue message back; anything else is refused with what is
    /// wrong (a message put directly on a transmission queue by an application).
    pub fn unwrap(message: &Message) -> Result<Self, ModelError> {
        let mut r = opened(message, XMIT_FORMAT, MAGIC, "the transmission header (MQXMIT)")?;
        let remote_q = r.text("RemoteQName")?;
        let remote_qmgr = r.text("RemoteQMgrName")?;
        let inner = Message::decode(&message.payload[r.at..])?;
        Ok(Self { remote_q, remote_qmgr, message: inner })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Transmission {
        let mut message = Message::text("to QM2");
        message.persistent = true;
        message.priority = 7;
        message.msg_id = [3; 24];
        Transmission { remote_q: "APP.IN".into(), remote_qmgr: "QM2".into(), message }
    }

    #[test]
    fn wraps_with_the_originals_persistence_and_priority_and_unwraps_equal() {
        let t = sample();
        let wrapped = t.wrap();
        assert_eq!(wrapped.format, XMIT_FORMAT);
        assert!(wrapped.persistent);
        assert_eq!((wrapped.priority, wrapped.msg_id), (7, [3; 24]));
        assert_eq!(Transmission::unwrap(&wrapped), Ok(t));
    }

    #[test]
    fn refuses_a_plain_message_and_every_truncation() {
        let err = Transmission::unwrap(&Message::text("x")).unwrap_err();
        assert!(err.to_string().contains("MQXMIT"), "{err}");
        let wrapped = sample().wrap();
        for cut in 0..wrapped.payload.len() {
            let mut m = wrapped.clone();
            m.payload.truncate(cut);
            assert!(Transmission::unwrap(&m).is_err(), "cut at {cut} accepted");
        }
    }
}
