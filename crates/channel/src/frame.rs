//! The wire frames that follow the TLS handshake (see docs/protocol.md): a 12-byte header
//! (`MQT`, version, kind, flags, two reserved bytes, big-endian payload length) and a
//! payload. Decoding is bounded by the negotiated MAXMSGL, never panics, and names what
//! is wrong.

/// The first three bytes of every frame.
pub const MAGIC: &[u8; 3] = b"MQT";
/// The protocol version this engine speaks.
pub const VERSION: u8 = 1;
/// Header length.
pub const HEADER: usize = 12;
/// Longest string field (channel, queue manager and user names are far shorter).
const MAX_TEXT: usize = 1024;

/// The channel-start request a partner sends first, naming the channel again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChannelStart {
    /// The channel (must equal the SNI's).
    pub channel: String,
    /// The sender's channel type (MQCHT value: CLNTCONN 6, SDR 1, ...).
    pub chltype: u8,
    /// The sender's queue manager (blank for clients).
    pub qmgr: String,
    /// The user id a client asserts.
    pub user: String,
    /// Largest message the sender accepts.
    pub max_msg_len: u32,
    /// Conversations the sender wants to share the connection.
    pub sharecnv: u16,
    /// Heartbeat interval, seconds.
    pub heartbeat: u32,
}

impl ChannelStart {
    /// A client's (CLNTCONN) start of `channel` as `user`, with MQ's CLNTCONN defaults:
    /// MAXMSGL 4 MiB, SHARECNV 10, HBINT 300.
    pub fn client(channel: &str, user: String) -> Self {
        Self {
            channel: channel.to_owned(),
            chltype: 6,
            qmgr: String::new(),
            user,
            max_msg_len: 4 * 1024 * 1024,
            sharecnv: 10,
            heartbeat: 300,
        }
    }
}

/// One frame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Frame {
    /// Kind 1: start a channel.
    ChannelStart(ChannelStart),
    /// Kind 2: accepted, with the negotiated limits.
    StartAck {
        /// Negotiated MAXMSGL.
        max_msg_len: u32,
        /// Negotiated SHARECNV.
        sharecnv: u16,
        /// Negotiated HBINT.
        heartbeat: u32,
    },
    /// Kind 3: refused, with the MQ reason code and a one-line explanation.
    Refuse {
        /// MQ reason code.
        reason: u32,
        /// Why, for the partner's log.
        text: String,
    },
    /// Kind 4: heartbeat.
    Heartbeat,
    /// Kind 5: data for one conversation.
    Data {
        /// The conversation (0 to SHARECNV - 1).
        conversation: u16,
        /// The bytes.
        payload: Vec<u8>,
    },
    /// Kind 6: the sender is closing, with a reason code.
    Close {
        /// MQ reason code (0 for a normal end).
        reason: u32,
    },
}

impl Frame {
    /// The length of the frame on the wire, header included (what [`encode`] makes).
    pub fn encoded_len(&self) -> usize {
        let text_len = |s: &str| 2 + s.len().min(MAX_TEXT);
        HEADER
            + match self {
                Self::ChannelStart(s) => {
                    text_len(&s.channel) + 1 + text_len(&s.qmgr) + text_len(&s.user) + 10
                }
                Self::StartAck { .. } => 10,
                Self::Refuse { text, .. } => 4 + text_len(text),
                Self::Heartbeat => 0,
                Self::Data { payload, .. } => 2 + payload.len(),
                Self::Close { .. } => 4,
            }
    }
}

