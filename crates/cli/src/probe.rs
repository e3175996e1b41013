//! `mqtls probe HOST:PORT --channel C`: a live look at what a listener offers a channel —
//! the certificate chain (subject, issuer, key, validity, and whether the key repository
//! trusts it), the protocol and suite negotiated, whether a client certificate is
//! requested (and from which CAs), the channel start's answer (StartAck, or the refusal
//! with its reason code), and which of the catalog's CipherSpecs the listener accepts for
//! that channel, each tried in its own handshake.
//!
//! The probe accepts any server certificate so it can show what it is given; it verifies
//! the handshake signatures, and judges the chain separately against the key repository.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{bail, Context};
use mqtls_channel::frame::{encode, ChannelStart, Frame};
use mqtls_channel::sni;
use mqtls_cipherspec::{CipherSpecName, CATALOG};
use mqtls_pki::{CertFacts, Crls, Entry, Keystore, Role, UnknownStatus};
use rustls::crypto::{ring, CryptoProvider};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName};
use rustls::sign::CertifiedKey;
use rustls::ClientConfig;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio::time::timeout;

use crate::probe_tls::{Asked, Recorder};

/// `mqtls probe`.
#[derive(clap::Args)]
pub(crate) struct ProbeArgs {
    /// The listener, HOST:PORT.
    address: String,
    /// The channel to name in the SNI and the channel start.
    #[arg(long)]
    channel: String,
    /// Take SSLCIPH, CERTLABL and SSLPEER from this channel's entry in a CCDT (JSON or binary).
    #[arg(long)]
    ccdt: Option<PathBuf>,
    /// The key repository (as MQSSLKEYR: a .p12 with its .sth, a stem, or a PEM directory):
    /// the CAs that judge the chain, and the client certificate.
    #[arg(long)]
    keystore: Option<String>,
    /// The client certificate's label (else the CCDT entry's CERTLABL; else none is sent).
    #[arg(long)]
    label: Option<String>,
    /// Seconds allowed for each connection.
    #[arg(long, default_value_t = 10)]
    timeout: u64,
    /// Speak IBM MQ's own first exchange (TSH + initial data) after the handshake, for a
    /// real IBM MQ listener: its queue manager name and FAP level, or its STATUS code.
    #[arg(long)]
    mq: bool,
}

/// What one handshake showed.
#[derive(Default)]
struct Seen {
    chain: Vec<Vec<u8>>,
    requested: Option<Vec<String>>,
}

/// The channel's TLS settings: SSLCIPH, CERTLABL, SSLPEER.
struct Settings {
    cipher_spec: String,
    label: Option<String>,
    peer: String,
}

/// Runs the probe; 0 when the channel started, 10 when TLS worked but the start was
/// refused, 20 when no handshake completed.
pub(crate) fn run(args: ProbeArgs) -> anyhow::Result<u8> {
    let settings = settings(&args)?;
    let keystore = match &args.keystore {
        Some(k) => Some(mqtls_client::open_key_repository(k)?),
        None => None,
    };
    let key = match (&settings.label, &keystore) {
        (Some(label), Some(ks)) => Some(certified(ks, label)?),
        (Some(label), None) => bail!("--label {label} needs --keystore"),
        _ => None,
    };
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(probe(&args, &settings, keystore.as_ref(), key))
}

fn settings(args: &ProbeArgs) -> anyhow::Result<Settings> {
    let Some(path) = &args.ccdt else {
        return Ok(Settings { cipher_spec: "ANY".into(), label: args.label.clone(), peer: String::new() });
    };
    let (channels, _) = mqtls_client::load_ccdt(path, true)?;
    let entry = channels
        .into_iter()
        .find(|c| c.name == args.channel)
        .with_context(|| format!("{} has no channel {}", path.display(), args.channel))?;
    let label = args.label.clone().or_else(|| Some(entry.cert_label.clone()).filter(|l| !l.is_empty()));
    let spec = if entry.cipher_spec.is_empty() { "ANY".to_owned() } else { entry.cipher_spec.clone() };
    Ok(Settings { cipher_spec: spec, label, peer: entry.peer_name })
}

/// The rustls signing key for a keystore label.
fn certified(ks: &Keystore, label: &str) -> anyhow::Result<Arc<CertifiedKey>> {
    let Entry::Personal { key, chain } = ks.get(label)? else {
        bail!("label {label} is a CA certificate, not a personal certificate with its key")
    };
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.clone()));
    let signer = ring::sign::any_supported_type(&key).context("the client key")?;
    let chain = chain.iter().map(|c| CertificateDer::from(c.clone())).collect();
    Ok(Arc::new(CertifiedKey::new(chain, signer)))
}

