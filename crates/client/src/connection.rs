//! One channel connection: TCP, TLS with the channel name in the SNI, the channel start,
//! then a driver task that writes requests, routes replies to their conversations, and
//! sends heartbeats when the channel has been quiet for HBINT.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mqtls_ccdt::{to_object, Address, ClientChannel};
use mqtls_channel::config::client_config;
use mqtls_channel::frame::{encode, ChannelStart, Frame};
use mqtls_channel::{reason, sni};
use mqtls_dn::{CertNames, PeerFilter};
use mqtls_model::Channel;
use mqtls_pki::Keystore;
use rustls::pki_types::ServerName;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio::time::{timeout, Instant};

use crate::error::ClientError;
use crate::locate::login_user;
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
}

impl Default for ConnectOptions {
    /// The login user, no keystore, no label, 30 seconds.
    fn default() -> Self {
        Self { user: login_user(), keystore: None, cert_label: None, timeout: Duration::from_secs(30) }
    }
}

/// What the channel start settled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Negotiated {
    /// The channel.
    pub channel: String,
    /// The address connected to.
    pub address: String,
    /// MAXMSGL.
    pub max_msg_len: u32,
    /// SHARECNV: conversations this connection may carry.
    pub sharecnv: u16,
    /// HBINT, seconds.
    pub heartbeat: u32,
    /// The TLS protocol (`TLSv1_3`), if TLS.
    pub protocol: Option<String>,
    /// The IANA suite name, if TLS.
    pub suite: Option<String>,
    /// The queue manager's certificate subject, if TLS.
    pub peer: Option<String>,
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

/// What a channel start needs from the initiating side.
#[derive(Clone, Debug)]
pub struct Dial<'a> {
    /// The channel name (also in the SNI).
    pub channel: &'a str,
    /// This end's channel type as an MQCHT value (6 CLNTCONN, 1 SDR, ...).
    pub chltype: u8,
    /// This end's queue manager (blank for a client).
    pub qmgr: &'a str,
    /// The user id asserted.
    pub user: &'a str,
    /// The TLS configuration, for a channel with an SSLCIPH.
    pub tls: Option<Arc<rustls::ClientConfig>>,
    /// SSLPEER the partner's certificate must match (blank: any).
    pub peer_filter: &'a str,
    /// This end's MAXMSGL.
    pub max_msg_len: u32,
    /// This end's SHARECNV.
    pub sharecnv: u16,
    /// This end's HBINT, seconds.
    pub heartbeat: u32,
    /// Time allowed for TCP connect, TLS handshake and channel start together.
    pub timeout: Duration,
}

/// A byte stream a started channel runs over (TLS or plain TCP).
pub trait ChannelStream: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> ChannelStream for T {}

/// A started channel before anything runs on it.
pub struct Dialled {
    /// The connection.
    pub stream: Box<dyn ChannelStream>,
    /// Bytes read past the StartAck.
    pub buf: Vec<u8>,
    /// What the start settled.
    pub negotiated: Negotiated,
    /// The TLS suite negotiated (IANA number), if TLS.
    pub suite_id: Option<u16>,
    /// The partner's certificate chain, leaf first (empty without TLS).
    pub chain: Vec<Vec<u8>>,
}

impl std::fmt::Debug for Dialled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dialled").field("negotiated", &self.negotiated).finish_non_exhaustive()
    }
}

