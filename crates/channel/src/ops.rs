//! The message operations a client conversation carries inside Data frames (see
//! docs/protocol.md): requests (connect, open, put, get, commit, ...) and their replies.
//! Each request carries an id its reply repeats; one conversation's requests are
//! answered in order.

use mqtls_model::Message;

use crate::frame::{text, FrameError, Reader};

/// MQOO_INPUT_AS_Q_DEF: open to get messages.
pub const OPEN_INPUT: u32 = 0x1;
/// MQOO_BROWSE: open to browse messages.
pub const OPEN_BROWSE: u32 = 0x8;
/// MQOO_OUTPUT: open to put messages.
pub const OPEN_OUTPUT: u32 = 0x10;
/// MQOO_INQUIRE: open to inquire attributes.
pub const OPEN_INQUIRE: u32 = 0x20;
/// Every open option this engine knows.
pub const OPEN_KNOWN: u32 = OPEN_INPUT | OPEN_BROWSE | OPEN_OUTPUT | OPEN_INQUIRE;
/// Requests a client may have unanswered on one conversation; a queue manager ends a
/// channel whose partner sends more (it bounds what is buffered for it).
pub const MAX_IN_FLIGHT: usize = 16;
/// MQWI_UNLIMITED: a get that waits until a message arrives.
pub const WAIT_UNLIMITED: u32 = u32::MAX;

/// What a get returns.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum GetMode {
    /// Remove the message (the default).
    #[default]
    Remove,
    /// MQGMO_BROWSE_FIRST: leave it, and restart the browse cursor.
    BrowseFirst,
    /// MQGMO_BROWSE_NEXT: leave it, continuing after the last browsed one.
    BrowseNext,
}

/// Get options (MQGMO and the match fields of MQMD).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GetOptions {
    /// Remove or browse.
    pub mode: GetMode,
    /// MQGMO_SYNCPOINT: inside the conversation's unit of work.
    pub syncpoint: bool,
    /// Milliseconds to wait for a message; 0 none, [`WAIT_UNLIMITED`] for ever.
    pub wait_ms: u32,
    /// Only the message with this MsgId.
    pub msg_id: Option<[u8; 24]>,
    /// Only messages with this CorrelId.
    pub correl_id: Option<[u8; 24]>,
}

/// A request from a client conversation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Request {
    /// MQCONN: blank names the queue manager the channel reached.
    Connect {
        /// The queue manager asked for.
        qmgr: String,
        /// The application's name (MQ's APPLTAG). Optional on the wire: clients of
        /// earlier releases end the request after the queue manager, read as blank.
        application: String,
    },
    /// MQOPEN of a local queue or alias.
    Open {
        /// The queue.
        queue: String,
        /// MQOO_* bits.
        options: u32,
    },
    /// MQPUT.
    Put {
        /// The handle from Open.
        handle: u32,
        /// MQPMO_SYNCPOINT.
        syncpoint: bool,
        /// The message.
        message: Message,
    },
    /// MQGET.
    Get {
        /// The handle from Open.
        handle: u32,
        /// The options.
        options: GetOptions,
    },
    /// MQINQ CURDEPTH.
    Depth {
        /// The handle from Open.
        handle: u32,
    },
    /// MQCMIT.
    Commit,
    /// MQBACK.
    Backout,
    /// MQCLOSE.
    Close {
        /// The handle.
        handle: u32,
    },
    /// MQDISC: commits the unit of work, closes every handle.
    Disconnect,
    /// An MQSC script for the queue manager (`runmqsc -c`), run if the channel's user
    /// has the authority (see docs/protocol.md).
    Mqsc {
        /// The script.
        script: String,
    },
}

