//! LISTENER objects at run time: START LISTENER binds the object's IPADDR and PORT and
//! serves channels there; STOP LISTENER stops accepting (running channels go on, as in
//! MQ); a queue manager starts its CONTROL(QMGR) listeners when it starts.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use mqtls_model::ObjectType;
use tokio::net::TcpListener;
use tokio::task::AbortHandle;

use crate::listener::{serve, QueueManager};

/// The running listeners of a queue manager.
#[derive(Debug, Default)]
pub struct Listeners {
    running: Mutex<HashMap<String, (SocketAddr, AbortHandle)>>,
}

impl Listeners {
    /// START LISTENER(name): binds and serves; the bound address (PORT(0) picks one).
    /// Must be called within the queue manager's tokio runtime.
    pub fn start(&self, qm: &Arc<QueueManager>, name: &str) -> Result<SocketAddr, String> {
        if let Some((addr, _)) = self.running.lock().expect("listeners lock").get(name) {
            return Err(format!("LISTENER({name}) is already running on {addr}"));
        }
        let (ip, port) = {
            let store = qm.store.read().expect("store lock");
            let object = store
                .get(ObjectType::Listener, name)
                .ok_or_else(|| format!("LISTENER({name}) is not defined"))?;
            let trptype = object.str("TRPTYPE");
            if !trptype.is_empty() && trptype != "TCP" {
                return Err(format!("LISTENER({name}) has TRPTYPE({trptype}); mqtls listens on TCP only"));
            }
            let ip = object.str("IPADDR");
            let port = object.int("PORT").unwrap_or(1414).clamp(0, 65_535) as u16;
            (if ip.is_empty() { "0.0.0.0".to_owned() } else { ip }, port)
        };
        let bound = std::net::TcpListener::bind((ip.as_str(), port))
            .and_then(|l| l.set_nonblocking(true).map(|()| l))
            .and_then(TcpListener::from_std)
            .map_err(|e| format!("LISTENER({name}) cannot listen on {ip}({port}): {e}"))?;
        let addr = bound.local_addr().map_err(|e| e.to_string())?;
        let qm2 = qm.clone();
        let listener = name.to_owned();
        let task = tokio::spawn(async move {
            if let Err(e) = serve(bound, qm2).await {
                tracing::error!(%listener, error = %e, "listener ended");
            }
        });
        self.running.lock().expect("listeners lock").insert(name.to_owned(), (addr, task.abort_handle()));
        tracing::info!(listener = %name, %addr, "listener started");
        Ok(addr)
    }

    /// STOP LISTENER(name): whether it was running.
    pub fn stop(&self, name: &str) -> bool {
        match self.running.lock().expect("listeners lock").remove(name) {
            Some((addr, task)) => {
                task.abort();
                tracing::info!(listener = %name, %addr, "listener stopped");
                true
            }
            None => false,
        }
    }

    /// The running listeners and their addresses, by name.
    pub fn running(&self) -> Vec<(String, SocketAddr)> {
        let mut out: Vec<_> =
            self.running.lock().expect("listeners lock").iter().map(|(n, (a, _))| (n.clone(), *a)).collect();
        out.sort();
        out
    }

    /// Starts every LISTENER with CONTROL(QMGR); each outcome by name.
    pub fn start_controlled(&self, qm: &Arc<QueueManager>) -> Vec<(String, Result<SocketAddr, String>)> {
        let names: Vec<String> = qm
            .store
            .read()
            .expect("store lock")
            .matching(&[ObjectType::Listener], "*")
            .filter(|l| l.str("CONTROL") == "QMGR")
            .map(|l| l.name().to_owned())
            .collect();
        names.into_iter().map(|n| (n.clone(), self.start(qm, &n))).collect()
    }
}
