//! A message: the parts of MQ's message descriptor (MQMD) that mqtls carries, and the
//! payload, with the one binary encoding used on the wire and in the message store.
//!
//! Encoding (version 1, big-endian): version u8, MsgId 24 bytes, CorrelId 24 bytes,
//! flags u8 (1 persistent, 2 persistence as the queue's default, 0 neither), priority u8 (0-9), put time u64 (ms since the epoch),
//! backout count u32, then Format, UserIdentifier, ReplyToQ and ReplyToQMgr as a u16
//! length and UTF-8 (at most 48 bytes each), then the payload as a u32 length and bytes.

use crate::error::ModelError;

/// Encoding version written by [`Message::encode`].
const VERSION: u8 = 1;
/// Longest text field (MQ's longest, ReplyToQ, is 48 characters).
const MAX_TEXT: usize = 48;

/// A message with its descriptor.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Message {
    /// MQMD.MsgId; all zeros asks the queue manager to make a unique one.
    pub msg_id: [u8; 24],
    /// MQMD.CorrelId.
    pub correl_id: [u8; 24],
    /// MQMD.Persistence: survives a queue-manager restart.
    pub persistent: bool,
    /// MQMD.Persistence MQPER_PERSISTENCE_AS_Q_DEF (MQ's initial value): the queue
    /// manager sets `persistent` from the queue's DEFPSIST when the message is put.
    pub as_queue_default: bool,
    /// MQMD.Priority, 0 (lowest) to 9.
    pub priority: u8,
    /// MQMD.PutDate/PutTime, milliseconds since the Unix epoch; set by the queue manager.
    pub put_time: u64,
    /// MQMD.BackoutCount: how often a get of it was backed out.
    pub backout_count: u32,
    /// MQMD.Format (`MQSTR` for text).
    pub format: String,
    /// MQMD.UserIdentifier; set by the queue manager to the channel's MCAUSER.
    pub user_id: String,
    /// MQMD.ReplyToQ.
    pub reply_to_q: String,
    /// MQMD.ReplyToQMgr.
    pub reply_to_qmgr: String,
    /// The application data.
    pub payload: Vec<u8>,
}

impl Message {
    /// A text message (`MQSTR`) with default descriptor fields.
    pub fn text(body: &str) -> Self {
        Self { format: "MQSTR".into(), payload: body.as_bytes().to_vec(), ..Self::default() }
    }

    /// Appends the encoding to `out`. Text fields longer than 48 bytes are cut at a
    /// character boundary.
    pub fn encode_into(&self, out: &mut Vec<u8>) {
        out.reserve(80 + self.payload.len());
        out.push(VERSION);
        out.extend_from_slice(&self.msg_id);
        out.extend_from_slice(&self.correl_id);
        out.push(u8::from(self.persistent) | u8::from(self.as_queue_default) << 1);
        out.push(self.priority.min(9));
        out.extend_from_slice(&self.put_time.to_be_bytes());
        out.extend_from_slice(&self.backout_count.to_be_bytes());
        for field in [&self.format, &self.user_id, &self.reply_to_q, &self.reply_to_qmgr] {
            put_text(out, field);
        }
        out.extend_from_slice(&(self.payload.len() as u32).to_be_bytes());
        out.extend_from_slice(&self.payload);
    }

    /// The encoding.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.encode_into(&mut out);
        out
    }

    /// Decodes a message that fills `bytes` exactly.
    pub fn decode(bytes: &[u8]) -> Result<Self, ModelError> {
        let (msg, used) = Self::decode_prefix(bytes)?;
        if used != bytes.len() {
            return Err(bad("the message", "followed by extra bytes"));
        }
        Ok(msg)
    }

    /// Decodes a message from the front of `bytes`, returning it and the bytes used.
    pub fn decode_prefix(bytes: &[u8]) -> Result<(Self, usize), ModelError> {
        let mut r = Cursor { bytes, at: 0 };
        if r.take(1, "the version")?[0] != VERSION {
            return Err(bad("the version", "not 1"));
        }
        let msg_id = r.array("MsgId")?;
        let correl_id = r.array("CorrelId")?;
        let flags = r.take(1, "the flags")?[0];
        // Persistent and "as the queue's default" at once contradict each other.
        if flags > 2 {
            return Err(bad("the flags", "not defined"));
        }
        let priority = r.take(1, "Priority")?[0];
        if priority > 9 {
            return Err(bad("Priority", "over 9"));
        }
        let put_time = u64::from_be_bytes(r.array("PutTime")?);
        let backout_count = u32::from_be_bytes(r.array("BackoutCount")?);
        let format = r.text("Format")?;
        let user_id = r.text("UserIdentifier")?;
        let reply_to_q = r.text("ReplyToQ")?;
        let reply_to_qmgr = r.text("ReplyToQMgr")?;
        let len = u32::from_be_bytes(r.array("the payload length")?) as usize;
        let payload = r.take(len, "the payload")?.to_vec();
        let msg = Self {
            msg_id,
            correl_id,
            persistent: flags & 1 == 1,
            as_queue_default: flags & 2 == 2,
            priority,
            put_time,
            backout_count,
            format,
            user_id,
            reply_to_q,
            reply_to_qmgr,
            payload,
        };
        Ok((msg, r.at))
    }
}

