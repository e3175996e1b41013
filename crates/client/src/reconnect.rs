//! Automatic client reconnection (MQCNO_RECONNECT, DEFRECON): a conversation that, when
//! its connection breaks, connects again through the connection list and reopens its
//! queues. What MQ says an application must expect, it gets: a unit of work in progress
//! is backed out (2003 from the next call in it), a persistent put outside syncpoint
//! whose answer was lost is not repeated (2549, it may or may not have happened), browse
//! cursors start again; everything else is re-driven.

use std::time::Duration;

use mqtls_ccdt::{Address, ClientChannel, Reconnect};
use mqtls_channel::ops::GetOptions;
use mqtls_channel::reason;
use mqtls_model::Message;

use crate::connection::ConnectOptions;
use crate::error::ClientError;
use crate::hconn::{Hconn, Hobj};
use crate::locate::connect_candidates;

/// MQRC_CALL_INTERRUPTED.
const CALL_INTERRUPTED: u32 = 2549;
/// MQRC_RECONNECT_QMID_MISMATCH: DEFRECON(QMGR) reached another queue manager.
const RECONNECT_QMID_MISMATCH: u32 = 2545;
/// Connection attempts per reconnection, 250 ms apart at first, doubling to 4 s.
const ATTEMPTS: u32 = 8;

/// A queue opened through a [`Reconnecting`] conversation; it survives reconnections.
#[derive(Debug, PartialEq, Eq)]
pub struct Queue(usize);

/// A conversation that reconnects when its connection breaks.
#[derive(Debug)]
pub struct Reconnecting {
    hconn: Hconn,
    candidates: Vec<(ClientChannel, Option<Address>)>,
    opts: ConnectOptions,
    qmgr: String,
    queues: Vec<Option<(String, u32, Hobj)>>,
    in_unit: bool,
    backed_out: bool,
    reconnects: u32,
    /// The channel's DEFRECON: QMGR reconnects only to a queue manager of the name first
    /// reached (MQ compares QMIDs, which mqtls does not have yet), DISABLED never.
    mode: Reconnect,
}

type Slots = [Option<(String, u32, Hobj)>];

/// The current handle of an opened queue (a free function: it borrows only the slots).
fn hobj<'a>(queues: &'a Slots, q: &Queue) -> Result<&'a Hobj, ClientError> {
    queues.get(q.0).and_then(Option::as_ref).map(|(_, _, h)| h).ok_or_else(|| ClientError::Failed {
        op: "MQ call",
        reason: reason::HOBJ_ERROR,
        text: "the queue is closed".into(),
    })
}

fn broken(e: &ClientError) -> bool {
    matches!(e, ClientError::Broken(_)) || matches!(e, ClientError::Failed { op: "the channel", .. })
}

fn backed_out(op: &'static str) -> ClientError {
    let text = "a reconnection backed out the unit of work; MQBACK or MQCMIT to start a new one".into();
    ClientError::Failed { op, reason: reason::BACKED_OUT, text }
}

impl Reconnecting {
    /// Connects a conversation to `qmgr` through the first candidate that answers. The
    /// first candidate's DEFRECON decides: NO and YES reconnect to any queue manager of
    /// the list (the application asked), QMGR only to one of the same name, DISABLED never.
    pub async fn connect(
        qmgr: &str,
        candidates: Vec<(ClientChannel, Option<Address>)>,
        opts: ConnectOptions,
    ) -> Result<Self, ClientError> {
        let hconn = Hconn::connect(connect_candidates(&candidates, &opts).await?, qmgr).await?;
        let mode = candidates.first().map_or(Reconnect::Yes, |(c, _)| c.reconnect);
        Ok(Self {
            mode,
            hconn,
            candidates,
            opts,
            qmgr: qmgr.to_owned(),
            queues: Vec::new(),
            in_unit: false,
            backed_out: false,
            reconnects: 0,
        })
    }

    /// How many times the conversation reconnected.
    pub fn reconnects(&self) -> u32 {
        self.reconnects
    }

    /// The conversation in use now.
    pub fn hconn(&self) -> &Hconn {
        &self.hconn
    }