/// A reply to one request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reply {
    /// Done, nothing to return.
    Ok,
    /// Connected to this queue manager.
    Connected {
        /// Its name.
        qmgr: String,
    },
    /// Opened.
    Opened {
        /// The handle for later requests.
        handle: u32,
    },
    /// Put, with the MsgId the message got.
    Put {
        /// MsgId.
        msg_id: [u8; 24],
    },
    /// Got (or browsed) a message.
    Message(Message),
    /// CURDEPTH.
    Depth(u32),
    /// What an MQSC script did: the runmqsc exit code and report.
    Mqsc {
        /// 0, 10 or 20.
        code: u32,
        /// The report.
        report: String,
    },
    /// Refused, with the MQ reason code and why.
    Failed {
        /// MQRC.
        reason: u32,
        /// One line for the application's log.
        text: String,
    },
}

impl Request {
    /// The Data payload: the request id, a kind byte, the fields.
    pub fn encode(&self, id: u32) -> Vec<u8> {
        let mut p = id.to_be_bytes().to_vec();
        match self {
            Self::Connect { qmgr, application } => {
                p.push(1);
                text(&mut p, qmgr);
                text(&mut p, application);
            }
            Self::Open { queue, options } => {
                p.push(2);
                text(&mut p, queue);
                p.extend_from_slice(&options.to_be_bytes());
            }
            Self::Put { handle, syncpoint, message } => {
                p.push(3);
                p.extend_from_slice(&handle.to_be_bytes());
                p.push(u8::from(*syncpoint));
                message.encode_into(&mut p);
            }
            Self::Get { handle, options: o } => {
                p.push(4);
                p.extend_from_slice(&handle.to_be_bytes());
                let mode = match o.mode {
                    GetMode::Remove => 0,
                    GetMode::BrowseFirst => 1,
                    GetMode::BrowseNext => 2,
                };
                let flags = u8::from(o.syncpoint)
                    | u8::from(o.msg_id.is_some()) << 1
                    | u8::from(o.correl_id.is_some()) << 2;
                p.extend_from_slice(&[mode, flags]);
                p.extend_from_slice(&o.wait_ms.to_be_bytes());
                for id in [o.msg_id, o.correl_id].into_iter().flatten() {
                    p.extend_from_slice(&id);
                }
            }
            Self::Depth { handle } => {
                p.push(5);
                p.extend_from_slice(&handle.to_be_bytes());
            }
            Self::Commit => p.push(6),
            Self::Backout => p.push(7),
            Self::Close { handle } => {
                p.push(8);
                p.extend_from_slice(&handle.to_be_bytes());
            }
            Self::Disconnect => p.push(9),
            Self::Mqsc { script } => {
                p.push(10);
                long_text(&mut p, script);
            }
        }
        p
    }

    /// Decodes a Data payload into the request id and the request. An unknown kind is
    /// [`FrameError::UnknownOp`] with the id still readable by [`request_id`].
    pub fn decode(payload: &[u8]) -> Result<(u32, Self), FrameError> {
        let mut r = Reader(payload);
        let id = r.u32("request id")?;
        let request = match r.u8("request kind")? {
            1 => {
                let qmgr = r.text("queue manager name")?;
                let application = if r.0.is_empty() { String::new() } else { r.text("application name")? };
                Self::Connect { qmgr, application }
            }
            2 => Self::Open { queue: r.text("queue name")?, options: r.u32("open options")? },
            3 => {
                let handle = r.u32("handle")?;
                let syncpoint = match r.u8("put options")? {
                    0 => false,
                    1 => true,
                    _ => return Err(FrameError::Reserved),
                };
                let message = Message::decode(r.0).map_err(FrameError::Message)?;
                r.0 = &[];
                Self::Put { handle, syncpoint, message }
            }
            4 => {
                let handle = r.u32("handle")?;
                let mode = match r.u8("get mode")? {
                    0 => GetMode::Remove,
                    1 => GetMode::BrowseFirst,
                    2 => GetMode::BrowseNext,
                    kind => return Err(FrameError::UnknownOp { what: "get mode", kind }),
                };
                let flags = r.u8("get options")?;
                if flags > 0b111 {
                    return Err(FrameError::Reserved);
                }
                let wait_ms = r.u32("wait interval")?;
                let mut id = |bit: u8, what| -> Result<Option<[u8; 24]>, FrameError> {
                    if flags & bit == 0 {
                        return Ok(None);
                    }
                    let mut out = [0u8; 24];
                    out.copy_from_slice(r.take(24, what)?);
                    Ok(Some(out))
                };
                let msg_id = id(2, "MsgId")?;
                let correl_id = id(4, "CorrelId")?;
                let options = GetOptions { mode, syncpoint: flags & 1 == 1, wait_ms, msg_id, correl_id };
                Self::Get { handle, options }
            }
            5 => Self::Depth { handle: r.u32("handle")? },
            6 => Self::Commit,
            7 => Self::Backout,
            8 => Self::Close { handle: r.u32("handle")? },
            9 => Self::Disconnect,
            10 => Self::Mqsc { script: read_long_text(&mut r, "MQSC script")? },
            kind => return Err(FrameError::UnknownOp { what: "request", kind }),
        };
        r.done("request")?;
        Ok((id, request))
    }
}