/// What a handshake's verifier and certificate resolver record.
type Recorded = (Arc<Mutex<Vec<Vec<u8>>>>, Arc<Mutex<Option<Vec<String>>>>);

/// A client configuration offering `spec`'s suites, recording what the server shows.
fn config(spec: &str, key: Option<Arc<CertifiedKey>>) -> anyhow::Result<(Arc<ClientConfig>, Recorded)> {
    let (suites, versions) = mqtls_channel::config::suites("probe", &CipherSpecName::new(spec))?;
    let provider = Arc::new(CryptoProvider { cipher_suites: suites, ..ring::default_provider() });
    let seen = Arc::new(Mutex::new(Vec::new()));
    let requested = Arc::new(Mutex::new(None));
    let verifier = Arc::new(Recorder { seen: seen.clone(), provider: provider.clone() });
    let mut config = ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(&versions)?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_client_cert_resolver(Arc::new(Asked { requested: requested.clone(), key }));
    // SSLKEYLOGFILE, when set, receives the session secrets: for Wireshark, as curl and
    // browsers do; nothing is written otherwise.
    config.key_log = Arc::new(rustls::KeyLogFile::new());
    Ok((Arc::new(config), (seen, requested)))
}

type Tls = tokio_rustls::client::TlsStream<TcpStream>;

/// One handshake offering `spec`: the stream, or why it failed.
async fn handshake(
    args: &ProbeArgs,
    spec: &str,
    key: Option<Arc<CertifiedKey>>,
) -> anyhow::Result<(Tls, Seen)> {
    let (config, (seen, requested)) = config(spec, key)?;
    let name = ServerName::try_from(sni::encode(&args.channel))?;
    let attempt = async {
        let sock = TcpStream::connect(&args.address)
            .await
            .with_context(|| format!("connecting to {}", args.address))?;
        anyhow::Ok(tokio_rustls::TlsConnector::from(config).connect(name, sock).await?)
    };
    let tls = timeout(Duration::from_secs(args.timeout), attempt).await.context("timed out")??;
    let chain = seen.lock().expect("probe lock").clone();
    let requested = requested.lock().expect("probe lock").clone();
    Ok((tls, Seen { chain, requested }))
}

async fn probe(
    args: &ProbeArgs,
    settings: &Settings,
    ks: Option<&Keystore>,
    key: Option<Arc<CertifiedKey>>,
) -> anyhow::Result<u8> {
    println!(
        "Probing {} for channel {} (SNI {}), offering {}.",
        args.address,
        args.channel,
        sni::encode(&args.channel),
        settings.cipher_spec
    );
    let (mut tls, seen) = match handshake(args, &settings.cipher_spec, key.clone()).await {
        Ok(done) => done,
        Err(e) => {
            println!("No TLS handshake: {e:#}");
            return Ok(20);
        }
    };
    let (_, conn) = tls.get_ref();
    let suite = conn.negotiated_cipher_suite().map(|s| u16::from(s.suite()));
    let spec = suite.and_then(|s| mqtls_cipherspec::find_suite(mqtls_cipherspec::SuiteId(s)));
    println!(
        "Negotiated {:?} {} (CipherSpec {}).",
        conn.protocol_version().unwrap_or(rustls::ProtocolVersion::Unknown(0)),
        conn.negotiated_cipher_suite().and_then(|s| s.suite().as_str()).unwrap_or("?"),
        spec.map_or("?", |s| s.name)
    );
    let trusted = print_chain(&seen.chain, ks, &settings.peer);
    match &seen.requested {
        None => println!(
            "Client certificate: not requested (the channel has SSLCAUTH(OPTIONAL) or is not mutual)."
        ),
        Some(cas) => println!(
            "Client certificate: requested{}; {}.",
            if cas.is_empty() { String::new() } else { format!(" from {}", cas.join(" | ")) },
            if key.is_some() { "sent" } else { "none sent (give --keystore and --label)" }
        ),
    }
    let started = if args.mq {
        crate::probe_mq::first_exchange(&mut tls, &args.channel, Duration::from_secs(args.timeout)).await
    } else {
        channel_start(&mut tls, args).await
    };
    println!("\nCipherSpecs the listener accepts for {} (one handshake each):", args.channel);
    let mut tried = std::collections::HashSet::new();
    for spec in CATALOG.iter().filter(|s| s.is_supported()) {
        if !tried.insert(spec.suite.0) {
            continue;
        }
        let verdict = match handshake(args, spec.name, key.clone()).await {
            Ok((tls, _)) => match refused_after(tls).await {
                None => "accepted".to_owned(),
                Some(why) => format!("refused after the handshake ({why})"),
            },
            Err(e) => format!("refused ({})", e.root_cause()),
        };
        println!(
            "  {:<34} {:<7} {:<4} {verdict}",
            spec.name,
            spec.protocol.secprot(),
            format!("{:?}", spec.key_type)
        );
    }
    if !trusted {
        println!(
            "\nA client with this key repository and SSLPEER would refuse this queue manager (exit 10)."
        );
    }
    Ok(if started && trusted { 0 } else { 10 })
}

