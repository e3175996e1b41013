//! A client-connection channel as a CCDT holds it, whatever the file format.

use std::fmt;

/// One `host(port)` entry of a connection list.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Address {
    /// Host name or IP address.
    pub host: String,
    /// Port, if given (MQ's default is 1414).
    pub port: Option<u16>,
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.port {
            Some(p) => write!(f, "{}({p})", self.host),
            None => f.write_str(&self.host),
        }
    }
}

/// Splits `a(1),b(2,3)` at the commas outside parentheses.
fn split_top(text: &str) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    let mut depth = 0;
    let mut item = String::new();
    for c in text.chars().chain(std::iter::once(',')) {
        match c {
            '(' => depth += 1,
            ')' if depth > 0 => depth -= 1,
            ',' if depth == 0 => {
                let t = item.trim();
                if !t.is_empty() {
                    out.push(match t.split_once('(') {
                        Some((h, rest)) => {
                            (h.trim().to_owned(), Some(rest.trim_end_matches(')').trim().to_owned()))
                        }
                        None => (t.to_owned(), None),
                    });
                }
                item.clear();
                continue;
            }
            _ => {}
        }
        item.push(c);
    }
    out
}

/// Parses a CONNAME (`host(port),host2(port2)`) into addresses.
pub fn parse_conname(conname: &str) -> Vec<Address> {
    split_top(conname)
        .into_iter()
        .map(|(host, port)| Address { host, port: port.and_then(|p| p.parse().ok()) })
        // An entry with neither host nor a usable port (`()`, `(x)`) names nothing.
        .filter(|a| !(a.host.is_empty() && a.port.is_none()))
        .collect()
}

/// Parses a LOCLADDR (`host(port)`, `host(low,high)`, `(low,high)`).
pub fn parse_local_address(text: &str) -> Vec<LocalAddress> {
    split_top(text)
        .into_iter()
        .map(|(host, ports)| {
            let ports = ports.unwrap_or_default();
            let range = ports
                .split_once(',')
                .and_then(|(lo, hi)| Some((lo.trim().parse().ok()?, hi.trim().parse().ok()?)));
            let port = if range.is_none() { ports.parse().ok() } else { None };
            LocalAddress { host, port, range }
        })
        // An entry with neither host nor port (`()`, `(x)`, a lone comma) names nothing,
        // as in CONNAME; kept, it would print as nothing and not read back.
        .filter(|l| !(l.host.is_empty() && l.port.is_none() && l.range.is_none()))
        .collect()
}

/// A LOCLADDR entry: host, optionally a port or a port range.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LocalAddress {
    /// Local host or IP (may be empty).
    pub host: String,
    /// A single port.
    pub port: Option<u16>,
    /// A port range `(low, high)`.
    pub range: Option<(u16, u16)>,
}

impl fmt::Display for LocalAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.host)?;
        match (self.port, self.range) {
            (Some(p), _) => write!(f, "({p})"),
            (None, Some((lo, hi))) => write!(f, "({lo},{hi})"),
            (None, None) => Ok(()),
        }
    }
}

/// A channel exit and its user data.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct Exit {
    /// The exit (`library(function)`).
    pub name: String,
    /// Its user data.
    pub user_data: String,
}

/// AFFINITY.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Affinity {
    /// The same ordered list for every connection from one host (the default).
    Preferred,
    /// A fresh weighted choice for every connection.
    None,
}

/// DEFRECON.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Reconnect {
    /// No automatic reconnection (the default).
    No,
    /// Reconnect to any queue manager of the list.
    Yes,
    /// Reconnect to the same queue manager only.
    QueueManager,
    /// Reconnection disabled, even if the application asks.
    Disabled,
}

