//! One client conversation (an MQ hconn): its connection state, open handles, unit of
//! work and browse cursors, and the execution of each request against the queues. A
//! conversation that ends without MQDISC (connection lost, STOP CHANNEL) backs out its
//! unit of work, as MQ does.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use mqtls_channel::ops::{
    GetMode, GetOptions, Reply, Request, OPEN_BROWSE, OPEN_INPUT, OPEN_INQUIRE, OPEN_KNOWN, OPEN_OUTPUT,
    WAIT_UNLIMITED,
};
use mqtls_channel::reason;
use mqtls_model::Message;
use mqtls_msgstore::{Cursor, Select, Uow};

use crate::authority::Principal;
use crate::connections::Connection;
use crate::queues::{blocking, refusal, resolve, rules, Resolved};
use crate::state::QueueManager;
use crate::status::Traffic;

/// Open handles one conversation may hold.
const MAX_HANDLES: usize = 256;

type Refusal = (u32, String);

struct Handle {
    queue: Resolved,
    options: u32,
    browse: Option<Cursor>,
}

/// A conversation's state.
pub(crate) struct Session {
    qm: Arc<QueueManager>,
    traffic: Arc<Traffic>,
    principal: Principal,
    max_msg_len: u32,
    connected: bool,
    handles: HashMap<u32, Handle>,
    next_handle: u32,
    uow: Option<Uow>,
    /// The channel instance (its status row) the conversation runs on.
    instance: u64,
    /// The connection's record while connected (DISPLAY CONN).
    conn: Option<u64>,
    /// STOP CONN's signal, and whether it ended the connection.
    stop: Arc<tokio::sync::Notify>,
    stopped: bool,
}

impl Handle {
    /// Counts this handle in or out of the queue's IPPROCS / OPPROCS.
    fn count(&self, queues: &crate::queues::Queues, delta: isize) {
        let input = self.options & (OPEN_INPUT | OPEN_BROWSE) != 0;
        queues.count_handle(&self.queue.local, input, self.options & OPEN_OUTPUT != 0, delta);
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if let Some(id) = self.conn.take() {
            self.qm.connections.disconnect(id);
        }
        for h in self.handles.values() {
            h.count(&self.qm.queues, -1);
        }
        if let Some(uow) = self.uow.take() {
            let regained = self.qm.queues.store.backout(uow);
            self.qm.queues.wake(&regained);
        }
    }
}

impl Session {
    /// A conversation on channel instance `instance` running as `user`, with the
    /// negotiated MAXMSGL.
    pub(crate) fn new(
        qm: Arc<QueueManager>,
        instance: u64,
        traffic: Arc<Traffic>,
        user: String,
        max_msg_len: u32,
    ) -> Self {
        let principal = Principal::of(user, &qm.accounts);
        Self {
            qm,
            traffic,
            principal,
            max_msg_len,
            connected: false,
            handles: HashMap::new(),
            next_handle: 1,
            uow: None,
            instance,
            conn: None,
            stop: Arc::default(),
            stopped: false,
        }
    }

    /// What STOP CONN fires for this conversation.
    pub(crate) fn stop_signal(&self) -> Arc<tokio::sync::Notify> {
        self.stop.clone()
    }

    /// STOP CONN: the unit of work is backed out and the handles closed, as when the
    /// connection breaks; every later request is answered 2009 (MQRC_CONNECTION_BROKEN).
    pub(crate) fn end_by_operator(&mut self) {
        for (_, h) in self.handles.drain() {
            h.count(&self.qm.queues, -1);
        }
        if let Some(uow) = self.uow.take() {
            let regained = self.qm.queues.store.backout(uow);
            self.qm.queues.wake(&regained);
        }
        if let Some(id) = self.conn.take() {
            self.qm.connections.disconnect(id);
        }
        self.connected = false;
        self.stopped = true;
    }

    /// Brings the connection's record up to date with the handles and the unit of work.
    fn record(&self) {
        if let Some(id) = self.conn {
            let handles = self.handles.iter().map(|(n, h)| (*n, (h.queue.name.clone(), h.options))).collect();
            let uow = self.uow.is_some();
            self.qm.connections.update(id, |c| {
                c.handles = handles;
                c.uow = uow;
            });
        }
    }

