//! IBM MQ's own wire format (the FAP), as far as a listener needs it to face a real MQ
//! partner: the transmission segment header (`TSH ` and, multiplexed, `TSHM`), the
//! initial data (`ID  `) that opens every MQ channel, and the STATUS segment MQ answers a
//! refused start with. Layouts follow the public descriptions in Wireshark's MQ dissector
//! (epan/dissectors/packet-mq.c: structures, segment types, status codes); this is our
//! own code, checked against that dissector by the tshark tests.
//!
//! The segment length is big-endian; the other integers follow the header's byte order
//! (1 big-endian, 2 little-endian). Text is blank-padded ASCII: EBCDIC partners (z/OS)
//! are refused with a named error.

use crate::frame::FrameError;

/// The TSH header size; `TSHM` adds a conversation id and a request id.
pub const TSH_LEN: usize = 28;
/// The `TSHM` header size.
pub const TSHM_LEN: usize = 36;
/// The FAP level mqtls answers with at most (MQ 9.x's).
pub const FAP_LEVEL: u8 = 13;

/// Segment types (the TSH's SegmType) this listener names.
pub mod segment {
    /// INITIAL_DATA: the ID exchange that opens a channel.
    pub const INITIAL_DATA: u8 = 0x01;
    /// STATUS: an error (or a status) from the partner.
    pub const STATUS: u8 = 0x05;
    /// USERID_DATA: the client's user id, after the ID exchange.
    pub const USERID: u8 = 0x08;
    /// MQCONN.
    pub const MQCONN: u8 = 0x81;

    /// The dissector's name of a segment type.
    pub fn name(kind: u8) -> &'static str {
        match kind {
            0x01 => "INITIAL_DATA",
            0x02 => "RESYNC_DATA",
            0x03 => "RESET_DATA",
            0x04 => "MESSAGE_DATA",
            0x05 => "STATUS_DATA",
            0x06 => "SECURITY_DATA",
            0x07 => "PING_DATA",
            0x08 => "USERID_DATA",
            0x09 => "HEARTBEAT",
            0x0A => "CONAUTH_INFO",
            0x0B => "RENEGOTIATE_DATA",
            0x0C => "SOCKET_ACTION",
            0x0D => "ASYNC_MESSAGE",
            0x0E => "REQUEST_MSGS",
            0x0F => "NOTIFICATION",
            0x81 => "MQCONN",
            0x82 => "MQDISC",
            0x83 => "MQOPEN",
            0x86 => "MQPUT",
            0x87 => "MQPUT1",
            0x85 => "MQGET",
            0x8C => "SPI",
            _ => "an unknown segment type",
        }
    }
}

/// STATUS codes (the dissector's MQ_STATUS_ERR_*).
pub mod status {
    /// No channel of that name.
    pub const NO_CHANNEL: u32 = 0x01;
    /// The channel's type does not pair with the partner's.
    pub const CHANNEL_WRONG_TYPE: u32 = 0x02;
    /// A segment type not valid here.
    pub const PROTOCOL_SEGMENT_TYPE: u32 = 0x0A;
    /// Initial data that does not decode.
    pub const PROTOCOL_ID_ERROR: u32 = 0x0E;
    /// Any other protocol error.
    pub const PROTOCOL_GENERAL: u32 = 0x10;
    /// A security check (CHLAUTH, authority) refused the partner.
    pub const SECURITY_FAILURE: u32 = 0x14;
    /// The channel is stopped or at its instance limits.
    pub const CHANNEL_UNAVAILABLE: u32 = 0x16;
    /// The CipherSpecs of the two ends do not match (TLS against SSLCIPH).
    pub const CIPHER_SPEC: u32 = 0x18;
    /// The partner's DN does not match SSLPEER.
    pub const PEER_NAME: u32 = 0x19;
    /// SSLCAUTH(REQUIRED) and no client certificate.
    pub const SSL_CLIENT_CERTIFICATE: u32 = 0x1A;

