//! `mqtls qmgr run`: a throw-away queue manager loaded from an MQSC script, serving its
//! channels on one TCP listener until interrupted. Definitions and messages live in
//! memory for the run; nothing is written.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{bail, Context};
use mqtls_model::Store;
use mqtls_mqsc::script;
use mqtls_pki::Keystore;
use mqtls_qmgr::{bind_admin, serve, serve_admin, KeystoreLoader, QueueManager};

use super::serving::{ended, init_tracing, say, Tuning};
use crate::keystore::Secret;
use crate::local::now;

/// `mqtls qmgr run`.
#[derive(clap::Args)]
pub(crate) struct RunArgs {
    /// The queue manager's name.
    qmgr: String,
    /// The MQSC script defining it (channels, queues, CHLAUTH rules, CERTLABL).
    #[arg(long)]
    mqsc: PathBuf,
    /// The keystore: a PKCS#12 file or a directory of PEM files.
    #[arg(long)]
    keystore: PathBuf,
    /// Where to listen.
    #[arg(long, default_value = "0.0.0.0:1414")]
    listen: SocketAddr,
    #[command(flatten)]
    tuning: Tuning,
    /// A Unix socket (made owner-only) for `mqtls mqsc QM --socket PATH`.
    #[arg(long)]
    admin_socket: Option<PathBuf>,
    #[command(flatten)]
    secret: Secret,
}

pub(crate) fn run(args: RunArgs) -> anyhow::Result<u8> {
    let RunArgs { qmgr, mqsc, keystore, listen, tuning, admin_socket, secret } = args;
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
    let loader = KeystoreLoader(Box::new(move |_| {
        Keystore::open(&keystore, password.as_ref()).map_err(|e| e.to_string())
    }));
    init_tracing();
    let qm = Arc::new(QueueManager::new(store, ks, tuning.limits()).with_loader(loader));
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
        for problem in qm.tls_problems("*") {
            say(format_args!("Warning: {problem}"));
        }
        if let (Some(admin), Some(path)) = (admin, &admin_socket) {
            say(format_args!(
                "Admin socket: {} (mqtls mqsc {qmgr} --socket {}).",
                path.display(),
                path.display()
            ));
            tokio::spawn(serve_admin(admin, qm.clone()));
        }
        qm.start_channels();
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
