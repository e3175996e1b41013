//! The dead-letter header (MQ's MQDLH): what a message the queue manager could not deliver
//! carries on the dead-letter queue — why, and where it was going.
//!
//! A dead-lettered message is stored as a message of Format `MQDEAD` with the original's
//! persistence, priority and ids, whose payload is: magic `DLH `, version u8 (1), the MQ
//! reason code (u32), the destination queue and queue manager (each a u16 length and at
//! most 48 bytes of UTF-8), then the original message in its own encoding.

use crate::error::ModelError;
use crate::message::{enclose, opened, put_text, Message};

/// MQFMT_DEAD_LETTER_HEADER: the Format of a message on the dead-letter queue.
pub const DEAD_LETTER_FORMAT: &str = "MQDEAD";
const MAGIC: &[u8; 4] = b"DLH ";
const VERSION: u8 = 1;

/// A message that could not be put where it was going.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeadLetter {
    /// MQDLH.Reason: why it could not be put (an MQ reason code).
    pub reason: u32,
    /// MQDLH.DestQName.
    pub dest_q: String,
    /// MQDLH.DestQMgrName.
    pub dest_qmgr: String,
    /// The message as it was sent.
    pub message: Message,
}

impl DeadLetter {
    /// The dead-letter-queue message: Format `MQDEAD`, the original's persistence,
    /// priority and ids, the header and the original as payload.
    pub fn wrap(&self) -> Message {
        let mut header = Vec::with_capacity(110);
        header.extend_from_slice(MAGIC);
        header.push(VERSION);
        header.extend_from_slice(&self.reason.to_be_bytes());
        put_text(&mut header, &self.dest_q);
        put_text(&mut header, &self.dest_qmgr);
        enclose(DEAD_LETTER_FORMAT, &header, &self.message)
    }

    /// Reads a dead-letter-queue message back; anything else is refused with what is wrong.
    pub fn unwrap(message: &Message) -> Result<Self, ModelError> {
        let mut r = opened(message, DEAD_LETTER_FORMAT, MAGIC, "the dead-letter header (MQDEAD)")?;
        let reason = u32::from_be_bytes(r.take(4, "Reason")?.try_into().expect("4 bytes"));
        let dest_q = r.text("DestQName")?;
        let dest_qmgr = r.text("DestQMgrName")?;
        let inner = Message::decode(&message.payload[r.at..])?;
        Ok(Self { reason, dest_q, dest_qmgr, message: inner })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_and_unwraps_equal_and_refuses_other_messages_and_truncations() {
        let mut message = Message::text("for a queue that is not there");
        message.persistent = true;
        let dl = DeadLetter { reason: 2085, dest_q: "NO.SUCH.Q".into(), dest_qmgr: "QM2".into(), message };
        let wrapped = dl.wrap();
        assert_eq!((wrapped.format.as_str(), wrapped.persistent), (DEAD_LETTER_FORMAT, true));
        assert_eq!(DeadLetter::unwrap(&wrapped), Ok(dl));
        assert!(DeadLetter::unwrap(&Message::text("x")).unwrap_err().to_string().contains("MQDEAD"));
        for cut in 0..wrapped.payload.len() {
            let mut m = wrapped.clone();
            m.payload.truncate(cut);
            assert!(DeadLetter::unwrap(&m).is_err(), "cut at {cut} accepted");
        }
    }
}