/// A frame that cannot be accepted.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FrameError {
    /// The first bytes are not `MQT` (a plain client on a TLS port, or noise).
    #[error("not an mqtls frame (bad magic)")]
    BadMagic,
    /// A version this engine does not speak.
    #[error("protocol version {0} is not supported (this engine speaks {VERSION})")]
    Version(u8),
    /// An unknown frame kind.
    #[error("unknown frame kind {0}")]
    UnknownKind(u8),
    /// Flags or reserved bytes set, which version 1 does not define.
    #[error("flags or reserved header bytes are set")]
    Reserved,
    /// A payload longer than the negotiated maximum.
    #[error("frame of {len} bytes exceeds the limit of {max}")]
    TooLarge {
        /// Announced length.
        len: u32,
        /// The limit.
        max: u32,
    },
    /// A payload that ends before its fields do.
    #[error("{0} is truncated")]
    Truncated(&'static str),
    /// A payload with bytes after its last field.
    #[error("bytes after the last field of a {0} frame")]
    Trailing(&'static str),
    /// A text field that is not UTF-8 or is too long.
    #[error("{0} is not valid text")]
    BadText(&'static str),
    /// An IBM MQ segment this engine cannot read.
    #[error("IBM MQ segment: {0}")]
    Fap(&'static str),
    /// A message inside a request or reply that does not decode.
    #[error("{0}")]
    Message(mqtls_model::ModelError),
    /// A request or reply kind this engine does not know.
    #[error("unknown {what} kind {kind}")]
    UnknownOp {
        /// Request or reply.
        what: &'static str,
        /// The kind byte.
        kind: u8,
    },
}

pub(crate) struct Reader<'a>(pub(crate) &'a [u8]);

impl Reader<'_> {
    pub(crate) fn take(&mut self, n: usize, what: &'static str) -> Result<&[u8], FrameError> {
        if self.0.len() < n {
            return Err(FrameError::Truncated(what));
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }
    pub(crate) fn u8(&mut self, what: &'static str) -> Result<u8, FrameError> {
        Ok(self.take(1, what)?[0])
    }
    pub(crate) fn u16(&mut self, what: &'static str) -> Result<u16, FrameError> {
        let b = self.take(2, what)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }
    pub(crate) fn u32(&mut self, what: &'static str) -> Result<u32, FrameError> {
        let b = self.take(4, what)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }
    pub(crate) fn u64(&mut self, what: &'static str) -> Result<u64, FrameError> {
        let b = self.take(8, what)?;
        Ok(u64::from_be_bytes(b.try_into().expect("8 bytes")))
    }
    pub(crate) fn text(&mut self, what: &'static str) -> Result<String, FrameError> {
        let len = usize::from(self.u16(what)?);
        if len > MAX_TEXT {
            return Err(FrameError::BadText(what));
        }
        String::from_utf8(self.take(len, what)?.to_vec()).map_err(|_| FrameError::BadText(what))
    }
    pub(crate) fn done(&self, kind: &'static str) -> Result<(), FrameError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(FrameError::Trailing(kind))
        }
    }
}

/// Decodes one frame from the front of `buf`, if a whole one is there: `Ok(None)` asks for
/// more bytes; `Ok(Some((frame, used)))` consumed `used` bytes. `max` bounds the payload.
pub fn decode(buf: &[u8], max: u32) -> Result<Option<(Frame, usize)>, FrameError> {
    let checked = buf.len().min(MAGIC.len());
    if buf[..checked] != MAGIC[..checked] {
        return Err(FrameError::BadMagic);
    }
    if buf.len() < HEADER {
        return Ok(None);
    }
    if buf[3] != VERSION {
        return Err(FrameError::Version(buf[3]));
    }
    if buf[5..8] != [0, 0, 0] {
        return Err(FrameError::Reserved);
    }
    let kind = buf[4];
    let len = u32::from_be_bytes([buf[8], buf[9], buf[10], buf[11]]);
    if len > max {
        return Err(FrameError::TooLarge { len, max });
    }
    let total = HEADER + len as usize;
    if buf.len() < total {
        return Ok(None);
    }
    let mut r = Reader(&buf[HEADER..total]);
    let frame = match kind {
        1 => {
            let start = ChannelStart {
                channel: r.text("channel name")?,
                chltype: r.u8("channel type")?,
                qmgr: r.text("queue manager name")?,
                user: r.text("user id")?,
                max_msg_len: r.u32("MAXMSGL")?,
                sharecnv: r.u16("SHARECNV")?,
                heartbeat: r.u32("HBINT")?,
            };
            r.done("channel-start")?;
            Frame::ChannelStart(start)
        }
        2 => {
            let f = Frame::StartAck {
                max_msg_len: r.u32("MAXMSGL")?,
                sharecnv: r.u16("SHARECNV")?,
                heartbeat: r.u32("HBINT")?,
            };
            r.done("start-ack")?;
            f
        }
        3 => {
            let f = Frame::Refuse { reason: r.u32("reason code")?, text: r.text("refusal text")? };
            r.done("refuse")?;
            f
        }
        4 => {
            r.done("heartbeat")?;
            Frame::Heartbeat
        }
        5 => Frame::Data { conversation: r.u16("conversation")?, payload: r.0.to_vec() },
        6 => {
            let f = Frame::Close { reason: r.u32("reason code")? };
            r.done("close")?;
            f
        }
        other => return Err(FrameError::UnknownKind(other)),
    };
    Ok(Some((frame, total)))
}

pub(crate) fn text(out: &mut Vec<u8>, s: &str) {
    let bytes = &s.as_bytes()[..s.len().min(MAX_TEXT)];
    out.extend_from_slice(&(bytes.len() as u16).to_be_bytes());
    out.extend_from_slice(bytes);
}

/// Encodes a frame. Text fields longer than 1024 bytes are cut (they never are in practice).
pub fn encode(frame: &Frame) -> Vec<u8> {
    let mut p = Vec::new();
    let kind = match frame {
        Frame::ChannelStart(s) => {
            text(&mut p, &s.channel);
            p.push(s.chltype);
            text(&mut p, &s.qmgr);
            text(&mut p, &s.user);
            p.extend_from_slice(&s.max_msg_len.to_be_bytes());
            p.extend_from_slice(&s.sharecnv.to_be_bytes());
            p.extend_from_slice(&s.heartbeat.to_be_bytes());
            1
        }
        Frame::StartAck { max_msg_len, sharecnv, heartbeat } => {
            p.extend_from_slice(&max_msg_len.to_be_bytes());
            p.extend_from_slice(&sharecnv.to_be_bytes());
            p.extend_from_slice(&heartbeat.to_be_bytes());
            2
        }
        Frame::Refuse { reason, text: t } => {
            p.extend_from_slice(&reason.to_be_bytes());
            text(&mut p, t);
            3
        }
        Frame::Heartbeat => 4,
        Frame::Data { conversation, payload } => {
            p.extend_from_slice(&conversation.to_be_bytes());
            p.extend_from_slice(payload);
            5
        }
        Frame::Close { reason } => {
            p.extend_from_slice(&reason.to_be_bytes());
            6
        }
    };
    let mut out = Vec::with_capacity(HEADER + p.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&[VERSION, kind, 0, 0, 0]);
    out.extend_from_slice(&(p.len() as u32).to_be_bytes());
    out.extend(p);
    out
}

#[cfg(test)]
#[path = "frame_tests.rs"]
mod tests;