    /// Runs one request.
    pub(crate) async fn serve(&mut self, request: Request) -> Reply {
        let result = match request {
            _ if self.stopped => {
                Err((reason::CONNECTION_BROKEN, "STOP CONN ended this connection".to_owned()))
            }
            Request::Connect { qmgr, application } => self.connect(&qmgr, &application),
            _ if !self.connected => Err((reason::HCONN_ERROR, "connect before any other request".into())),
            Request::Open { queue, options } => self.open(&queue, options),
            Request::Put { handle, syncpoint, message } => self.put(handle, syncpoint, message).await,
            Request::Get { handle, options } => self.get(handle, options).await,
            Request::Depth { handle } => self.handle(handle, 0).map(|h| {
                Reply::Depth(self.qm.queues.store.depth(&h.queue.local).try_into().unwrap_or(u32::MAX))
            }),
            Request::Commit => self.commit().await,
            Request::Backout => {
                self.backout();
                Ok(Reply::Ok)
            }
            Request::Close { handle } => match self.handles.remove(&handle) {
                Some(h) => {
                    h.count(&self.qm.queues, -1);
                    Ok(Reply::Ok)
                }
                None => Err(not_open(handle)),
            },
            Request::Mqsc { script } => self.mqsc(script).await,
            Request::Disconnect => {
                let done = self.commit().await;
                for (_, h) in self.handles.drain() {
                    h.count(&self.qm.queues, -1);
                }
                self.connected = false;
                if let Some(id) = self.conn.take() {
                    self.qm.connections.disconnect(id);
                }
                done
            }
        };
        self.record();
        result.unwrap_or_else(|(reason, text)| Reply::Failed { reason, text })
    }

    fn connect(&mut self, qmgr: &str, application: &str) -> Result<Reply, Refusal> {
        if self.connected {
            return Err((reason::ALREADY_CONNECTED, "this conversation is already connected".into()));
        }
        let name = self.qm.store.read().expect("store lock").qmgr().name().to_owned();
        // `*QM` (a queue-manager group) and blank accept whichever queue manager this is.
        let wanted = qmgr.trim();
        if !wanted.is_empty() && !wanted.starts_with('*') && wanted != name {
            return Err((
                reason::Q_MGR_NAME_ERROR,
                format!("this channel reaches queue manager {name}, not {wanted}"),
            ));
        }
        self.principal.require(&self.qm.store.read().expect("store lock"), "QMGR", &name, "CONNECT")?;
        self.connected = true;
        let (channel, conname) =
            self.qm.status.get(self.instance).map(|r| (r.channel, r.conname)).unwrap_or_default();
        self.conn = Some(self.qm.connections.connect(Connection {
            id: 0,
            instance: self.instance,
            channel,
            conname,
            userid: self.principal.user.clone(),
            // Partner-controlled: printable characters only, MQ's 28 at most.
            appltag: application.chars().filter(|c| !c.is_control()).take(28).collect(),
            handles: Default::default(),
            uow: false,
            stop: self.stop.clone(),
        }));
        Ok(Reply::Connected { qmgr: name })
    }

