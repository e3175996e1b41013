//! Two real queue managers (`mqtls qmgr start`, each its own process and home) joined by a
//! TLS sender / receiver channel; 10,000 persistent messages flow from QM1 to QM2 while
//! the test kills one or the other with `kill -9` at random moments and restarts it.
//! Afterwards every message is on QM2 exactly once.

use std::time::{Duration, Instant};

use mqtls_client::{
    Address, ClientChannel, ConnectOptions, Connection, GetOptions, Hconn, Message, OPEN_INPUT, OPEN_OUTPUT,
};
use mqtls_test_support::{ca_and_leaf, free_port, scratch};

use crate::mqtls_env;

const TOTAL: usize = 10_000;

const QM1: &str = "DEFINE QLOCAL(QM2) USAGE(XMITQ) TRIGGER MAXDEPTH(100000)
DEFINE CHANNEL(QM1.TO.QM2) CHLTYPE(SDR) CONNAME('127.0.0.1({port2})') XMITQ(QM2) SSLCIPH(ANY_TLS13) CERTLABL('qm1') SSLPEER('CN=qm2') SHORTRTY(1000) SHORTTMR(1)
DEFINE QREMOTE(TO.APP) RNAME(APP.IN) RQMNAME(QM2)
DEFINE CHANNEL(APP.SVRCONN) CHLTYPE(SVRCONN) MCAUSER('app')
DEFINE LISTENER(L1) TRPTYPE(TCP) PORT({port1}) IPADDR('127.0.0.1') CONTROL(QMGR)
SET AUTHREC OBJTYPE(QMGR) PRINCIPAL('app') AUTHADD(CONNECT)
SET AUTHREC PROFILE('**') OBJTYPE(QUEUE) PRINCIPAL('app') AUTHADD(ALLMQI)
";

const QM2: &str = "DEFINE QLOCAL(APP.IN) MAXDEPTH(100000)
DEFINE CHANNEL(QM1.TO.QM2) CHLTYPE(RCVR) SSLCIPH(ANY_TLS13) SSLCAUTH(REQUIRED) SSLPEER('CN=qm1') CERTLABL('qm2')
DEFINE CHANNEL(APP.SVRCONN) CHLTYPE(SVRCONN) MCAUSER('app')
DEFINE LISTENER(L1) TRPTYPE(TCP) PORT({port2}) IPADDR('127.0.0.1') CONTROL(QMGR)
SET AUTHREC OBJTYPE(QMGR) PRINCIPAL('app') AUTHADD(CONNECT)
SET AUTHREC PROFILE('**') OBJTYPE(QUEUE) PRINCIPAL('app') AUTHADD(ALLMQI)
";

struct Pair {
    home: String,
}

impl Pair {
    fn mqtls(&self, args: &[&str], stdin: &str) -> (i32, String, String) {
        mqtls_env(args, stdin, &[("MQTLS_HOME", self.home.as_str())])
    }

    fn ok(&self, args: &[&str], stdin: &str) -> String {
        let (code, out, err) = self.mqtls(args, stdin);
        assert_eq!(code, 0, "mqtls {args:?}: {out}{err}");
        out
    }

    fn pid(&self, qm: &str) -> String {
        std::fs::read_to_string(format!("{}/qmgrs/{qm}/qmgr.pid", self.home)).unwrap().trim().to_owned()
    }

