//! `mqtls qmgr run`: the binary serving a script's channels, driven by `openssl s_client`
//! sending the channel-start frame over TLS.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};

use mqtls_test_support::{ca_and_leaf, free_port, scratch, Running};

/// A frame: `MQT`, version 1, kind, flags 0, reserved 0, payload length, payload.
fn frame(kind: u8, payload: &[u8]) -> Vec<u8> {
    let mut out = b"MQT\x01".to_vec();
    out.extend([kind, 0, 0, 0]);
    out.extend((payload.len() as u32).to_be_bytes());
    out.extend(payload);
    out
}

fn text(s: &str) -> Vec<u8> {
    let mut out = (s.len() as u16).to_be_bytes().to_vec();
    out.extend(s.as_bytes());
    out
}

/// QM1 started by the binary with a TLS 1.3 SVRCONN (SSLCAUTH REQUIRED, SSLPEER app1),
/// a local queue APP.Q and an admin socket: the directory (test PKI inside), the port,
/// the process.
pub(crate) fn tls_qmgr(name: &str) -> (std::path::PathBuf, u16, Running) {
    let dir = scratch(name);
    ca_and_leaf(&dir, "qm1", "ec");
    ca_and_leaf(&dir, "app1", "ec");
    mqtls_test_support::pem_keystore_dir(&dir, "qm1");
    std::fs::write(
        dir.join("qm1.mqsc"),
        "ALTER QMGR CERTLABL('qm1')\n\
         DEFINE CHANNEL(APP.SVRCONN) CHLTYPE(SVRCONN) SSLCIPH(ANY_TLS13) SSLCAUTH(REQUIRED) +\n\
         SSLPEER('CN=app1,O=mqtls test') MCAUSER('app')\n\
         DEFINE QLOCAL(APP.Q)\n\
         SET AUTHREC OBJTYPE(QMGR) PRINCIPAL('app') AUTHADD(DSP,CONNECT)\n\
         SET AUTHREC PROFILE('APP.*') OBJTYPE(QUEUE) PRINCIPAL('app') AUTHADD(PUT,GET,BROWSE)\n",
    )
    .unwrap();
    let (qm, port, banner) = crate::qmgr_run(&dir, "ks", &["--admin-socket", "qm1.sock"]);
    assert!(
        banner.contains(&format!("Queue manager QM1 started from qm1.mqsc; listening on 127.0.0.1:{port}")),
        "{banner}"
    );
    (dir, port, qm)
}

/// `openssl s_client` as app1, naming APP.SVRCONN in the SNI, with `extra` arguments.
fn s_client(dir: &std::path::Path, port: u16, extra: &[&str]) -> Child {
    let sni = "app2e-svrconn.chl.mq.ibm.com";
    Command::new("openssl")
        .args(["s_client", "-connect", &format!("127.0.0.1:{port}"), "-servername", sni, "-ign_eof"])
        .args(["-cert", "app1.pem", "-key", "app1.key", "-CAfile", "ca.pem", "-verify_return_error"])
        .args(extra)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn a_started_queue_manager_serves_a_tls_channel_to_openssl() {
    let (dir, port, mut qm) = tls_qmgr("cli-qmgr");
    // ChannelStart (kind 1) for APP.SVRCONN as a CLNTCONN (6), then Close (kind 6).
    let input = [start_frame("APP.SVRCONN"), frame(6, &0u32.to_be_bytes())].concat();
    let mut s_client = s_client(&dir, port, &["-quiet"]);
    s_client.stdin.take().unwrap().write_all(&input).unwrap();
    let out = s_client.wait_with_output().unwrap();
    // StartAck: kind 2, payload MAXMSGL 65536, SHARECNV 1, HBINT 300 (MQ takes the larger
    // of the client's 30 and the SVRCONN's default 300).
    let ack = frame(2, &[0, 1, 0, 0, 0, 1, 0, 0, 1, 44]);
    assert!(
        out.stdout.windows(ack.len()).any(|w| w == ack),
        "no StartAck in {:?}; stderr {}",
        out.stdout,
        String::from_utf8_lossy(&out.stderr)
    );

    qm.0.kill().unwrap();
    let mut log = String::new();
    std::io::Read::read_to_string(&mut qm.0.stderr.take().unwrap(), &mut log).unwrap();
    assert!(log.contains("channel started") && log.contains("APP.SVRCONN"), "{log}");
    assert!(log.contains("secprot=\"TLSV13\"") && log.contains("mcauser=app"), "{log}");
    assert!(!log.contains("PRIVATE KEY"), "nothing secret in the log");
}

#[test]
fn a_failing_script_does_not_start_the_queue_manager() {
    let dir = scratch("cli-qmgr-bad");
    std::fs::write(dir.join("bad.mqsc"), "DEFINE CHANNEL(X) CHLTYPE(SVRCONN) SSLCIPH(NOT_A_CIPHER)\n")
        .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_mqtls"))
        .args(["qmgr", "run", "QM1", "--mqsc", "bad.mqsc", "--keystore", "."])
        .current_dir(&dir)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(20), "{err}");
    assert!(err.contains("NOT_A_CIPHER") && err.contains("the queue manager was not started"), "{err}");
}

/// A ChannelStart frame for `channel` as a CLNTCONN.
fn start_frame(channel: &str) -> Vec<u8> {
    let mut start = text(channel);
    start.push(6);
    start.extend(text(""));
    start.extend(text("app1"));
    start.extend(65_536u32.to_be_bytes());
    start.extend(1u16.to_be_bytes());
    start.extend(30u32.to_be_bytes());
    frame(1, &start)
}

