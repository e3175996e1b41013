//! Local queues as the channel runtime uses them: the message store, the definitions that
//! govern it (GET/PUT inhibited, MAXDEPTH, MAXMSGL, aliases), and the wake-ups for gets
//! that wait.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use mqtls_channel::reason;
use mqtls_model::{Object, ObjectType, Store};
use mqtls_msgstore::{MessageStore, StoreError};
use tokio::sync::Notify;

/// A queue an application opened, as resolved against the definitions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Resolved {
    /// The name the application used.
    pub(crate) name: String,
    /// The local queue messages go to and come from (a transmission queue for a remote
    /// queue).
    pub(crate) local: String,
    /// For a remote queue: RNAME and RQMNAME, the transmission header's destination.
    pub(crate) remote: Option<(String, String)>,
}

/// The limits and switches a put or get obeys, read from the definitions at that moment
/// (so ALTER QLOCAL takes effect at once, as in MQ).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Rules {
    pub(crate) put_enabled: bool,
    pub(crate) get_enabled: bool,
    pub(crate) max_depth: usize,
    pub(crate) max_msg_len: usize,
    /// DEFPSIST of the first definition in the name's resolution path (the alias, the
    /// remote queue, or the local queue): what MQPER_PERSISTENCE_AS_Q_DEF resolves to.
    pub(crate) default_persistent: bool,
}

impl Rules {
    /// Resolves MQPER_PERSISTENCE_AS_Q_DEF at put time, as MQ does ("DefPersistence",
    /// <https://www.ibm.com/docs/en/ibm-mq/9.1.x?topic=queues-defpersistence-mqlong>).
    pub(crate) fn resolve_persistence(&self, message: &mut mqtls_model::Message) {
        if message.as_queue_default {
            message.persistent = self.default_persistent;
            message.as_queue_default = false;
        }
    }

    /// Refuses a put of `len` bytes to `queue` that PUT(DISABLED) or MAXMSGL forbids.
    pub(crate) fn admit_put(&self, queue: &Resolved, len: usize) -> Result<(), (u32, String)> {
        if !self.put_enabled {
            return Err((reason::PUT_INHIBITED, format!("queue {} has PUT(DISABLED)", queue.name)));
        }
        if len > self.max_msg_len {
            let text = format!("{len} bytes exceed MAXMSGL({}) of queue {}", self.max_msg_len, queue.local);
            return Err((reason::MSG_TOO_BIG_FOR_Q, text));
        }
        Ok(())
    }
}

/// The message store and the waiters, shared by every conversation.
#[derive(Debug)]
pub struct Queues {
    pub(crate) store: MessageStore,
    waiters: Mutex<HashMap<String, Arc<Notify>>>,
    /// Handles open per local queue, for input and for output (IPPROCS, OPPROCS).
    handles: Mutex<HashMap<String, (usize, usize)>>,
    /// The channel initiator, told of queues that gained messages.
    trigger: Mutex<Option<tokio::sync::mpsc::UnboundedSender<String>>>,
}

impl Queues {
    /// Queues over `store`.
    pub fn new(store: MessageStore) -> Self {
        Self { store, waiters: Mutex::default(), handles: Mutex::default(), trigger: Mutex::default() }
    }

    /// The message store.
    pub fn store(&self) -> &MessageStore {
        &self.store
    }

    /// Counts a handle opened (`delta` 1) or closed (-1) on `queue`.
    pub(crate) fn count_handle(&self, queue: &str, input: bool, output: bool, delta: isize) {
        let mut handles = self.handles.lock().expect("handles lock");
        let entry = handles.entry(queue.to_owned()).or_default();
        if input {
            entry.0 = entry.0.saturating_add_signed(delta);
        }
        if output {
            entry.1 = entry.1.saturating_add_signed(delta);
        }
    }

    /// IPPROCS and OPPROCS of `queue`.
    pub fn handles(&self, queue: &str) -> (usize, usize) {
        self.handles.lock().expect("handles lock").get(queue).copied().unwrap_or_default()
    }

    /// The signal a waiting get on `queue` listens to.
    pub(crate) fn waiter(&self, queue: &str) -> Arc<Notify> {
        self.waiters.lock().expect("waiters lock").entry(queue.to_owned()).or_default().clone()
    }

    /// Tells the channel initiator of every queue that gains messages.
    pub(crate) fn set_trigger(&self, initiator: tokio::sync::mpsc::UnboundedSender<String>) {
        *self.trigger.lock().expect("trigger lock") = Some(initiator);
    }

    /// Wakes the gets (and sender channels) waiting on `queues`, and tells the channel
    /// initiator.
    pub(crate) fn wake(&self, queues: &[String]) {
        let waiters = self.waiters.lock().expect("waiters lock");
        for q in queues {
            if let Some(n) = waiters.get(q) {
                n.notify_waiters();
            }
        }
        drop(waiters);
        if let Some(initiator) = &*self.trigger.lock().expect("trigger lock") {
            for q in queues {
                let _ = initiator.send(q.clone());
            }
        }
    }
}

