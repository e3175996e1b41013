//! The queue manager's shared state, at the bottom of the crate: definitions, keystore and
//! TLS configurations, messages, the status table, limits, home, accounts. It imports no
//! channel code; what it must start (a listener, MQSC, a triggered channel) it reaches
//! through [`Hooks`] that the composition root (`assemble`) installs.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use mqtls_model::{Channel, Excerpt, ObjectType, Stamp, Store};
use mqtls_msgstore::MessageStore;
use mqtls_pki::Keystore;
use tokio::net::TcpListener;
use tokio::task::AbortHandle;

use crate::accounts::Accounts;
use crate::connections::Connections;
use crate::home::Home;
use crate::limits::Limits;
use crate::queues::Queues;
use crate::status::{Receivers, StatusTable};
use crate::tls_configs::TlsConfigs;

/// A running queue manager's shared state: what every channel, the listener and the
/// admin path read and change.
#[derive(Debug)]
pub struct QueueManager {
    /// The definitions.
    pub store: RwLock<Store>,
    /// The keystore, replaced by REFRESH SECURITY TYPE(SSL).
    pub(crate) keystore: RwLock<Keystore>,
    /// Where REFRESH SECURITY TYPE(SSL) reads the keystore again.
    pub(crate) loader: Option<KeystoreLoader>,
    /// Running channel instances.
    pub status: StatusTable,
    /// Bounds.
    pub limits: Limits,
    /// The local queues' messages.
    pub queues: Queues,
    /// The running LISTENER objects.
    pub listeners: Listeners,
    /// The connected applications.
    pub connections: Connections,
    /// When the queue manager started.
    pub started: Stamp,
    /// Where changed definitions are saved (none: they live for the run only).
    pub home: Option<Home>,
    /// qm.ini SSL CDPCheckExtensions: check CRL distribution points at channel start.
    pub cdp_check: bool,
    pub(crate) next_id: AtomicU64,
    /// The channels' TLS configurations, built once per definition, label and keystore.
    pub(crate) tls: TlsConfigs,
    /// The reasons of the latest refused channel starts, as the log has them.
    pub(crate) refusals: Mutex<VecDeque<String>>,
    pub(crate) ocsp: Arc<mqtls_pki::OcspClient>,
    pub(crate) receivers: Receivers,
    /// The OS accounts: users' groups, and who the administrators are.
    pub accounts: Accounts,
    /// What the state starts without importing the code above it (the composition root
    /// in `assemble` installs them).
    pub(crate) hooks: Hooks,
}

/// Reads the keystore again, given the definitions as they are now (QMGR SSLKEYR may
/// have changed since the start; a file and password of the caller's may be used).
pub struct KeystoreLoader(pub Box<LoadKeystore>);

/// How a [`KeystoreLoader`] reads the keystore.
pub type LoadKeystore = dyn Fn(&Store) -> Result<Keystore, String> + Send + Sync;

impl std::fmt::Debug for KeystoreLoader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeystoreLoader")
    }
}

impl QueueManager {
    /// Keeps messages in `messages` (persistent ones survive a restart).
    pub fn with_messages(mut self, messages: MessageStore) -> Self {
        self.queues = Queues::new(messages);
        self
    }

    /// Saves the definitions in `home` after every change made through the admin socket.
    pub fn with_home(mut self, home: Home) -> Self {
        self.home = Some(home);
        self
    }

    /// CDPCheckExtensions=YES: partners' certificates are checked against the CRLs their
    /// distribution points name.
    pub fn with_cdp_check(mut self, on: bool) -> Self {
        self.cdp_check = on;
        self
    }

    /// Lets REFRESH SECURITY TYPE(SSL) read the keystore again with `loader`.
    pub fn with_loader(mut self, loader: KeystoreLoader) -> Self {
        self.loader = Some(loader);
        self
    }

    /// Reads users' groups from `accounts` instead of /etc/passwd and /etc/group.
    pub fn with_accounts(mut self, accounts: Accounts) -> Self {
        self.accounts = accounts;
        self
    }

    /// The reasons of the latest (at most 64) refused channel starts, newest last: what the
    /// queue manager's log says and the refused partner is not told.
    pub fn refusals(&self) -> Vec<String> {
        self.refusals.lock().expect("refusals lock").iter().cloned().collect()
    }

    pub(crate) fn refused(&self, why: &str) {
        let mut refusals = self.refusals.lock().expect("refusals lock");
        if refusals.len() == 64 {
            refusals.pop_front();
        }
        refusals.push_back(why.to_owned());
    }

    /// An id for a new channel instance, unique within the run.
    pub(crate) fn next_id(&self) -> u64 {
        self.next_id.fetch_add(1, Ordering::Relaxed)
    }

    /// REFRESH SECURITY TYPE(SSL): reads the keystore again (when a loader was given, from
    /// the SSLKEYR the definitions name now), so the next connection of each channel is
    /// served from it. A keystore that fails to load changes nothing and is logged. A
    /// channel whose configuration cannot be built from the new keystore keeps serving the
    /// one it had: the problems are returned, for the command's warnings.
    pub fn refresh_ssl(&self) -> Result<Vec<String>, String> {
        if let Some(loader) = &self.loader {
            let fresh = (loader.0)(&self.store.read().expect("store lock")).inspect_err(|why| {
                tracing::error!(why = %Excerpt::line(why), "REFRESH SECURITY TYPE(SSL) failed: the keystore is unchanged");
            })?;
            *self.keystore.write().expect("keystore lock") = fresh;
        }
        self.tls.keystore_changed();
        Ok(self.tls_problems("*"))
    }

