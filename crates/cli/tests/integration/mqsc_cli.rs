//! `mqtls mqsc` as a user drives it: echo, verdicts, summary and exit codes.

use crate::mqtls;

#[test]
fn valid_script_exits_zero_with_the_runmqsc_summary() {
    let (code, out, _) = mqtls(&["mqsc", "-v"], "* comment\nDEFINE QLOCAL(Q1) +\n  MAXDEPTH(10)\nEND\n");
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("     1 : DEFINE QLOCAL(Q1) +\n       :   MAXDEPTH(10)\n"), "{out}");
    assert!(out.contains("2 MQSC commands read.\nNo commands have a syntax error.\n"), "{out}");
}

#[test]
fn misspelt_attribute_exits_20_naming_line_column_and_fix() {
    let (code, out, _) = mqtls(
        &["mqsc", "-v", "-e"],
        "DEFINE QLOCAL(Q1)\nDEFINE CHANNEL(C) CHLTYPE(SVRCONN) SSLCHIP(ANY_TLS13)\n",
    );
    assert_eq!(code, 20, "{out}");
    assert!(
        out.contains("error: line 2, column 36, at 'SSLCHIP': SSLCHIP: unknown attribute of CHANNEL, did you mean SSLCIPH?"),
        "{out}"
    );
    assert!(out.contains("One command has a syntax error."), "{out}");
    assert!(!out.contains("DEFINE QLOCAL"), "-e must not echo: {out}");
}

#[test]
fn uppercased_path_is_a_warning_with_exit_10() {
    let (code, out, _) = mqtls(&["mqsc", "-v", "-e"], "ALTER QMGR SSLKEYR(/var/mqm/ssl/key)\n");
    assert_eq!(code, 10, "{out}");
    assert!(
        out.contains("SSLKEYR value was uppercased to '/VAR/MQM/SSL/KEY'; quote it to keep its case: SSLKEYR('/var/mqm/ssl/key')"),
        "{out}"
    );
}

#[test]
fn commands_after_end_are_not_read() {
    let (code, out, _) = mqtls(&["mqsc", "-v", "-e"], "END\nNONSENSE COMMAND\n");
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("One MQSC command read."), "{out}");
}

#[test]
fn memory_mode_defines_and_displays() {
    let script = "DEFINE CHANNEL(APP.SVRCONN) CHLTYPE(SVRCONN) SSLCIPH(ANY_TLS13) SSLCAUTH(OPTIONAL)\n\
                  DISPLAY CHANNEL(APP.SVRCONN) SSLCIPH SSLCAUTH\n\
                  DELETE CHANNEL(NOPE)\n";
    let (code, out, _) = mqtls(&["mqsc", "--memory", "-e", "QMA"], script);
    assert_eq!(code, 20, "the failed DELETE makes the run fail: {out}");
    assert!(out.contains("Starting MQSC for in-memory queue manager QMA."), "{out}");
    assert!(out.contains("AMQ8014I: Channel created."), "{out}");
    assert!(
        out.contains(
            "AMQ8414I: Display Channel details.\n   CHANNEL(APP.SVRCONN)                    CHLTYPE(SVRCONN)\n   SSLCAUTH(OPTIONAL)                      SSLCIPH(ANY_TLS13)\n"
        ),
        "{out}"
    );
    assert!(out.contains("CHANNEL(NOPE) not found"), "{out}");
    assert!(out.contains("One valid MQSC command could not be processed."), "{out}");
}

#[test]
fn running_without_a_queue_manager_says_what_to_do() {
    let (code, _, err) = mqtls(&["mqsc", "QM1"], "DIS QMGR\n");
    assert_eq!(code, 20);
    assert!(err.contains("use -v to verify the script, or --memory"), "{err}");
}

