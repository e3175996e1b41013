//! What a foreground queue manager (`qmgr start --foreground`, `qmgr run`) shares: the
//! bounds on partners, log lines to stderr, status lines on stdout, and the signals that
//! end it.

use mqtls_qmgr::Limits;

/// Bounds on partners.
#[derive(clap::Args)]
pub(crate) struct Tuning {
    /// Seconds allowed for the TLS handshake and the channel-start frame.
    #[arg(long, default_value_t = 10)]
    handshake_timeout: u64,
    /// Connections served at once.
    #[arg(long, default_value_t = 1000)]
    max_connections: usize,
    /// Connections one address may have in their handshake or channel start.
    #[arg(long, default_value_t = 100)]
    max_pending_per_address: usize,
}

impl Tuning {
    pub(super) fn limits(&self) -> Limits {
        Limits {
            handshake_timeout: std::time::Duration::from_secs(self.handshake_timeout),
            max_connections: self.max_connections,
            max_pending_per_address: self.max_pending_per_address,
            ..Limits::default()
        }
    }

    pub(super) fn args(&self) -> Vec<String> {
        vec![
            "--handshake-timeout".into(),
            self.handshake_timeout.to_string(),
            "--max-connections".into(),
            self.max_connections.to_string(),
            "--max-pending-per-address".into(),
            self.max_pending_per_address.to_string(),
        ]
    }
}

/// Log lines to stderr, without colour when it is not a terminal.
pub(super) fn init_tracing() {
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    tracing_subscriber::fmt().with_writer(std::io::stderr).with_ansi(ansi).with_target(false).init();
}

/// Ctrl-C or SIGTERM (what `kill`, `qmgr stop` and service managers send).
pub(super) async fn ended() {
    use tokio::signal::unix::{signal, SignalKind};
    let term = async {
        match signal(SignalKind::terminate()) {
            Ok(mut term) => drop(term.recv().await),
            Err(_) => std::future::pending().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = term => {}
    }
}

/// A status line on stdout. A closed stdout (a supervisor that stopped reading) must not
/// bring the queue manager down, so write errors are ignored.
pub(super) fn say(line: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}").and_then(|()| out.flush());
}
