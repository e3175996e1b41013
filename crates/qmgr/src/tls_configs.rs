//! The TLS configuration each channel is served with, built once per definition, label
//! and keystore generation and shared by its connections (and rustls' session cache), and
//! the queue manager's for connections naming no channel; a configuration that can no
//! longer be built is kept, with why, so a listener never loses its handshake. The
//! queue manager (`state`) owns one [`TlsConfigs`] and reads it through its store and
//! keystore locks.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use mqtls_model::{Channel, Excerpt, Object, ObjectType, Store};
use mqtls_pki::Keystore;

/// A channel's built TLS configuration, with the definition, label and keystore
/// generation it was built from.
#[derive(Debug)]
struct Cached {
    definition: Object,
    label: String,
    generation: u64,
    config: Arc<rustls::ServerConfig>,
    /// The label the configuration presents (the old one, when kept).
    serves: String,
    /// Why it is served although the current definition cannot be built (warned once).
    kept: Option<String>,
}

/// The configurations built so far, and the keystore generation they must match.
#[derive(Debug, Default)]
pub(crate) struct TlsConfigs {
    cached: Mutex<HashMap<String, Cached>>,
    generation: AtomicU64,
}

impl TlsConfigs {
    /// A new keystore was loaded (REFRESH SECURITY TYPE(SSL)): every configuration is
    /// built again at its channel's next connection.
    pub(crate) fn keystore_changed(&self) {
        self.generation.fetch_add(1, Ordering::Relaxed);
    }

    /// The TLS channels served here (SVRCONN, RCVR, RQSTR, SVR, CLUSRCVR with an SSLCIPH)
    /// matching `pattern` whose configuration cannot be built, each with why: what
    /// every partner's handshake would meet.
    pub(crate) fn problems(&self, store: &Store, keystore: &Keystore, pattern: &str) -> Vec<String> {
        use mqtls_model::ChannelType::{Clusrcvr, Rcvr, Rqstr, Svr, Svrconn};
        let names: Vec<String> = store
            .channels()
            .filter(|c| {
                matches!(c.channel_type(), Svrconn | Rcvr | Rqstr | Svr | Clusrcvr) && c.ssl_ciph().is_some()
            })
            .filter(|c| mqtls_model::generic_match(pattern, c.name()))
            .map(|c| c.name().to_owned())
            .collect();
        names
            .into_iter()
            .filter_map(|n| match self.config(store, keystore, &n) {
                Ok((_, None)) => None,
                Ok((_, Some(kept))) => Some(kept),
                Err(why) => {
                    let why = why.strip_prefix(&format!("channel {n}: ")).unwrap_or(&why).to_owned();
                    Some(format!("channel {n} cannot start TLS: {why}"))
                }
            })
            .collect()
    }

    /// The TLS configuration of a channel (`""`: of the queue manager, for connections
    /// naming no channel), built once per definition, label and keystore:
    /// ALTER CHANNEL, a new queue-manager CERTLABL or a REFRESH SECURITY rebuilds it for
    /// the next connection, and connections share rustls' session cache. When the rebuild
    /// fails (a CERTLABL naming a label the loaded keystore lacks), the configuration that
    /// worked is kept — a listener never loses the ability to handshake — with why.
    pub(crate) fn config(
        &self,
        store: &Store,
        keystore: &Keystore,
        channel: &str,
    ) -> Result<(Arc<rustls::ServerConfig>, Option<String>), String> {
        let (object, label) = if channel.is_empty() {
            let qmgr = store.qmgr();
            let label = Some(qmgr.str("CERTLABL"))
                .filter(|l| !l.is_empty())
                .unwrap_or_else(|| mqtls_model::default_cert_label(qmgr.name()));
            (qmgr, label)
        } else {
            let object = store
                .get(ObjectType::Channel, channel)
                .ok_or_else(|| format!("channel {channel} is not defined"))?;
            let label = store.certificate_label(&Channel::new(object).expect("channels have a type"));
            (object, label)
        };
        let generation = self.generation.load(Ordering::Relaxed);
        let mut configs = self.cached.lock().expect("config cache lock");
        let current =
            |c: &&mut Cached| &c.definition == object && c.label == label && c.generation == generation;
        if let Some(hit) = configs.get_mut(channel).filter(current) {
            return Ok((hit.config.clone(), hit.kept.clone()));
        }
        let built = match Channel::new(object) {
            Some(chl) => mqtls_channel::config::server_config(&chl, &label, keystore),
            None => mqtls_channel::config::queue_manager_config(&label, keystore),
        }
        .map_err(|e| format!("{e}; {}", e.outcome().1));
        let (config, serves, kept) = match (built, configs.remove(channel)) {
            (Ok(config), _) => (config, label.clone(), None),
            (Err(why), Some(old)) => {
                let kept = format!(
                    "channel {channel} cannot be served as defined now ({why}); it keeps its certificate '{}' until that is fixed: import the label, then REFRESH SECURITY TYPE(SSL)",
                    old.serves
                );
                if old.kept.is_none() {
                    tracing::warn!(channel, why = %Excerpt::line(&kept), "kept the previous TLS configuration");
                }
                (old.config, old.serves, Some(kept))
            }
            (Err(why), None) => return Err(why),
        };
        let cached = Cached {
            definition: object.clone(),
            label,
            generation,
            config: config.clone(),
            serves,
            kept: kept.clone(),
        };
        configs.insert(channel.to_owned(), cached);
        Ok((config, kept))
    }
}
