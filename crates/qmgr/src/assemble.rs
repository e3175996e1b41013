//! The composition root: [`QueueManager::new`] builds the state and installs the hooks
//! through which it reaches the code above it (the listener, the admin path, the channel
//! initiator). The only module that knows every layer.

use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex, RwLock};

use mqtls_model::Store;
use mqtls_msgstore::MessageStore;
use mqtls_pki::Keystore;

use crate::limits::Limits;
use crate::queues::Queues;
use crate::state::{Hooks, QueueManager};

impl QueueManager {
    /// A queue manager over `store` and `keystore`, with its messages in memory until
    /// [`with_messages`](Self::with_messages) gives it a message store file.
    pub fn new(store: Store, keystore: Keystore, limits: Limits) -> Self {
        Self {
            store: RwLock::new(store),
            keystore: RwLock::new(keystore),
            loader: None,
            status: Default::default(),
            limits,
            queues: Queues::new(MessageStore::in_memory().expect("an in-memory database opens")),
            listeners: Default::default(),
            connections: Default::default(),
            started: mqtls_model::Stamp::from_unix(crate::unix_now()),
            home: None,
            cdp_check: false,
            next_id: AtomicU64::new(1),
            tls: Default::default(),
            refusals: Mutex::default(),
            ocsp: Arc::default(),
            receivers: Default::default(),
            accounts: Default::default(),
            hooks: Hooks {
                serve: |listener, qm| Box::pin(crate::listener::serve(listener, qm)),
                run_mqsc: crate::admin::run_mqsc,
                retrigger: crate::initiator::retrigger,
            },
        }
    }
}
