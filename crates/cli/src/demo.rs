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

use crate::local::now;

/// The demo configuration, embedded so the demo needs no files.
const DEMO_MQSC: &str = include_str!("../../../mqsc/demo-qm1.mqsc");
/// The partner queue manager's configuration.
const DEMO_QM2: &str = include_str!("../../../mqsc/demo-qm2.mqsc");
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
    let mut qm2 = Store::new("QM2", stamp.clone())?;
    let entries = script::run(DEMO_QM2, &mut qm2, &stamp);
    if script::exit_code(&entries) != 0 {
        bail!("mqsc/demo-qm2.mqsc: {}", script::report(DEMO_QM2, &entries, true));
    }
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(live(store, qm2))?;
    Ok(code)
}

/// Serves QM1 on a loopback port; app1 puts and gets messages through the CCDT's channel,
/// then an intruder is refused.
async fn live(store: Store, qm2: Store) -> anyhow::Result<()> {
    let secs = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs() as i64;
    println!(
        "\nA one-day demo PKI, made in memory: CN=mqtls demo CA issues QM1, QM2, app1 and intruder (EC P-256)."
    );
    let ca = CertAuthority::new(KeySpec::EcP256, "mqtls demo CA", ORG, secs, 1)?;
    let keystore = |labels: &[&str], cn: &str| -> anyhow::Result<Keystore> {
        let mut ks = Keystore::new();
        for label in labels {
            ks.add(label, ca.issue(KeySpec::EcP256, cn, ORG, &["127.0.0.1".into()], secs, 1)?)?;
        }
        ks.add("ca", Entry::Trusted { cert: ca.certificate().to_vec() })?;
        Ok(ks)
    };
    let qm = Arc::new(QueueManager::new(store, keystore(&["qm1", "qm1-ec"], "QM1")?, Limits::default()));
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
            keystore: Some(keystore(&[chl.cert_label.as_str()], cn)?),
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
    // The queue manager's log, where the reason goes (the intruder is told only the code).
    let log = {
        use tracing_subscriber::util::SubscriberInitExt;
        let level = tracing_subscriber::filter::LevelFilter::WARN;
        let fmt = tracing_subscriber::fmt().with_writer(std::io::stdout).with_ansi(false).without_time();
        fmt.with_target(false).with_max_level(level).finish().set_default()
    };
    println!("  QM1's log:");
    let refused = Connection::open(chl, &here, &options("intruder")?).await;
    drop(log);
    match refused {
        Err(ClientError::Refused { reason, text, .. }) => {
            println!("  the intruder is told: reason {reason}: {text}")
        }
        Err(e) => return Err(e.into()),
        Ok(_) => bail!("the intruder was admitted"),
    }
    to_qm2(&qm, qm2, keystore(&["qm2"], "QM2")?, options("app1")?, (chl, &here)).await
}

/// QM2 from mqsc/demo-qm2.mqsc; app1 puts orders on QM1's remote queue TO.QM2.ORDERS, the
/// triggered sender channel moves them over TLS, both ends show their status.
async fn to_qm2(
    qm1: &Arc<QueueManager>,
    store: Store,
    keystore: Keystore,
    options: ConnectOptions,
    (chl, here): (&mqtls_client::ClientChannel, &Address),
) -> anyhow::Result<()> {
    let qm2 = Arc::new(QueueManager::new(store, keystore, Limits::default()));
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let port2 = listener.local_addr()?.port();
    tokio::spawn(serve(listener, qm2.clone()));
    println!("\nQM2 (mqsc/demo-qm2.mqsc) listens on 127.0.0.1({port2}); on QM1, for the demo:");
    let alter = format!("ALTER CHANNEL(QM1.TO.QM2) CHLTYPE(SDR) CONNAME('127.0.0.1({port2})')\n");
    print!("  {alter}");
    let (code, report) = mqtls_qmgr::run_mqsc(qm1, &alter);
    if code != 0 {
        bail!("{report}");
    }
    qm1.start_channels();
    let mut hconn = Hconn::connect(Connection::open(chl, here, &options).await?, "QM1").await?;
    let q = hconn.open("TO.QM2.ORDERS", OPEN_OUTPUT).await?;
    for body in ["order 4: 7 widgets", "order 5: 2 gadgets", "order 6: 9 sprockets"] {
        hconn.put(&q, Message { persistent: true, ..Message::text(body) }, true).await?;
    }
    hconn.commit().await?;
    hconn.disconnect().await?;
    println!("$ app1 puts 3 persistent messages on QREMOTE TO.QM2.ORDERS; the transmission queue QM2 triggers QM1.TO.QM2");
    let orders = qm2.queues.store();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while orders.depth("ORDERS") - orders.uncommitted("ORDERS") < 3 {
        if std::time::Instant::now() > deadline {
            bail!("the orders did not reach QM2 within 10s");
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let wanted = [
        "CHANNEL", "CHLTYPE", "STATUS", "RQMNAME", "SECPROT", "SSLCIPH", "SSLPEER", "LSTSEQNO", "BATCHES",
        "INDOUBT",
    ];
    for (name, qm) in [("QM1", qm1), ("QM2", &qm2)] {
        for row in qm.status.matching("QM1.TO.QM2") {
            let items: Vec<_> =
                row.items().into_iter().filter(|(k, _)| wanted.contains(&k.as_str())).collect();
            println!("\n{name}: DISPLAY CHSTATUS(QM1.TO.QM2)");
            for line in layout("AMQ8417I: Display Channel Status details.", &items) {
                println!("{line}");
            }
        }
    }
    println!();
    while let Some(m) = orders.get("ORDERS", None, &mqtls_msgstore::Select::ANY)? {
        println!("QM2 ORDERS: <{}>", String::from_utf8_lossy(&m.payload));
    }
    Ok(())
}
