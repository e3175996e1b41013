//! The TLS configuration each channel is served with, built once per definition, label
//! and keystore generation and shared by its connections (and rustls' session cache);
//! REFRESH SECURITY TYPE(SSL) loads the keystore again; a configuration that can no
//! longer be built is kept, with why, so a listener never loses its handshake.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use mqtls_model::{Channel, Excerpt, Object, ObjectType};

use crate::listener::QueueManager;

/// A channel's built TLS configuration, with the definition, label and keystore
/// generation it was built from.
#[derive(Debug)]
pub(crate) struct Cached {
    definition: Object,
    label: String,
    generation: u64,
    config: Arc<rustls::ServerConfig>,
    /// The label the configuration presents (the old one, when kept).
    serves: String,
    /// Why it is served although the current definition cannot be built (warned once).
    kept: Option<String>,
}

impl QueueManager {
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
        self.generation.fetch_add(1, Ordering::Relaxed);
        Ok(self.tls_problems("*"))
    }

    /// The TLS channels served here (SVRCONN, RCVR, RQSTR, SVR, CLUSRCVR with an SSLCIPH)
    /// matching `pattern` whose configuration cannot be built, each with why: what
    /// every partner's handshake would meet.
    pub fn tls_problems(&self, pattern: &str) -> Vec<String> {
        use mqtls_model::ChannelType::{Clusrcvr, Rcvr, Rqstr, Svr, Svrconn};
        let names: Vec<String> = self
            .store
            .read()
            .expect("store lock")
            .channels()
            .filter(|c| {
                matches!(c.channel_type(), Svrconn | Rcvr | Rqstr | Svr | Clusrcvr) && c.ssl_ciph().is_some()
            })
            .filter(|c| mqtls_model::generic_match(pattern, c.name()))
            .map(|c| c.name().to_owned())
            .collect();
        names
            .into_iter()
            .filter_map(|n| match self.checked_config(&n) {
                Ok((_, None)) => None,
                Ok((_, Some(kept))) => Some(kept),
                Err(why) => {
                    let why = why.strip_prefix(&format!("channel {n}: ")).unwrap_or(&why).to_owned();
                    Some(format!("channel {n} cannot start TLS: {why}"))
                }
            })
            .collect()
    }

    /// The TLS configuration of a channel, chosen by the SNI.
    pub(crate) fn tls_config(&self, channel: &str) -> Result<Arc<rustls::ServerConfig>, String> {
        self.checked_config(channel).map(|(config, _)| config)
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
        drop(store);
        if tls_channel {
            self.tls_config(channel)
        } else {
            self.queue_manager_tls_config()
        }
    }

    /// The TLS configuration for a connection whose SNI names no channel: the queue
    /// manager's certificate (its CERTLABL, else MQ's default label), as IBM MQ serves it.
    pub(crate) fn queue_manager_tls_config(&self) -> Result<Arc<rustls::ServerConfig>, String> {
        self.checked_config("").map(|(config, _)| config)
    }

    /// The TLS configuration of a channel (`""`: of the queue manager, for connections
    /// naming no channel), built once per definition, label and keystore:
    /// ALTER CHANNEL, a new queue-manager CERTLABL or a REFRESH SECURITY rebuilds it for
    /// the next connection, and connections share rustls' session cache. When the rebuild
    /// fails (a CERTLABL naming a label the loaded keystore lacks), the configuration that
    /// worked is kept — a listener never loses the ability to handshake — with why.
    fn checked_config(&self, channel: &str) -> Result<(Arc<rustls::ServerConfig>, Option<String>), String> {
        let store = self.store.read().expect("store lock");
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
        let mut configs = self.configs.lock().expect("config cache lock");
        let current =
            |c: &&mut Cached| &c.definition == object && c.label == label && c.generation == generation;
        if let Some(hit) = configs.get_mut(channel).filter(current) {
            return Ok((hit.config.clone(), hit.kept.clone()));
        }
        let keystore = self.keystore.read().expect("keystore lock");
        let built = match Channel::new(object) {
            Some(chl) => mqtls_channel::config::server_config(&chl, &label, &keystore),
            None => mqtls_channel::config::queue_manager_config(&label, &keystore),
        }
        .map_err(|e| format!("{e}; {}", e.outcome().1));
        drop(keystore);
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
