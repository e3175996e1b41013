//! Dialling a channel: TCP, TLS with IBM MQ's SNI (as OutboundSNI says), the partner's
//! DN checked against SSLPEER, then the channel start and its answer.

use std::sync::Arc;
use std::time::Duration;

use mqtls_ccdt::Address;
use mqtls_channel::frame::{encode, ChannelStart, Frame};
use mqtls_channel::sni;
use mqtls_dn::{CertNames, PeerFilter};
use rustls::pki_types::ServerName;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::timeout;

use crate::error::ClientError;
use crate::read_frame;

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
    /// What the SNI carries (OutboundSNI).
    pub outbound_sni: sni::Outbound,
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
    /// This end's address on the connection.
    pub local: Option<std::net::SocketAddr>,
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
        let local = sock.local_addr().ok();
        let mut dialled = match dial.tls.clone() {
            None => start(Box::new(sock), &dial, &shown, (None, None, None)).await?,
            Some(mut config) => {
                // IBM MQ's SNI; none when it would not be a host name (rustls then checks
                // the chain only, as always: MQ identifies partners by DN).
                let sent = dial.outbound_sni.server_name(dial.channel, &address.host);
                if sent.is_none() {
                    Arc::make_mut(&mut config).enable_sni = false;
                }
                let name = ServerName::try_from(sent.unwrap_or_else(|| "sni.invalid".into()))
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
                dialled
            }
        };
        dialled.local = local;
        Ok(dialled)
    };
    timeout(dial.timeout, attempt).await.map_err(|_| ClientError::Unreachable {
        tried: shown.clone(),
        last: format!("no channel start within {}s", dial.timeout.as_secs()),
    })?
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
    Ok(Dialled { stream, buf, negotiated, suite_id: None, chain: Vec::new(), local: None })
}
