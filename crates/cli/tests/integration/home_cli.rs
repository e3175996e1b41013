//! Queue managers with a home: create, start in the background, definitions kept across
//! restarts, `kill -9` in the middle of a stream of persistent puts (nothing committed is
//! lost, nothing comes back twice), stop, list, delete.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use mqtls_client::{
    Address, ClientChannel, ConnectOptions, Connection, GetOptions, Hconn, Message, OPEN_INPUT, OPEN_OUTPUT,
};
use mqtls_test_support::scratch;

use crate::mqtls_env;

const INI: &str = "DEFINE QLOCAL(APP.Q) MAXDEPTH(100000)
DEFINE CHANNEL(APP.SVRCONN) CHLTYPE(SVRCONN) MCAUSER('app')
DEFINE LISTENER(L1) TRPTYPE(TCP) PORT(0) IPADDR('127.0.0.1') CONTROL(QMGR)
DEFINE CHANNEL(RSA.SVRCONN) CHLTYPE(SVRCONN) SSLCIPH(ECDHE_RSA_AES_128_GCM_SHA256)
SET AUTHREC OBJTYPE(QMGR) PRINCIPAL('app') AUTHADD(CONNECT)
SET AUTHREC PROFILE('APP.Q') OBJTYPE(QUEUE) PRINCIPAL('app') AUTHADD(PUT,GET)
";

struct Qm {
    home: String,
}

impl Qm {
    fn env(&self) -> Vec<(&str, &str)> {
        vec![("MQTLS_HOME", self.home.as_str())]
    }

    fn mqtls(&self, args: &[&str], stdin: &str) -> (i32, String, String) {
        mqtls_env(args, stdin, &self.env())
    }

    /// Starts QM1 in the background; the port its listener got.
    fn start(&self) -> u16 {
        let (code, out, err) = self.mqtls(&["qmgr", "start", "QM1"], "");
        assert_eq!(code, 0, "{out}{err}");
        assert!(out.contains("Queue manager QM1 started (pid "), "{out}");
        let at = out.find("LISTENER(L1) listening on 127.0.0.1:").expect(&out) + 36;
        out[at..].split('.').next().unwrap().parse().unwrap()
    }

    fn pid(&self) -> String {
        std::fs::read_to_string(format!("{}/qmgrs/QM1/qmgr.pid", self.home)).unwrap().trim().to_owned()
    }
}

impl Drop for Qm {
    fn drop(&mut self) {
        let _ = self.mqtls(&["qmgr", "stop", "QM1"], "");
    }
}

fn channel() -> ClientChannel {
    ClientChannel::new("APP.SVRCONN")
}

