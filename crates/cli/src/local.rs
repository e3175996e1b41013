//! What several commands share about the queue managers of this machine: where their
//! homes are (`$MQTLS_HOME`), the time as definitions are stamped with it, and a script
//! sent through a running queue manager's admin socket.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::Context;
use mqtls_model::Stamp;

/// `$MQTLS_HOME`, else `~/.mqtls`.
pub(crate) fn mqtls_home() -> PathBuf {
    match std::env::var_os("MQTLS_HOME") {
        Some(home) if !home.is_empty() => PathBuf::from(home),
        _ => PathBuf::from(std::env::var_os("HOME").unwrap_or_else(|| ".".into())).join(".mqtls"),
    }
}

/// Seconds since the epoch.
pub(crate) fn now_unix() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// The current time as a definition stamp.
pub(crate) fn now() -> Stamp {
    Stamp::from_unix(now_unix())
}

/// One script through a running queue manager's admin socket: its exit code and report.
pub(crate) fn ask_socket(socket: &std::path::Path, script: &str) -> anyhow::Result<(u8, String)> {
    use std::os::unix::net::UnixStream;
    let mut sock = UnixStream::connect(socket)?;
    sock.write_all(script.as_bytes())?;
    sock.shutdown(std::net::Shutdown::Write)?;
    let mut answer = String::new();
    sock.read_to_string(&mut answer).context("reading the queue manager's answer")?;
    let (code, report) = answer.split_once('\n').context("the queue manager closed without an answer")?;
    let code: u8 = code.trim().parse().context("the queue manager's answer has no exit code")?;
    Ok((code, report.to_owned()))
}

/// The in-memory queue manager of `mqsc --memory` and the shell without a socket: runtime
/// commands are checked and answered (nothing runs), `*MQADMIN` is this machine's mqm
/// group and root.
pub(crate) struct InMemory(pub(crate) mqtls_qmgr::Accounts);

impl mqtls_mqsc::Live for InMemory {
    fn in_memory(&self) -> bool {
        true
    }
    fn administrators(&self) -> &dyn mqtls_dn::Administrators {
        &self.0
    }
}
