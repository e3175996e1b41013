//! `mqtls mqsc`: verify a script (`-v`), or run it against an in-memory queue manager.

use std::io::{self, IsTerminal, Read, Write};
use std::path::PathBuf;

use anyhow::{bail, Context};
use mqtls_model::Store;
use mqtls_mqsc::script;

use crate::local::{ask_socket, now};

/// Options of `mqtls mqsc`, as runmqsc has them.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// The queue manager (a name for the in-memory queue manager with --memory).
    qmgr: Option<String>,
    /// Verify the commands without running them; no queue manager is needed.
    #[arg(short = 'v')]
    verify: bool,
    /// Do not echo the input lines.
    #[arg(short = 'e')]
    no_echo: bool,
    /// Run against a throw-away in-memory queue manager: nothing is kept.
    #[arg(long)]
    memory: bool,
    /// Edit a client channel table instead of a queue manager (CLNTCONN channels only).
    #[arg(short = 'n')]
    ccdt_mode: bool,
    /// The table -n edits (default: MQCHLLIB/MQCHLTAB, else ./AMQCLCHL.TAB); JSON if it
    /// ends in .json, else binary.
    #[arg(long, requires = "ccdt_mode")]
    ccdt: Option<PathBuf>,
    /// The running queue manager's admin socket (`mqtls qmgr run --admin-socket`).
    #[arg(long, conflicts_with_all = ["verify", "memory", "ccdt_mode"])]
    socket: Option<PathBuf>,
    /// Connect as a client, through the channel MQSERVER, mqclient.ini or the CCDT name
    /// (TLS with MQSSLKEYR); the channel's user needs AUTHREC authority on the QMGR.
    #[arg(short = 'c', conflicts_with_all = ["verify", "memory", "ccdt_mode", "socket"])]
    client: bool,
}

/// Reads standard input as text; invalid UTF-8 is replaced, and said so.
fn read_stdin() -> anyhow::Result<String> {
    let mut bytes = Vec::new();
    io::stdin().read_to_end(&mut bytes).context("reading standard input")?;
    Ok(match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => {
            eprintln!(
                "mqtls: input is not UTF-8 (first bad byte at offset {}); decoding it lossily",
                e.utf8_error().valid_up_to()
            );
            String::from_utf8_lossy(e.as_bytes()).into_owned()
        }
    })
}

pub(crate) fn run(args: Args) -> anyhow::Result<u8> {
    if args.ccdt_mode && !args.verify {
        return edit_ccdt(&args);
    }
    if let Some(socket) = &args.socket {
        return remote(socket, args.qmgr.as_deref().unwrap_or_default());
    }
    if args.client {
        return as_client(args.qmgr.as_deref().unwrap_or_default());
    }
    if let (Some(qmgr), false, false, false) = (&args.qmgr, args.verify, args.memory, args.ccdt_mode) {
        let home = mqtls_qmgr::Home::new(&crate::local::mqtls_home(), qmgr)?;
        if home.exists() {
            return remote(&home.admin_socket(), qmgr);
        }
    }
    if !args.verify && !args.memory {
        bail!(
            "no queue manager of that name under $MQTLS_HOME (mqtls qmgr create QM), and no --socket PATH \
             (from `mqtls qmgr run QM ... --admin-socket PATH`); or use -v to verify the script, or --memory to run it against a throw-away in-memory queue manager"
        );
    }
    let qmgr = args.qmgr.unwrap_or_else(|| "QM1".to_owned());
    if args.memory && !args.verify && io::stdin().is_terminal() {
        let store = mqtls_qmgr::default_store(&qmgr, &now())
            .with_context(|| format!("queue manager name '{qmgr}'"))?;
        return crate::shell::run(crate::shell::Backend::Memory(store), &qmgr, history());
    }
    let src = read_stdin()?;
    let entries = if args.verify {
        println!("Verifying MQSC commands{}.\n", if args.memory { "" } else { " (no queue manager needed)" });
        script::verify(&src)
    } else {
        let stamp = now();
        let mut store = mqtls_qmgr::default_store(&qmgr, &stamp)
            .with_context(|| format!("queue manager name '{qmgr}'"))?;
        println!("Starting MQSC for in-memory queue manager {qmgr}.\n");
        script::run_live(&src, &mut store, &stamp, &crate::local::InMemory(mqtls_qmgr::Accounts::default()))
    };
    let mut stdout = io::stdout().lock();
    stdout.write_all(script::report(&src, &entries, !args.no_echo).as_bytes())?;
    Ok(script::exit_code(&entries) as u8)
}