    /// Connects again (the connection list in order, with back-off) and reopens every
    /// queue. A unit of work in progress is lost.
    async fn recover(&mut self, cause: ClientError) -> Result<(), ClientError> {
        if self.mode == Reconnect::Disabled {
            return Err(cause);
        }
        tracing::warn!(error = %cause, "connection broken; reconnecting");
        self.backed_out |= std::mem::take(&mut self.in_unit);
        let mut delay = Duration::from_millis(250);
        let mut last = cause;
        for _ in 0..ATTEMPTS {
            match connect_candidates(&self.candidates, &self.opts).await {
                Ok(conn) => match Hconn::connect(conn, &self.qmgr).await {
                    Ok(hconn)
                        if self.mode == Reconnect::QueueManager && hconn.qmgr() != self.hconn.qmgr() =>
                    {
                        let text = format!(
                            "DEFRECON(QMGR): reconnected to {}, not {}; no further calls",
                            hconn.qmgr(),
                            self.hconn.qmgr()
                        );
                        return Err(ClientError::Failed {
                            op: "reconnect",
                            reason: RECONNECT_QMID_MISMATCH,
                            text,
                        });
                    }
                    Ok(hconn) => {
                        self.hconn = hconn;
                        for slot in self.queues.iter_mut().flatten() {
                            slot.2 = self.hconn.open(&slot.0, slot.1).await?;
                        }
                        self.reconnects += 1;
                        tracing::info!(to = %self.hconn.connection().negotiated().address, "reconnected");
                        return Ok(());
                    }
                    Err(e) => last = e,
                },
                Err(e) => last = e,
            }
            tokio::time::sleep(delay).await;
            delay = (delay * 2).min(Duration::from_secs(4));
        }
        Err(last)
    }

    /// MQOPEN.
    pub async fn open(&mut self, queue: &str, options: u32) -> Result<Queue, ClientError> {
        let hobj = match self.hconn.open(queue, options).await {
            Err(e) if broken(&e) => {
                self.recover(e).await?;
                self.hconn.open(queue, options).await?
            }
            other => other?,
        };
        self.queues.push(Some((queue.to_owned(), options, hobj)));
        Ok(Queue(self.queues.len() - 1))
    }

    /// MQPUT.
    pub async fn put(
        &mut self,
        q: &Queue,
        message: Message,
        syncpoint: bool,
    ) -> Result<[u8; 24], ClientError> {
        if syncpoint && self.backed_out {
            return Err(backed_out("MQPUT"));
        }
        let persistent = message.persistent;
        let first = self.hconn.put(hobj(&self.queues, q)?, message.clone(), syncpoint).await;
        let result = match first {
            Err(e) if broken(&e) => {
                self.recover(e).await?;
                if syncpoint {
                    return Err(backed_out("MQPUT"));
                }
                if persistent {
                    let text = "the connection broke during the put; it may or may not have happened".into();
                    return Err(ClientError::Failed { op: "MQPUT", reason: CALL_INTERRUPTED, text });
                }
                self.hconn.put(hobj(&self.queues, q)?, message, syncpoint).await
            }
            other => other,
        };
        self.in_unit |= syncpoint && result.is_ok();
        result
    }

    /// MQGET (or a browse; a browse after a reconnection starts from the first message).
    pub async fn get(&mut self, q: &Queue, options: GetOptions) -> Result<Option<Message>, ClientError> {
        if options.syncpoint && self.backed_out {
            return Err(backed_out("MQGET"));
        }
        let result = match self.hconn.get(hobj(&self.queues, q)?, options).await {
            Err(e) if broken(&e) => {
                self.recover(e).await?;
                if options.syncpoint {
                    return Err(backed_out("MQGET"));
                }
                self.hconn.get(hobj(&self.queues, q)?, options).await
            }
            other => other,
        };
        self.in_unit |= options.syncpoint && matches!(result, Ok(Some(_)));
        result
    }

    /// MQCMIT: 2003 when a reconnection backed the unit of work out.
    pub async fn commit(&mut self) -> Result<(), ClientError> {
        if std::mem::take(&mut self.backed_out) {
            return Err(backed_out("MQCMIT"));
        }
        let result = match self.hconn.commit().await {
            Err(e) if broken(&e) && self.in_unit => {
                self.recover(e).await?;
                self.backed_out = false;
                let text = "the connection broke during the commit; it may or may not have happened".into();
                Err(ClientError::Failed { op: "MQCMIT", reason: CALL_INTERRUPTED, text })
            }
            Err(e) if broken(&e) => self.recover(e).await,
            other => other,
        };
        self.in_unit = false;
        result
    }

    /// MQBACK.
    pub async fn backout(&mut self) -> Result<(), ClientError> {
        self.backed_out = false;
        self.in_unit = false;
        match self.hconn.backout().await {
            Err(e) if broken(&e) => self.recover(e).await,
            other => other,
        }
    }

    /// MQCLOSE.
    pub async fn close(&mut self, q: Queue) -> Result<(), ClientError> {
        let Some((_, _, hobj)) = self.queues.get_mut(q.0).and_then(Option::take) else { return Ok(()) };
        match self.hconn.close(hobj).await {
            Err(e) if broken(&e) => self.recover(e).await,
            other => other,
        }
    }

    /// MQDISC.
    pub async fn disconnect(self) -> Result<(), ClientError> {
        self.hconn.disconnect().await
    }
}