    /// `kill -9`, then waits until the process is gone (or a zombie, its files closed).
    fn kill(&self, qm: &str) {
        let pid = self.pid(qm);
        assert!(std::process::Command::new("kill").args(["-9", &pid]).status().unwrap().success());
        let dead =
            || std::fs::read_to_string(format!("/proc/{pid}/status")).map_or(true, |s| s.contains("zombie"));
        let killed = Instant::now();
        // A multi-threaded process shows as a zombie when its first thread has exited; its
        // files (the admin socket) close with the last one.
        let socket = format!("{}/qmgrs/{qm}/admin.sock", self.home);
        while !dead() || std::os::unix::net::UnixStream::connect(&socket).is_ok() {
            assert!(killed.elapsed() < Duration::from_secs(10), "kill -9 {qm} took effect within 10s");
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    fn depth(&self, qm: &str, queue: &str) -> usize {
        let out = self.ok(&["mqsc", qm], &format!("DISPLAY QLOCAL({queue}) CURDEPTH\n"));
        let at = out.find("CURDEPTH(").expect(&out) + 9;
        out[at..].split(')').next().unwrap().parse().unwrap()
    }
}

impl Drop for Pair {
    fn drop(&mut self) {
        for qm in ["QM1", "QM2"] {
            let _ = self.mqtls(&["qmgr", "stop", qm], "");
        }
    }
}

/// Replaces the queue manager's keystore content with the test PKI: its leaf under its
/// own label and the CA both trust.
fn install_pki(pair: &Pair, pki: &std::path::Path, qm: &str, leaf: &str) {
    let ks = format!("{}/qmgrs/{qm}/ssl/key.p12", pair.home);
    let stash = format!("{}/qmgrs/{qm}/ssl/key.sth", pair.home);
    let bundle = pki.join(format!("{leaf}-bundle.pem"));
    let pem = [
        std::fs::read(pki.join(format!("{leaf}.key"))).unwrap(),
        std::fs::read(pki.join(format!("{leaf}.pem"))).unwrap(),
    ]
    .concat();
    std::fs::write(&bundle, pem).unwrap();
    pair.ok(&["keystore", "import", &ks, leaf, &bundle.display().to_string(), "--stash", &stash], "");
    pair.ok(
        &["keystore", "add-ca", &ks, "ca", &pki.join("ca.pem").display().to_string(), "--stash", &stash],
        "",
    );
}

async fn client(port: u16, qm: &str, queue: &str) -> (Hconn, mqtls_client::Hobj) {
    let address = Address { host: "127.0.0.1".into(), port: Some(port) };
    let conn = Connection::open(&ClientChannel::new("APP.SVRCONN"), &address, &ConnectOptions::default())
        .await
        .unwrap();
    let mut h = Hconn::connect(conn, qm).await.unwrap();
    let q = h.open(queue, OPEN_INPUT | OPEN_OUTPUT).await.unwrap();
    (h, q)
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

#[test]
fn ten_thousand_persistent_messages_survive_kill_9_of_either_queue_manager_none_lost_none_doubled() {
    let dir = scratch("q2q-kill9");
    let pki = dir.join("pki");
    std::fs::create_dir_all(&pki).unwrap();
    ca_and_leaf(&pki, "qm1", "ec");
    ca_and_leaf(&pki, "qm2", "ec");
    let pair = Pair { home: dir.join("home").display().to_string() };
    let (port1, port2) = (free_port(), free_port());
    for (qm, ini, leaf) in [("QM1", QM1, "qm1"), ("QM2", QM2, "qm2")] {
        let file = dir.join(format!("{qm}.mqsc"));
        std::fs::write(
            &file,
            ini.replace("{port1}", &port1.to_string()).replace("{port2}", &port2.to_string()),
        )
        .unwrap();
        pair.ok(&["qmgr", "create", qm, "--ini-mqsc", &file.display().to_string()], "");
        install_pki(&pair, &pki, qm, leaf);
    }
    pair.ok(&["qmgr", "start", "QM2"], "");
    pair.ok(&["qmgr", "start", "QM1"], "");
    // Loaded first with the channel stopped, so the kills below fall while they flow.
    pair.ok(&["mqsc", "QM1"], "STOP CHANNEL(QM1.TO.QM2)\n");
    runtime().block_on(async {
        let address = Address { host: "127.0.0.1".into(), port: Some(port1) };
        let chl = ClientChannel::new("APP.SVRCONN");
        let conn = Connection::open(&chl, &address, &ConnectOptions::default()).await.unwrap();
        let mut h = Hconn::connect(conn, "QM1").await.unwrap();
        let q = h.open("TO.APP", OPEN_OUTPUT).await.unwrap();
        for chunk in (0..TOTAL).collect::<Vec<_>>().chunks(500) {
            let msgs =
                chunk.iter().map(|i| Message { persistent: true, ..Message::text(&format!("{i:05}")) });
            h.put_many(&q, msgs.collect::<Vec<_>>(), true).await.unwrap();
            h.commit().await.unwrap();
        }
        h.disconnect().await.unwrap();
    });
    assert_eq!(pair.depth("QM1", "QM2"), TOTAL);
    pair.ok(&["mqsc", "QM1"], "START CHANNEL(QM1.TO.QM2)\n");

    let mut seed =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64 | 1;
    println!("kill schedule seed {seed}");
    let mut next = move |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    let mut kills = Vec::new();
    for _ in 0..8 {
        std::thread::sleep(Duration::from_millis(50 + next(250)));
        let arrived = pair.depth("QM2", "APP.IN");
        if arrived == TOTAL {
            break;
        }
        let victim = if next(2) == 0 { "QM1" } else { "QM2" };
        pair.kill(victim);
        kills.push(format!("{victim} at {arrived}"));
        pair.ok(&["qmgr", "start", victim], "");
    }
    println!("killed with -9: {}", kills.join(", "));
    let started = Instant::now();
    while pair.depth("QM2", "APP.IN") < TOTAL || pair.depth("QM1", "QM2") > 0 {
        assert!(
            started.elapsed() < Duration::from_secs(180),
            "delivered within 3 minutes: {} on QM2",
            pair.depth("QM2", "APP.IN")
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    // An empty transmission queue also means no batch is in doubt: a batch in doubt
    // holds its messages there (CURDEPTH counts them) until it is resolved.
    let got: Vec<usize> = runtime().block_on(async {
        let (mut h, q) = client(port2, "QM2", "APP.IN").await;
        let mut got = Vec::new();
        let take = GetOptions { syncpoint: true, ..GetOptions::default() };
        while let Some(m) = h.get(&q, take).await.unwrap() {
            got.push(std::str::from_utf8(&m.payload).unwrap().parse().unwrap());
            if got.len() % 500 == 0 {
                h.commit().await.unwrap();
            }
        }
        h.commit().await.unwrap();
        got
    });
    let mut sorted = got.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted.len(), got.len(), "{} messages delivered twice", got.len() - sorted.len());
    assert_eq!(sorted, (0..TOTAL).collect::<Vec<_>>(), "every message once");
}