/// Resolves an MQOPEN name: a QLOCAL is itself, a QALIAS names its TARGET (which must be
/// a QLOCAL). Anything else is refused with the reason code and why.
pub(crate) fn resolve(store: &Store, name: &str) -> Result<Resolved, (u32, String)> {
    let object = find(store, name)?;
    match object.object_type() {
        ObjectType::Qlocal => Ok(Resolved { name: name.to_owned(), local: name.to_owned(), remote: None }),
        ObjectType::Qalias => {
            let target = object.str("TARGET");
            let target = if target.is_empty() { object.str("TARGQ") } else { target };
            match find(store, &target)?.object_type() {
                ObjectType::Qlocal => Ok(Resolved { name: name.to_owned(), local: target, remote: None }),
                other => Err((
                    reason::UNKNOWN_OBJECT_NAME,
                    format!("QALIAS({name}) targets {other}({target}); mqtls resolves aliases to local queues only"),
                )),
            }
        }
        ObjectType::Qremote => {
            let (rname, rqmname) = (object.str("RNAME"), object.str("RQMNAME"));
            if rname.is_empty() {
                return Err((
                    reason::UNKNOWN_OBJECT_NAME,
                    format!("QREMOTE({name}) has no RNAME: queue-manager aliases are not resolved by mqtls; ALTER QREMOTE({name}) RNAME(queue)"),
                ));
            }
            if rqmname.is_empty() || rqmname == store.qmgr().name() {
                let local = resolve(store, &rname)?;
                return Ok(Resolved { name: name.to_owned(), ..local });
            }
            let xmitq = xmitq_for(store, &object.str("XMITQ"), &rqmname)?;
            Ok(Resolved { name: name.to_owned(), local: xmitq, remote: Some((rname, rqmname)) })
        }
        other => Err((
            reason::UNKNOWN_OBJECT_NAME,
            format!("{other}({name}) cannot be opened; define a QLOCAL or QALIAS"),
        )),
    }
}

/// The transmission queue for queue manager `rqmname`: the named XMITQ, else a local queue
/// named after the queue manager, else the queue manager's DEFXMITQ; it must be a QLOCAL
/// with USAGE(XMITQ).
pub(crate) fn xmitq_for(store: &Store, named: &str, rqmname: &str) -> Result<String, (u32, String)> {
    let defxmitq = store.qmgr().str("DEFXMITQ");
    let chosen = [named, rqmname, defxmitq.as_str()]
        .into_iter()
        .find(|n| !n.is_empty() && (n == &named || store.get(ObjectType::Qlocal, n).is_some()))
        .ok_or_else(|| {
            (
                reason::UNKNOWN_REMOTE_Q_MGR,
                format!("no transmission queue leads to queue manager {rqmname}: DEFINE QLOCAL({rqmname}) USAGE(XMITQ), or name one in XMITQ or the QMGR's DEFXMITQ"),
            )
        })?;
    let q = store.get(ObjectType::Qlocal, chosen).ok_or_else(|| {
        (
            reason::UNKNOWN_OBJECT_NAME,
            format!("transmission queue {chosen} is not defined: DEFINE QLOCAL({chosen}) USAGE(XMITQ)"),
        )
    })?;
    if q.str("USAGE") != "XMITQ" {
        return Err((
            reason::XMIT_Q_USAGE_ERROR,
            format!("queue {chosen} is used as a transmission queue but has USAGE(NORMAL): ALTER QLOCAL({chosen}) USAGE(XMITQ)"),
        ));
    }
    Ok(chosen.to_owned())
}

fn find<'a>(store: &'a Store, name: &str) -> Result<&'a Object, (u32, String)> {
    [ObjectType::Qlocal, ObjectType::Qalias, ObjectType::Qremote, ObjectType::Qmodel]
        .into_iter()
        .find_map(|t| store.get(t, name))
        .ok_or_else(|| {
            (reason::UNKNOWN_OBJECT_NAME, format!("queue {name} is not defined: DEFINE QLOCAL({name})"))
        })
}

/// The rules for `queue` now: an alias's GET/PUT switches and the local queue's limits.
pub(crate) fn rules(store: &Store, queue: &Resolved) -> Result<Rules, (u32, String)> {
    let local = store.get(ObjectType::Qlocal, &queue.local).ok_or_else(|| {
        (reason::UNKNOWN_OBJECT_NAME, format!("queue {} was deleted while open", queue.local))
    })?;
    let alias = (queue.name != queue.local).then(|| store.get(ObjectType::Qalias, &queue.name)).flatten();
    let enabled = |kw: &str| local.str(kw) != "DISABLED" && alias.is_none_or(|a| a.str(kw) != "DISABLED");
    let int = |kw: &str| local.int(kw).unwrap_or(0).max(0) as usize;
    let first = [ObjectType::Qalias, ObjectType::Qremote, ObjectType::Qlocal]
        .into_iter()
        .find_map(|t| store.get(t, &queue.name))
        .unwrap_or(local);
    Ok(Rules {
        default_persistent: first.str("DEFPSIST") == "YES",
        put_enabled: enabled("PUT"),
        get_enabled: enabled("GET"),
        max_depth: int("MAXDEPTH"),
        max_msg_len: int("MAXMSGL"),
    })
}

/// Runs a store call that may write to disk off the async threads.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, (u32, String)> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| (reason::RESOURCE_PROBLEM, format!("the message store task failed: {e}")))
}

pub(crate) fn refusal(e: StoreError) -> (u32, String) {
    let code = match e {
        StoreError::QueueFull { .. } => reason::Q_FULL,
        _ => reason::RESOURCE_PROBLEM,
    };
    tracing::warn!(error = %mqtls_model::Excerpt::line(&e.to_string()), "message operation failed");
    (code, e.to_string())
}
