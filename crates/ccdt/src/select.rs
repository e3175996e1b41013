//! Which CCDT entries serve a queue-manager name, and in what order a client tries them:
//! alphabetical by channel name, CLNTWGHT 0 first, then weighted entries drawn by weight
//! (AFFINITY(PREFERRED): the same order for every connection from one host;
//! AFFINITY(NONE): a fresh draw per connection). Each entry's connection list is tried
//! in order.

use crate::channel::{Address, Affinity, ClientChannel};
use crate::error::CcdtError;

/// How the name given to MQCONN selects entries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameForm {
    /// `QM`: entries with QMNAME(QM); the connected queue manager must really be QM.
    Exact,
    /// `*QM`: entries with QMNAME(QM); the real name is not checked (queue-manager groups).
    Group,
    /// Blank or `*`: entries with a blank QMNAME.
    Blank,
}

/// The seeds for weighted ordering, chosen by the caller (the pure crate has no randomness).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Seeds {
    /// Derived from the host name: AFFINITY(PREFERRED) orders every connection alike.
    pub host: u64,
    /// Fresh per connection: AFFINITY(NONE).
    pub connection: u64,
}

/// One address to try.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate<'a> {
    /// The entry.
    pub channel: &'a ClientChannel,
    /// The address of its connection list.
    pub address: Option<&'a Address>,
}

/// The outcome of selection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selection<'a> {
    /// How the name was read.
    pub form: NameForm,
    /// The queue-manager name matched against QMNAME.
    pub qmgr: String,
    /// The matching entries in the order they will be tried, with why.
    pub order: Vec<(&'a ClientChannel, String)>,
    /// Every address in try order.
    pub candidates: Vec<Candidate<'a>>,
}

/// Selects and orders the entries serving `name`.
pub fn select<'a>(
    channels: &'a [ClientChannel],
    name: &str,
    seeds: Seeds,
) -> Result<Selection<'a>, CcdtError> {
    let trimmed = name.trim();
    if trimmed.chars().skip(1).any(|c| c == '*') {
        return Err(CcdtError::QmgrName { name: name.to_owned() });
    }
    let (form, qmgr) = match trimmed {
        "" | "*" => (NameForm::Blank, ""),
        n if n.starts_with('*') => (NameForm::Group, &n[1..]),
        n => (NameForm::Exact, n),
    };
    let mut matching: Vec<&ClientChannel> = channels.iter().filter(|c| c.qmgr.trim() == qmgr).collect();
    if matching.is_empty() {
        let mut known: Vec<String> = channels.iter().map(|c| c.qmgr.trim().to_owned()).collect();
        known.sort();
        known.dedup();
        return Err(CcdtError::NoChannelFor { qmgr: qmgr.to_owned(), known });
    }
    matching.sort_by(|a, b| a.name.cmp(&b.name));
    let (zero, weighted): (Vec<_>, Vec<_>) = matching.into_iter().partition(|c| c.client_weight == 0);
    let mut order: Vec<(&ClientChannel, String)> =
        zero.into_iter().map(|c| (c, "CLNTWGHT(0): tried first, in channel-name order".to_owned())).collect();
    if let Some(first) = weighted.first() {
        let (seed, how) = match first.affinity {
            Affinity::Preferred => {
                (seeds.host, "AFFINITY(PREFERRED): the same order for every connection from this host")
            }
            Affinity::None => (seeds.connection, "AFFINITY(NONE): drawn afresh for each connection"),
        };
        let total: i64 = weighted.iter().map(|c| i64::from(c.client_weight)).sum();
        for c in weighted_order(weighted, seed) {
            order.push((c, format!("CLNTWGHT({}) of {total}, {how}", c.client_weight)));
        }
    }
    let candidates = order
        .iter()
        .flat_map(|(c, _)| {
            let addresses: Vec<Option<&Address>> =
                if c.connections.is_empty() { vec![None] } else { c.connections.iter().map(Some).collect() };
            addresses.into_iter().map(move |address| Candidate { channel: c, address })
        })
        .collect();
    Ok(Selection { form, qmgr: qmgr.to_owned(), order, candidates })
}

/// Weighted sampling without replacement, driven by splitmix64 from `seed`.
fn weighted_order(mut pool: Vec<&ClientChannel>, mut seed: u64) -> Vec<&ClientChannel> {
    let mut next = move || {
        seed = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = seed;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let mut out = Vec::with_capacity(pool.len());
    while !pool.is_empty() {
        let total: u64 = pool.iter().map(|c| u64::from(c.client_weight.max(1) as u32)).sum();
        let mut pick = next() % total;
        let i = pool
            .iter()
            .position(|c| {
                let w = u64::from(c.client_weight.max(1) as u32);
                if pick < w {
                    return true;
                }
                pick -= w;
                false
            })
            .expect("pick is below the total weight");
        out.push(pool.remove(i));
    }
    out
}

/// A stable seed from a host name (FNV-1a), for AFFINITY(PREFERRED).
pub fn host_seed(host: &str) -> u64 {
    host.bytes().fold(0xCBF2_9CE4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01B3))
}

#[cfg(test)]
#[path = "select_tests.rs"]
mod tests;
