//! One channel connection, dialled and started (`crate::dial`),
//! then a driver task that writes requests, routes replies to their conversations, and
//! sends heartbeats when the channel has been quiet for HBINT.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mqtls_ccdt::{to_object, Address, ClientChannel};
use mqtls_channel::config::client_config;
use mqtls_channel::frame::{encode, Frame};
use mqtls_channel::{reason, sni};
use mqtls_model::Channel;
use mqtls_pki::Keystore;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::dial::{dial, Dial, Dialled, Negotiated};
use crate::error::ClientError;
use crate::read_frame;

/// How a client identifies itself and how long it waits.
#[derive(Clone, Debug)]
pub struct ConnectOptions {
    /// The user id asserted in the channel start (MCAUSER may override it).
    pub user: String,
    /// The key repository, for TLS channels.
    pub keystore: Option<Keystore>,
    /// The certificate label when the channel sets none (MQCERTLABL, CertificateLabel).
    pub cert_label: Option<String>,
    /// Time allowed for TCP connect, TLS handshake and channel start together.
    pub timeout: Duration,
    /// What the SNI carries (OutboundSNI).
    pub outbound_sni: sni::Outbound,
}

impl Default for ConnectOptions {
    /// The login user, no keystore, no label, 30 seconds, the channel's SNI.
    fn default() -> Self {
        Self {
            user: login_user(),
            keystore: None,
            cert_label: None,
            timeout: Duration::from_secs(30),
            outbound_sni: sni::Outbound::Channel,
        }
    }
}

/// The name a connection gives the queue manager for DISPLAY CONN APPLTAG: `MQAPPLNAME`
/// when set (as IBM MQ clients read it), else the program's file name; at most MQ's 28
/// characters.
pub fn application_name() -> String {
    let name = std::env::var("MQAPPLNAME").ok().filter(|n| !n.trim().is_empty()).or_else(|| {
        let exe = std::env::current_exe().ok()?;
        Some(exe.file_name()?.to_string_lossy().into_owned())
    });
    name.unwrap_or_default().trim().chars().take(28).collect()
}

/// The user the process runs as, from `$USER`, else `$LOGNAME` (what an MQ client asserts).
pub fn login_user() -> String {
    std::env::var("USER").or_else(|_| std::env::var("LOGNAME")).unwrap_or_default()
}

pub(crate) struct Shared {
    pub(crate) routes: Mutex<HashMap<u16, mpsc::UnboundedSender<Vec<u8>>>>,
    pub(crate) broken: Mutex<Option<(u32, String)>>,
}

impl Shared {
    pub(crate) fn error(&self) -> ClientError {
        match self.broken.lock().expect("broken lock").clone() {
            Some((code, text)) if code != reason::CONNECTION_BROKEN => {
                ClientError::Failed { op: "the channel", reason: code, text }
            }
            Some((_, text)) => ClientError::Broken(text),
            None => ClientError::Broken("the connection ended".into()),
        }
    }
}

/// A started channel, shared by up to SHARECNV conversations.
pub struct Connection {
    pub(crate) outgoing: mpsc::UnboundedSender<Vec<u8>>,
    pub(crate) shared: Arc<Shared>,
    pub(crate) next_request: AtomicU32,
    pub(crate) negotiated: Negotiated,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection").field("negotiated", &self.negotiated).finish_non_exhaustive()
    }
}

impl Connection {
    /// Connects to `address` over `channel` (a CLNTCONN definition): TLS when it has an
    /// SSLCIPH, the queue manager checked against its SSLPEER, then the channel start.
    pub async fn open(
        channel: &ClientChannel,
        address: &Address,
        opts: &ConnectOptions,
    ) -> Result<Arc<Self>, ClientError> {
        let tls = if channel.uses_tls() { Some(tls_config(channel, opts)?) } else { None };
        let dialled = dial(
            address,
            Dial {
                channel: &channel.name,
                chltype: 6,
                qmgr: "",
                user: &opts.user,
                tls,
                peer_filter: &channel.peer_name,
                max_msg_len: channel.max_msg_length.max(0) as u32,
                sharecnv: channel.sharing_conversations.clamp(1, 999) as u16,
                heartbeat: channel.heartbeat.max(0) as u32,
                timeout: opts.timeout,
                outbound_sni: opts.outbound_sni,
            },
        )
        .await?;
        let Dialled { stream, buf, negotiated, .. } = dialled;
        let (outgoing, requests) = mpsc::unbounded_channel();
        let shared = Arc::new(Shared { routes: Mutex::default(), broken: Mutex::default() });
        // Replies carry a message of up to MAXMSGL plus its descriptor and framing.
        let max_frame = negotiated.max_msg_len.saturating_add(65_536);
        tokio::spawn(drive(stream, buf, max_frame, negotiated.heartbeat, shared.clone(), requests));
        Ok(Arc::new(Self { outgoing, shared, next_request: AtomicU32::new(1), negotiated }))
    }

