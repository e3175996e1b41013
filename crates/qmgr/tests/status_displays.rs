//! What a running queue manager says about what runs: DISPLAY QMSTATUS, LSSTATUS and
//! CONN, and STOP CONN ending one application's connection (IBM MQ "DISPLAY QMSTATUS on
//! Multiplatforms", "DISPLAY LSSTATUS on Multiplatforms", "DISPLAY CONN", "STOP CONN").

mod common;

use mqtls_client::{Address, ClientChannel, ConnectOptions, Connection, Hconn, Message, OPEN_OUTPUT};
use mqtls_qmgr::{Limits, QueueManager};

const MQSC: &str = "
DEFINE CHANNEL(PLAIN.SVRCONN) CHLTYPE(SVRCONN) MCAUSER('appuser')
DEFINE QLOCAL(APP.Q)
DEFINE LISTENER(L1) TRPTYPE(TCP) PORT(0) IPADDR('127.0.0.1') DESCR('side door')
SET AUTHREC OBJTYPE(QMGR) PRINCIPAL('appuser') AUTHADD(CONNECT)
SET AUTHREC PROFILE('**') OBJTYPE(QUEUE) PRINCIPAL('appuser') AUTHADD(ALLMQI)
";

async fn client(port: u16) -> Hconn {
    let mut c = ClientChannel::new("PLAIN.SVRCONN");
    c.connections = vec![Address { host: "127.0.0.1".into(), port: Some(port) }];
    let conn = Connection::open(&c, &c.connections[0], &ConnectOptions::default()).await.unwrap();
    Hconn::connect(conn, "QM1").await.unwrap()
}

#[tokio::test]
async fn status_displays_show_the_queue_manager_its_listeners_and_connections() {
    let store = common::definitions(MQSC);
    let qm = QueueManager::new(store, mqtls_pki::Keystore::new(), Limits::default());
    let (port, qm) = common::serve(qm).await;
    let run = |script: &str| mqtls_qmgr::run_mqsc(&qm, script);

    let (code, out) = run("DISPLAY QMSTATUS\n");
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("AMQ8705I") && out.contains("QMNAME(QM1)") && out.contains("STATUS(RUNNING)"),
        "{out}"
    );
    assert!(out.contains("CONNS(0)"), "{out}");

    // A listener started by START LISTENER is in LSSTATUS until STOP LISTENER.
    let (code, out) = run("START LISTENER(L1)\nDISPLAY LSSTATUS(*) PORT STATUS DESCR\n");
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("LISTENER(L1)") && out.contains("STATUS(RUNNING)"), "{out}");
    assert!(out.contains("DESCR(side door)") && !out.contains("STARTDA("), "selected only: {out}");
    let (_, out) = run("STOP LISTENER(L1)\nDISPLAY LSSTATUS(L1)\n");
    assert!(out.contains("No running listener matches LSSTATUS(L1)."), "{out}");

    // One application with a queue open and a unit of work.
    let mut h = client(port).await;
    let q = h.open("APP.Q", OPEN_OUTPUT).await.unwrap();
    h.put(&q, Message::text("held"), true).await.unwrap();
    let (_, out) = run("DISPLAY QMSTATUS CONNS\nDISPLAY CHSTATUS(PLAIN.SVRCONN) RAPPLTAG CURSHCNV\n");
    // APPLTAG is the program's file name (this test binary) when MQAPPLNAME is not set.
    assert!(out.contains("CONNS(1)") && out.contains("RAPPLTAG(status_displays"), "{out}");
    assert!(out.contains("CURSHCNV(1)"), "one conversation on the instance: {out}");
    let second = Hconn::connect(h.connection().clone(), "QM1").await.unwrap();
    let (_, out) = run("DISPLAY CHSTATUS(PLAIN.SVRCONN) CURSHCNV\n");
    assert!(out.contains("CURSHCNV(2)"), "a second conversation shares the instance: {out}");
    // WHERE on status rows (IBM MQ "DISPLAY CHSTATUS" WHERE): numbers compare as numbers.
    let (_, out) = run("DISPLAY CHSTATUS(*) WHERE(CURSHCNV GT 1)\n");
    assert!(out.contains("CHANNEL(PLAIN.SVRCONN)") && out.contains("CURSHCNV(2)"), "{out}");
    let (_, out) = run("DISPLAY CHSTATUS(*) WHERE(STATUS EQ RETRYING)\n");
    assert!(out.contains("AMQ8420I") && !out.contains("CHANNEL(PLAIN"), "no row passes: {out}");
    second.disconnect().await.unwrap();
    let (_, out) = run("DISPLAY LSSTATUS(*) WHERE(PORT EQ 1)\nDISPLAY CONN(*) WHERE(USERID EQ nobody)\n");
    assert!(out.contains("No running listener matches") && out.contains("No connection matches"), "{out}");
    let (_, out) = run("DISPLAY CONN(*) TYPE(HANDLE) WHERE(OBJNAME EQ APP.Q)\n");
    assert!(out.contains("OBJNAME(APP.Q)"), "a handle attribute chooses handles: {out}");
    let (_, out) = run("DISPLAY CONN(*) TYPE(HANDLE) WHERE(OBJNAME EQ OTHER.Q)\n");
    assert!(out.contains("No connection matches CONN(*)."), "{out}");
    let (code, out) = run("DISPLAY CONN(*) TYPE(ALL) ALL\n");
    assert_eq!(code, 0, "{out}");
    for item in [
        "APPLTAG(status_displays",
        "CHANNEL(PLAIN.SVRCONN)",
        "USERID(appuser)",
        "UOWSTATE(ACTIVE)",
        "OBJNAME(APP.Q)",
        "OPENOPTS(MQOO_OUTPUT)",
    ] {
        assert!(out.contains(item), "{item}: {out}");
    }
    let at = out.find("   CONN(").expect(&out) + 8;
    let id = out[at..at + 16].to_owned();
    let (_, out) = run("DISPLAY CONN(*)\n");
    assert!(out.contains(&format!("CONN({id})")) && !out.contains("USERID"), "identifiers only: {out}");

    // STOP CONN ends it: the unit of work is backed out, the application gets 2009.
    let (code, out) = run(&format!("STOP CONN({id})\n"));
    assert_eq!(code, 0, "{out}");
    let err = h.put(&q, Message::text("after"), false).await.unwrap_err();
    assert_eq!(err.reason(), 2009, "{err}");
    let (_, out) = run("DISPLAY CONN(*)\nDISPLAY QLOCAL(APP.Q) CURDEPTH\n");
    assert!(out.contains("No connection matches CONN(*).") && out.contains("CURDEPTH(0)"), "{out}");
    let (code, out) = run(&format!("STOP CONN({id})\n"));
    assert_eq!(code, 20, "{out}");
    assert!(out.contains("DISPLAY CONN(*) lists them"), "{out}");
}