    fn open(&mut self, queue: &str, options: u32) -> Result<Reply, Refusal> {
        if options & !OPEN_KNOWN != 0 || options == 0 {
            return Err((
                reason::OPTIONS_ERROR,
                format!("open options {options:#x} ask for nothing mqtls knows"),
            ));
        }
        if self.handles.len() >= MAX_HANDLES {
            return Err((
                reason::HANDLE_NOT_AVAILABLE,
                format!("a conversation may hold {MAX_HANDLES} open queues"),
            ));
        }
        let store = self.qm.store.read().expect("store lock");
        let resolved = resolve(&store, queue)?;
        if resolved.remote.is_some() && options & (OPEN_INPUT | OPEN_BROWSE | OPEN_INQUIRE) != 0 {
            return Err((
                reason::OPTION_NOT_VALID_FOR_TYPE,
                format!("queue {queue} is remote: it can be opened for output only"),
            ));
        }
        // MQ checks the name opened (an alias's own profile, not its target's).
        for (bit, needed) in
            [(OPEN_INPUT, "GET"), (OPEN_BROWSE, "BROWSE"), (OPEN_OUTPUT, "PUT"), (OPEN_INQUIRE, "INQ")]
        {
            if options & bit != 0 {
                self.principal.require(&store, "QUEUE", queue, needed)?;
            }
        }
        drop(store);
        let handle = self.next_handle;
        self.next_handle = self.next_handle.wrapping_add(1).max(1);
        let h = Handle { queue: resolved, options, browse: None };
        h.count(&self.qm.queues, 1);
        self.handles.insert(handle, h);
        Ok(Reply::Opened { handle })
    }

    fn handle(&self, handle: u32, needs: u32) -> Result<&Handle, Refusal> {
        let h = self.handles.get(&handle).ok_or_else(|| not_open(handle))?;
        if h.options & needs != needs {
            let (code, what) = match needs {
                OPEN_OUTPUT => (reason::NOT_OPEN_FOR_OUTPUT, "output"),
                OPEN_BROWSE => (reason::NOT_OPEN_FOR_BROWSE, "browse"),
                _ => (reason::NOT_OPEN_FOR_INPUT, "input"),
            };
            return Err((code, format!("queue {} is not open for {what}", h.queue.name)));
        }
        Ok(h)
    }

    fn uow(&mut self, syncpoint: bool) -> Option<Uow> {
        syncpoint.then(|| *self.uow.get_or_insert_with(|| self.qm.queues.store.begin()))
    }

    async fn put(&mut self, handle: u32, syncpoint: bool, mut message: Message) -> Result<Reply, Refusal> {
        let queue = self.handle(handle, OPEN_OUTPUT)?.queue.clone();
        let rules = rules(&self.qm.store.read().expect("store lock"), &queue)?;
        rules.admit_put(&queue, message.payload.len())?;
        if message.payload.len() > self.max_msg_len as usize {
            let text =
                format!("{} bytes exceed the channel's MAXMSGL({})", message.payload.len(), self.max_msg_len);
            return Err((reason::MSG_TOO_BIG_FOR_CHANNEL, text));
        }
        rules.resolve_persistence(&mut message);
        message.user_id.clone_from(&self.principal.user);
        message.put_time = crate::unix_now_ms();
        message.backout_count = 0;
        if let Some((remote_q, remote_qmgr)) = &queue.remote {
            if message.msg_id == [0; 24] {
                message.msg_id = self.qm.queues.store.fresh_msg_id();
            }
            let t = mqtls_model::Transmission {
                remote_q: remote_q.clone(),
                remote_qmgr: remote_qmgr.clone(),
                message,
            };
            message = t.wrap();
        }
        let uow = self.uow(syncpoint);
        let persistent = message.persistent;
        let qm = self.qm.clone();
        let local = queue.local.clone();
        let put = move || qm.queues.store.put(&local, message, uow, rules.max_depth);
        let msg_id =
            if persistent && uow.is_none() { blocking(put).await? } else { put() }.map_err(refusal)?;
        if uow.is_none() {
            self.qm.queues.wake(&[queue.local]);
        }
        self.traffic.message(crate::unix_now());
        Ok(Reply::Put { msg_id })
    }

