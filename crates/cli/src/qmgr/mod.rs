//! `mqtls qmgr`: queue managers with a home under `$MQTLS_HOME` (create, start, stop,
//! list, delete: crtmqm, strmqm, endmqm, dspmq, dltmqm), and `run`, a throw-away one
//! from a script.

mod home;
mod run;

use std::path::PathBuf;

use mqtls_qmgr::Limits;

/// Queue-manager commands.
#[derive(clap::Subcommand)]
pub(crate) enum Cmd {
    /// Create a queue manager (crtmqm): its home, the default objects and back-stop
    /// CHLAUTH rules, a keystore with a stashed password and a self-signed certificate.
    Create {
        /// The queue manager's name.
        qmgr: String,
        /// MQSC to run after the default objects (queues, channels, listeners).
        #[arg(long)]
        ini_mqsc: Option<PathBuf>,
    },
    /// Start a queue manager (strmqm): in the background, logging to its qmgr.log, unless
    /// --foreground. Starts its CONTROL(QMGR) listeners and its admin socket.
    Start {
        /// The queue manager's name.
        qmgr: String,
        /// Stay in the foreground, logging to stderr, until Ctrl-C or SIGTERM.
        #[arg(long)]
        foreground: bool,
        /// MQSC applied (and kept) at every start, like the mq-container convention.
        #[arg(long)]
        ini_mqsc: Option<PathBuf>,
        #[command(flatten)]
        tuning: Tuning,
    },
    /// End a running queue manager (endmqm): running channels are ended, units of work
    /// backed out.
    Stop {
        /// The queue manager's name.
        qmgr: String,
    },
    /// List the queue managers and whether each is running (dspmq).
    List,
    /// Delete a queue manager that is not running, with its messages (dltmqm).
    Delete {
        /// The queue manager's name.
        qmgr: String,
    },
    /// Run a throw-away queue manager from an MQSC script and a keystore, in the
    /// foreground, on one listener; nothing is written.
    Run(run::RunArgs),
}

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
    fn limits(&self) -> Limits {
        Limits {
            handshake_timeout: std::time::Duration::from_secs(self.handshake_timeout),
            max_connections: self.max_connections,
            max_pending_per_address: self.max_pending_per_address,
            ..Limits::default()
        }
    }

    fn args(&self) -> Vec<String> {
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

pub(crate) fn run(cmd: Cmd) -> anyhow::Result<u8> {
    match cmd {
        Cmd::Create { qmgr, ini_mqsc } => home::create(&qmgr, ini_mqsc.as_deref()),
        Cmd::Start { qmgr, foreground: true, ini_mqsc, tuning } => {
            home::foreground(&qmgr, ini_mqsc.as_deref(), &tuning)
        }
        Cmd::Start { qmgr, foreground: false, ini_mqsc, tuning } => {
            home::background(&qmgr, ini_mqsc.as_deref(), &tuning)
        }
        Cmd::Stop { qmgr } => home::stop(&qmgr),
        Cmd::List => home::list(),
        Cmd::Delete { qmgr } => home::delete(&qmgr),
        Cmd::Run(args) => run::run(args),
    }
}

/// `$MQTLS_HOME`, else `~/.mqtls`.
pub(crate) fn mqtls_home() -> PathBuf {
    match std::env::var_os("MQTLS_HOME") {
        Some(home) if !home.is_empty() => PathBuf::from(home),
        _ => PathBuf::from(std::env::var_os("HOME").unwrap_or_else(|| ".".into())).join(".mqtls"),
    }
}

/// Log lines to stderr, without colour when it is not a terminal.
fn init_tracing() {
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    tracing_subscriber::fmt().with_writer(std::io::stderr).with_ansi(ansi).with_target(false).init();
}

/// Ctrl-C or SIGTERM (what `kill`, `qmgr stop` and service managers send).
async fn ended() {
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
fn say(line: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}").and_then(|()| out.flush());
}