    /// The dissector's name of a status code, with what it means for the partner.
    pub fn meaning(code: u32) -> &'static str {
        match code {
            NO_CHANNEL => "NO_CHANNEL: the queue manager has no channel of that name",
            CHANNEL_WRONG_TYPE => "CHANNEL_WRONG_TYPE: the channel there is not the partner type of this one",
            0x03 => "QM_UNAVAILABLE: the queue manager is not available",
            PROTOCOL_SEGMENT_TYPE => "PROTOCOL_SEGMENT_TYPE: a flow the partner does not accept here",
            PROTOCOL_ID_ERROR => "PROTOCOL_ID_ERROR: the initial data was not accepted",
            PROTOCOL_GENERAL => "PROTOCOL_GENERAL: a protocol error",
            SECURITY_FAILURE => "SECURITY_FAILURE: a security check (CHLAUTH, authority) refused the partner",
            CHANNEL_UNAVAILABLE => "CHANNEL_UNAVAILABLE: the channel is stopped or at its instance limit",
            CIPHER_SPEC => "CIPHER_SPEC: TLS or its CipherSpec does not match the channel's SSLCIPH",
            PEER_NAME => "PEER_NAME: the certificate's DN does not match the channel's SSLPEER",
            SSL_CLIENT_CERTIFICATE => {
                "SSL_CLIENT_CERTIFICATE: the channel requires a client certificate (SSLCAUTH)"
            }
            _ => "a status code mqtls does not name",
        }
    }

    /// What to change when a partner answers `code`.
    pub fn fix(code: u32) -> &'static str {
        match code {
            NO_CHANNEL => "check the channel name (case matters): DISPLAY CHANNEL(*) on the queue manager",
            CHANNEL_WRONG_TYPE => "name a SVRCONN channel (a client's partner), or the RCVR of a SDR",
            CIPHER_SPEC => "offer the CipherSpec the channel's SSLCIPH names (DISPLAY CHANNEL(name) SSLCIPH), or give it an SSLCIPH if TLS is not expected",
            PEER_NAME => "send the certificate the channel's SSLPEER expects, or correct SSLPEER (DISPLAY CHANNEL(name) SSLPEER)",
            SSL_CLIENT_CERTIFICATE => "the channel has SSLCAUTH(REQUIRED): send a client certificate the queue manager trusts",
            SECURITY_FAILURE => "a CHLAUTH rule or authority check refused this partner: DISPLAY CHLAUTH(name) MATCH(RUNCHECK) on the queue manager",
            CHANNEL_UNAVAILABLE => "START CHANNEL(name) on the queue manager, or end other instances (MAXINST, MAXINSTC)",
            _ => "see the queue manager's error log for the channel",
        }
    }

    /// The STATUS code MQ answers for a refusal with MQ reason `reason`.
    pub fn for_reason(reason: u32) -> u32 {
        use crate::reason as r;
        match reason {
            r::UNKNOWN_CHANNEL_NAME => NO_CHANNEL,
            r::CHANNEL_CONFIG_ERROR => CHANNEL_WRONG_TYPE,
            r::SSL_INITIALIZATION_ERROR => CIPHER_SPEC,
            r::NOT_AUTHORIZED | r::SSL_CERTIFICATE_REVOKED | r::SSL_CERT_STORE_ERROR => SECURITY_FAILURE,
            r::CHANNEL_NOT_AVAILABLE => CHANNEL_UNAVAILABLE,
            _ => PROTOCOL_GENERAL,
        }
    }
}

/// Whether `first` (at least four bytes) opens an IBM MQ segment rather than an mqtls frame.
pub fn is_mq(first: &[u8]) -> bool {
    first.starts_with(b"TSH")
}

/// One transmission segment: the header's fields and the bytes after it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    /// `TSHM`'s conversation and request ids; `None` for a plain `TSH`.
    pub multiplexed: Option<(u32, u32)>,
    /// Integers after the header are little-endian (ByteOrder 2).
    pub little_endian: bool,
    /// SegmType.
    pub kind: u8,
    /// CtlFlag1 (0x01 confirm request, 0x02 error, 0x10 first, 0x20 last...).
    pub flags: u8,
    /// Encoding (MQENC) of the data.
    pub encoding: u32,
    /// CCSID of the data.
    pub ccsid: u16,
    /// What follows the header.
    pub body: Vec<u8>,
}

impl Segment {
    /// A segment answering `to`: its header format, byte order, encoding and CCSID.
    pub fn answer(to: &Self, kind: u8, flags: u8, body: Vec<u8>) -> Self {
        Self { kind, flags, body, ..to.clone() }
    }