#[test]
fn demo_runs_clean_and_serves_a_tls_channel() {
    let (code, out, _) = mqtls(&["demo"], "");
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("SSLCIPH(ECDHE_ECDSA_AES_256_GCM_SHA384)"), "{out}");
    // The live part: a TLS channel started through the CCDT, its status, then an intruder.
    assert!(out.contains(", MAXMSGL(4194304) SHARECNV(10) HBINT(30)"), "{out}");
    assert!(out.contains("got <order 3: 1 sprocket> (UserIdentifier 'app')"), "{out}");
    assert!(out.contains("MSGS(6)"), "{out}");
    assert!(out.contains("SECPROT(TLSV13)") && out.contains("MCAUSER(app)"), "{out}");
    assert!(out.contains("HBINT(30)") && out.contains("MAXSHCNV(10)") && out.contains("CHSTADA(20"), "{out}");
    assert!(out.contains("SSLCERTI(CN=mqtls demo CA,O=mqtls demo)"), "{out}");
    assert!(out.contains("DISPLAY CHSTATUS(*) now finds 0 instances"), "{out}");
    // The reason is in the queue manager's log; the intruder is told only the code.
    assert!(out.contains("why=channel APP.SVRCONN: SSLPEER('CN=app*,O=mqtls demo')"), "{out}");
    let told = out.lines().find(|l| l.contains("the intruder is told")).expect(&out);
    assert!(
        told.ends_with(
            "reason 2035: the queue manager refused the channel (2035 MQRC_NOT_AUTHORIZED); its log says why"
        ),
        "{told}"
    );
    // QM1 to QM2: the triggered sender channel moved the orders; both ends agree.
    assert!(out.contains("QM2 ORDERS: <order 6: 9 sprockets>"), "{out}");
    let qm1 = out.find("QM1: DISPLAY CHSTATUS(QM1.TO.QM2)").expect(&out);
    let qm2 = out.find("QM2: DISPLAY CHSTATUS(QM1.TO.QM2)").expect(&out);
    for (at, ours, theirs) in [(&out[qm1..qm2], "SDR", "QM2"), (&out[qm2..], "RCVR", "QM1")] {
        assert!(
            at.contains(&format!("CHLTYPE({ours})")) && at.contains(&format!("RQMNAME({theirs})")),
            "{at}"
        );
        assert!(
            at.contains("SSLCIPH(ECDHE_ECDSA_AES_256_GCM_SHA384)") && at.contains("SECPROT(TLSV12)"),
            "{at}"
        );
        assert!(at.contains("LSTSEQNO(3)") && at.contains("INDOUBT(NO)"), "{at}");
    }
}

#[test]
fn invalid_utf8_input_is_read_lossily_and_said() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_mqtls"))
        .args(["mqsc", "-v", "-e"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"* caf\xe9\nDEFINE QLOCAL(Q1)\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("input is not UTF-8 (first bad byte at offset 5)"));
}

/// IBM MQ 9.4 "System and default objects": crtmqm's objects exist in --memory as after
/// `qmgr create`, so LIKE, ALTER of SYSTEM.DEF.* and CONNAUTH name real objects.
#[test]
fn memory_mode_has_mqs_default_objects() {
    let script = "DEFINE QLOCAL(APP.Q) LIKE(SYSTEM.DEFAULT.LOCAL.QUEUE)\n\
                  ALTER CHANNEL(SYSTEM.DEF.SVRCONN) CHLTYPE(SVRCONN) MAXMSGL(1048576)\n\
                  DEFINE CHANNEL(APP.SVRCONN) CHLTYPE(SVRCONN)\n\
                  DISPLAY CHANNEL(APP.SVRCONN) MAXMSGL\n\
                  DISPLAY AUTHINFO(SYSTEM.DEFAULT.AUTHINFO.IDPWOS) AUTHTYPE CHCKCLNT\n\
                  DISPLAY QMGR CONNAUTH\n\
                  DISPLAY QMODEL(SYSTEM.DEFAULT.MODEL.QUEUE)\n\
                  DISPLAY CHANNEL(SYSTEM.AUTO.SVRCONN)\n";
    let (code, out, _) = mqtls(&["mqsc", "--memory", "-e", "QMA"], script);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("MAXMSGL(1048576)"), "APP.SVRCONN inherits SYSTEM.DEF.SVRCONN: {out}");
    assert!(out.contains("AUTHTYPE(IDPWOS)") && out.contains("CHCKCLNT(REQDADM)"), "{out}");
    assert!(out.contains("CONNAUTH(SYSTEM.DEFAULT.AUTHINFO.IDPWOS)"), "{out}");
    assert!(!out.contains("not found"), "{out}");
}

