//! The MQSC shell on a real pseudo-terminal (expectrl): Tab completion, `+` continuation
//! with its prompt, Ctrl-C cancelling the command being typed, history kept across
//! sessions (owner-only), Ctrl-D ending with runmqsc's summary, and a running queue
//! manager's names offered for completion through its admin socket.

use std::process::Command;
use std::time::Duration;

use expectrl::{ControlCode, Expect, Session};
use mqtls_test_support::scratch;

/// `mqtls` with `args` on a pty, MQTLS_HOME at `home`, no colour.
fn shell(home: &std::path::Path, args: &[&str]) -> expectrl::session::OsSession {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mqtls"));
    cmd.args(args).env("MQTLS_HOME", home).env("NO_COLOR", "1").env("TERM", "xterm");
    let mut session = Session::spawn(cmd).expect("a pty");
    session.set_expect_timeout(Some(Duration::from_secs(10)));
    session
}

#[test]
fn the_shell_completes_continues_cancels_and_remembers() {
    let home = scratch("shell-pty");
    let mut s = shell(&home, &["mqsc", "--memory", "QM1"]);
    s.expect("Starting MQSC for queue manager QM1.").unwrap();
    s.expect("QM1> ").unwrap();

    // Tab completes the verb, the object type and the attribute of a queue.
    s.send("DEF\t").unwrap();
    s.expect("DEFINE ").unwrap();
    s.send("QL\t").unwrap();
    s.expect("QLOCAL(").unwrap();
    s.send("APP.Q) MAXD\t").unwrap();
    s.expect("MAXDEPTH(").unwrap();
    // + continues: the continuation prompt, then the command runs whole.
    s.send_line("10) +").unwrap();
    s.expect("       : ").unwrap();
    s.send_line("DESCR('typed on two lines')").unwrap();
    s.expect("AMQ8006I").unwrap();

    // A known name completes inside the parentheses.
    s.send("DISPLAY QLOCAL(AP\t").unwrap();
    s.expect("APP.Q)").unwrap();
    s.send_line(" DESCR MAXDEPTH").unwrap();
    s.expect("DESCR(typed on two lines)").unwrap();

    // Ctrl-C cancels the command being typed: nothing runs.
    s.send_line("DEFINE QLOCAL(NOT.MADE) +").unwrap();
    s.expect("       : ").unwrap();
    s.send(ControlCode::EndOfText).unwrap();
    s.expect("(command cancelled)").unwrap();
    s.expect("QM1> ").unwrap();
    s.send_line("DELETE QLOCAL(NOT.MADE)").unwrap();
    s.expect("not found").unwrap();
    // Control keys are read once the editor has the terminal again: at the prompt.
    s.expect("QM1> ").unwrap();

    // Ctrl-D ends with the summary of what was read.
    s.send(ControlCode::EndOfTransmission).unwrap();
    s.expect("3 MQSC commands read.").unwrap();
    s.expect("No commands have a syntax error.").unwrap();
    s.expect("One valid MQSC command could not be processed.").unwrap();

    // History survives the session, owner-only: Up brings back the last command.
    let history = home.join("mqsc.history");
    let mode = std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&history).unwrap().permissions());
    assert_eq!(mode & 0o777, 0o600);
    assert!(std::fs::read_to_string(&history).unwrap().contains("DELETE QLOCAL(NOT.MADE)"));
    let mut s = shell(&home, &["mqsc", "--memory", "QM1"]);
    s.expect("QM1> ").unwrap();
    s.send("\x1b[A").unwrap();
    s.expect("DELETE QLOCAL(NOT.MADE)").unwrap();
    s.send_line("").unwrap();
    s.expect("not found").unwrap();
    s.send_line("END").unwrap();
    s.expect("One MQSC command read.").unwrap();
}

#[test]
fn the_shell_on_a_running_queue_manager_completes_its_object_names() {
    let (dir, _port, _qm) = crate::qmgr_cli::tls_qmgr("shell-pty-socket");
    let socket = dir.join("qm1.sock").display().to_string();
    let mut s = shell(&dir, &["mqsc", "QM1", "--socket", &socket]);
    s.expect("QM1> ").unwrap();
    s.send("DISPLAY CHANNEL(APP.\t").unwrap();
    s.expect("APP.SVRCONN)").unwrap();
    s.send_line(" SSLCIPH").unwrap();
    s.expect("SSLCIPH(ANY_TLS13)").unwrap();
    s.expect("QM1> ").unwrap();
    s.send_line("DEFINE QLOCAL(NEW.Q)").unwrap();
    s.expect("AMQ8006I").unwrap();
    s.expect("QM1> ").unwrap();
    s.send("CLEAR QLOCAL(NEW\t").unwrap();
    s.expect("NEW.Q)").unwrap();
    s.send_line("").unwrap();
    s.expect("QM1> ").unwrap();
    s.send(ControlCode::EndOfTransmission).unwrap();
    s.expect("3 MQSC commands read.").unwrap();
}
