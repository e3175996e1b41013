//! `mqtls qmgr start`: a queue manager loaded from an MQSC script, serving its channels
//! on a TCP listener until interrupted. Definitions live in memory for the run.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{bail, Context};
use mqtls_model::Store;
use mqtls_mqsc::script;
use mqtls_pki::Keystore;
use mqtls_qmgr::{bind_admin, serve, serve_admin, KeystoreLoader, Limits, QueueManager};

use crate::keystore::Secret;
use crate::mqsc::now;

/// Queue-manager commands.
#[derive(clap::Subcommand)]
pub(crate) enum Cmd {
    /// Load an MQSC script and serve its channels (TLS and plain) until Ctrl-C or SIGTERM.
    Start {
        /// The queue manager's name.
        qmgr: String,
        /// The MQSC script defining it (channels, CHLAUTH rules, CERTLABL).
        #[arg(long)]
        mqsc: PathBuf,
        /// The keystore: a PKCS#12 file or a directory of PEM files.
        #[arg(long)]
        keystore: PathBuf,
        /// Where to listen.
        #[arg(long, default_value = "0.0.0.0:1414")]
        listen: SocketAddr,
        /// Seconds allowed for the TLS handshake and the channel-start frame.
        #[arg(long, default_value_t = 10)]
        handshake_timeout: u64,
        /// Connections served at once.
        #[arg(long, default_value_t = 1000)]
        max_connections: usize,
        /// A Unix socket (made owner-only) for `mqtls mqsc QM --socket PATH`.
        #[arg(long)]
        admin_socket: Option<PathBuf>,
        #[command(flatten)]
        secret: Secret,
    },
}

pub(crate) fn run(cmd: Cmd) -> anyhow::Result<u8> {
    let Cmd::Start { qmgr, mqsc, keystore, listen, handshake_timeout, max_connections, admin_socket, secret } =
        cmd;
    let src = std::fs::read_to_string(&mqsc).with_context(|| format!("reading {}", mqsc.display()))?;
    let stamp = now();
    let mut store =
        Store::new(&qmgr, stamp.clone()).with_context(|| format!("queue manager name '{qmgr}'"))?;
    let entries = script::run(&src, &mut store, &stamp);
    let code = script::exit_code(&entries);
    if code >= 20 {
        eprint!("{}", script::report(&src, &entries, false));
        bail!("{}: commands failed; the queue manager was not started", mqsc.display());
    }
    let password = if keystore.is_dir() { None } else { Some(secret.password()?) };
    let ks = Keystore::open(&keystore, password.as_ref())?;
    // REFRESH SECURITY TYPE(SSL) reads the same file with the same password again.
    let loader = KeystoreLoader(Box::new(move || {
        Keystore::open(&keystore, password.as_ref()).map_err(|e| e.to_string())
    }));
    let limits = Limits {
        handshake_timeout: std::time::Duration::from_secs(handshake_timeout),
        max_connections,
        ..Limits::default()
    };
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    tracing_subscriber::fmt().with_writer(std::io::stderr).with_ansi(ansi).with_target(false).init();
    let qm = Arc::new(QueueManager::new(store, ks, limits).with_loader(loader));
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let served = runtime.block_on(async {
        let listener =
            tokio::net::TcpListener::bind(listen).await.with_context(|| format!("listening on {listen}"))?;
        let admin = match &admin_socket {
            Some(path) => Some(bind_admin(path).with_context(|| format!("admin socket {}", path.display()))?),
            None => None,
        };
        say(format_args!(
            "Queue manager {qmgr} started from {}; listening on {}.",
            mqsc.display(),
            listener.local_addr()?
        ));
        if let (Some(admin), Some(path)) = (admin, &admin_socket) {
            say(format_args!(
                "Admin socket: {} (mqtls mqsc {qmgr} --socket {}).",
                path.display(),
                path.display()
            ));
            tokio::spawn(serve_admin(admin, qm.clone()));
        }
        tokio::select! {
            served = serve(listener, qm) => served.context("the listener failed")?,
            () = ended() => say(format_args!("Queue manager {qmgr} ending.")),
        }
        Ok::<_, anyhow::Error>(())
    });
    if let Some(path) = &admin_socket {
        let _ = std::fs::remove_file(path);
    }
    served?;
    Ok(0)
}

/// Ctrl-C or SIGTERM (what `kill` and service managers send).
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
