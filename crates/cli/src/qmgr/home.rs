//! The queue managers that live under `$MQTLS_HOME/qmgrs/`: create, start (in the
//! background or the foreground), stop, list, delete.

use std::os::unix::fs::OpenOptionsExt;
use std::os::unix::net::UnixStream;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use mqtls_model::Stamp;
use mqtls_mqsc::script;
use mqtls_msgstore::MessageStore;
use mqtls_qmgr::{bind_admin, serve_admin, Home, KeystoreLoader, QueueManager};
use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;

use super::serving::{ended, init_tracing, say, Tuning};
use crate::local::{mqtls_home, now_unix as now};

fn read(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
}

/// Whether the queue manager answers on its admin socket.
fn running(home: &Home) -> bool {
    UnixStream::connect(home.admin_socket()).is_ok()
}

pub(super) fn create(qmgr: &str, ini_mqsc: Option<&Path>) -> anyhow::Result<u8> {
    let home = Home::new(&mqtls_home(), qmgr)?;
    let extra = ini_mqsc.map(read).transpose()?;
    let store = home.create(extra.as_deref(), now())?;
    println!("Queue manager {qmgr} created in {}.", home.dir.display());
    println!(
        "Keystore: {}.p12 (password stashed in key.sth), with a self-signed certificate",
        home.key_stem().display()
    );
    println!("  labelled ibmwebspheremq{}; import a CA-signed one for real use.", qmgr.to_lowercase());
    let listeners: Vec<String> = store
        .matching(&[mqtls_model::ObjectType::Listener], "*")
        .filter(|l| l.str("CONTROL") == "QMGR")
        .map(|l| format!("{}(port {})", l.name(), l.int("PORT").unwrap_or(1414)))
        .collect();
    println!(
        "Listeners started with it: {}.",
        if listeners.is_empty() { "none".to_owned() } else { listeners.join(", ") }
    );
    Ok(0)
}

pub(super) fn foreground(qmgr: &str, ini_mqsc: Option<&Path>, tuning: &Tuning) -> anyhow::Result<u8> {
    let home = Home::new(&mqtls_home(), qmgr)?;
    let mut store = home.load(now())?;
    home.save_client_channel_table(&store)?;
    if let Some(path) = ini_mqsc {
        let src = read(path)?;
        let stamp = Stamp::from_unix(now());
        let entries = script::run(&src, &mut store, &stamp);
        if script::exit_code(&entries) >= 20 {
            eprint!("{}", script::report(&src, &entries, false));
            bail!("{}: commands failed; the queue manager was not started", path.display());
        }
        home.save(&store)?;
    }
    // The message store's file lock is what makes a second start fail.
    let messages = MessageStore::open(&home.messages()).with_context(|| {
        format!("queue manager {qmgr} could not open its message store; is it already running?")
    })?;
    let keystore = Home::keystore(&store).context("the keystore QMGR SSLKEYR names")?;
    home.record_keystore_loaded(&store);
    let loaded = home.clone();
    let loader = KeystoreLoader(Box::new(move |now| {
        let keystore = Home::keystore(now).map_err(|e| e.to_string())?;
        loaded.record_keystore_loaded(now);
        Ok(keystore)
    }));
    init_tracing();
    let cdp = cdp_check(&home)?;
    let qm = Arc::new(
        QueueManager::new(store, keystore, tuning.limits())
            .with_messages(messages)
            .with_home(home.clone())
            .with_loader(loader)
            .with_cdp_check(cdp),
    );
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let served = runtime.block_on(async {
        // Started means listening: every CONTROL(QMGR) listener bound, then the admin
        // socket; only then the one "started" report that `qmgr start` waits for.
        let mut report = vec![format!("Queue manager {qmgr} started (pid {}).", std::process::id())];
        for (name, outcome) in qm.listeners.start_controlled(&qm) {
            match outcome {
                Ok(addr) => report.push(format!("LISTENER({name}) listening on {addr}.")),
                Err(why) => bail!(
                    "LISTENER({name}) cannot listen: {why}; the queue manager was not started (free the port, or ALTER LISTENER({name}) PORT)"
                ),
            }
        }
        report.extend(qm.tls_problems("*").into_iter().map(|p| format!("Warning: {p}")));
        // A socket left by a killed run is stale: the lock above proves no one serves it.
        let _ = std::fs::remove_file(home.admin_socket());
        let admin = bind_admin(&home.admin_socket()).context("the admin socket")?;
        tokio::spawn(serve_admin(admin, qm.clone()));
        mqtls_pki::write_private(&home.pid_file(), format!("{}\n", std::process::id()).as_bytes())
            .context("the pid file")?;
        qm.start_channels();
        say(format_args!("{}", report.join("\n")));
        ended().await;
        say(format_args!("Queue manager {qmgr} ending."));
        Ok::<_, anyhow::Error>(())
    });
    let _ = std::fs::remove_file(home.admin_socket());
    let _ = std::fs::remove_file(home.pid_file());
    served?;
    Ok(0)
}

