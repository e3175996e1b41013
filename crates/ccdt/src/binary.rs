//! The binary CCDT (`AMQCLCHL.TAB`): "AMQR", then slots holding MQCDs in their 4-byte
//! pointer "CCDT form" (little-endian, blank-padded ISO 8859-1 strings), then a 0 word.
//! Layout: shared/reference/ccdt-and-mqsc.md part B and mqcd-layout.md.

use crate::channel::{parse_conname, parse_local_address, Affinity, ClientChannel, Exit, Reconnect};
use crate::error::CcdtError;

/// The magic that starts a binary CCDT.
pub const MAGIC: &[u8; 4] = b"AMQR";
/// Largest file accepted (hostile-input bound; real tables are kilobytes).
pub const MAX_FILE: usize = 64 << 20;
const SLOT_HEADER: usize = 20;
const PRIVATE: usize = 132;
const CRL_SLOT: &[u8] = b"{000SSL_CRL_DATA000}";
/// MQCD lengths by version in CCDT form (4-byte pointers), versions 1 to 12.
const STRUC_LENGTH: [usize; 12] = [984, 1312, 1480, 1540, 1552, 1648, 1748, 1840, 1864, 1876, 1940, 1944];
const CLNTCONN: i32 = 6;
const TCP: i32 = 2;
/// MQCOMPRESS values, in the order names map to them.
const COMPRESSION: [(&str, i32); 6] =
    [("none", 0), ("rle", 1), ("zlibfast", 2), ("zlibhigh", 4), ("system", 8), ("any", 0x0FFF_FFFF)];

mod off {
    pub(super) const NAME: usize = 0;
    pub(super) const VERSION: usize = 20;
    pub(super) const TYPE: usize = 24;
    pub(super) const TRANSPORT: usize = 28;
    pub(super) const DESC: usize = 32;
    pub(super) const QMGR: usize = 96;
    pub(super) const SHORT_CONNAME: usize = 192;
    pub(super) const DISC: usize = 308;
    pub(super) const SCYEXIT: usize = 328;
    pub(super) const SENDEXIT: usize = 584;
    pub(super) const RCVEXIT: usize = 712;
    pub(super) const MAXMSGL: usize = 844;
    pub(super) const SCYDATA: usize = 856;
    pub(super) const SENDDATA: usize = 920;
    pub(super) const RCVDATA: usize = 952;
    pub(super) const CONNAME: usize = 1024;
    pub(super) const HBINT: usize = 1480;
    pub(super) const STRUC_LENGTH: usize = 1492;
    pub(super) const EXIT_NAME_LENGTH: usize = 1496;
    pub(super) const EXIT_DATA_LENGTH: usize = 1500;
    pub(super) const SSLCIPH: usize = 1648;
    pub(super) const SSLPEER_LENGTH: usize = 1684;
    pub(super) const KAINT: usize = 1692;
    pub(super) const LOCLADDR: usize = 1696;
    pub(super) const HDRCOMP: usize = 1748;
    pub(super) const MSGCOMP: usize = 1756;
    pub(super) const SHARECNV: usize = 1840;
    pub(super) const CLNTWGHT: usize = 1856;
    pub(super) const AFFINITY: usize = 1860;
    pub(super) const DEFRECON: usize = 1872;
    pub(super) const CERTLABL: usize = 1876;
}

/// Whether bytes look like a binary CCDT (the rule the MQ clients use).
pub fn is_binary(bytes: &[u8]) -> bool {
    bytes.starts_with(MAGIC)
}

/// A bounds-checked little-endian view of one slot's data.
struct Data<'a> {
    bytes: &'a [u8],
    base: usize,
}

