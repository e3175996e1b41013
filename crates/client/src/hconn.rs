//! A conversation (an MQ hconn) and the queues it opens: connect, open, put, get with
//! wait, browse, units of work, close, disconnect.

use std::sync::Arc;

use mqtls_channel::frame::{encode, Frame};
use mqtls_channel::ops::{GetOptions, Reply, Request, MAX_IN_FLIGHT};
use mqtls_channel::reason;
use mqtls_model::Message;
use tokio::sync::mpsc;

use crate::connection::Connection;
use crate::error::ClientError;

/// A queue opened by [`Hconn::open`] (an MQ hobj).
#[derive(Debug, PartialEq, Eq)]
pub struct Hobj {
    handle: u32,
    /// The name it was opened by.
    pub name: String,
}

/// One conversation on a connection, connected to a queue manager.
#[derive(Debug)]
pub struct Hconn {
    connection: Arc<Connection>,
    conversation: u16,
    replies: mpsc::UnboundedReceiver<Vec<u8>>,
    qmgr: String,
    open: bool,
}

impl Drop for Hconn {
    /// An hconn dropped without [`disconnect`](Self::disconnect) backs out its unit of
    /// work, as an MQ application that ends without MQDISC.
    fn drop(&mut self) {
        if self.open {
            let _ = self.send(&Request::Backout);
            let _ = self.send(&Request::Disconnect);
        }
        self.connection.shared.routes.lock().expect("routes lock").remove(&self.conversation);
    }
}

impl Hconn {
    /// Starts a conversation on `connection` and connects it to `qmgr` (`QM`; `*QM` or
    /// blank accept whichever queue manager the channel reaches). Refused with reason 2025
    /// when the connection already carries SHARECNV conversations.
    pub async fn connect(connection: Arc<Connection>, qmgr: &str) -> Result<Self, ClientError> {
        let (route, replies) = mpsc::unbounded_channel();
        let conversation = {
            let mut routes = connection.shared.routes.lock().expect("routes lock");
            let limit = connection.negotiated.sharecnv;
            let free = (0..limit).find(|c| !routes.contains_key(c)).ok_or_else(|| ClientError::Failed {
                op: "MQCONN",
                reason: 2025,
                text: format!("all SHARECNV({limit}) conversations of this connection are in use"),
            })?;
            routes.insert(free, route);
            free
        };
        let mut hconn = Self { connection, conversation, replies, qmgr: String::new(), open: false };
        match hconn
            .call(
                "MQCONN",
                Request::Connect {
                    qmgr: qmgr.to_owned(),
                    application: crate::connection::application_name(),
                },
            )
            .await?
        {
            Reply::Connected { qmgr } => {
                hconn.qmgr = qmgr;
                hconn.open = true;
                Ok(hconn)
            }
            other => Err(unexpected("MQCONN", &other)),
        }
    }

    /// The queue manager connected to.
    pub fn qmgr(&self) -> &str {
        &self.qmgr
    }

    /// The connection this conversation shares.
    pub fn connection(&self) -> &Arc<Connection> {
        &self.connection
    }

    /// MQOPEN with MQOO_* `options` (see `mqtls_channel::ops`).
    pub async fn open(&mut self, queue: &str, options: u32) -> Result<Hobj, ClientError> {
        match self.call("MQOPEN", Request::Open { queue: queue.to_owned(), options }).await? {
            Reply::Opened { handle } => Ok(Hobj { handle, name: queue.to_owned() }),
            other => Err(unexpected("MQOPEN", &other)),
        }
    }

    /// MQPUT; returns the MsgId the message got.
    pub async fn put(
        &mut self,
        hobj: &Hobj,
        message: Message,
        syncpoint: bool,
    ) -> Result<[u8; 24], ClientError> {
        let request = Request::Put { handle: hobj.handle, syncpoint, message };
        match self.call("MQPUT", request).await? {
            Reply::Put { msg_id } => Ok(msg_id),
            other => Err(unexpected("MQPUT", &other)),
        }
    }

    /// Puts every message without waiting for each answer: up to `MAX_IN_FLIGHT`
    /// requests are pipelined on the conversation, and the answers are collected in
    /// order. Every answer is read even after a failure; the first failure is returned.
    pub async fn put_many(
        &mut self,
        hobj: &Hobj,
        messages: impl IntoIterator<Item = Message>,
        syncpoint: bool,
    ) -> Result<Vec<[u8; 24]>, ClientError> {
        let mut pending = std::collections::VecDeque::new();
        let mut out = Vec::new();
        let mut first_error = None;
        let mut messages = messages.into_iter().peekable();
        while messages.peek().is_some() || !pending.is_empty() {
            if pending.len() < MAX_IN_FLIGHT {
                if let Some(message) = messages.next() {
                    pending.push_back(self.send(&Request::Put {
                        handle: hobj.handle,
                        syncpoint,
                        message,
                    })?);
                    continue;
                }
            }
            let id = pending.pop_front().expect("a request is in flight");
            match self.receive("MQPUT", id).await {
                Ok(Reply::Put { msg_id }) => out.push(msg_id),
                Ok(other) => first_error = first_error.or(Some(unexpected("MQPUT", &other))),
                Err(e @ ClientError::Broken(_)) => return Err(e),
                Err(e) => first_error = first_error.or(Some(e)),
            }
        }
        first_error.map_or(Ok(out), Err)
    }

