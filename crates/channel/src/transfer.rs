//! The message-transfer exchange of sender and receiver channels, inside Data frames on
//! conversation 0 once the channel has started. Sans-I/O: encode and decode only.
//!
//! The sender first resynchronises (its committed sequence number, the batch it holds in
//! doubt, whether RESET CHANNEL asked for a new number) and the receiver answers with
//! what it last committed. Then batches: each message with its sequence number, then an
//! end of batch that the receiver answers once its puts and its record are committed.
//! Only then does the sender remove the batch from its transmission queue.

use mqtls_model::Message;

use crate::frame::{text, FrameError, Reader};

/// What the sender sends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Send {
    /// Kind 1: the sender's last committed sequence number and batch, the id of its batch
    /// in doubt (if any), and whether the receiver must take `seq` and `luwid` as its own
    /// (after RESET CHANNEL at the sender, or when the receiver lost its record of
    /// batches that carried only NPMSPEED(FAST) messages).
    Resync {
        /// The last sequence number committed.
        seq: u64,
        /// The last batch committed.
        luwid: u64,
        /// The batch in doubt.
        in_doubt: Option<u64>,
        /// RESET CHANNEL: the receiver takes `seq`.
        reset: bool,
    },
    /// Kind 2: one transmission-queue message (header and original) with its sequence
    /// number; `now` marks a non-persistent message under NPMSPEED(FAST), put at once
    /// rather than with the batch.
    Msg {
        /// Its sequence number.
        seq: u64,
        /// Put at once, outside the batch.
        now: bool,
        /// The transmission-queue message.
        message: Message,
    },
    /// Kind 3: the end of batch `luwid`, whose last message is `seq`, of `count` messages.
    EndBatch {
        /// The batch id.
        luwid: u64,
        /// The sequence number of its last message.
        seq: u64,
        /// Messages in the batch.
        count: u32,
    },
}

/// What the receiver answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    /// Kind 1: the receiver's last committed sequence number and batch id.
    Synced {
        /// The last sequence number committed.
        seq: u64,
        /// The last batch committed.
        luwid: u64,
        /// The receiving queue manager (CHSTATUS RQMNAME at the sender).
        qmgr: String,
    },
    /// Kind 2: batch `luwid` is committed.
    Confirmed {
        /// The batch id.
        luwid: u64,
    },
    /// Kind 3: the batch or the resynchronisation failed, with the MQ reason code and why;
    /// the receiver backed out and the channel ends.
    Failed {
        /// The MQ reason code.
        reason: u32,
        /// Why, and the fix.
        text: String,
    },
}

impl Send {
    /// The Data payload.
    pub fn encode(&self) -> Vec<u8> {
        let mut p = Vec::new();
        match self {
            Self::Resync { seq, luwid, in_doubt, reset } => {
                p.push(1);
                p.extend_from_slice(&seq.to_be_bytes());
                p.extend_from_slice(&luwid.to_be_bytes());
                p.push(u8::from(in_doubt.is_some()) | (u8::from(*reset) << 1));
                p.extend_from_slice(&in_doubt.unwrap_or(0).to_be_bytes());
            }
            Self::Msg { seq, now, message } => return Self::encode_msg(*seq, *now, message),
            Self::EndBatch { luwid, seq, count } => {
                p.push(3);
                p.extend_from_slice(&luwid.to_be_bytes());
                p.extend_from_slice(&seq.to_be_bytes());
                p.extend_from_slice(&count.to_be_bytes());
            }
        }
        p
    }

    /// The payload of [`Send::Msg`] from a borrowed message.
    pub fn encode_msg(seq: u64, now: bool, message: &Message) -> Vec<u8> {
        let mut p = Vec::with_capacity(120 + message.payload.len());
        p.push(2);
        p.extend_from_slice(&seq.to_be_bytes());
        p.push(u8::from(now));
        message.encode_into(&mut p);
        p
    }

    /// Decodes a Data payload; anything malformed is refused with the field named.
    pub fn decode(payload: &[u8]) -> Result<Self, FrameError> {
        let mut r = Reader(payload);
        let send = match r.u8("transfer kind")? {
            1 => {
                let seq = r.u64("sequence number")?;
                let luwid = r.u64("batch id")?;
                let flags = r.u8("resync flags")?;
                if flags > 3 {
                    return Err(FrameError::Reserved);
                }
                let doubt = r.u64("batch id in doubt")?;
                if flags & 1 == 0 && doubt != 0 {
                    return Err(FrameError::Reserved);
                }
                Self::Resync {
                    seq,
                    luwid,
                    in_doubt: (flags & 1 == 1).then_some(doubt),
                    reset: flags & 2 == 2,
                }
            }
            2 => {
                let seq = r.u64("sequence number")?;
                let now = match r.u8("message flags")? {
                    0 => false,
                    1 => true,
                    _ => return Err(FrameError::Reserved),
                };
                let message = Message::decode(r.0).map_err(FrameError::Message)?;
                r.0 = &[];
                Self::Msg { seq, now, message }
            }
            3 => Self::EndBatch {
                luwid: r.u64("batch id")?,
                seq: r.u64("sequence number")?,
                count: r.u32("message count")?,
            },
            kind => return Err(FrameError::UnknownOp { what: "transfer", kind }),
        };
        r.done("transfer")?;
        Ok(send)
    }
}

