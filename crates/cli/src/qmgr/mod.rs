//! `mqtls qmgr`: queue managers with a home under `$MQTLS_HOME` (create, start, stop,
//! list, delete: crtmqm, strmqm, endmqm, dspmq, dltmqm), and `run`, a throw-away one
//! from a script.

mod home;
mod run;
mod serving;

use std::path::PathBuf;

use serving::Tuning;

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