/// Opens a plain channel and returns the connection once StartAck arrived.
fn plain_channel(port: u16, channel: &str) -> std::net::TcpStream {
    use std::io::Read;
    let mut sock = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    sock.set_read_timeout(Some(std::time::Duration::from_secs(10))).unwrap();
    sock.write_all(&start_frame(channel)).unwrap();
    let mut ack = [0u8; 22];
    sock.read_exact(&mut ack).unwrap();
    assert_eq!(&ack[..5], b"MQT\x01\x02", "StartAck for {channel}");
    sock
}

#[test]
fn the_admin_socket_runs_mqsc_against_the_running_queue_manager() {
    use std::os::unix::fs::PermissionsExt;
    let dir = scratch("cli-qmgr-admin");
    std::fs::write(dir.join("qm1.mqsc"), "DEFINE CHANNEL(PLAIN.SVRCONN) CHLTYPE(SVRCONN) MCAUSER('app')\n")
        .unwrap();
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_mqtls"))
        .args(["qmgr", "run", "QM1", "--mqsc", "qm1.mqsc", "--keystore", ".", "--admin-socket", "qm1.sock"])
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .current_dir(&dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut qm = Running(child);
    let mut out = BufReader::new(qm.0.stdout.take().unwrap());
    let (mut banner, mut admin) = (String::new(), String::new());
    out.read_line(&mut banner).unwrap();
    out.read_line(&mut admin).unwrap();
    assert!(admin.contains("Admin socket: qm1.sock"), "{banner}{admin}");
    let mode = std::fs::metadata(dir.join("qm1.sock")).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "the admin socket is owner-only");

    let mqsc = |script: &str| {
        let sock = dir.join("qm1.sock");
        crate::mqtls(&["mqsc", "QM1", "--socket", sock.to_str().unwrap()], script)
    };
    let (code, out, err) = mqsc("DISPLAY CHSTATUS(*)\n");
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("AMQ8420I: Channel Status not found."), "{out}");

    let _running = plain_channel(port, "PLAIN.SVRCONN");
    let (_, out, _) = mqsc("DIS CHS(PLAIN.*)\nDIS CHS(*) ALL\n");
    assert!(out.contains("CHANNEL(PLAIN.SVRCONN)") && out.contains("STATUS(RUNNING)"), "{out}");
    let summary = &out[..out.find("DIS CHS(*) ALL").unwrap()];
    assert!(!summary.contains("MCAUSER"), "without ALL only the summary: {summary}");
    assert!(out.contains("MCAUSER(app)") && out.contains("SECPROT(NONE)"), "{out}");

    // A definition takes effect at once; a failing command changes nothing.
    let (code, out, _) = mqsc(
        "DEFINE CHANNEL(NEW.SVRCONN) CHLTYPE(SVRCONN)\nDEFINE CHANNEL(BAD) CHLTYPE(SVRCONN) SSLCIPH(NOPE)\n",
    );
    assert_eq!(code, 20, "{out}");
    let _new = plain_channel(port, "NEW.SVRCONN");
    let (_, out, _) = mqsc("DISPLAY CHANNEL(BAD)\n");
    assert!(out.contains("not found"), "{out}");

    // SIGTERM ends it cleanly: the admin socket is removed.
    let term = Command::new("kill").args(["-TERM", &qm.0.id().to_string()]).status().unwrap();
    assert!(term.success());
    assert!(qm.0.wait().unwrap().success(), "a clean exit on SIGTERM");
    assert!(!dir.join("qm1.sock").exists(), "the admin socket is removed on exit");
}

#[test]
fn openssl_and_display_chstatus_agree_on_protocol_and_cipher() {
    use std::io::Read;
    let (dir, port, _qm) = tls_qmgr("cli-qmgr-agree");
    let mut client = s_client(&dir, port, &["-brief"]);
    let mut stdin = client.stdin.take().unwrap();
    stdin.write_all(&start_frame("APP.SVRCONN")).unwrap();
    let mut ack = [0u8; 22];
    client.stdout.take().unwrap().read_exact(&mut ack).unwrap();
    assert_eq!(&ack[..5], b"MQT\x01\x02", "StartAck");

    let sock = dir.join("qm1.sock");
    let (code, status, _) =
        crate::mqtls(&["mqsc", "QM1", "--socket", sock.to_str().unwrap()], "DISPLAY CHSTATUS(APP.*) ALL\n");
    assert_eq!(code, 0, "{status}");
    stdin.write_all(&frame(6, &0u32.to_be_bytes())).unwrap();
    drop(stdin);
    let mut brief = String::new();
    client.stderr.take().unwrap().read_to_string(&mut brief).unwrap();
    let _ = client.wait();
    let field = |text: &str, key: &str| {
        text.lines().find_map(|l| l.trim().strip_prefix(key).map(|v| v.trim().to_owned())).unwrap_or_default()
    };
    let (protocol, cipher) = (field(&brief, "Protocol version:"), field(&brief, "Ciphersuite:"));
    assert_eq!(protocol, "TLSv1.3", "{brief}");
    assert!(status.contains("SECPROT(TLSV13)"), "{status}");
    assert!(
        !cipher.is_empty() && status.contains(&format!("SSLCIPH({cipher})")),
        "openssl: {cipher}; {status}"
    );
    assert!(status.contains("SSLPEER(") && status.contains("CN=app1,O=mqtls test)"), "{status}");
}