/// In TLS 1.3 the server judges the client's certificate after the client's Finished: its
/// refusal is an alert on the first read. Waits briefly for one; `None` when the listener
/// stays silent (it waits for the channel start: accepted).
async fn refused_after(mut tls: Tls) -> Option<String> {
    use tokio::io::AsyncReadExt;
    let mut byte = [0u8; 1];
    match timeout(Duration::from_millis(300), tls.read(&mut byte)).await {
        Ok(Err(e)) => Some(e.to_string()),
        Ok(Ok(0)) => Some("the listener closed the connection".into()),
        Ok(Ok(_)) | Err(_) => None,
    }
}

/// mqtls's channel start on `tls`, printing the answer; whether it was accepted.
async fn channel_start(tls: &mut Tls, args: &ProbeArgs) -> bool {
    let start = ChannelStart::client(&args.channel, mqtls_client::login_user());
    let answer = async {
        tls.write_all(&encode(&Frame::ChannelStart(start))).await?;
        tls.flush().await?;
        let mut buf = Vec::new();
        mqtls_client::read_frame(tls, &mut buf, 65_536).await.map_err(anyhow::Error::msg)
    };
    match timeout(Duration::from_secs(args.timeout), answer).await {
        Ok(Ok(Frame::StartAck { max_msg_len, sharecnv, heartbeat })) => {
            println!(
                "Channel start: accepted, MAXMSGL({max_msg_len}) SHARECNV({sharecnv}) HBINT({heartbeat})."
            );
            let _ = tls.write_all(&encode(&Frame::Close { reason: 0 })).await;
            let _ = tls.shutdown().await; // close_notify: a normal end, nothing alarming logged
            true
        }
        Ok(Ok(Frame::Refuse { reason, text })) => {
            println!("Channel start: refused with reason {reason}: {text}");
            false
        }
        Ok(Ok(other)) => {
            println!("Channel start: unexpected answer {other:?}");
            false
        }
        Ok(Err(e)) => {
            println!("Channel start: the connection ended ({e:#}); a TLS 1.3 listener refuses a client certificate here.");
            false
        }
        Err(_) => {
            println!("Channel start: no answer within {}s.", args.timeout);
            false
        }
    }
}

/// Each certificate of the chain: subject, issuer, key, validity; then whether the key
/// repository trusts the chain and whether SSLPEER matches; false when either fails (a
/// real client would refuse this queue manager).
fn print_chain(chain: &[Vec<u8>], ks: Option<&Keystore>, peer: &str) -> bool {
    let mut good = true;
    let now =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
    let n = chain.len();
    println!("Certificate chain ({n} certificate{}):", if n == 1 { "" } else { "s" });
    for (i, der) in chain.iter().enumerate() {
        match CertFacts::from_der(der) {
            Ok(f) => println!(
                "  {i}: subject {}\n     issuer  {}\n     key {:?}, {} days left{}",
                f.names.subject,
                f.names.issuer,
                f.key,
                f.days_left(now),
                if f.days_left(now) < 0 { " (EXPIRED)" } else { "" }
            ),
            Err(e) => println!("  {i}: unreadable: {e}"),
        }
    }
    match ks {
        None => println!("Trust: not judged (no --keystore)."),
        Some(ks) => {
            let anchors: Vec<&[u8]> = ks.trusted();
            match mqtls_pki::validate(
                chain,
                &anchors,
                Role::Server,
                now,
                &Crls::default(),
                UnknownStatus::Allow,
            ) {
                Ok(_) => println!("Trust: the chain is valid to a CA of the key repository."),
                Err(e) => {
                    good = false;
                    println!("Trust: NOT trusted by the key repository: {e}");
                }
            }
        }
    }
    if !peer.is_empty() {
        let subject = chain.first().and_then(|c| mqtls_dn::CertNames::from_der(c).ok());
        match (mqtls_dn::PeerFilter::parse(peer), subject) {
            (Ok(filter), Some(names)) => match filter.first_mismatch(&names.peer_with_serial()) {
                None => println!("SSLPEER('{peer}'): matches."),
                Some(part) => {
                    good = false;
                    println!("SSLPEER('{peer}'): does NOT match (first difference: {part}).");
                }
            },
            (Err(e), _) => {
                good = false;
                println!("SSLPEER('{peer}'): not a valid filter: {e}");
            }
            (_, None) => {
                good = false;
                println!("SSLPEER('{peer}'): no certificate to match.");
            }
        }
    }
    good
}