/// A client conversation to QM1 on `port`, with APP.Q open.
async fn client(port: u16) -> Result<(Hconn, mqtls_client::Hobj), mqtls_client::ClientError> {
    let address = Address { host: "127.0.0.1".into(), port: Some(port) };
    let conn = Connection::open(&channel(), &address, &ConnectOptions::default()).await?;
    let mut h = Hconn::connect(conn, "QM1").await?;
    let q = h.open("APP.Q", OPEN_INPUT | OPEN_OUTPUT).await?;
    Ok((h, q))
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

#[test]
fn a_queue_manager_keeps_its_definitions_and_committed_messages_through_kill_9() {
    let dir = scratch("home-kill9");
    let qm = Qm { home: dir.join("home").display().to_string() };
    std::fs::write(dir.join("ini.mqsc"), INI).unwrap();
    let ini = dir.join("ini.mqsc").display().to_string();
    let (code, out, err) = qm.mqtls(&["qmgr", "create", "QM1", "--ini-mqsc", &ini], "");
    assert_eq!(code, 0, "{out}{err}");
    let (code, _, err) = qm.mqtls(&["qmgr", "create", "QM1"], "");
    assert_eq!((code, err.trim()), (20, "mqtls: queue manager QM1 already exists"));

    let port = qm.start();
    let (code, out, _) = qm.mqtls(&["mqsc", "QM1"], "DEFINE QLOCAL(KEPT.Q) DESCR('made while running')\n");
    assert_eq!(code, 0, "{out}");

    // A stream of persistent puts, each acknowledged before the next; kill -9 mid-stream.
    let acked = Arc::new(AtomicU64::new(0));
    let counter = acked.clone();
    let putter = std::thread::spawn(move || {
        runtime().block_on(async {
            let (mut h, q) = client(port).await.unwrap();
            for i in 0u64.. {
                let message = Message { persistent: true, ..Message::text(&i.to_string()) };
                if h.put(&q, message, false).await.is_err() {
                    return;
                }
                counter.store(i + 1, Ordering::SeqCst);
            }
        })
    });
    let started = Instant::now();
    while acked.load(Ordering::SeqCst) < 300 {
        assert!(started.elapsed() < Duration::from_secs(60), "300 puts within a minute");
        std::thread::sleep(Duration::from_millis(5));
    }
    let pid = qm.pid();
    let status = std::process::Command::new("kill").args(["-9", &pid]).status().unwrap();
    assert!(status.success());
    // Gone (or a zombie, whose files are closed) before the restart opens the store.
    let dead =
        || std::fs::read_to_string(format!("/proc/{pid}/status")).map_or(true, |s| s.contains("zombie"));
    let killed = Instant::now();
    // A multi-threaded process shows as a zombie when its first thread has exited; its
    // files (the admin socket) close with the last one.
    let socket = format!("{}/qmgrs/QM1/admin.sock", qm.home);
    while !dead() || std::os::unix::net::UnixStream::connect(&socket).is_ok() {
        assert!(killed.elapsed() < Duration::from_secs(10), "kill -9 took effect within 10s");
        std::thread::sleep(Duration::from_millis(10));
    }
    putter.join().unwrap();
    let acked = acked.load(Ordering::SeqCst);

    let port = qm.start();
    let (_, out, _) = qm.mqsc_display();
    assert!(out.contains("QUEUE(KEPT.Q)") && out.contains("DESCR(made while running)"), "{out}");
    let got: Vec<u64> = runtime().block_on(async {
        let (mut h, q) = client(port).await.unwrap();
        let mut got = Vec::new();
        while let Some(m) = h.get(&q, GetOptions::default()).await.unwrap() {
            got.push(String::from_utf8(m.payload).unwrap().parse().unwrap());
        }
        got
    });
    let expected: Vec<u64> = (0..got.len() as u64).collect();
    assert_eq!(got, expected, "in order, none twice");
    assert!(
        got.len() as u64 == acked || got.len() as u64 == acked + 1,
        "{acked} acknowledged, {} back",
        got.len()
    );

    let (code, out, _) = qm.mqtls(&["qmgr", "stop", "QM1"], "");
    assert_eq!((code, out.trim()), (0, "Queue manager QM1 ended."));
    let (_, out, _) = qm.mqtls(&["qmgr", "list"], "");
    assert!(out.contains("QMNAME(QM1)") && out.contains("STATUS(Ended normally)"), "{out}");
    let (code, out, _) = qm.mqtls(&["qmgr", "delete", "QM1"], "");
    assert_eq!((code, out.trim()), (0, "Queue manager QM1 deleted."));
    let (code, _, err) = qm.mqtls(&["qmgr", "start", "QM1"], "");
    assert_eq!(code, 20);
    assert!(err.contains("mqtls qmgr create QM1"), "{err}");
}

impl Qm {
    fn mqsc_display(&self) -> (i32, String, String) {
        self.mqtls(&["mqsc", "QM1"], "DISPLAY QLOCAL(KEPT.Q) DESCR\n")
    }
}

#[test]
fn a_second_start_and_a_stop_of_a_stopped_queue_manager_say_why() {
    let dir = scratch("home-twice");
    let qm = Qm { home: dir.join("home").display().to_string() };
    std::fs::write(dir.join("ini.mqsc"), INI).unwrap();
    let ini = dir.join("ini.mqsc").display().to_string();
    assert_eq!(qm.mqtls(&["qmgr", "create", "QM1", "--ini-mqsc", &ini], "").0, 0);
    let mode = std::fs::metadata(dir.join("home/qmgrs/QM1")).unwrap();
    assert_eq!(std::os::unix::fs::PermissionsExt::mode(&mode.permissions()) & 0o777, 0o700);
    let ini = dir.join("home/qmgrs/QM1/qm.ini");
    std::fs::write(&ini, "SSL:\n   CDPCheckExtensions=MAYBE\n").unwrap();
    let (code, _, err) = qm.mqtls(&["qmgr", "start", "QM1"], "");
    assert_eq!(code, 20);
    assert!(
        err.contains("did not start") && err.contains("CDPCheckExtensions=MAYBE: use YES or NO"),
        "{err}"
    );
    std::fs::write(&ini, "SSL:\n   CDPCheckExtensions=YES\n").unwrap();
    let (code, out, err) = qm.mqtls(&["qmgr", "start", "QM1"], "");
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("Warning: channel RSA.SVRCONN cannot start TLS: certificate 'ibmwebspheremqqm1' has an EC P-256 key"),
        "the default self-signed certificate is EC: {out}"
    );
    let (code, _, err) = qm.mqtls(&["qmgr", "start", "QM1"], "");
    assert_eq!(code, 20);
    assert!(err.contains("already running"), "{err}");
    let (code, _, err) = qm.mqtls(&["qmgr", "delete", "QM1"], "");
    assert_eq!(code, 20);
    assert!(err.contains("is running: mqtls qmgr stop QM1 first"), "{err}");
    assert_eq!(qm.mqtls(&["qmgr", "stop", "QM1"], "").0, 0);
    let (code, _, err) = qm.mqtls(&["qmgr", "stop", "QM1"], "");
    assert_eq!(code, 20);
    assert!(err.contains("is not running"), "{err}");
    let (code, _, err) = qm.mqtls(&["mqsc", "QM1"], "DIS QMGR\n");
    assert_eq!(code, 20);
    assert!(err.contains("mqtls qmgr start QM1"), "{err}");
}