/// One client-connection channel.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ClientChannel {
    /// CHANNEL (at most 20 characters).
    pub name: String,
    /// QMNAME: the queue-manager name (or group) this entry serves.
    pub qmgr: String,
    /// CONNAME as a list.
    pub connections: Vec<Address>,
    /// SSLCIPH; empty means no TLS.
    pub cipher_spec: String,
    /// CERTLABL.
    pub cert_label: String,
    /// SSLPEER.
    pub peer_name: String,
    /// DESCR.
    pub description: String,
    /// MAXMSGL.
    pub max_msg_length: i32,
    /// HBINT (seconds).
    pub heartbeat: i32,
    /// KAINT (-1 = AUTO).
    pub keepalive: i32,
    /// SHARECNV.
    pub sharing_conversations: i32,
    /// CLNTWGHT (0-99).
    pub client_weight: i32,
    /// AFFINITY.
    pub affinity: Affinity,
    /// DEFRECON.
    pub reconnect: Reconnect,
    /// DISCINT (seconds).
    pub disconnect_interval: i32,
    /// LOCLADDR.
    pub local_address: Vec<LocalAddress>,
    /// COMPHDR, lowercase names (`none`, `system`).
    pub header_compression: Vec<String>,
    /// COMPMSG, lowercase names (`none`, `rle`, `zlibfast`, `zlibhigh`, `any`).
    pub message_compression: Vec<String>,
    /// SCYEXIT / SCYDATA.
    pub security_exit: Option<Exit>,
    /// SENDEXIT / SENDDATA.
    pub send_exits: Vec<Exit>,
    /// RCVEXIT / RCVDATA.
    pub receive_exits: Vec<Exit>,
    /// When last altered, seconds since the Unix epoch.
    pub altered: Option<i64>,
}

impl ClientChannel {
    /// A channel with MQ's CLNTCONN defaults.
    pub fn new(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            qmgr: String::new(),
            connections: Vec::new(),
            cipher_spec: String::new(),
            cert_label: String::new(),
            peer_name: String::new(),
            description: String::new(),
            max_msg_length: 4_194_304,
            heartbeat: 300,
            keepalive: -1,
            sharing_conversations: 10,
            client_weight: 0,
            affinity: Affinity::Preferred,
            reconnect: Reconnect::No,
            disconnect_interval: 0,
            local_address: Vec::new(),
            header_compression: Vec::new(),
            message_compression: Vec::new(),
            security_exit: None,
            send_exits: Vec::new(),
            receive_exits: Vec::new(),
            altered: None,
        }
    }

    /// Whether the channel uses TLS.
    pub fn uses_tls(&self) -> bool {
        !self.cipher_spec.trim().is_empty()
    }

    /// CONNAME as MQ writes it.
    pub fn conname(&self) -> String {
        self.connections.iter().map(ToString::to_string).collect::<Vec<_>>().join(",")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conname_lists() {
        let list = parse_conname("mq1(1414), mq2(1415),mq3");
        assert_eq!(list.len(), 3);
        assert_eq!(list[1], Address { host: "mq2".into(), port: Some(1415) });
        assert_eq!(list[2].port, None);
        let mut c = ClientChannel::new("C");
        c.connections = list;
        assert_eq!(c.conname(), "mq1(1414),mq2(1415),mq3");
        assert!(parse_conname("").is_empty());
        assert!(parse_conname("(),(x)").is_empty(), "entries naming nothing are dropped");
        assert_eq!(parse_conname("a 1414),b")[0].host, "a 1414)", "a stray ')' does not swallow the list");
        assert_eq!(parse_conname("a 1414),b").len(), 2);
        let local = parse_local_address("(2020,3030),10.0.0.1(9000)");
        assert_eq!(local[0], LocalAddress { host: String::new(), port: None, range: Some((2020, 3030)) });
        // Entries naming nothing are dropped, so what is read prints and reads back equal.
        assert_eq!(parse_local_address("(),,(x)"), Vec::new());
        assert_eq!(local[1].to_string(), "10.0.0.1(9000)");
    }
}
