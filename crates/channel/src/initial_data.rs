//! IBM MQ's initial data (`ID  `), the body of the INITIAL_DATA segment each end sends
//! first: FAP level, capabilities, limits, the channel and queue manager names, the
//! product. Offsets and the size by FAP level follow Wireshark's MQ dissector
//! (`dissect_mq_id`): 44 bytes below level 4, 102 below 9, 208 below 11, 240 from 11.

use crate::fap::{int, read_int};
use crate::frame::FrameError;

/// Capability flags 1 (the dissector's MQ_ICF1_*).
pub mod caps {
    /// Message sequence numbers (message channels).
    pub const MSG_SEQ: u8 = 0x01;
    /// The partner converts data.
    pub const CONVERSION_CAPABLE: u8 = 0x02;
    /// Messages may be split across segments.
    pub const SPLIT_MESSAGE: u8 = 0x04;
    /// A requester asking the partner to initiate (RQSTR).
    pub const REQUEST_INITIATION: u8 = 0x08;
    /// An MQI (client) channel: the partner is a CLNTCONN.
    pub const MQREQUEST: u8 = 0x20;
}

/// The initial data of one end.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InitialData {
    /// FapLevel.
    pub fap_level: u8,
    /// CapFlag1 ([`caps`]).
    pub caps1: u8,
    /// IniErrFlg1: which values the answering end did not accept.
    pub errors1: u8,
    /// MaxMsgBtch.
    pub max_batch: u16,
    /// MaxTrSize.
    pub max_transmission: u32,
    /// MaxMsgSize.
    pub max_msg_size: u32,
    /// SeqWrapVal.
    pub seq_wrap: u32,
    /// The channel name (20 characters, blank-padded on the wire).
    pub channel: String,
    /// CapFlag2.
    pub caps2: u8,
    /// The data's CCSID.
    pub ccsid: u16,
    /// The queue manager name (48, blank-padded).
    pub qmgr: String,
    /// HBInterval, seconds.
    pub heartbeat: u32,
    /// ConvBySkt: conversations per socket (SHARECNV), from level 10.
    pub conversations: u32,
    /// ProdId (12): product and version, e.g. `MQMM09010000`.
    pub product: String,
    /// MQM id (48): the queue manager's identifier.
    pub mqm_id: String,
}

impl InitialData {
    /// The wire size of initial data at FAP level `level`.
    pub fn size(level: u8) -> usize {
        match level {
            0..=3 => 44,
            4..=8 => 102,
            9..=10 => 208,
            _ => 240,
        }
    }

    /// What an MQ client (CLNTCONN) sends first for `channel`, as an IBM MQ 9 C client
    /// does: FAP level 13, MQI requests, 32 KiB transmissions, 4 MiB messages, HBINT 300,
    /// ten conversations, and mqtls's product id.
    pub fn client(channel: &str) -> Self {
        Self {
            fap_level: crate::fap::FAP_LEVEL,
            caps1: caps::MQREQUEST | caps::SPLIT_MESSAGE | caps::CONVERSION_CAPABLE,
            max_batch: 50,
            max_transmission: 32_748,
            max_msg_size: 4 << 20,
            seq_wrap: 999_999_999,
            channel: channel.to_owned(),
            ccsid: 819,
            heartbeat: 300,
            conversations: 10,
            product: Self::mqtls_product(),
            ..Self::default()
        }
    }

    /// The INITIAL_DATA segment carrying this, as a C client on x86 sends it: a TSH,
    /// little-endian, encoding 0x222, CCSID 819, confirm requested.
    pub fn segment(&self) -> crate::fap::Segment {
        crate::fap::Segment {
            multiplexed: None,
            little_endian: true,
            kind: crate::fap::segment::INITIAL_DATA,
            flags: 0x01,
            encoding: 0x222,
            ccsid: 819,
            body: self.encode(true),
        }
    }

    /// mqtls's ProdId: `MQTL` and this build's version as VVRRMMFF (0.1.0 is `00010000`).
    pub fn mqtls_product() -> String {
        let mut parts = env!("CARGO_PKG_VERSION").split(['.', '-']).map(|p| p.parse::<u8>().unwrap_or(0));
        let digits: String = (0..4).map(|_| format!("{:02}", parts.next().unwrap_or(0))).collect();
        format!("MQTL{digits}")
    }

