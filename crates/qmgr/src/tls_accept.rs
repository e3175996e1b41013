//! The TLS side of accepting a connection: the configuration the ClientHello's SNI chooses
//! (a channel's, or the queue manager's), the handshake within the timeout, and when it
//! fails a fatal alert to the partner and a log line in MQ's terms — the channel, the
//! partner, and why (AMQ9631E no CipherSpec in common, with what each side offered;
//! AMQ9637E no client certificate; AMQ9633E a bad certificate; AMQ9665E the partner ended
//! the handshake) — instead of a closed socket and a bare rustls error.

use std::io::Write;
use std::net::SocketAddr;

use mqtls_channel::sni;
use mqtls_cipherspec::SuiteId;
use mqtls_model::{Channel, Excerpt, ObjectType};
use rustls::{CertificateError, CipherSuite, Error, PeerIncompatible};
use tokio::net::TcpStream;
use tokio::time::timeout;
use tokio_rustls::server::TlsStream;
use tokio_rustls::LazyConfigAcceptor;

use crate::state::QueueManager;

/// A TLS alert record before any handshake message: fatal (2), handshake_failure (40).
const HANDSHAKE_FAILURE: [u8; 7] = [0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28];

/// Completes the TLS handshake on `sock`; the stream and the SNI the partner sent.
pub(crate) async fn accept(
    sock: TcpStream,
    addr: SocketAddr,
    qm: &QueueManager,
) -> Result<(TlsStream<TcpStream>, Option<String>), String> {
    let limit = qm.limits.handshake_timeout;
    // The acceptor owns the socket until a configuration is chosen; a second handle to it
    // lets a partner we cannot serve hear why (an alert), not just a closed connection.
    let std = sock.into_std().map_err(|e| e.to_string())?;
    let alert_to = std.try_clone().map_err(|e| e.to_string())?;
    let sock = TcpStream::from_std(std).map_err(|e| e.to_string())?;
    let acceptor = LazyConfigAcceptor::new(rustls::server::Acceptor::default(), sock);
    let hello = timeout(limit, acceptor)
        .await
        .map_err(|_| "TLS handshake timed out".to_owned())?
        .map_err(|e| e.to_string())?;
    let sni = hello.client_hello().server_name().map(str::to_owned);
    let offered: Vec<CipherSuite> = hello.client_hello().cipher_suites().to_vec();
    let named = sni.as_deref().filter(|s| sni::names_channel(s));
    // As IBM MQ: an SNI naming a channel gets that channel's configuration (its
    // CERTLABL); a host name or no SNI gets the queue manager's certificate, and the
    // channel's own rules are checked once the partner names it.
    let chosen = match named.map(sni::decode) {
        Some(Ok(channel)) => qm.sni_tls_config(&channel).map(|c| (Some(channel), c)),
        Some(Err(e)) => Err(e.to_string()),
        None => qm.queue_manager_tls_config().map(|c| (None, c)),
    };
    let (channel, config) = match chosen {
        Ok(chosen) => chosen,
        Err(why) => {
            let _ = (&alert_to).write_all(&HANDSHAKE_FAILURE);
            return Err(failed(qm, addr, named, why));
        }
    };
    match timeout(limit, hello.into_stream(config)).await {
        Err(_) => Err("TLS handshake timed out".to_owned()),
        // rustls has sent its alert; the log says what it means.
        Ok(Err(e)) => {
            let rustls = e.get_ref().and_then(|inner| inner.downcast_ref::<Error>());
            Err(failed(qm, addr, named, explain(qm, channel.as_deref(), rustls, &offered, &e.to_string())))
        }
        Ok(Ok(tls)) => Ok((tls, sni)),
    }
}

/// Logs and records a failed handshake; returns the line for the connection's end.
fn failed(qm: &QueueManager, addr: SocketAddr, sni: Option<&str>, why: String) -> String {
    let sni = sni.map_or_else(|| "no channel SNI".to_owned(), |s| Excerpt::value(s).to_string());
    tracing::warn!(%addr, %sni, why = %Excerpt::line(&why), "TLS handshake failed");
    qm.refused(&why);
    why
}

/// What a handshake error means, in MQ's terms.
fn explain(
    qm: &QueueManager,
    channel: Option<&str>,
    error: Option<&Error>,
    offered: &[CipherSuite],
    raw: &str,
) -> String {
    let on = channel.map_or_else(|| "a connection naming no channel".to_owned(), |c| format!("channel {c}"));
    match error {
        Some(Error::PeerIncompatible(PeerIncompatible::NoCipherSuitesInCommon)) => {
            let theirs: Vec<String> = offered
                .iter()
                .filter_map(|s| {
                    let id = u16::from(*s);
                    // GREASE and signalling values name no suite.
                    let spec = mqtls_cipherspec::find_suite(SuiteId(id)).map(|c| c.name.to_owned());
                    spec.or_else(|| s.as_str().filter(|n| !n.contains("SCSV")).map(str::to_owned))
                })
                .collect();
            let ours = channel
                .and_then(|c| {
                    let store = qm.store.read().expect("store lock");
                    let def = store.get(ObjectType::Channel, c)?;
                    Channel::new(def)?.ssl_ciph().map(|s| s.to_string())
                })
                .unwrap_or_else(|| "ANY_TLS12_OR_HIGHER".into());
            format!(
                "AMQ9631E: {on}: no CipherSpec in common: the partner offered {}; this end accepts SSLCIPH({ours}): give both ends the same CipherSpec",
                if theirs.is_empty() { "none this engine knows".to_owned() } else { theirs.join(", ") }
            )
        }
        Some(Error::NoCertificatesPresented) => format!(
            "AMQ9637E: {on}: the partner sent no certificate and SSLCAUTH(REQUIRED) needs one: give the client a certificate (CERTLABL) its queue manager trusts"
        ),
        Some(Error::InvalidCertificate(why)) => {
            let fix = match why {
                CertificateError::UnknownIssuer => "add the partner's CA to this keystore, then REFRESH SECURITY TYPE(SSL)",
                CertificateError::Expired | CertificateError::NotValidYet => "the partner must renew its certificate",
                _ => "check the partner's certificate",
            };
            format!("AMQ9633E: {on}: bad certificate from the partner ({why:?}): {fix}")
        }
        Some(Error::AlertReceived(alert)) => format!(
            "AMQ9665E: {on}: the partner ended the handshake with alert {alert:?}: it refused this queue manager's certificate or CipherSpec (see the partner's log)"
        ),
        _ => format!("{on}: TLS handshake failed: {raw}"),
    }
}
