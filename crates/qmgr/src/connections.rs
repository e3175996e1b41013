//! The applications connected to the queue manager, for DISPLAY CONN and DISPLAY
//! QMSTATUS CONNS: one record per connected conversation (an MQ hconn) with the channel
//! instance it runs on, its user and its open handles.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use mqtls_channel::ops::{OPEN_BROWSE, OPEN_INPUT, OPEN_INQUIRE, OPEN_OUTPUT};

/// One connection.
#[derive(Clone, Debug)]
pub struct Connection {
    /// The connection id (DISPLAY CONN shows it as 16 hexadecimal digits).
    pub id: u64,
    /// The channel instance's status row.
    pub instance: u64,
    /// The channel.
    pub channel: String,
    /// The partner's address.
    pub conname: String,
    /// The user id the queue manager runs the connection's requests as.
    pub userid: String,
    /// The application's name as the client gave it (APPLTAG).
    pub appltag: String,
    /// The open handles by handle number: the queue and the MQOO_* options.
    pub handles: BTreeMap<u32, (String, u32)>,
    /// Whether a unit of work is open.
    pub uow: bool,
    /// Fired by STOP CONN: the conversation ends the connection.
    pub stop: Arc<tokio::sync::Notify>,
}

impl Connection {
    /// The `KEYWORD`, value pairs of DISPLAY CONN TYPE(CONN), in its order.
    pub fn items(&self) -> Vec<(String, String)> {
        let uowstate = if self.uow { "ACTIVE" } else { "NONE" };
        [
            ("CONN", conn_id(self.id)),
            ("TYPE", "CONN".to_owned()),
            ("APPLTAG", self.appltag.clone()),
            ("APPLTYPE", "USER".to_owned()),
            ("CHANNEL", self.channel.clone()),
            ("CONNAME", self.conname.clone()),
            ("CONNOPTS", "MQCNO_SHARED_BINDING".to_owned()),
            ("USERID", self.userid.clone()),
            ("UOWSTATE", uowstate.to_owned()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect()
    }

    /// One list of pairs per open handle, for DISPLAY CONN TYPE(HANDLE).
    pub fn handle_items(&self) -> Vec<Vec<(String, String)>> {
        self.handles
            .values()
            .map(|(queue, options)| {
                [
                    ("CONN", conn_id(self.id)),
                    ("TYPE", "HANDLE".to_owned()),
                    ("OBJNAME", queue.clone()),
                    ("OBJTYPE", "QUEUE".to_owned()),
                    ("OPENOPTS", open_options(*options)),
                    ("HSTATE", "INACTIVE".to_owned()),
                ]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect()
            })
            .collect()
    }
}

/// DISPLAY CONN's identifier form of a connection id.
pub fn conn_id(id: u64) -> String {
    format!("{id:016X}")
}

/// MQOO_* names of the option bits mqtls knows, as DISPLAY CONN OPENOPTS lists them.
fn open_options(options: u32) -> String {
    [
        (OPEN_INPUT, "MQOO_INPUT_SHARED"),
        (OPEN_BROWSE, "MQOO_BROWSE"),
        (OPEN_OUTPUT, "MQOO_OUTPUT"),
        (OPEN_INQUIRE, "MQOO_INQUIRE"),
    ]
    .into_iter()
    .filter(|(bit, _)| options & bit != 0)
    .map(|(_, name)| name)
    .collect::<Vec<_>>()
    .join(",")
}

/// Every connection of the queue manager.
#[derive(Debug, Default)]
pub struct Connections {
    rows: Mutex<BTreeMap<u64, Connection>>,
    next: AtomicU64,
}

impl Connections {
    /// Records a new connection (its `id` is assigned); returns the id.
    pub fn connect(&self, mut connection: Connection) -> u64 {
        let id = self.next.fetch_add(1, Ordering::Relaxed) + 1;
        connection.id = id;
        self.rows.lock().expect("connections lock").insert(id, connection);
        id
    }

    /// Changes a connection in place (a handle opened or closed, a unit of work).
    pub fn update(&self, id: u64, change: impl FnOnce(&mut Connection)) {
        if let Some(c) = self.rows.lock().expect("connections lock").get_mut(&id) {
            change(c);
        }
    }

    /// STOP CONN: asks the connection's conversation to end it; whether it exists.
    pub fn stop(&self, id: u64) -> bool {
        match self.rows.lock().expect("connections lock").get(&id) {
            Some(c) => {
                c.stop.notify_one();
                true
            }
            None => false,
        }
    }

    /// Forgets a connection (MQDISC, or the conversation ended).
    pub fn disconnect(&self, id: u64) {
        self.rows.lock().expect("connections lock").remove(&id);
    }

    /// The connections, in id order.
    pub fn all(&self) -> Vec<Connection> {
        self.rows.lock().expect("connections lock").values().cloned().collect()
    }

    /// How many applications are connected (DISPLAY QMSTATUS CONNS).
    pub fn count(&self) -> usize {
        self.rows.lock().expect("connections lock").len()
    }
}