    async fn get(&mut self, handle: u32, options: GetOptions) -> Result<Reply, Refusal> {
        let browsing = options.mode != GetMode::Remove;
        let h = self.handle(handle, if browsing { OPEN_BROWSE } else { OPEN_INPUT })?;
        let queue = h.queue.clone();
        let after = if options.mode == GetMode::BrowseNext { h.browse } else { None };
        if !rules(&self.qm.store.read().expect("store lock"), &queue)?.get_enabled {
            return Err((reason::GET_INHIBITED, format!("queue {} has GET(DISABLED)", queue.name)));
        }
        let select = Select { msg_id: options.msg_id, correl_id: options.correl_id };
        let uow = if browsing { None } else { self.uow(options.syncpoint) };
        let deadline = match options.wait_ms {
            WAIT_UNLIMITED => None,
            ms => Some(tokio::time::Instant::now() + Duration::from_millis(u64::from(ms))),
        };
        let waiter = self.qm.queues.waiter(&queue.local);
        loop {
            let notified = waiter.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let found = if browsing {
                self.qm.queues.store.browse(&queue.local, after, &select).map(|(c, m)| (Some(c), m))
            } else {
                let (qm, local) = (self.qm.clone(), queue.local.clone());
                blocking(move || qm.queues.store.get(&local, uow, &select))
                    .await?
                    .map_err(refusal)?
                    .map(|m| (None, m))
            };
            if let Some((cursor, message)) = found {
                if let Some(h) = self.handles.get_mut(&handle) {
                    h.browse = cursor.or(h.browse);
                }
                if !browsing {
                    self.traffic.message(crate::unix_now());
                }
                return Ok(Reply::Message(Arc::unwrap_or_clone(message)));
            }
            let wait = async {
                match deadline {
                    Some(at) => tokio::time::timeout_at(at, notified).await.is_ok(),
                    None => {
                        notified.await;
                        true
                    }
                }
            };
            let traffic = self.traffic.clone();
            let _waiting = traffic.waiting();
            if options.wait_ms == 0 || !wait.await {
                return Err((
                    reason::NO_MSG_AVAILABLE,
                    format!("no message on {} before the wait ended", queue.name),
                ));
            }
        }
    }

    async fn commit(&mut self) -> Result<Reply, Refusal> {
        let Some(uow) = self.uow.take() else { return Ok(Reply::Ok) };
        let qm = self.qm.clone();
        match blocking(move || qm.queues.store.commit(uow)).await? {
            Ok(gained) => {
                self.qm.queues.wake(&gained);
                Ok(Reply::Ok)
            }
            Err(e) => {
                let regained = self.qm.queues.store.backout(uow);
                self.qm.queues.wake(&regained);
                Err((reason::BACKED_OUT, format!("the commit failed and was backed out: {e}")))
            }
        }
    }

    /// runmqsc -c: the channel's user needs DSP on the queue manager for a script of
    /// DISPLAY commands, CHG (or ALLADM, ALL) for anything else.
    async fn mqsc(&mut self, script: String) -> Result<Reply, Refusal> {
        let display_only = mqtls_mqsc::script::verify(&script)
            .iter()
            .all(|e| matches!(e.command, None | Some(mqtls_mqsc::command::Command::Display(_))));
        let needed: &[&str] = if display_only { &["DSP", "CHG"] } else { &["CHG"] };
        let allowed = {
            let store = self.qm.store.read().expect("store lock");
            let qmgr = store.qmgr().name().to_owned();
            needed.iter().any(|a| self.principal.granted(&store, "QMGR", &qmgr, a))
        };
        if !allowed {
            let text = format!(
                "user '{}' may not run {} over a client channel: SET AUTHREC OBJTYPE(QMGR) PRINCIPAL('{}') AUTHADD({})",
                self.principal.user,
                if display_only { "DISPLAY commands" } else { "MQSC that changes definitions" },
                self.principal.user,
                needed[0]
            );
            tracing::warn!(user = %mqtls_model::Excerpt::value(&self.principal.user), "MQSC refused: not authorised");
            return Err((reason::NOT_AUTHORIZED, text));
        }
        let qm = self.qm.clone();
        let (code, report) = blocking(move || (qm.hooks.run_mqsc)(&qm, &script)).await?;
        Ok(Reply::Mqsc { code: code.max(0) as u32, report })
    }

    fn backout(&mut self) {
        if let Some(uow) = self.uow.take() {
            let regained = self.qm.queues.store.backout(uow);
            self.qm.queues.wake(&regained);
        }
    }
}

fn not_open(handle: u32) -> Refusal {
    (reason::HOBJ_ERROR, format!("handle {handle} is not an open queue"))
}