/// A message carrying `inner` behind a `header` (a transmission or dead-letter header):
/// Format `format`, the inner message's persistence, priority, ids, put time and user,
/// and as payload the header, then the inner message's encoding.
pub(crate) fn enclose(format: &str, header: &[u8], inner: &Message) -> Message {
    let mut payload = Vec::with_capacity(header.len() + 80 + inner.payload.len());
    payload.extend_from_slice(header);
    inner.encode_into(&mut payload);
    Message {
        msg_id: inner.msg_id,
        correl_id: inner.correl_id,
        persistent: inner.persistent,
        priority: inner.priority,
        put_time: inner.put_time,
        format: format.into(),
        user_id: inner.user_id.clone(),
        payload,
        ..Message::default()
    }
}

/// A reader of `message`'s header, past its `magic` and version 1, when the message has
/// Format `format`; `what` names the header in errors.
pub(crate) fn opened<'a>(
    message: &'a Message,
    format: &str,
    magic: &[u8; 4],
    what: &'static str,
) -> Result<Cursor<'a>, ModelError> {
    if message.format.trim_end() != format {
        return Err(bad(what, "the message's Format does not name it"));
    }
    let mut r = Cursor { bytes: &message.payload, at: 0 };
    if r.take(4, what)? != magic {
        return Err(bad(what, "does not start with its magic"));
    }
    if r.take(1, what)?[0] != 1 {
        return Err(bad(what, "not version 1"));
    }
    Ok(r)
}

/// Appends `field` as a u16 length and at most 48 bytes of UTF-8, cut at a character
/// boundary.
pub(crate) fn put_text(out: &mut Vec<u8>, field: &str) {
    let mut end = field.len().min(MAX_TEXT);
    while !field.is_char_boundary(end) {
        end -= 1;
    }
    out.extend_from_slice(&(end as u16).to_be_bytes());
    out.extend_from_slice(&field.as_bytes()[..end]);
}

pub(crate) fn bad(what: &'static str, why: &'static str) -> ModelError {
    ModelError::BadMessage { what, why }
}

pub(crate) struct Cursor<'a> {
    pub(crate) bytes: &'a [u8],
    pub(crate) at: usize,
}

impl<'a> Cursor<'a> {
    pub(crate) fn take(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], ModelError> {
        let end = self
            .at
            .checked_add(n)
            .filter(|&e| e <= self.bytes.len())
            .ok_or_else(|| bad(what, "truncated"))?;
        let out = &self.bytes[self.at..end];
        self.at = end;
        Ok(out)
    }

    fn array<const N: usize>(&mut self, what: &'static str) -> Result<[u8; N], ModelError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N, what)?);
        Ok(out)
    }

    pub(crate) fn text(&mut self, what: &'static str) -> Result<String, ModelError> {
        let len = usize::from(u16::from_be_bytes(self.array(what)?));
        if len > MAX_TEXT {
            return Err(bad(what, "longer than 48 bytes"));
        }
        let raw = self.take(len, what)?;
        String::from_utf8(raw.to_vec()).map_err(|_| bad(what, "not UTF-8"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Message {
        Message {
            msg_id: [7; 24],
            correl_id: [9; 24],
            persistent: true,
            as_queue_default: false,
            priority: 4,
            put_time: 1_700_000_000_123,
            backout_count: 2,
            format: "MQSTR".into(),
            user_id: "app".into(),
            reply_to_q: "REPLY.Q".into(),
            reply_to_qmgr: "QM1".into(),
            payload: b"hello".to_vec(),
        }
    }

    #[test]
    fn round_trips() {
        let msg = sample();
        assert_eq!(Message::decode(&msg.encode()), Ok(msg));
    }

    #[test]
    fn every_truncation_is_refused_with_the_field_named() {
        let bytes = sample().encode();
        for cut in 0..bytes.len() {
            let err = Message::decode(&bytes[..cut]).unwrap_err();
            assert!(err.to_string().contains("truncated"), "cut at {cut}: {err}");
        }
    }

    #[test]
    fn hostile_fields_are_refused() {
        let mut bytes = sample().encode();
        bytes[49] = 2; // flags: persistence as the queue's default
        let decoded = Message::decode(&bytes).unwrap();
        assert!(decoded.as_queue_default && !decoded.persistent);
        bytes[49] = 3;
        assert_eq!(
            Message::decode(&bytes).unwrap_err().to_string(),
            "message encoding: the flags is not defined"
        );
        let mut bytes = sample().encode();
        bytes[50] = 10;
        assert!(Message::decode(&bytes).unwrap_err().to_string().contains("Priority is over 9"));
        let mut bytes = sample().encode();
        bytes.push(0);
        assert!(Message::decode(&bytes).unwrap_err().to_string().contains("extra bytes"));
        let mut bytes = sample().encode();
        let len = bytes.len();
        bytes[len - 9..len - 5].copy_from_slice(&u32::MAX.to_be_bytes());
        assert!(Message::decode(&bytes).unwrap_err().to_string().contains("payload is truncated"));
    }

    #[test]
    fn long_text_is_cut_at_a_character_boundary() {
        let msg = Message { reply_to_q: "é".repeat(30), ..sample() };
        let back = Message::decode(&msg.encode()).unwrap();
        assert_eq!(back.reply_to_q, "é".repeat(24));
    }
}