    /// The MQCHT type of the partner sending these capabilities: a client (CLNTCONN)
    /// when it makes MQI requests, a requester when it asks for initiation, else a
    /// sender.
    pub fn partner_type(&self) -> u8 {
        if self.caps1 & caps::MQREQUEST != 0 {
            6
        } else if self.caps1 & caps::REQUEST_INITIATION != 0 {
            4
        } else {
            1
        }
    }

    /// ProdId's product (`MQMM`) and version (`09010000`), as RPRODUCT and RVERSION.
    pub fn product_and_version(&self) -> (String, String) {
        let p = self.product.get(..4).unwrap_or(&self.product).to_owned();
        (p, self.product.get(4..).unwrap_or_default().to_owned())
    }

    /// The wire bytes, in the byte order of `little_endian`, at this FAP level's size.
    pub fn encode(&self, little_endian: bool) -> Vec<u8> {
        let mut out = vec![0u8; Self::size(self.fap_level)];
        let short = |v: u16| if little_endian { v.to_le_bytes() } else { v.to_be_bytes() };
        out[..4].copy_from_slice(b"ID  ");
        out[4] = self.fap_level;
        out[5] = self.caps1;
        out[7] = self.errors1;
        out[10..12].copy_from_slice(&short(self.max_batch));
        out[12..16].copy_from_slice(&int(little_endian, self.max_transmission));
        out[16..20].copy_from_slice(&int(little_endian, self.max_msg_size));
        out[20..24].copy_from_slice(&int(little_endian, self.seq_wrap));
        padded(&mut out[24..44], &self.channel);
        if out.len() > 44 {
            out[44] = self.caps2;
            out[46..48].copy_from_slice(&short(self.ccsid));
            padded(&mut out[48..96], &self.qmgr);
            out[96..100].copy_from_slice(&int(little_endian, self.heartbeat));
        }
        if out.len() > 102 {
            // Header and message compression lists: NONE only, the rest unused (0xff).
            out[105] = 0xff;
            out[107..122].fill(0xff);
            out[128..132].copy_from_slice(&int(little_endian, self.conversations));
            padded(&mut out[148..160], &self.product);
            padded(&mut out[160..208], &self.mqm_id);
        }
        out
    }

    /// Reads initial data from a segment body; fields past its end keep their defaults.
    pub fn decode(body: &[u8], little_endian: bool) -> Result<Self, FrameError> {
        if body.len() < 44 {
            return Err(FrameError::Truncated("the initial data (ID)"));
        }
        if &body[..4] != b"ID  " {
            return Err(FrameError::Fap("an INITIAL_DATA segment without an ID structure"));
        }
        let short = |b: &[u8]| {
            let b = [b[0], b[1]];
            if little_endian {
                u16::from_le_bytes(b)
            } else {
                u16::from_be_bytes(b)
            }
        };
        let mut id = Self {
            fap_level: body[4],
            caps1: body[5],
            errors1: body[7],
            max_batch: short(&body[10..12]),
            max_transmission: read_int(little_endian, &body[12..16]),
            max_msg_size: read_int(little_endian, &body[16..20]),
            seq_wrap: read_int(little_endian, &body[20..24]),
            channel: text(&body[24..44])?,
            ..Self::default()
        };
        if body.len() >= 102 {
            id.caps2 = body[44];
            id.ccsid = short(&body[46..48]);
            id.qmgr = text(&body[48..96])?;
            id.heartbeat = read_int(little_endian, &body[96..100]);
        }
        if body.len() >= 160 {
            id.conversations = read_int(little_endian, &body[128..132]);
            id.product = text(&body[148..160])?;
        }
        if body.len() >= 208 {
            id.mqm_id = text(&body[160..208])?;
        }
        Ok(id)
    }
}

/// Blank-padded ASCII, NULs allowed as padding too; anything else is refused.
fn text(field: &[u8]) -> Result<String, FrameError> {
    let end = field.iter().rposition(|&b| b != b' ' && b != 0).map_or(0, |i| i + 1);
    let s = &field[..end];
    if s.iter().any(|b| !(0x20..0x7f).contains(b)) {
        return Err(FrameError::BadText("an initial-data name"));
    }
    Ok(String::from_utf8_lossy(s).into_owned())
}

fn padded(field: &mut [u8], value: &str) {
    field.fill(b' ');
    let bytes = value.as_bytes();
    let n = bytes.len().min(field.len());
    field[..n].copy_from_slice(&bytes[..n]);
}