/// qm.ini's SSL stanza: CDPCheckExtensions=YES|NO. Other SSL keys are named, not used.
fn cdp_check(home: &Home) -> anyhow::Result<bool> {
    let Ok(text) = std::fs::read_to_string(home.qm_ini()) else { return Ok(false) };
    let ini = mqtls_ccdt::ClientIni::parse(&text);
    for key in ["OCSPCheckExtensions", "OCSPAuthentication", "SSLHTTPProxyName", "ClientRevocationChecks"] {
        if ini.get("SSL", key).is_some() {
            say(format_args!(
                "qm.ini SSL:{key} is not used by mqtls: OCSP comes from SSLCRLNL, always REQUIRED."
            ));
        }
    }
    match ini.get("SSL", "CDPCheckExtensions").map(str::to_ascii_uppercase).as_deref() {
        None | Some("NO") => Ok(false),
        Some("YES") => Ok(true),
        Some(other) => bail!("{}: SSL:CDPCheckExtensions={other}: use YES or NO", home.qm_ini().display()),
    }
}

pub(super) fn background(qmgr: &str, ini_mqsc: Option<&Path>, tuning: &Tuning) -> anyhow::Result<u8> {
    let home = Home::new(&mqtls_home(), qmgr)?;
    if !home.exists() {
        bail!("queue manager {qmgr} does not exist: create it with mqtls qmgr create {qmgr}");
    }
    if running(&home) {
        bail!("queue manager {qmgr} is already running");
    }
    let log = std::fs::OpenOptions::new().create(true).append(true).mode(0o600).open(home.log())?;
    // Only what this start writes counts: the log holds earlier runs too.
    let from = log.metadata()?.len() as usize;
    let mut cmd = Command::new(std::env::current_exe()?);
    cmd.args(["qmgr", "start", qmgr, "--foreground"]).args(tuning.args());
    if let Some(path) = ini_mqsc {
        cmd.arg("--ini-mqsc").arg(std::path::absolute(path)?);
    }
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log)
        .process_group(0) // not ended by the terminal's Ctrl-C
        .spawn()?;
    let started = Instant::now();
    let this_run = || read(&home.log()).map(|t| t.get(from..).unwrap_or_default().to_owned());
    let marker = format!("Queue manager {qmgr} started (pid {})", child.id());
    let text = loop {
        if let Some(status) = child.try_wait()? {
            let text = this_run().unwrap_or_default();
            let tail: Vec<&str> = text.lines().rev().take(10).collect();
            let tail: Vec<&str> = tail.into_iter().rev().collect();
            bail!("queue manager {qmgr} did not start ({status}); its log says:\n{}", tail.join("\n"));
        }
        let text = this_run()?;
        if text.contains(&marker) && running(&home) {
            break text;
        }
        if started.elapsed() > Duration::from_secs(30) {
            bail!("queue manager {qmgr} did not answer within 30s; see {}", home.log().display());
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let at = text.find(&marker).unwrap_or(0);
    print!(
        "{}",
        text[at..]
            .lines()
            .filter(|l| ["Queue manager", "LISTENER", "Warning"].iter().any(|p| l.starts_with(p)))
            .map(|l| format!("{l}\n"))
            .collect::<String>()
    );
    println!("Log: {}", home.log().display());
    Ok(0)
}

pub(super) fn stop(qmgr: &str) -> anyhow::Result<u8> {
    let home = Home::new(&mqtls_home(), qmgr)?;
    if !home.exists() {
        bail!("queue manager {qmgr} does not exist");
    }
    if !running(&home) {
        bail!("queue manager {qmgr} is not running");
    }
    let pid: i32 = read(&home.pid_file())?.trim().parse().context("the pid file")?;
    kill(Pid::from_raw(pid), Signal::SIGTERM).with_context(|| format!("signalling process {pid}"))?;
    let started = Instant::now();
    while kill(Pid::from_raw(pid), None).is_ok() {
        if started.elapsed() > Duration::from_secs(30) {
            bail!("queue manager {qmgr} (pid {pid}) has not ended after 30s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    println!("Queue manager {qmgr} ended.");
    Ok(0)
}

pub(super) fn list() -> anyhow::Result<u8> {
    for home in Home::list(&mqtls_home()) {
        // A clean end removes the pid file; one left behind means the process died.
        let status = match (running(&home), home.pid_file().exists()) {
            (true, _) => "Running",
            (false, true) => "Ended unexpectedly",
            (false, false) => "Ended normally",
        };
        println!(
            "QMNAME({}){}STATUS({status})",
            home.name,
            " ".repeat(40usize.saturating_sub(home.name.len()))
        );
    }
    Ok(0)
}

pub(super) fn delete(qmgr: &str) -> anyhow::Result<u8> {
    let home = Home::new(&mqtls_home(), qmgr)?;
    if !home.exists() {
        bail!("queue manager {qmgr} does not exist");
    }
    if running(&home) {
        bail!("queue manager {qmgr} is running: mqtls qmgr stop {qmgr} first");
    }
    home.delete()?;
    println!("Queue manager {qmgr} deleted.");
    Ok(0)
}