/// `mqtls ... | head`: a reader that stops reading ends mqtls quietly (exit 141, as a
/// SIGPIPE would), not with a panic.
/// The runmqsc scripts START and STOP what they define: in memory these are
/// checked against the definitions and answered as a queue manager would (IBM MQ "START
/// CHANNEL", "CLEAR QLOCAL", "REFRESH SECURITY"), saying nothing runs; a missing object is
/// an error, and a CLNTCONN is not started by START CHANNEL.
#[test]
fn memory_mode_answers_runtime_commands_against_its_objects() {
    let script = "DEFINE QLOCAL(APP.Q)
DEFINE CHANNEL(APP.SVRCONN) CHLTYPE(SVRCONN)
DEFINE CHANNEL(APP.SVRCONN) CHLTYPE(CLNTCONN) CONNAME('h(1414)')
DEFINE CHANNEL(ONLY.CLIENT) CHLTYPE(CLNTCONN) CONNAME('h(1414)')
DEFINE LISTENER(L1) TRPTYPE(TCP) PORT(1414)
REFRESH SECURITY TYPE(SSL)
CLEAR QLOCAL(APP.Q)
START CHANNEL(APP.SVRCONN)
STOP CHANNEL(APP.SVRCONN)
START LISTENER(L1)
STOP LISTENER(L1)
DISPLAY CHSTATUS(*)
DISPLAY LSSTATUS(*)
DISPLAY CONN(*) TYPE(ALL)
";
    let (code, out, _) = mqtls(&["mqsc", "--memory", "-e", "QMA"], script);
    assert_eq!(code, 0, "{out}");
    for line in [
        "AMQ8560I: IBM MQ security cache refreshed.",
        "AMQ8022I: IBM MQ queue cleared (0 messages).",
        "AMQ8018I: Start WebSphere MQ channel accepted.",
        "AMQ8019I: Stop WebSphere MQ channel accepted.",
        "AMQ8021I: Request to start listener accepted.",
        "AMQ8706I: Request to stop listener accepted.",
        "AMQ8420I: Channel Status not found.",
        "No running listener matches LSSTATUS(*).",
        "No connection matches CONN(*).",
    ] {
        assert!(out.contains(line), "{line}: {out}");
    }
    assert_eq!(out.matches("nothing runs here").count(), 5, "{out}");
    for (command, why) in [
        ("CLEAR QLOCAL(NO.Q)", "QLOCAL(NO.Q) not found"),
        ("START CHANNEL(NO.CHL)", "CHANNEL(NO.CHL) not found"),
        ("STOP LISTENER(NO.L)", "LISTENER(NO.L) not found"),
        ("START CHANNEL(ONLY.CLIENT)", "is a CLNTCONN: a client starts it by connecting"),
        ("START SERVICE(S)", "START SERVICE is valid IBM MQ syntax but not provided by mqtls"),
        ("DISPLAY QMSTATUS", "DISPLAY QMSTATUS needs a running queue manager"),
        ("STOP CONN(0000000000000001)", "no application connects to an in-memory queue manager"),
    ] {
        let (code, out, _) = mqtls(&["mqsc", "--memory", "-e", "QMA"], &format!("{}{command}\n", script));
        assert_eq!(code, 20, "{command}: {out}");
        assert!(out.contains(why), "{command}: {out}");
    }
}

#[test]
fn a_closed_stdout_ends_quietly() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_mqtls"))
        .args(["mqsc", "--memory", "QM1"])
        .env("MQTLS_HOME", "/nonexistent/mqtls-home")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader is gone before anything is written
    let script = "DISPLAY QLOCAL(*) ALL\n".repeat(300);
    let _ = child.stdin.take().unwrap().write_all(script.as_bytes());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(out.status.code(), Some(141), "{err}");
}
