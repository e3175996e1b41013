//! One queue's messages in memory: ordered by priority, then arrival, with counts of
//! what units of work hold.

use std::collections::BTreeMap;
use std::sync::Arc;

use mqtls_model::Message;

/// A position in a queue: the order messages are got in (priority high to low, then
/// first in, first out). Browsing keeps one to continue after.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Cursor {
    rank: u8,
    seq: u64,
}

impl Cursor {
    pub(crate) fn new(priority: u8, seq: u64) -> Self {
        Self { rank: 9 - priority.min(9), seq }
    }

    pub(crate) fn seq(self) -> u64 {
        self.seq
    }
}

/// Which messages a get or browse may return (MQMO_MATCH_MSG_ID / MATCH_CORREL_ID).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Select {
    /// Only the message with this MsgId.
    pub msg_id: Option<[u8; 24]>,
    /// Only messages with this CorrelId.
    pub correl_id: Option<[u8; 24]>,
}

impl Select {
    /// Any message.
    pub const ANY: Self = Self { msg_id: None, correl_id: None };

    fn matches(&self, m: &Message) -> bool {
        self.msg_id.is_none_or(|id| id == m.msg_id) && self.correl_id.is_none_or(|id| id == m.correl_id)
    }
}

/// A queue's state.
#[derive(Debug, Default)]
pub(crate) struct Queue {
    /// Committed messages, available to get.
    pub(crate) ready: BTreeMap<Cursor, Arc<Message>>,
    /// Messages put in units of work not yet committed.
    pub(crate) staged_puts: usize,
    /// Messages got in units of work not yet committed.
    pub(crate) staged_gets: usize,
}

impl Queue {
    /// The first message after `after` (or from the start) that `select` admits.
    pub(crate) fn first(&self, after: Option<Cursor>, select: &Select) -> Option<(Cursor, &Arc<Message>)> {
        let range = match after {
            Some(c) => self.ready.range((std::ops::Bound::Excluded(c), std::ops::Bound::Unbounded)),
            None => self.ready.range(..),
        };
        range.filter(|(_, m)| select.matches(m)).map(|(c, m)| (*c, m)).next()
    }

    /// CURDEPTH: committed messages plus those units of work hold.
    pub(crate) fn depth(&self) -> usize {
        self.ready.len() + self.staged_puts + self.staged_gets
    }
}