impl Data<'_> {
    fn err<T>(&self, at: usize, what: &'static str) -> Result<T, CcdtError> {
        Err(CcdtError::Binary { offset: self.base + at, what })
    }

    fn int(&self, at: usize) -> Result<i32, CcdtError> {
        match self.bytes.get(at..at + 4) {
            Some(b) => Ok(i32::from_le_bytes([b[0], b[1], b[2], b[3]])),
            None => self.err(at, "field runs past the end of the record"),
        }
    }

    /// A blank-padded MQCHAR field; a NUL ends it early, as C readers of the MQCD take it.
    fn text(&self, at: usize, len: usize) -> Result<String, CcdtError> {
        match self.bytes.get(at..at + len) {
            Some(b) => {
                let b = b.split(|&c| c == 0).next().unwrap_or_default();
                Ok(b.iter().map(|&c| char::from(c)).collect::<String>().trim_end_matches(' ').to_owned())
            }
            None => self.err(at, "field runs past the end of the record"),
        }
    }
}

/// Reads every live channel of a binary CCDT, in file order; deleted slots and
/// AuthInfo (CRL / OCSP) slots are skipped.
pub fn read_binary(bytes: &[u8]) -> Result<Vec<ClientChannel>, CcdtError> {
    let fail = |offset, what| Err(CcdtError::Binary { offset, what });
    if bytes.len() > MAX_FILE {
        return fail(MAX_FILE, "file is larger than 64 MiB");
    }
    if !is_binary(bytes) {
        return fail(0, "does not start with AMQR");
    }
    let word =
        |at: usize| bytes.get(at..at + 4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize);
    let mut channels = Vec::new();
    let mut pos = 4;
    loop {
        let Some(slot_len) = word(pos) else { return fail(pos, "truncated: no end marker") };
        if slot_len == 0 {
            break;
        }
        let Some(data_len) = word(pos + 4) else { return fail(pos, "truncated slot header") };
        if slot_len < SLOT_HEADER || slot_len > bytes.len() - pos {
            return fail(pos, "slot length runs past the end of the file");
        }
        if data_len > slot_len - SLOT_HEADER {
            return fail(pos + 4, "record length is larger than its slot");
        }
        let data = &bytes[pos + SLOT_HEADER..pos + SLOT_HEADER + data_len];
        if data_len > 0 && !data.starts_with(CRL_SLOT) {
            channels.push(decode(&Data { bytes: data, base: pos + SLOT_HEADER })?);
        }
        pos += slot_len;
    }
    Ok(channels)
}

