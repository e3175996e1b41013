//! `mqtls demo`: the example configuration loaded into an in-memory queue manager, then
//! served by a real TLS listener on loopback, with a client that finds its channel in the
//! example CCDT and puts and gets messages, and an intruder SSLPEER turns away.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{bail, Context};
use mqtls_ccdt::{read_json, select, Mode, Seeds};
use mqtls_client::{
    Address, ClientError, ConnectOptions, Connection, GetOptions, Hconn, Message, OPEN_INPUT, OPEN_OUTPUT,
};
use mqtls_model::Store;
use mqtls_mqsc::{layout, script};
use mqtls_pki::{CertAuthority, Entry, KeySpec, Keystore};
use mqtls_qmgr::{serve, Limits, QueueManager};
use tokio::net::TcpListener;

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

/// Serves QM1 on a loopback port; app1 puts and gets messages through the CCDT's channel,
/// then an intruder is refused.
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
    let here = Address { host: "127.0.0.1".into(), port: Some(port) };
    let options = |cn: &str| -> anyhow::Result<ConnectOptions> {
        Ok(ConnectOptions {
            user: cn.into(),
            keystore: Some(keystore(&chl.cert_label, cn)?),
            ..ConnectOptions::default()
        })
    };

    println!("\n$ client app1 (certificate CN=app1,O=mqtls demo) connects:");
    let connection = Connection::open(chl, &here, &options("app1")?).await?;
    let n = connection.negotiated().clone();
    println!(
        "  queue manager certificate {} matches SSLPEER('{}')",
        n.peer.unwrap_or_default(),
        chl.peer_name
    );
    println!(
        "  channel started: {} {}, MAXMSGL({}) SHARECNV({}) HBINT({})",
        n.protocol.unwrap_or_default(),
        n.suite.unwrap_or_default(),
        n.max_msg_len,
        n.sharecnv,
        n.heartbeat
    );
    let mut hconn = Hconn::connect(connection, "QM1").await?;
    let q = hconn.open("APP.REQUEST", OPEN_INPUT | OPEN_OUTPUT).await?;
    for body in ["order 1: 12 widgets", "order 2: 3 gadgets", "order 3: 1 sprocket"] {
        hconn.put(&q, Message { persistent: true, ..Message::text(body) }, true).await?;
    }
    hconn.commit().await?;
    println!(
        "  put 3 persistent messages on APP.REQUEST in one unit of work, committed; CURDEPTH({})",
        hconn.depth(&q).await?
    );
    while let Some(m) = hconn.get(&q, GetOptions::default()).await? {
        println!("  got <{}> (UserIdentifier '{}')", String::from_utf8_lossy(&m.payload), m.user_id);
    }
    for row in qm.status.matching("*") {
        println!("\nDISPLAY CHSTATUS(*) ALL");
        for line in layout("AMQ8417I: Display Channel Status details.", &row.items()) {
            println!("{line}");
        }
    }
    hconn.disconnect().await?;
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    println!(
        "\nThe client disconnected; DISPLAY CHSTATUS(*) now finds {} instances.",
        qm.status.matching("*").len()
    );

    println!("\n$ client intruder (certificate CN=intruder,O=mqtls demo, same CA) connects:");
    match Connection::open(chl, &here, &options("intruder")?).await {
        Err(ClientError::Refused { reason, text, .. }) => println!("  refused, reason {reason}: {text}"),
        Err(e) => return Err(e.into()),
        Ok(_) => bail!("the intruder was admitted"),
    }
    Ok(())
}