    /// The TLS channels served here matching `pattern` whose configuration cannot be
    /// built, each with why: what every partner's handshake would meet.
    pub fn tls_problems(&self, pattern: &str) -> Vec<String> {
        let store = self.store.read().expect("store lock");
        self.tls.problems(&store, &self.keystore.read().expect("keystore lock"), pattern)
    }

    /// The TLS configuration of a channel, chosen by the SNI.
    pub(crate) fn tls_config(&self, channel: &str) -> Result<Arc<rustls::ServerConfig>, String> {
        let store = self.store.read().expect("store lock");
        let keystore = self.keystore.read().expect("keystore lock");
        self.tls.config(&store, &keystore, channel).map(|(config, _)| config)
    }

    /// The TLS configuration for an SNI naming `channel`: the channel's own when it is a
    /// defined TLS channel, else the queue manager's (as IBM MQ: the start then refuses an
    /// unknown channel with NO_CHANNEL, a plain one with CIPHER_SPEC, instead of a
    /// handshake that ends without a word).
    pub(crate) fn sni_tls_config(&self, channel: &str) -> Result<Arc<rustls::ServerConfig>, String> {
        let store = self.store.read().expect("store lock");
        let tls_channel = store
            .get(ObjectType::Channel, channel)
            .and_then(Channel::new)
            .is_some_and(|c| c.ssl_ciph().is_some());
        let keystore = self.keystore.read().expect("keystore lock");
        self.tls.config(&store, &keystore, if tls_channel { channel } else { "" }).map(|(config, _)| config)
    }

    /// The TLS configuration for a connection whose SNI names no channel: the queue
    /// manager's certificate (its CERTLABL, else MQ's default label), as IBM MQ serves it.
    pub(crate) fn queue_manager_tls_config(&self) -> Result<Arc<rustls::ServerConfig>, String> {
        self.tls_config("")
    }
}

/// The ways the state reaches the code above it, installed once by the composition root
/// (`assemble`): so that the state, the admin path and the channel kinds import nothing
/// above themselves although MQSC (a client's runmqsc -c) starts listeners that serve
/// client channels, and a sender that goes idle may be triggered again.
#[derive(Clone, Copy)]
pub(crate) struct Hooks {
    /// Serves channels on a bound listener (`listener::serve`).
    pub(crate) serve: fn(TcpListener, Arc<QueueManager>) -> BoxFuture<std::io::Result<()>>,
    /// Runs an MQSC script against the live state (`admin::run_mqsc`): exit code, report.
    pub(crate) run_mqsc: fn(&Arc<QueueManager>, &str) -> (i32, String),
    /// Starts the channel a transmission queue triggers, if it should run
    /// (`initiator::retrigger`).
    pub(crate) retrigger: fn(&Arc<QueueManager>, &str),
}

/// A boxed future the hooks return.
pub(crate) type BoxFuture<T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send>>;

impl std::fmt::Debug for Hooks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Hooks")
    }
}

// LISTENER objects at run time: START LISTENER binds the object's IPADDR and PORT and
// serves channels there (through the `serve` hook); STOP LISTENER stops accepting
// (running channels go on, as in MQ); a queue manager starts its CONTROL(QMGR)
// listeners when it starts.

/// The running listeners of a queue manager.
#[derive(Debug, Default)]
pub struct Listeners {
    running: Mutex<HashMap<String, (SocketAddr, Stamp, AbortHandle)>>,
}

impl Listeners {
    /// START LISTENER(name): binds and serves; the bound address (PORT(0) picks one).
    /// Must be called within the queue manager's tokio runtime.
    pub fn start(&self, qm: &Arc<QueueManager>, name: &str) -> Result<SocketAddr, String> {
        if let Some((addr, _, _)) = self.running.lock().expect("listeners lock").get(name) {
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
            if let Err(e) = (qm2.hooks.serve)(bound, qm2.clone()).await {
                tracing::error!(%listener, error = %e, "listener ended");
            }
        });
        let started = Stamp::from_unix(crate::unix_now());
        self.running
            .lock()
            .expect("listeners lock")
            .insert(name.to_owned(), (addr, started, task.abort_handle()));
        tracing::info!(listener = %name, %addr, "listener started");
        Ok(addr)
    }

    /// STOP LISTENER(name): whether it was running.
    pub fn stop(&self, name: &str) -> bool {
        match self.running.lock().expect("listeners lock").remove(name) {
            Some((addr, _, task)) => {
                task.abort();
                tracing::info!(listener = %name, %addr, "listener stopped");
                true
            }
            None => false,
        }
    }

    /// The running listeners and their addresses, by name.
    pub fn running(&self) -> Vec<(String, SocketAddr)> {
        self.started().into_iter().map(|(n, a, _)| (n, a)).collect()
    }

    /// The running listeners with their addresses and start times, by name.
    pub fn started(&self) -> Vec<(String, SocketAddr, Stamp)> {
        let running = self.running.lock().expect("listeners lock");
        let mut out: Vec<_> = running.iter().map(|(n, (a, t, _))| (n.clone(), *a, t.clone())).collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
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