    /// MQGET (or a browse): `Ok(None)` when no message came before the wait ended
    /// (reason 2033).
    pub async fn get(&mut self, hobj: &Hobj, options: GetOptions) -> Result<Option<Message>, ClientError> {
        match self.call("MQGET", Request::Get { handle: hobj.handle, options }).await {
            Ok(Reply::Message(m)) => Ok(Some(m)),
            Ok(other) => Err(unexpected("MQGET", &other)),
            Err(ClientError::Failed { reason: reason::NO_MSG_AVAILABLE, .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Up to `n` MQGETs pipelined on the conversation (at most `MAX_IN_FLIGHT` at a time),
    /// the messages in the order the queue gave them: a consumer served ahead of its next
    /// request, as MQ's read-ahead does. It ends at the first get that finds no message
    /// within `options.wait_ms` (2033); the gets already in flight are answered first, and
    /// each of those waits as well. The first failure is returned.
    pub async fn get_many(
        &mut self,
        hobj: &Hobj,
        n: usize,
        options: GetOptions,
    ) -> Result<Vec<Message>, ClientError> {
        let mut pending = std::collections::VecDeque::new();
        let (mut out, mut asked, mut empty, mut first_error) = (Vec::new(), 0, false, None);
        while (asked < n && !empty && first_error.is_none()) || !pending.is_empty() {
            if pending.len() < MAX_IN_FLIGHT && asked < n && !empty && first_error.is_none() {
                pending.push_back(self.send(&Request::Get { handle: hobj.handle, options })?);
                asked += 1;
                continue;
            }
            let id = pending.pop_front().expect("a request is in flight");
            match self.receive("MQGET", id).await {
                Ok(Reply::Message(m)) => out.push(m),
                Ok(other) => first_error = first_error.or(Some(unexpected("MQGET", &other))),
                Err(ClientError::Failed { reason: reason::NO_MSG_AVAILABLE, .. }) => empty = true,
                Err(e @ ClientError::Broken(_)) => return Err(e),
                Err(e) => first_error = first_error.or(Some(e)),
            }
        }
        first_error.map_or(Ok(out), Err)
    }

    /// MQINQ CURDEPTH.
    pub async fn depth(&mut self, hobj: &Hobj) -> Result<u32, ClientError> {
        match self.call("MQINQ", Request::Depth { handle: hobj.handle }).await? {
            Reply::Depth(d) => Ok(d),
            other => Err(unexpected("MQINQ", &other)),
        }
    }

    /// MQCMIT.
    pub async fn commit(&mut self) -> Result<(), ClientError> {
        self.call("MQCMIT", Request::Commit).await.map(drop)
    }

    /// MQBACK.
    pub async fn backout(&mut self) -> Result<(), ClientError> {
        self.call("MQBACK", Request::Backout).await.map(drop)
    }

    /// MQCLOSE.
    pub async fn close(&mut self, hobj: Hobj) -> Result<(), ClientError> {
        self.call("MQCLOSE", Request::Close { handle: hobj.handle }).await.map(drop)
    }

    /// Runs an MQSC script on the queue manager (runmqsc -c): its exit code (0, 10, 20)
    /// and report. Refused with 2035 unless the channel's user has the authority.
    pub async fn mqsc(&mut self, script: &str) -> Result<(u32, String), ClientError> {
        match self.call("MQSC", Request::Mqsc { script: script.to_owned() }).await? {
            Reply::Mqsc { code, report } => Ok((code, report)),
            other => Err(unexpected("MQSC", &other)),
        }
    }

    /// MQDISC: commits the unit of work and ends the conversation.
    pub async fn disconnect(mut self) -> Result<(), ClientError> {
        let done = self.call("MQDISC", Request::Disconnect).await.map(drop);
        self.open = false;
        done
    }

    fn send(&self, request: &Request) -> Result<u32, ClientError> {
        let id = self.connection.request_id();
        let frame = Frame::Data { conversation: self.conversation, payload: request.encode(id) };
        self.connection.outgoing.send(encode(&frame)).map_err(|_| self.connection.shared.error())?;
        Ok(id)
    }

    async fn receive(&mut self, op: &'static str, id: u32) -> Result<Reply, ClientError> {
        loop {
            let payload = self.replies.recv().await.ok_or_else(|| self.connection.shared.error())?;
            let (answered, reply) = Reply::decode(&payload)
                .map_err(|e| ClientError::Broken(format!("a malformed reply: {e}")))?;
            if answered != id {
                continue; // the answer to a request of a dropped hconn that had this conversation
            }
            return match reply {
                Reply::Failed { reason, text } => Err(ClientError::Failed { op, reason, text }),
                reply => Ok(reply),
            };
        }
    }

    async fn call(&mut self, op: &'static str, request: Request) -> Result<Reply, ClientError> {
        let id = self.send(&request)?;
        self.receive(op, id).await
    }
}

fn unexpected(op: &'static str, reply: &Reply) -> ClientError {
    ClientError::Broken(format!("{op} got an answer of the wrong kind: {reply:?}"))
}
