//! End-to-end tests of the `mqtls` binary: real processes, real files.

mod attacks_cli;
mod attributes_doc;
mod ccdt_cli;
mod client_cli;
mod client_table_cli;
mod corpus;
mod doctor_cli;
mod doctor_differential;
mod doctor_partner_differential;
mod doctor_peers_cli;
mod fuzz_smoke;
mod home_cli;
mod keystore_cli;
mod layers;
mod mqsc_cli;
mod probe_cli;
mod qm_to_qm_cli;
mod qmgr_cli;
mod shell_pty;
mod tshark_cli;

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// The project root.
pub(crate) fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs `mqtls args` with `stdin`; returns (exit code, stdout, stderr).
pub(crate) fn mqtls(args: &[&str], stdin: &str) -> (i32, String, String) {
    mqtls_env(args, stdin, &[])
}

/// Runs `mqtls args` with `stdin` and only the given MQ environment variables set.
pub(crate) fn mqtls_env(args: &[&str], stdin: &str, env: &[(&str, &str)]) -> (i32, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mqtls"));
    // Every variable an MQ client reads, and the ones mqtls itself reads.
    for k in mqtls_client::VARIABLES.into_iter().chain(["MQTLS_KEYSTORE_PASSWORD", "SSLKEYLOGFILE"]) {
        cmd.env_remove(k);
    }
    // No queue manager of the developer's: tests that want one pass their own MQTLS_HOME.
    cmd.env("MQTLS_HOME", "/nonexistent/mqtls-home");
    cmd.envs(env.iter().copied());
    let mut child = cmd
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start mqtls");
    // mqtls may exit before reading its input (a usage error): a broken pipe is fine.
    if let Err(e) = child.stdin.take().expect("stdin").write_all(stdin.as_bytes()) {
        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "write stdin: {e}");
    }
    let out = child.wait_with_output().expect("wait for mqtls");
    let text = |b: Vec<u8>| String::from_utf8(b).expect("utf-8 output");
    (out.status.code().expect("exit code"), text(out.stdout), text(out.stderr))
}

/// `mqtls qmgr run QM1 --mqsc qm1.mqsc --keystore KEYSTORE` and `extra` in `dir` on a free
/// loopback port, waited for: the process (killed when dropped), the port, its first line.
pub(crate) fn qmgr_run(
    dir: &std::path::Path,
    keystore: &str,
    extra: &[&str],
) -> (mqtls_test_support::Running, u16, String) {
    qmgr_run_as(dir, ("QM1", "qm1.mqsc"), keystore, extra)
}

/// [`qmgr_run`] for the queue manager `name` defined by the script `mqsc` in `dir`.
pub(crate) fn qmgr_run_as(
    dir: &std::path::Path,
    (name, mqsc): (&str, &str),
    keystore: &str,
    extra: &[&str],
) -> (mqtls_test_support::Running, u16, String) {
    use std::io::{BufRead, BufReader};
    let port = mqtls_test_support::free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_mqtls"))
        .args(["qmgr", "run", name, "--mqsc", mqsc, "--keystore", keystore])
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .args(extra)
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start mqtls qmgr run");
    let mut qm = mqtls_test_support::Running(child);
    let mut banner = String::new();
    // Read through a borrow: the pipe stays open for the queue manager's later lines.
    BufReader::new(qm.0.stdout.as_mut().expect("stdout")).read_line(&mut banner).expect("the banner");
    (qm, port, banner)
}