/// `-n`: load the table into an in-memory store, run the script with runmqsc -n rules,
/// and write the table back (owner-only, atomically) if anything changed.
fn edit_ccdt(args: &Args) -> anyhow::Result<u8> {
    let path = args.ccdt.clone().unwrap_or_else(|| {
        let lib = std::env::var("MQCHLLIB").unwrap_or_else(|_| ".".into());
        let tab = std::env::var("MQCHLTAB").unwrap_or_else(|_| "AMQCLCHL.TAB".into());
        PathBuf::from(lib).join(tab)
    });
    let stamp = now();
    let mut store = Store::new("CCDT", stamp.clone())?;
    let existing = if path.exists() { crate::ccdt::load(&path, false)? } else { Vec::new() };
    for c in &existing {
        let object =
            mqtls_ccdt::to_object(c).with_context(|| format!("{}: channel {}", path.display(), c.name))?;
        if store.get(mqtls_model::ObjectType::Channel, &c.name).is_some() {
            anyhow::bail!(
                "{}: holds channel {} more than once; -n edits tables with unique names",
                path.display(),
                c.name
            );
        }
        store.define(
            mqtls_model::ObjectType::Channel,
            &c.name,
            object.given().clone(),
            None,
            false,
            object.altered().clone(),
        )?;
    }
    let before = store.channels().map(|c| mqtls_ccdt::from_object(c.object())).collect::<Vec<_>>();
    let src = read_stdin()?;
    println!("Starting MQSC for client channel table {}.\n", path.display());
    let entries = script::run_client_table(&src, &mut store, &stamp);
    let after = store.channels().map(|c| mqtls_ccdt::from_object(c.object())).collect::<Vec<_>>();
    let mut stdout = io::stdout().lock();
    stdout.write_all(script::report(&src, &entries, !args.no_echo).as_bytes())?;
    if after != before {
        let json = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"));
        let bytes = if json {
            mqtls_ccdt::write_json(&after).into_bytes()
        } else {
            mqtls_ccdt::write_binary(&after)?
        };
        mqtls_pki::write_private(&path, &bytes)?;
    }
    Ok(script::exit_code(&entries) as u8)
}

/// runmqsc -c: sends standard input over the client channel the environment names.
fn as_client(qmgr: &str) -> anyhow::Result<u8> {
    let src = read_stdin()?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(async {
        let env = mqtls_client::Environment::from_process("/var/mqm");
        let fail = crate::app::mq;
        let mut hconn = mqtls_client::connect(qmgr, &env, &mqtls_client::login_user()).await.map_err(fail)?;
        let (code, report) = hconn.mqsc(&src).await.map_err(fail)?;
        println!("Starting MQSC for queue manager {}.\n", hconn.qmgr());
        io::stdout().lock().write_all(report.as_bytes())?;
        hconn.disconnect().await.map_err(fail)?;
        Ok(code.min(255) as u8)
    })
}

/// Sends standard input to a running queue manager's admin socket and prints its report;
/// on a terminal, the interactive shell over the same socket.
fn remote(socket: &std::path::Path, qmgr: &str) -> anyhow::Result<u8> {
    if io::stdin().is_terminal() {
        let backend = crate::shell::Backend::Socket(socket.to_owned());
        ask_socket(socket, "DISPLAY QMGR QMNAME\n").with_context(|| {
            format!(
                "admin socket {}: is the queue manager running? (mqtls qmgr start {qmgr})",
                socket.display()
            )
        })?;
        return crate::shell::run(backend, qmgr, history());
    }
    let src = read_stdin()?;
    let (code, report) = ask_socket(socket, &src).with_context(|| {
        format!("admin socket {}: is the queue manager running? (mqtls qmgr start {qmgr})", socket.display())
    })?;
    println!("Starting MQSC for queue manager {qmgr}.\n");
    io::stdout().lock().write_all(report.as_bytes())?;
    Ok(code)
}

/// The shell's history file: `$MQTLS_HOME/mqsc.history`.
fn history() -> PathBuf {
    let home = crate::local::mqtls_home();
    let _ = std::fs::create_dir_all(&home);
    home.join("mqsc.history")
}