/// Connects to `address` and starts `dial.channel`: TCP, TLS when `dial.tls` is set (the
/// channel name in the SNI, the partner's DN checked against SSLPEER), the channel start.
pub async fn dial(address: &Address, dial: Dial<'_>) -> Result<Dialled, ClientError> {
    let host_port = (address.host.clone(), address.port.unwrap_or(1414));
    let shown = address.to_string();
    let attempt = async {
        let sock = TcpStream::connect(&host_port)
            .await
            .map_err(|e| ClientError::Unreachable { tried: shown.clone(), last: e.to_string() })?;
        let _ = sock.set_nodelay(true);
        match dial.tls.clone() {
            None => start(Box::new(sock), &dial, &shown, (None, None, None)).await,
            Some(config) => {
                let name = ServerName::try_from(sni::encode(dial.channel))
                    .map_err(|e| ClientError::Resolve(format!("channel name {}: {e}", dial.channel)))?;
                let tls =
                    tokio_rustls::TlsConnector::from(config).connect(name, sock).await.map_err(|e| {
                        ClientError::Handshake {
                            address: shown.clone(),
                            channel: dial.channel.to_owned(),
                            why: e.to_string(),
                        }
                    })?;
                let (_, conn) = tls.get_ref();
                let protocol = conn.protocol_version().map(|v| format!("{v:?}"));
                let suite =
                    conn.negotiated_cipher_suite().and_then(|s| s.suite().as_str()).map(str::to_owned);
                let chain: Vec<Vec<u8>> = conn
                    .peer_certificates()
                    .map(|c| c.iter().map(|d| d.to_vec()).collect())
                    .unwrap_or_default();
                let suite_id = conn.negotiated_cipher_suite().map(|s| u16::from(s.suite()));
                let peer = check_peer(dial.peer_filter, chain.first().map(Vec::as_slice))?;
                let mut dialled = start(Box::new(tls), &dial, &shown, (protocol, suite, peer)).await?;
                dialled.chain = chain;
                dialled.suite_id = suite_id;
                Ok(dialled)
            }
        }
    };
    timeout(dial.timeout, attempt).await.map_err(|_| ClientError::Unreachable {
        tried: shown.clone(),
        last: format!("no channel start within {}s", dial.timeout.as_secs()),
    })?
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

fn check_peer(filter: &str, leaf: Option<&[u8]>) -> Result<Option<String>, ClientError> {
    let Some(leaf) = leaf else { return Ok(None) };
    let names = CertNames::from_der(leaf)
        .map_err(|e| ClientError::Keystore(format!("the queue manager's certificate: {e}")))?;
    let subject = names.subject.to_string();
    if !filter.is_empty() {
        let parsed = PeerFilter::parse(filter)
            .map_err(|e| ClientError::Resolve(format!("SSLPEER('{filter}'): {e}")))?;
        if !parsed.matches(&names.subject) {
            return Err(ClientError::Peer { subject, filter: filter.to_owned() });
        }
    }
    Ok(Some(subject))
}

async fn start(
    mut stream: Box<dyn ChannelStream>,
    dial: &Dial<'_>,
    address: &str,
    (protocol, suite, peer): (Option<String>, Option<String>, Option<String>),
) -> Result<Dialled, ClientError> {
    let request = ChannelStart {
        channel: dial.channel.to_owned(),
        chltype: dial.chltype,
        qmgr: dial.qmgr.to_owned(),
        user: dial.user.to_owned(),
        max_msg_len: dial.max_msg_len,
        sharecnv: dial.sharecnv,
        heartbeat: dial.heartbeat,
    };
    // In TLS 1.3 the server judges the client's certificate after the client has
    // finished: its refusal arrives as an alert on the first write or read.
    let tls = protocol.is_some();
    let broken = |why: String| {
        if tls && why.contains("alert") {
            ClientError::Handshake { address: address.to_owned(), channel: dial.channel.to_owned(), why }
        } else {
            ClientError::Broken(why)
        }
    };
    stream.write_all(&encode(&Frame::ChannelStart(request))).await.map_err(|e| broken(e.to_string()))?;
    stream.flush().await.map_err(|e| broken(e.to_string()))?;
    let mut buf = Vec::new();
    let (max_msg_len, sharecnv, heartbeat) = match read_frame(&mut stream, &mut buf, 65_536).await {
        Ok(Frame::StartAck { max_msg_len, sharecnv, heartbeat }) => (max_msg_len, sharecnv, heartbeat),
        Ok(Frame::Refuse { reason, text }) => {
            return Err(ClientError::Refused { channel: dial.channel.to_owned(), reason, text })
        }
        Ok(other) => {
            return Err(ClientError::Broken(format!("expected a channel-start answer, got {other:?}")))
        }
        Err(why) => return Err(broken(why)),
    };
    let negotiated = Negotiated {
        channel: dial.channel.to_owned(),
        address: address.to_owned(),
        max_msg_len,
        sharecnv: sharecnv.max(1),
        heartbeat,
        protocol,
        suite,
        peer,
    };
    Ok(Dialled { stream, buf, negotiated, suite_id: None, chain: Vec::new() })
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