/// The request id at the front of a payload, when there is one (to answer a request
/// that does not decode).
pub fn request_id(payload: &[u8]) -> Option<u32> {
    Reader(payload).u32("request id").ok()
}

impl Reply {
    /// The Data payload: the request id it answers, a kind byte, the fields.
    pub fn encode(&self, id: u32) -> Vec<u8> {
        let mut p = id.to_be_bytes().to_vec();
        match self {
            Self::Ok => p.push(0),
            Self::Connected { qmgr } => {
                p.push(1);
                text(&mut p, qmgr);
            }
            Self::Opened { handle } => {
                p.push(2);
                p.extend_from_slice(&handle.to_be_bytes());
            }
            Self::Put { msg_id } => {
                p.push(3);
                p.extend_from_slice(msg_id);
            }
            Self::Message(m) => {
                p.push(4);
                m.encode_into(&mut p);
            }
            Self::Depth(d) => {
                p.push(5);
                p.extend_from_slice(&d.to_be_bytes());
            }
            Self::Failed { reason, text: t } => {
                p.push(6);
                p.extend_from_slice(&reason.to_be_bytes());
                text(&mut p, t);
            }
            Self::Mqsc { code, report } => {
                p.push(7);
                p.extend_from_slice(&code.to_be_bytes());
                long_text(&mut p, report);
            }
        }
        p
    }

    /// Decodes a Data payload into the request id it answers and the reply.
    pub fn decode(payload: &[u8]) -> Result<(u32, Self), FrameError> {
        let mut r = Reader(payload);
        let id = r.u32("request id")?;
        let reply = match r.u8("reply kind")? {
            0 => Self::Ok,
            1 => Self::Connected { qmgr: r.text("queue manager name")? },
            2 => Self::Opened { handle: r.u32("handle")? },
            3 => {
                let mut msg_id = [0u8; 24];
                msg_id.copy_from_slice(r.take(24, "MsgId")?);
                Self::Put { msg_id }
            }
            4 => {
                let m = Message::decode(r.0).map_err(FrameError::Message)?;
                r.0 = &[];
                Self::Message(m)
            }
            5 => Self::Depth(r.u32("depth")?),
            6 => Self::Failed { reason: r.u32("reason code")?, text: r.text("reason text")? },
            7 => Self::Mqsc { code: r.u32("exit code")?, report: read_long_text(&mut r, "MQSC report")? },
            kind => return Err(FrameError::UnknownOp { what: "reply", kind }),
        };
        r.done("reply")?;
        Ok((id, reply))
    }
}

/// A u32 length and UTF-8 bytes (scripts and reports; the frame bounds them).
fn long_text(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(&(s.len() as u32).to_be_bytes());
    out.extend_from_slice(s.as_bytes());
}

fn read_long_text(r: &mut Reader<'_>, what: &'static str) -> Result<String, FrameError> {
    let len = r.u32(what)? as usize;
    String::from_utf8(r.take(len, what)?.to_vec()).map_err(|_| FrameError::BadText(what))
}

#[cfg(test)]
#[path = "ops_tests.rs"]
mod tests;
