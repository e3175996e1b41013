//! The local attack run, kept as tests: queue-manager names that try to leave
//! `$MQTLS_HOME` or delete what is not a queue manager, another local user on the admin
//! socket, forged log lines from a partner's user id, and the start and list reports
//! after a crash.

use std::io::Write;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};

use mqtls_client::{Address, ClientChannel, ClientError, ConnectOptions, Connection};
use mqtls_test_support::scratch;

use crate::mqtls_env;

fn in_home(home: &Path, args: &[&str]) -> (i32, String, String) {
    mqtls_env(args, "", &[("MQTLS_HOME", &home.display().to_string())])
}

fn mode(path: &Path) -> u32 {
    std::fs::symlink_metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn queue_manager_names_never_reach_outside_the_home() {
    let dir = scratch("attack-names");
    let home = dir.join("home");
    std::fs::create_dir_all(dir.join("victim")).unwrap();
    std::fs::write(dir.join("victim/qm.mqsc"), "* not a queue manager of this home\n").unwrap();
    // Legal MQ names, each transformed into one directory under qmgrs/ (IBM MQ docs,
    // "IBM MQ file names": '.' becomes '!', '/' becomes '&').
    for (name, directory) in [("../../x", "!!&!!&x"), ("/abs", "&abs"), (".", "!"), ("..", "!!")] {
        let (code, out, err) = in_home(&home, &["qmgr", "create", name]);
        assert_eq!(code, 0, "{name}: {out}{err}");
        assert!(home.join("qmgrs").join(directory).join("qm.mqsc").is_file(), "{name}");
    }
    assert!(!dir.join("x").exists() && !Path::new("/abs").exists(), "nothing written outside the home");
    let (_, list, _) = in_home(&home, &["qmgr", "list"]);
    for name in ["QMNAME(.)", "QMNAME(..)", "QMNAME(../../x)", "QMNAME(/abs)"] {
        assert!(list.contains(name), "{list}");
    }
    // Names MQ refuses get MQ's rule, and nothing is made.
    for bad in ["a b", "QM\\1", "x\ny", &"Q".repeat(49)] {
        let (code, _, err) = in_home(&home, &["qmgr", "create", bad]);
        assert_ne!(code, 0, "{bad:?}");
        assert!(err.contains("only A-Z, a-z, 0-9") || err.contains("at most 48"), "{bad:?}: {err}");
    }
    assert_eq!(std::fs::read_dir(home.join("qmgrs")).unwrap().count(), 4);
    // Deleting: a traversal name finds no home; '.' deletes only its own.
    let (code, _, err) = in_home(&home, &["qmgr", "delete", "../../victim"]);
    assert_ne!(code, 0);
    assert!(err.contains("queue manager ../../victim does not exist"), "{err}");
    assert!(dir.join("victim/qm.mqsc").exists());
    let (code, out, err) = in_home(&home, &["qmgr", "delete", "."]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(!home.join("qmgrs/!").exists() && home.join("qmgrs/!!").exists() && home.exists());
    // A symbolic link planted under qmgrs/ is not a home: delete refuses it.
    std::os::unix::fs::symlink(dir.join("victim"), home.join("qmgrs/EVIL")).unwrap();
    let (code, _, err) = in_home(&home, &["qmgr", "delete", "EVIL"]);
    assert_ne!(code, 0);
    assert!(err.contains("does not exist"), "{err}");
    assert!(dir.join("victim/qm.mqsc").exists(), "the link's target is intact");
}

const INI: &str = "DEFINE CHANNEL(APP.SVRCONN) CHLTYPE(SVRCONN) MCAUSER('app')
DEFINE LISTENER(L1) TRPTYPE(TCP) PORT(0) IPADDR('127.0.0.1') CONTROL(QMGR)
";

/// QM1 created under `home` with INI and started (its port); stopped when dropped.
struct Started {
    home: std::path::PathBuf,
    port: u16,
}

impl Started {
    fn new(dir: &Path, umask: &str) -> Self {
        let home = dir.join("home");
        std::fs::write(dir.join("ini.mqsc"), INI).unwrap();
        let ini = dir.join("ini.mqsc").display().to_string();
        let (code, out, err) = in_home(&home, &["qmgr", "create", "QM1", "--ini-mqsc", &ini]);
        assert_eq!(code, 0, "{out}{err}");
        // Started from a shell with the given umask: the attack run used 000.
        let out = Command::new("sh")
            .args([
                "-c",
                &format!("umask {umask} && exec \"$0\" qmgr start QM1"),
                env!("CARGO_BIN_EXE_mqtls"),
            ])
            .env("MQTLS_HOME", &home)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(out.status.success(), "{text}{}", String::from_utf8_lossy(&out.stderr));
        let at = text.find("listening on 127.0.0.1:").expect(&text) + 23;
        let port = text[at..].trim_end_matches(|c: char| !c.is_ascii_digit()).split('.').next().unwrap();
        Self { port: port.parse().expect(&text), home }
    }

    fn qm_dir(&self) -> std::path::PathBuf {
        self.home.join("qmgrs/QM1")
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.qm_dir().join("qmgr.log")).unwrap()
    }
}

impl Drop for Started {
    fn drop(&mut self) {
        let _ = in_home(&self.home, &["qmgr", "stop", "QM1"]);
    }
}

#[test]
fn the_admin_socket_is_owner_only_from_the_start_and_checks_who_connects() {
    let dir = scratch("attack-admin");
    let qm = Started::new(&dir, "000");
    let socket = qm.qm_dir().join("admin.sock");
    assert_eq!(mode(&socket), 0o600, "owner-only under umask 000");
    assert_eq!(mode(&qm.qm_dir()), 0o700);
    for file in ["qmgr.log", "qmgr.pid", "qm.mqsc", "messages.redb"] {
        assert_eq!(mode(&qm.qm_dir().join(file)), 0o600, "{file}");
    }
    let leftovers: Vec<_> =
        std::fs::read_dir(qm.qm_dir()).unwrap().flatten().map(|e| e.file_name()).collect();
    assert!(!leftovers.iter().any(|n| n.to_string_lossy().ends_with(".bind")), "{leftovers:?}");
    if std::fs::metadata("/proc/self").unwrap().uid() != 0 {
        eprintln!("not root: the other-user half of this test needs to run a process as nobody");
        return;
    }
    // Open the way to the socket, as the attack run's race window did, then connect as
    // another user: the peer's user id is checked and the connection refused and logged.
    for d in [dir.as_path(), &qm.home, &qm.home.join("qmgrs"), &qm.qm_dir()] {
        std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    std::fs::set_permissions(&socket, std::fs::Permissions::from_mode(0o777)).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_mqtls"))
        .args(["mqsc", "QM1", "--socket", &socket.display().to_string()])
        .uid(65534)
        .gid(65534)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"DEFINE QLOCAL(PWNED)\n").unwrap();
    let out = child.wait_with_output().unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(20), "{text}");
    assert!(text.contains("user id 65534") && text.contains("is not the queue manager's owner"), "{text}");
    let log = qm.log();
    assert!(log.contains("admin connection refused: not the queue manager's owner"), "{log}");
    let (_, shown, _) = mqtls_env(
        &["mqsc", "QM1", "--socket", &socket.display().to_string()],
        "DISPLAY QLOCAL(PWNED)\n",
        &[],
    );
    assert!(shown.contains("not found"), "nothing was defined: {shown}");
}

