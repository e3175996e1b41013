//! Object types and channel types.

use std::fmt;

/// Every object type that DEFINE / ALTER / DISPLAY name, plus the queue manager itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ObjectType {
    /// The queue manager (ALTER QMGR, DISPLAY QMGR).
    Qmgr,
    /// A channel of any CHLTYPE.
    Channel,
    /// A local queue.
    Qlocal,
    /// A model queue.
    Qmodel,
    /// A remote queue definition.
    Qremote,
    /// An alias queue.
    Qalias,
    /// A listener.
    Listener,
    /// Authentication information (CRL, OCSP, IDPW).
    Authinfo,
    /// A namelist.
    Namelist,
    /// A service.
    Service,
    /// A topic object.
    Topic,
    /// A process definition.
    Process,
    /// A durable subscription.
    Sub,
}

impl ObjectType {
    /// Every object type.
    pub const ALL: [Self; 13] = [
        Self::Qmgr,
        Self::Channel,
        Self::Qlocal,
        Self::Qmodel,
        Self::Qremote,
        Self::Qalias,
        Self::Listener,
        Self::Authinfo,
        Self::Namelist,
        Self::Service,
        Self::Topic,
        Self::Process,
        Self::Sub,
    ];

    /// The MQSC keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            Self::Qmgr => "QMGR",
            Self::Channel => "CHANNEL",
            Self::Qlocal => "QLOCAL",
            Self::Qmodel => "QMODEL",
            Self::Qremote => "QREMOTE",
            Self::Qalias => "QALIAS",
            Self::Listener => "LISTENER",
            Self::Authinfo => "AUTHINFO",
            Self::Namelist => "NAMELIST",
            Self::Service => "SERVICE",
            Self::Topic => "TOPIC",
            Self::Process => "PROCESS",
            Self::Sub => "SUB",
        }
    }

    /// Whether the type is one of the four queue types, which share one namespace.
    pub fn is_queue(self) -> bool {
        matches!(self, Self::Qlocal | Self::Qmodel | Self::Qremote | Self::Qalias)
    }

    /// The longest name MQ allows.
    pub fn max_name(self) -> usize {
        match self {
            Self::Channel => 20,
            Self::Sub => 10_240,
            _ => 48,
        }
    }

    /// The runmqsc message that heads DISPLAY output for this type.
    pub fn display_heading(self) -> &'static str {
        match self {
            Self::Qmgr => "AMQ8408I: Display Queue Manager details.",
            Self::Channel => "AMQ8414I: Display Channel details.",
            Self::Qlocal | Self::Qmodel | Self::Qremote | Self::Qalias => "AMQ8409I: Display Queue details.",
            Self::Listener => "AMQ8630I: Display listener information details.",
            Self::Authinfo => "AMQ8566I: Display authentication information details.",
            Self::Namelist => "AMQ8550I: Display namelist details.",
            Self::Service => "AMQ8629I: Display service information details.",
            Self::Topic => "AMQ8633I: Display topic details.",
            Self::Process => "AMQ8407I: Display Process details.",
            Self::Sub => "AMQ8096I: WebSphere MQ subscription inquired.",
        }
    }

    /// The keyword that names the object in DISPLAY output (`QUEUE` for all queues).
    pub fn display_keyword(self) -> &'static str {
        if self.is_queue() {
            "QUEUE"
        } else {
            self.keyword()
        }
    }
}

impl fmt::Display for ObjectType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.keyword())
    }
}

/// A channel's CHLTYPE.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ChannelType {
    /// Sender.
    Sdr,
    /// Server.
    Svr,
    /// Receiver.
    Rcvr,
    /// Requester.
    Rqstr,
    /// Client connection (the client's end).
    Clntconn,
    /// Server connection (the queue manager's end of a client channel).
    Svrconn,
    /// Cluster sender.
    Clussdr,
    /// Cluster receiver.
    Clusrcvr,
    /// AMQP (MQ Light / AMQP 1.0 clients): defined and stored, not served by mqtls.
    Amqp,
    /// MQTT (telemetry, MQ's MQXR service): defined and stored, not served by mqtls.
    Mqtt,
}