impl Answer {
    /// The Data payload.
    pub fn encode(&self) -> Vec<u8> {
        let mut p = Vec::new();
        match self {
            Self::Synced { seq, luwid, qmgr } => {
                p.push(1);
                p.extend_from_slice(&seq.to_be_bytes());
                p.extend_from_slice(&luwid.to_be_bytes());
                text(&mut p, qmgr);
            }
            Self::Confirmed { luwid } => {
                p.push(2);
                p.extend_from_slice(&luwid.to_be_bytes());
            }
            Self::Failed { reason, text: why } => {
                p.push(3);
                p.extend_from_slice(&reason.to_be_bytes());
                text(&mut p, why);
            }
        }
        p
    }

    /// Decodes a Data payload.
    pub fn decode(payload: &[u8]) -> Result<Self, FrameError> {
        let mut r = Reader(payload);
        let answer = match r.u8("answer kind")? {
            1 => Self::Synced {
                seq: r.u64("sequence number")?,
                luwid: r.u64("batch id")?,
                qmgr: r.text("queue manager name")?,
            },
            2 => Self::Confirmed { luwid: r.u64("batch id")? },
            3 => Self::Failed { reason: r.u32("reason code")?, text: r.text("reason text")? },
            kind => return Err(FrameError::UnknownOp { what: "transfer answer", kind }),
        };
        r.done("transfer answer")?;
        Ok(answer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn samples() -> Vec<Send> {
        vec![
            Send::Resync { seq: 7, luwid: 2, in_doubt: Some(3), reset: false },
            Send::Resync { seq: 0, luwid: 0, in_doubt: None, reset: true },
            Send::Msg { seq: 8, now: true, message: Message::text("hello") },
            Send::EndBatch { luwid: 4, seq: 8, count: 1 },
        ]
    }

    #[test]
    fn every_kind_round_trips_and_every_truncation_is_refused() {
        for s in samples() {
            let bytes = s.encode();
            assert_eq!(Send::decode(&bytes).unwrap(), s);
            for cut in 0..bytes.len() {
                assert!(Send::decode(&bytes[..cut]).is_err(), "{s:?} cut at {cut}");
            }
        }
        for a in [
            Answer::Synced { seq: 1, luwid: 2, qmgr: "QM2".into() },
            Answer::Confirmed { luwid: 9 },
            Answer::Failed { reason: 2053, text: "queue APP.IN is full".into() },
        ] {
            let bytes = a.encode();
            assert_eq!(Answer::decode(&bytes).unwrap(), a);
            for cut in 0..bytes.len() {
                assert!(Answer::decode(&bytes[..cut]).is_err(), "{a:?} cut at {cut}");
            }
        }
    }

    #[test]
    fn random_bytes_never_panic_and_what_decodes_encodes_back_the_same() {
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let seeds: Vec<Vec<u8>> = samples().iter().map(Send::encode).collect();
        for _ in 0..200_000 {
            let mut bytes = seeds[(next() % seeds.len() as u64) as usize].clone();
            for _ in 0..(next() % 4) {
                let at = (next() % bytes.len() as u64) as usize;
                bytes[at] = next() as u8;
            }
            bytes.truncate((next() % (bytes.len() as u64 + 1)) as usize);
            if let Ok(send) = Send::decode(&bytes) {
                assert_eq!(send.encode(), bytes, "{send:?}");
            }
            if let Ok(answer) = Answer::decode(&bytes) {
                assert_eq!(answer.encode(), bytes, "{answer:?}");
            }
        }
    }

    #[test]
    fn unknown_kinds_flags_and_trailing_bytes_are_refused() {
        assert!(matches!(Send::decode(&[9]), Err(FrameError::UnknownOp { kind: 9, .. })));
        let mut resync = Send::Resync { seq: 1, luwid: 1, in_doubt: None, reset: false }.encode();
        resync[17] = 4;
        assert!(Send::decode(&resync).is_err());
        let mut end = Send::EndBatch { luwid: 1, seq: 1, count: 1 }.encode();
        end.push(0);
        assert!(matches!(Send::decode(&end), Err(FrameError::Trailing(_))));
        assert!(Answer::decode(&[]).is_err());
    }
}