#[test]
fn a_partner_cannot_forge_log_lines_and_a_crash_is_reported_as_one() {
    let dir = scratch("attack-log");
    let qm = Started::new(&dir, "022");
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let forged = "app\n2026-12-03T10:00:00Z  INFO channel started channel=ADMIN mcauser=mqm\u{1b}[2J";
    let refused = runtime.block_on(async {
        let address = Address { host: "127.0.0.1".into(), port: Some(qm.port) };
        let opts = ConnectOptions { user: forged.into(), ..ConnectOptions::default() };
        Connection::open(&ClientChannel::new("APP.SVRCONN"), &address, &opts).await.map(drop)
    });
    assert!(matches!(refused, Err(ClientError::Refused { reason: 2035, .. })), "{refused:?}");
    let log = qm.log();
    assert!(!log.lines().any(|l| l.starts_with("2026-12-03T10:00:00Z")), "a forged line: {log}");
    assert!(!log.contains('\u{1b}'), "an escape sequence reached the log");
    assert!(log.contains("app\\n2026-12-03T10:00:00Z") && log.contains("at most 12 characters"), "{log}");
    // REFRESH SECURITY with a keystore that cannot be opened fails, says why, logs it,
    // and the running configuration stays (a handshake still works after it).
    let socket = qm.qm_dir().join("admin.sock").display().to_string();
    let script = "ALTER QMGR SSLKEYR('/nonexistent/key')\nREFRESH SECURITY TYPE(SSL)\n";
    let (code, out, err) = mqtls_env(&["mqsc", "QM1", "--socket", &socket], script, &[]);
    assert_eq!(code, 20, "{out}{err}");
    assert!(out.contains("REFRESH SECURITY TYPE(SSL) failed") && out.contains("/nonexistent/key"), "{out}");
    assert!(!out.contains("AMQ8560I"), "{out}");
    assert!(
        qm.log().contains("REFRESH SECURITY TYPE(SSL) failed: the keystore is unchanged"),
        "{}",
        qm.log()
    );
    // kill -9: the list says the queue manager ended unexpectedly, not normally.
    let pid = std::fs::read_to_string(qm.qm_dir().join("qmgr.pid")).unwrap();
    assert!(Command::new("kill").args(["-9", pid.trim()]).status().unwrap().success());
    let ended = std::time::Instant::now();
    while std::os::unix::net::UnixStream::connect(qm.qm_dir().join("admin.sock")).is_ok() {
        assert!(ended.elapsed().as_secs() < 10, "the killed queue manager still answers");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let (_, list, _) = in_home(&qm.home, &["qmgr", "list"]);
    assert!(list.contains("STATUS(Ended unexpectedly)"), "{list}");
    // A start that fails reports no "started": the listener's port is taken.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let stem = qm.qm_dir().join("ssl/key").display().to_string();
    let alter = format!("ALTER QMGR SSLKEYR('{stem}')\nALTER LISTENER(L1) TRPTYPE(TCP) PORT({port})\n");
    std::fs::write(dir.join("port.mqsc"), alter).unwrap();
    let ini = dir.join("port.mqsc").display().to_string();
    let (code, out, err) = in_home(&qm.home, &["qmgr", "start", "QM1", "--ini-mqsc", &ini]);
    assert_ne!(code, 0, "{out}{err}");
    assert!(!out.contains("started"), "{out}");
    assert!(err.contains("LISTENER(L1) cannot listen") && err.contains("was not started"), "{err}");
}
