//! Wireshark's MQ dissector (Debian's `tshark`, installed by `.ci/run`) as an independent
//! decoder of what mqtls puts on the wire: a loopback capture of `mqtls probe --mq`
//! talking to a started queue manager over TLS (decrypted with the probe's
//! SSLKEYLOGFILE), and of plain IBM MQ partners, must decode to the segment types,
//! channel names, FAP levels, queue manager and STATUS codes the test expects, with no
//! malformed-packet flag. Field names are the dissector's (`tshark -G fields`).

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use mqtls_channel::fap::{segment, status, Segment};
use mqtls_channel::initial_data::{caps, InitialData};
use mqtls_test_support::pem_keystore_dir;

use crate::mqtls_env;
use crate::qmgr_cli::tls_qmgr;

/// A running `tshark` capture of loopback traffic on one port.
struct Capture {
    child: Child,
    file: PathBuf,
}

impl Capture {
    fn start(dir: &Path, port: u16) -> Self {
        let file = dir.join("mq.pcapng");
        let mut child = Command::new("tshark")
            .args(["-i", "lo", "-f", &format!("tcp port {port}"), "-w"])
            .arg(&file)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("tshark (Debian package tshark; .ci/run installs it)");
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if line.contains("Capturing on") {
                    let _ = tx.send(());
                }
            }
        });
        rx.recv_timeout(Duration::from_secs(30)).expect("tshark starts capturing within 30s");
        // tshark says so a moment before its capture filter is in place.
        std::thread::sleep(Duration::from_secs(2));
        Self { child, file }
    }

    /// Stops the capture (SIGINT, so tshark closes the file cleanly).
    fn stop(mut self) -> PathBuf {
        // Let the last segments reach the capture.
        std::thread::sleep(Duration::from_millis(500));
        // The shell's own kill: no procps needed.
        let _ = Command::new("sh").args(["-c", &format!("kill -INT {}", self.child.id())]).status();
        let _ = self.child.wait();
        self.file.clone()
    }
}

/// Every MQ PDU the dissector finds: type, channel, FAP level, queue manager, status code.
fn decoded(file: &Path, keylog: &Path, port: u16) -> Vec<String> {
    let out = Command::new("tshark")
        .arg("-r")
        .arg(file)
        .args(["-o", &format!("tls.keylog_file:{}", keylog.display())])
        .args(["-d", &format!("tcp.port=={port},tls")])
        .args(["-Y", "mq", "-T", "fields", "-E", "separator=|", "-E", "occurrence=f"])
        .args(["-e", "mq.tsh.type", "-e", "mq.id.channelname", "-e", "mq.id.faplevel"])
        .args(["-e", "mq.id.qm", "-e", "mq.status.code", "-e", "_ws.malformed"])
        .output()
        .expect("tshark reads the capture");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| l.split('|').map(str::trim).collect::<Vec<_>>().join("|"))
        .collect()
}

/// A plain IBM MQ partner's first segment `seg` and the one segment answered.
fn plain_partner(port: u16, seg: &Segment) -> Segment {
    use std::io::Read;
    let mut sock = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    sock.write_all(&seg.encode()).unwrap();
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some((seg, _)) = Segment::decode(&buf, 1 << 16).unwrap() {
            return seg;
        }
        let n = sock.read(&mut chunk).unwrap();
        assert!(n > 0, "closed without an answer");
        buf.extend_from_slice(&chunk[..n]);
    }
}

#[test]
fn wireshark_decodes_what_mqtls_sends_and_answers() {
    let (dir, port, _qm) = tls_qmgr("cli-tshark");
    let ks = pem_keystore_dir(&dir, "app1").display().to_string();
    let keylog = dir.join("keys.log");
    let env = [("SSLKEYLOGFILE", keylog.to_str().unwrap())];
    let address = format!("127.0.0.1:{port}");
    let capture = Capture::start(&dir, port);

    // Over TLS: an admitted channel, then one the queue manager does not have.
    let probe = |channel: &str| {
        let args = ["probe", &address, "--channel", channel, "--keystore", &ks, "--label", "app1", "--mq"];
        mqtls_env(&args, "", &env)
    };
    let (code, out, err) = probe("APP.SVRCONN");
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("IBM MQ initial data: accepted by queue manager QM1 at FAP level 13, product MQTL"),
        "{out}"
    );
    let (code, out, _) = probe("NO.SUCH");
    assert_eq!(code, 10, "{out}");
    assert!(out.contains("refused with STATUS 0x01 NO_CHANNEL"), "{out}");
    assert!(out.contains("fix: check the channel name"), "{out}");
    // Plain: APP.SVRCONN has an SSLCIPH, so a client without TLS gets CIPHER_SPEC; a
    // sender's capabilities get CHANNEL_WRONG_TYPE; MQCONN before the ID exchange gets
    // PROTOCOL_SEGMENT_TYPE.
    let client = InitialData::client("APP.SVRCONN");
    assert_eq!(plain_partner(port, &client.segment()).status_code(), Some(status::CIPHER_SPEC));
    let sender = InitialData { caps1: caps::MSG_SEQ, ..client.clone() };
    assert_eq!(plain_partner(port, &sender.segment()).status_code(), Some(status::CHANNEL_WRONG_TYPE));
    let mqconn = Segment { kind: segment::MQCONN, ..client.segment() };
    assert_eq!(plain_partner(port, &mqconn).status_code(), Some(status::PROTOCOL_SEGMENT_TYPE));

    let file = capture.stop();
    let rows = decoded(&file, &keylog, port);
    // type | channel | FAP level | queue manager | status code | malformed (empty: none)
    let expected = [
        "0x01|APP.SVRCONN|13|||",    // the probe's initial data
        "0x01|APP.SVRCONN|13|QM1||", // the queue manager's answer
        "0x01|NO.SUCH|13|||",
        "0x05||||1|", // STATUS NO_CHANNEL
        "0x01|APP.SVRCONN|13|||",
        "0x05||||24|", // STATUS CIPHER_SPEC (0x18)
        "0x01|APP.SVRCONN|13|||",
        "0x05||||2|",  // STATUS CHANNEL_WRONG_TYPE
        "0x81|||||",   // MQCONN (the dissector reads no ID in it)
        "0x05||||10|", // STATUS PROTOCOL_SEGMENT_TYPE (0x0A)
    ];
    assert_eq!(rows, expected, "tshark's decoding of the capture:\n{}", rows.join("\n"));
}