fn decode(d: &Data<'_>) -> Result<ClientChannel, CcdtError> {
    let version = d.int(off::VERSION)?;
    if !(1..=12).contains(&version) {
        return d.err(off::VERSION, "MQCD version is not 1 to 12");
    }
    if d.int(off::TYPE)? != CLNTCONN {
        return d.err(off::TYPE, "not a client-connection (CLNTCONN) channel");
    }
    let v = version as usize;
    let struc = if v >= 4 { d.int(off::STRUC_LENGTH)? as usize } else { STRUC_LENGTH[v - 1] };
    if struc < STRUC_LENGTH[v - 1] || struc > d.bytes.len() {
        return d.err(off::STRUC_LENGTH, "MQCD length does not fit its version or its record");
    }
    let mut ch = ClientChannel::new(&d.text(off::NAME, 20)?);
    ch.description = d.text(off::DESC, 64)?;
    ch.qmgr = d.text(off::QMGR, 48)?;
    ch.disconnect_interval = d.int(off::DISC)?;
    ch.max_msg_length = d.int(off::MAXMSGL)?;
    let conname = if v >= 2 { d.text(off::CONNAME, 264)? } else { d.text(off::SHORT_CONNAME, 20)? };
    ch.connections = parse_conname(&conname);
    let scy = Exit { name: d.text(off::SCYEXIT, 128)?, user_data: d.text(off::SCYDATA, 32)? };
    ch.security_exit = (!scy.name.is_empty() || !scy.user_data.is_empty()).then_some(scy);
    if v >= 4 {
        ch.heartbeat = d.int(off::HBINT)?;
    }
    let mut peer_len = 0;
    if v >= 7 {
        ch.cipher_spec = d.text(off::SSLCIPH, 32)?;
        peer_len = d.int(off::SSLPEER_LENGTH)?.max(0) as usize;
        ch.keepalive = d.int(off::KAINT)?;
        ch.local_address = parse_local_address(&d.text(off::LOCLADDR, 48)?);
    }
    if v >= 8 {
        ch.header_compression = compression(d, off::HDRCOMP, 2)?;
        ch.message_compression = compression(d, off::MSGCOMP, 16)?;
    }
    if v >= 9 {
        ch.sharing_conversations = d.int(off::SHARECNV)?;
        ch.client_weight = d.int(off::CLNTWGHT)?;
        ch.affinity = if d.int(off::AFFINITY)? == 0 { Affinity::None } else { Affinity::Preferred };
    }
    if v >= 10 {
        ch.reconnect = match d.int(off::DEFRECON)? {
            1 => Reconnect::Yes,
            2 => Reconnect::QueueManager,
            3 => Reconnect::Disabled,
            _ => Reconnect::No,
        };
    }
    if v >= 11 {
        ch.cert_label = d.text(off::CERTLABL, 64)?;
    }
    if v >= 6 {
        let exits_len = d.int(struc + 8)?.max(0) as usize;
        let altered = d.int(struc + 64)?;
        ch.altered = (altered > 0).then_some(i64::from(altered));
        let start = struc + PRIVATE;
        let Some(block) = d.bytes.get(start..start + exits_len) else {
            return d.err(struc + 8, "exit lists run past the record");
        };
        let lists = exit_lists(block);
        ch.send_exits = pair(&lists[2], &lists[3]);
        ch.receive_exits = pair(&lists[4], &lists[5]);
        if peer_len > 0 {
            ch.peer_name = d.text(start + exits_len, peer_len)?;
        }
    } else {
        ch.send_exits = pair(&[d.text(off::SENDEXIT, 128)?], &[d.text(off::SENDDATA, 32)?]);
        ch.receive_exits = pair(&[d.text(off::RCVEXIT, 128)?], &[d.text(off::RCVDATA, 32)?]);
    }
    Ok(ch)
}

fn compression(d: &Data<'_>, at: usize, n: usize) -> Result<Vec<String>, CcdtError> {
    let mut names = Vec::new();
    for i in 0..n {
        let v = d.int(at + 4 * i)?;
        if v == -1 {
            break;
        }
        match COMPRESSION.iter().find(|(_, c)| *c == v) {
            Some((name, _)) => names.push((*name).to_owned()),
            None => return d.err(at + 4 * i, "unknown compression value"),
        }
    }
    // A list of only NONE is the default, written as such when nothing was asked for.
    if names == ["none"] {
        names.clear();
    }
    Ok(names)
}

/// The six exit lists: items end with 0x02, lists with 0x01.
fn exit_lists(block: &[u8]) -> Vec<Vec<String>> {
    let mut lists = vec![Vec::new()];
    let mut item = String::new();
    for &b in block {
        match b {
            0x02 => lists.last_mut().expect("never empty").push(std::mem::take(&mut item)),
            0x01 => lists.push(Vec::new()),
            c => item.push(char::from(c)),
        }
    }
    lists.resize(6, Vec::new());
    lists
}

/// Pairs exit names with their user data. Control characters cannot be part of either
/// (0x01 and 0x02 delimit the lists a table is written with), so they are dropped.
fn pair(names: &[String], data: &[String]) -> Vec<Exit> {
    let clean = |s: &str| s.chars().filter(|c| !c.is_control()).collect::<String>().trim_end().to_owned();
    names
        .iter()
        .enumerate()
        .map(|(i, n)| (clean(n), data.get(i).map_or_else(String::new, |d| clean(d))))
        .filter(|(n, _)| !n.trim().is_empty())
        .map(|(name, user_data)| Exit { name, user_data })
        .collect()
}

#[path = "binary_write.rs"]
mod write;
pub use write::write_binary;