impl ChannelType {
    /// Every channel type.
    pub const ALL: [Self; 10] = [
        Self::Sdr,
        Self::Svr,
        Self::Rcvr,
        Self::Rqstr,
        Self::Clntconn,
        Self::Svrconn,
        Self::Clussdr,
        Self::Clusrcvr,
        Self::Amqp,
        Self::Mqtt,
    ];

    /// The CHLTYPE keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            Self::Sdr => "SDR",
            Self::Svr => "SVR",
            Self::Rcvr => "RCVR",
            Self::Rqstr => "RQSTR",
            Self::Clntconn => "CLNTCONN",
            Self::Svrconn => "SVRCONN",
            Self::Clussdr => "CLUSSDR",
            Self::Clusrcvr => "CLUSRCVR",
            Self::Amqp => "AMQP",
            Self::Mqtt => "MQTT",
        }
    }

    /// Parses a CHLTYPE keyword.
    pub fn from_keyword(word: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.keyword() == word)
    }

    /// The bit used by attribute applicability sets.
    pub(crate) fn bit(self) -> u16 {
        1 << (self as u16)
    }

    /// The channel types that may start a conversation with this one.
    pub fn partners(self) -> &'static [Self] {
        match self {
            Self::Sdr => &[Self::Rcvr, Self::Rqstr],
            Self::Svr => &[Self::Rqstr, Self::Rcvr],
            Self::Rcvr => &[Self::Sdr, Self::Svr],
            Self::Rqstr => &[Self::Svr, Self::Sdr],
            Self::Clntconn => &[Self::Svrconn],
            Self::Svrconn => &[Self::Clntconn],
            Self::Clussdr => &[Self::Clusrcvr],
            Self::Clusrcvr => &[Self::Clussdr],
            Self::Amqp | Self::Mqtt => &[],
        }
    }

    /// The channel table that holds channels of this type.
    pub fn table(self) -> ChannelTable {
        if self == Self::Clntconn {
            ChannelTable::Client
        } else {
            ChannelTable::Qmgr
        }
    }

    /// The name of MQ's default object for this type (`SYSTEM.DEF.SVRCONN`); none for
    /// MQTT, which IBM MQ ships no default channel for (the schema's defaults apply).
    pub fn default_object(self) -> Option<&'static str> {
        Some(match self {
            Self::Sdr => "SYSTEM.DEF.SENDER",
            Self::Svr => "SYSTEM.DEF.SERVER",
            Self::Rcvr => "SYSTEM.DEF.RECEIVER",
            Self::Rqstr => "SYSTEM.DEF.REQUESTER",
            Self::Clntconn => "SYSTEM.DEF.CLNTCONN",
            Self::Svrconn => "SYSTEM.DEF.SVRCONN",
            Self::Clussdr => "SYSTEM.DEF.CLUSSDR",
            Self::Clusrcvr => "SYSTEM.DEF.CLUSRCVR",
            Self::Amqp => "SYSTEM.DEF.AMQP",
            Self::Mqtt => return None,
        })
    }
}

/// Which of MQ's two channel tables holds a channel (DELETE CHANNEL CHLTABLE): CLNTCONN
/// channels are in the client channel table, the others in the queue manager's, so a
/// CLNTCONN may share its name with the SVRCONN it connects to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ChannelTable {
    /// QMGRTBL: every channel type but CLNTCONN (the default of DELETE CHANNEL).
    Qmgr,
    /// CLNTTBL: the CLNTCONN channels, which the queue manager writes to its CCDT.
    Client,
}

impl ChannelTable {
    /// The CHLTABLE keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            Self::Qmgr => "QMGRTBL",
            Self::Client => "CLNTTBL",
        }
    }

    /// Parses a CHLTABLE keyword.
    pub fn from_keyword(word: &str) -> Option<Self> {
        [Self::Qmgr, Self::Client].into_iter().find(|t| t.keyword() == word)
    }
}

impl fmt::Display for ChannelType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.keyword())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bits_match_the_schema_constants() {
        assert_eq!(ChannelType::Sdr.bit(), 0x01);
        assert_eq!(ChannelType::Svrconn.bit(), 0x20);
        assert_eq!(ChannelType::Clusrcvr.bit(), 0x80);
    }

    #[test]
    fn partners_are_symmetric() {
        for t in ChannelType::ALL {
            for p in t.partners() {
                assert!(p.partners().contains(&t), "{t} -> {p}");
            }
        }
    }
}
