//! Writing binary CCDTs: MQCD version 11 records, slots linked in alphabetical order,
//! as runmqsc writes them.

use super::*;

/// A record under construction.
struct Record {
    bytes: Vec<u8>,
    name: String,
}

impl Record {
    fn int(&mut self, at: usize, v: i32) {
        self.bytes[at..at + 4].copy_from_slice(&v.to_le_bytes());
    }

    fn text(&mut self, at: usize, len: usize, field: &'static str, v: &str) -> Result<(), CcdtError> {
        let invalid =
            |why| CcdtError::Invalid { path: format!("{}.{field}", self.name), value: v.to_owned(), why };
        let encoded: Vec<u8> = v
            .chars()
            .map(|c| {
                u8::try_from(u32::from(c))
                    .map_err(|_| invalid("only ISO 8859-1 characters fit a binary CCDT"))
            })
            .collect::<Result<_, _>>()?;
        if encoded.len() > len {
            return Err(invalid("too long for its MQCD field"));
        }
        self.bytes[at..at + len].fill(b' ');
        self.bytes[at..at + encoded.len()].copy_from_slice(&encoded);
        Ok(())
    }
}

fn encode(c: &ClientChannel) -> Result<Vec<u8>, CcdtError> {
    let struc = STRUC_LENGTH[10];
    let mut r = Record { bytes: vec![0; struc + PRIVATE], name: c.name.clone() };
    // Every MQCHAR field starts blank.
    for (at, len) in [
        (0, 20),
        (32, 64 + 48 + 48 + 20 + 20 + 8 + 64),
        (328, 512),
        (856, 128),
        (984, 36),
        (1024, 264 + 24),
        (1312, 128 + 32),
        (1648, 32),
        (1696, 48),
        (1876, 64),
    ] {
        r.bytes[at..at + len].fill(b' ');
    }
    r.text(off::NAME, 20, "name", &c.name)?;
    r.int(off::VERSION, 11);
    r.int(off::TYPE, CLNTCONN);
    r.int(off::TRANSPORT, TCP);
    r.text(off::DESC, 64, "description", &c.description)?;
    r.text(off::QMGR, 48, "queueManager", &c.qmgr)?;
    let conname = c.conname();
    r.text(off::SHORT_CONNAME, 20, "connection", &conname.chars().take(20).collect::<String>())?;
    r.int(off::DISC, c.disconnect_interval);
    r.int(off::MAXMSGL, c.max_msg_length);
    r.text(off::CONNAME, 264, "connection", &conname)?;
    if let Some(x) = &c.security_exit {
        r.text(off::SCYEXIT, 128, "exits.security.name", &x.name)?;
        r.text(off::SCYDATA, 32, "exits.security.userData", &x.user_data)?;
    }
    r.int(off::HBINT, c.heartbeat);
    r.int(off::STRUC_LENGTH, struc as i32);
    r.int(off::EXIT_NAME_LENGTH, 128);
    r.int(off::EXIT_DATA_LENGTH, 32);
    r.text(off::SSLCIPH, 32, "cipherSpecification", &c.cipher_spec)?;
    r.int(off::SSLPEER_LENGTH, c.peer_name.len() as i32);
    r.int(off::KAINT, c.keepalive);
    let locl = c.local_address.iter().map(ToString::to_string).collect::<Vec<_>>().join(",");
    r.text(off::LOCLADDR, 48, "localAddress", &locl)?;
    for (at, n, names, field) in [
        (off::HDRCOMP, 2, &c.header_compression, "compression.header"),
        (off::MSGCOMP, 16, &c.message_compression, "compression.message"),
    ] {
        let mut values: Vec<i32> = Vec::new();
        for name in names.iter() {
            let v = COMPRESSION.iter().find(|(k, _)| k == name).map(|(_, v)| *v);
            values.push(v.ok_or_else(|| CcdtError::Invalid {
                path: format!("{}.{field}", c.name),
                value: name.clone(),
                why: "not a compression name",
            })?);
        }
        if values.is_empty() {
            values.push(0);
        }
        if values.len() > n {
            return Err(CcdtError::Invalid {
                path: format!("{}.{field}", c.name),
                value: names.join(","),
                why: "too many entries",
            });
        }
        for i in 0..n {
            r.int(at + 4 * i, values.get(i).copied().unwrap_or(-1));
        }
    }
    r.int(off::SHARECNV, c.sharing_conversations);
    r.int(off::CLNTWGHT, c.client_weight);
    r.int(off::AFFINITY, i32::from(c.affinity == Affinity::Preferred));
    r.int(
        off::DEFRECON,
        match c.reconnect {
            Reconnect::No => 0,
            Reconnect::Yes => 1,
            Reconnect::QueueManager => 2,
            Reconnect::Disabled => 3,
        },
    );
    r.text(off::CERTLABL, 64, "certificateLabel", &c.cert_label)?;
    // The private area: exit-list length, alteration time, blank long MCA user id.
    let mut exits = Vec::new();
    for list in
        [&[][..], &[][..], &c.send_exits[..], &c.send_exits[..], &c.receive_exits[..], &c.receive_exits[..]]
            .iter()
            .enumerate()
    {
        let (i, items) = list;
        for x in items.iter() {
            let v = if i % 2 == 0 { &x.name } else { &x.user_data };
            exits.extend(v.chars().map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?')));
            exits.push(0x02);
        }
        exits.push(0x01);
    }
    r.int(struc + 8, exits.len() as i32);
    r.bytes[struc + 16..struc + 20].fill(b' ');
    r.int(struc + 64, c.altered.map_or(0, |t| t.clamp(0, i64::from(i32::MAX)) as i32));
    r.bytes[struc + 68..struc + 132].fill(b' ');
    r.bytes.extend(exits);
    let peer_at = r.bytes.len();
    r.bytes.resize(peer_at + c.peer_name.len(), b' ');
    r.text(peer_at, c.peer_name.len(), "certificatePeerName", &c.peer_name)?;
    Ok(r.bytes)
}

/// Writes channels as a binary CCDT. Names must be unique, as in a runmqsc-made table.
pub fn write_binary(channels: &[ClientChannel]) -> Result<Vec<u8>, CcdtError> {
    let records = channels.iter().map(encode).collect::<Result<Vec<_>, _>>()?;
    let mut offsets = Vec::with_capacity(records.len());
    let mut at = MAGIC.len();
    for r in &records {
        offsets.push(at);
        at += SLOT_HEADER + r.len();
    }
    // Alphabetical neighbours: +12 links to the preceding name, +16 to the following.
    let mut order: Vec<usize> = (0..channels.len()).collect();
    order.sort_by(|a, b| channels[*a].name.cmp(&channels[*b].name).then(a.cmp(b)));
    let mut prev = vec![0usize; channels.len()];
    let mut next = vec![0usize; channels.len()];
    for w in order.windows(2) {
        next[w[0]] = offsets[w[1]];
        prev[w[1]] = offsets[w[0]];
    }
    let mut out = MAGIC.to_vec();
    for (i, r) in records.iter().enumerate() {
        for v in [SLOT_HEADER + r.len(), r.len(), 0, prev[i], next[i]] {
            out.extend_from_slice(&(v as u32).to_le_bytes());
        }
        out.extend_from_slice(r);
    }
    out.extend_from_slice(&0u32.to_le_bytes());
    Ok(out)
}
