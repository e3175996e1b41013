//! `mqtls demo`: the example configuration loaded into an in-memory queue manager, then
//! served by a real TLS listener on loopback, with a client that finds its channel in the
//! example CCDT, and an intruder SSLPEER turns away.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{bail, Context};
use mqtls_ccdt::{read_json, select, to_object, Mode, Seeds};
use mqtls_channel::config::client_config;
use mqtls_channel::frame::{encode, ChannelStart, Frame};
use mqtls_channel::sni;
use mqtls_dn::{CertNames, PeerFilter};
use mqtls_model::{Channel, Store};
use mqtls_mqsc::{layout, script};
use mqtls_pki::{CertAuthority, Entry, KeySpec, Keystore};
use mqtls_qmgr::{read_frame, serve, Limits, QueueManager};
use rustls::pki_types::ServerName;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::mqsc::now;

/// The demo configuration, embedded so the demo needs no files.
const DEMO_MQSC: &str = include_str!("../../../mqsc/demo-qm1.mqsc");
/// The demo client channel table.
const DEMO_CCDT: &str = include_str!("../../../ccdt/demo-qm1.json");
const ORG: &str = "mqtls demo";

pub(crate) fn run() -> anyhow::Result<u8> {
    let stamp = now();
    let mut store = Store::new("QM1", stamp.clone())?;
    println!("mqtls demo: loading mqsc/demo-qm1.mqsc into an in-memory queue manager QM1.\n");
    let entries = script::run(DEMO_MQSC, &mut store, &stamp);
    print!("{}", script::report(DEMO_MQSC, &entries, true));
    let code = script::exit_code(&entries) as u8;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(live(store))?;
    Ok(code)
}

/// Serves QM1 on a loopback port and connects two clients to it.
async fn live(store: Store) -> anyhow::Result<()> {
    let secs = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs() as i64;
    println!(
        "\nA one-day demo PKI, made in memory: CN=mqtls demo CA issues QM1, app1 and intruder (EC P-256)."
    );
    let ca = CertAuthority::new(KeySpec::EcP256, "mqtls demo CA", ORG, secs, 1)?;
    let keystore = |label: &str, cn: &str| -> anyhow::Result<Keystore> {
        let mut ks = Keystore::new();
        ks.add(label, ca.issue(KeySpec::EcP256, cn, ORG, &["127.0.0.1".into()], secs, 1)?)?;
        ks.add("ca", Entry::Trusted { cert: ca.certificate().to_vec() })?;
        Ok(ks)
    };
    let qm = Arc::new(QueueManager::new(store, keystore("qm1", "QM1")?, Limits::default()));
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let port = listener.local_addr()?.port();
    tokio::spawn(serve(listener, qm.clone()));

    let table = read_json(DEMO_CCDT, Mode::Strict).context("ccdt/demo-qm1.json")?;
    let selection = select(&table.channels, "QM1", Seeds { host: 0, connection: 0 })?;
    let Some(entry) = selection.candidates.first() else {
        bail!("ccdt/demo-qm1.json has no channel for QM1")
    };
    let chl = entry.channel;
    let address = entry.address.map_or_else(|| "?".to_owned(), ToString::to_string);
    println!("ccdt/demo-qm1.json resolves QM1 to CLNTCONN {} at {address}; QM1 listens on 127.0.0.1({port}) for the demo.", chl.name);
    let object = to_object(chl)?;
    let channel = Channel::new(&object).context("a CLNTCONN channel")?;

    println!("\n$ client app1 (certificate CN=app1,O=mqtls demo) connects:");
    let ks = keystore(&chl.cert_label, "app1")?;
    let config = client_config(&channel, Some(&chl.cert_label), &ks)?;
    let (reply, server, mut tls) = connect(config, port, &chl.name).await?;
    check_peer(&chl.peer_name, &server)?;
    println!("  queue manager certificate {} matches SSLPEER('{}')", server.subject, chl.peer_name);
    println!("  {}", describe(&reply));
    for row in qm.status.matching("*") {
        println!("\nDISPLAY CHSTATUS(*) ALL");
        for line in layout("AMQ8417I: Display Channel Status details.", &row.items()) {
            println!("{line}");
        }
    }
    tls.write_all(&encode(&Frame::Close { reason: 0 })).await?;
    let mut rest = Vec::new();
    let _ = tls.read_to_end(&mut rest).await;
    println!(
        "\nThe client closed the channel; DISPLAY CHSTATUS(*) now finds {} instances.",
        qm.status.matching("*").len()
    );

    println!("\n$ client intruder (certificate CN=intruder,O=mqtls demo, same CA) connects:");
    let ks = keystore(&chl.cert_label, "intruder")?;
    let config = client_config(&channel, Some(&chl.cert_label), &ks)?;
    let (reply, _, _) = connect(config, port, &chl.name).await?;
    println!("  {}", describe(&reply));
    Ok(())
}

type Tls = tokio_rustls::client::TlsStream<TcpStream>;

/// Connects with the channel name in the SNI, sends the channel start and returns the
/// listener's answer and the queue manager's certificate names.
async fn connect(
    config: Arc<rustls::ClientConfig>,
    port: u16,
    channel: &str,
) -> anyhow::Result<(Frame, CertNames, Tls)> {
    let sock = TcpStream::connect(("127.0.0.1", port)).await?;
    let name = ServerName::try_from(sni::encode(channel))?;
    let mut tls = tokio_rustls::TlsConnector::from(config).connect(name, sock).await?;
    let (_, conn) = tls.get_ref();
    let leaf =
        conn.peer_certificates().and_then(|c| c.first()).context("the queue manager sent no certificate")?;
    let names = CertNames::from_der(leaf)?;
    let start = ChannelStart {
        channel: channel.to_owned(),
        chltype: 6,
        qmgr: String::new(),
        user: "app1".into(),
        max_msg_len: 4 * 1024 * 1024,
        sharecnv: 10,
        heartbeat: 30,
    };
    tls.write_all(&encode(&Frame::ChannelStart(start))).await?;
    let mut buf = Vec::new();
    let reply = read_frame(&mut tls, &mut buf, 65_536).await.map_err(anyhow::Error::msg)?;
    Ok((reply, names, tls))
}

/// The client's own SSLPEER check of the queue manager (the CCDT's certificatePeerName).
fn check_peer(filter: &str, server: &CertNames) -> anyhow::Result<()> {
    if filter.is_empty() {
        return Ok(());
    }
    let filter = PeerFilter::parse(filter)?;
    if !filter.matches(&server.subject) {
        bail!("the queue manager's certificate {} does not match SSLPEER", server.subject);
    }
    Ok(())
}

fn describe(reply: &Frame) -> String {
    match reply {
        Frame::StartAck { max_msg_len, sharecnv, heartbeat } => {
            format!("channel started: MAXMSGL({max_msg_len}) SHARECNV({sharecnv}) HBINT({heartbeat})")
        }
        Frame::Refuse { reason, text } => format!("refused, reason {reason}: {text}"),
        other => format!("unexpected answer: {other:?}"),
    }
}