    /// The wire bytes.
    pub fn encode(&self) -> Vec<u8> {
        let header = if self.multiplexed.is_some() { TSHM_LEN } else { TSH_LEN };
        let mut out = Vec::with_capacity(header + self.body.len());
        out.extend_from_slice(if self.multiplexed.is_some() { b"TSHM" } else { b"TSH " });
        out.extend_from_slice(&((header + self.body.len()) as u32).to_be_bytes());
        if let Some((conversation, request)) = self.multiplexed {
            out.extend_from_slice(&conversation.to_be_bytes());
            out.extend_from_slice(&request.to_be_bytes());
        }
        out.extend_from_slice(&[if self.little_endian { 2 } else { 1 }, self.kind, self.flags, 0]);
        out.extend_from_slice(&[0; 8]); // LUW id
        out.extend_from_slice(&int(self.little_endian, self.encoding));
        let ccsid = if self.little_endian { self.ccsid.to_le_bytes() } else { self.ccsid.to_be_bytes() };
        out.extend_from_slice(&ccsid);
        out.extend_from_slice(&[0, 0]);
        out.extend_from_slice(&self.body);
        out
    }

    /// Decodes the segment at the start of `buf`: `Ok(None)` while it is incomplete, the
    /// segment and the bytes it used otherwise. Segments over `max` bytes are refused.
    pub fn decode(buf: &[u8], max: u32) -> Result<Option<(Self, usize)>, FrameError> {
        if buf.len() < 8 {
            return Ok(None);
        }
        let header = match &buf[..4] {
            b"TSH " => TSH_LEN,
            b"TSHM" => TSHM_LEN,
            [0xE3, 0xE2, 0xC8, _] => return Err(FrameError::Fap("EBCDIC partners (z/OS) are not supported")),
            b"TSHC" => return Err(FrameError::Fap("TSHC segments are not supported")),
            _ => return Err(FrameError::BadMagic),
        };
        let len = u32::from_be_bytes([buf[4], buf[5], buf[6], buf[7]]);
        if len > max {
            return Err(FrameError::TooLarge { len, max });
        }
        if (len as usize) < header {
            return Err(FrameError::Truncated("the MQ segment header"));
        }
        if buf.len() < len as usize {
            return Ok(None);
        }
        let at = header - TSH_LEN; // TSHM's ids shift the rest
        let multiplexed = (header == TSHM_LEN).then(|| (be(&buf[8..12]), be(&buf[12..16])));
        let little_endian = match buf[at + 8] {
            1 => false,
            2 => true,
            _ => return Err(FrameError::Fap("the byte order is neither 1 nor 2")),
        };
        let encoding = read_int(little_endian, &buf[at + 20..at + 24]);
        let ccsid_bytes = [buf[at + 24], buf[at + 25]];
        let ccsid =
            if little_endian { u16::from_le_bytes(ccsid_bytes) } else { u16::from_be_bytes(ccsid_bytes) };
        let segment = Self {
            multiplexed,
            little_endian,
            kind: buf[at + 9],
            flags: buf[at + 10],
            encoding,
            ccsid,
            body: buf[header..len as usize].to_vec(),
        };
        Ok(Some((segment, len as usize)))
    }

    /// A STATUS segment's code, if this is one.
    pub fn status_code(&self) -> Option<u32> {
        (self.kind == segment::STATUS && self.body.len() >= 8)
            .then(|| read_int(self.little_endian, &self.body[4..8]))
    }
}

/// A STATUS segment's body: its length (8) and `code`, in the header's byte order.
pub fn status_body(little_endian: bool, code: u32) -> Vec<u8> {
    [int(little_endian, 8), int(little_endian, code)].concat()
}

fn be(b: &[u8]) -> u32 {
    u32::from_be_bytes([b[0], b[1], b[2], b[3]])
}

pub(crate) fn int(little_endian: bool, v: u32) -> [u8; 4] {
    if little_endian {
        v.to_le_bytes()
    } else {
        v.to_be_bytes()
    }
}

pub(crate) fn read_int(little_endian: bool, b: &[u8]) -> u32 {
    let b = [b[0], b[1], b[2], b[3]];
    if little_endian {
        u32::from_le_bytes(b)
    } else {
        u32::from_be_bytes(b)
    }
}

#[cfg(test)]
#[path = "fap_tests.rs"]
mod tests;