    /// What the channel start settled.
    pub fn negotiated(&self) -> &Negotiated {
        &self.negotiated
    }
}

fn tls_config(
    channel: &ClientChannel,
    opts: &ConnectOptions,
) -> Result<Arc<rustls::ClientConfig>, ClientError> {
    let ks = opts.keystore.as_ref().ok_or_else(|| {
        ClientError::Keystore(format!(
            "channel {} uses TLS (SSLCIPH {}) but no key repository is set: set MQSSLKEYR or SSL:SSLKeyRepository in mqclient.ini",
            channel.name, channel.cipher_spec
        ))
    })?;
    let object =
        to_object(channel).map_err(|e| ClientError::Resolve(format!("channel {}: {e}", channel.name)))?;
    let model = Channel::new(&object).ok_or_else(|| ClientError::Resolve("a CLNTCONN definition".into()))?;
    // The channel's CERTLABL, else MQCERTLABL / CertificateLabel, must exist; MQ's
    // default label (ibmwebspheremq<user>) is used only when the keystore has it.
    let default = format!("ibmwebspheremq{}", opts.user.to_lowercase());
    let label = Some(channel.cert_label.clone())
        .filter(|l| !l.is_empty())
        .or_else(|| opts.cert_label.clone())
        .or_else(|| ks.get(&default).is_ok().then_some(default));
    Ok(client_config(&model, label.as_deref(), ks)?)
}

/// Owns the stream until the queue manager ends the channel or every handle is dropped.
async fn drive<S: AsyncRead + AsyncWrite + Unpin>(
    mut stream: S,
    mut buf: Vec<u8>,
    max_frame: u32,
    heartbeat: u32,
    shared: Arc<Shared>,
    mut requests: mpsc::UnboundedReceiver<Vec<u8>>,
) {
    let beat = (heartbeat > 0).then(|| Duration::from_secs(u64::from(heartbeat)));
    let mut last_write = Instant::now();
    let why: (u32, String) = loop {
        let next_beat = async {
            match beat {
                Some(d) => tokio::time::sleep_until(last_write + d).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            frame = read_frame(&mut stream, &mut buf, max_frame) => match frame {
                Ok(Frame::Data { conversation, payload }) => {
                    if let Some(route) = shared.routes.lock().expect("routes lock").get(&conversation) {
                        let _ = route.send(payload);
                    }
                }
                Ok(Frame::Heartbeat) => {}
                Ok(Frame::Close { reason }) => break (reason, format!("the queue manager ended the channel (reason {reason})")),
                Ok(Frame::Refuse { reason, text }) => break (reason, text),
                Ok(other) => break (reason::CONNECTION_BROKEN, format!("unexpected frame {other:?}")),
                Err(why) => break (reason::CONNECTION_BROKEN, why),
            },
            request = requests.recv() => match request {
                Some(bytes) => {
                    if let Err(e) = write_ready(&mut stream, bytes, &mut requests).await {
                        break (reason::CONNECTION_BROKEN, e.to_string());
                    }
                    last_write = Instant::now();
                }
                None => {
                    let _ = stream.write_all(&encode(&Frame::Close { reason: 0 })).await;
                    let _ = stream.shutdown().await;
                    break (reason::CONNECTION_BROKEN, "the application closed the connection".into());
                }
            },
            () = next_beat => {
                if let Err(e) = write_ready(&mut stream, encode(&Frame::Heartbeat), &mut requests).await {
                    break (reason::CONNECTION_BROKEN, e.to_string());
                }
                last_write = Instant::now();
            }
        }
    };
    tracing::debug!(reason = why.0, why = %why.1, "channel ended");
    *shared.broken.lock().expect("broken lock") = Some(why);
    shared.routes.lock().expect("routes lock").clear();
}

/// Writes `first` and every request already queued behind it, then flushes once.
async fn write_ready<S: AsyncWrite + Unpin>(
    stream: &mut S,
    first: Vec<u8>,
    requests: &mut mpsc::UnboundedReceiver<Vec<u8>>,
) -> std::io::Result<()> {
    stream.write_all(&first).await?;
    while let Ok(more) = requests.try_recv() {
        stream.write_all(&more).await?;
    }
    stream.flush().await
}

impl Connection {
    pub(crate) fn request_id(&self) -> u32 {
        self.next_request.fetch_add(1, Ordering::Relaxed)
    }
}
