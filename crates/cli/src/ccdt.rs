//! `mqtls ccdt`: show, convert and resolve client channel tables, the way an MQ client
//! would find and use them, with the resolution `mqtls-client` connects by.

use std::path::{Path, PathBuf};

use mqtls_ccdt::{write_binary, write_json, ClientChannel};
use mqtls_client::{load_ccdt, plan, Environment};

/// `mqtls ccdt` subcommands.
#[derive(clap::Subcommand)]
pub(crate) enum Cmd {
    /// List the channels of a CCDT (JSON or binary).
    Show {
        /// The CCDT file.
        file: PathBuf,
        /// Accept what the C client accepts: unknown keys, trailing commas.
        #[arg(long)]
        lenient: bool,
    },
    /// Convert between JSON and binary (the output format follows the extension: .json or other).
    Convert {
        /// The CCDT to read.
        input: PathBuf,
        /// The file to write (owner-only, replaced atomically).
        output: PathBuf,
        /// Accept what the C client accepts.
        #[arg(long)]
        lenient: bool,
    },
    /// Write a queue manager's CLNTCONN channels as a CCDT for its clients (JSON for a
    /// .json file, else binary), from its home; templates with no CONNAME
    /// (SYSTEM.DEF.CLNTCONN) are left out. The home's @ipcc/AMQCLCHL.TAB holds them all.
    Export {
        /// The queue manager.
        qmgr: String,
        /// The file to write (owner-only, replaced atomically).
        output: PathBuf,
    },
    /// Which channel a client connecting to QM would use, from MQSERVER, mqclient.ini,
    /// MQCCDTURL, MQCHLLIB/MQCHLTAB and the CCDT.
    Resolve {
        /// The queue-manager name as the application passes it (QM, *GROUP, or '').
        qmgr: String,
        /// Print every source looked at, every candidate, and the traps found.
        #[arg(long)]
        explain: bool,
        /// Accept what the C client accepts.
        #[arg(long)]
        lenient: bool,
        /// The MQ data directory holding the default AMQCLCHL.TAB and mqclient.ini.
        #[arg(long, default_value = "/var/mqm")]
        data_dir: String,
    },
}

pub(crate) fn run(cmd: Cmd) -> anyhow::Result<u8> {
    match cmd {
        Cmd::Show { file, lenient } => {
            for c in load(&file, lenient)? {
                println!("{}", describe(&c));
            }
            Ok(0)
        }
        Cmd::Convert { input, output, lenient } => {
            write(&load(&input, lenient)?, &output)?;
            Ok(0)
        }
        Cmd::Export { qmgr, output } => export(&qmgr, &output),
        Cmd::Resolve { qmgr, explain, lenient, data_dir } => resolve_cmd(&qmgr, explain, lenient, &data_dir),
    }
}

/// Reads a CCDT, binary or JSON by its first bytes, printing lenient-mode findings.
pub(crate) fn load(path: &Path, lenient: bool) -> anyhow::Result<Vec<ClientChannel>> {
    let (channels, warnings) = load_ccdt(path, lenient)?;
    for w in &warnings {
        eprintln!("mqtls: {}: {w}", path.display());
    }
    Ok(channels)
}

/// Writes `channels` to `output`, JSON or binary by its extension, and says so.
fn write(channels: &[ClientChannel], output: &Path) -> anyhow::Result<()> {
    let json = output.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"));
    let bytes = if json { write_json(channels).into_bytes() } else { write_binary(channels)? };
    mqtls_pki::write_private(output, &bytes)?;
    let format = if json { "JSON" } else { "binary" };
    println!("wrote {} channels to {} ({format})", channels.len(), output.display());
    Ok(())
}

fn export(qmgr: &str, output: &Path) -> anyhow::Result<u8> {
    let home = mqtls_qmgr::Home::new(&crate::local::mqtls_home(), qmgr)?;
    let store = home.load(crate::local::now_unix())?;
    let (usable, templates): (Vec<_>, Vec<_>) =
        mqtls_qmgr::client_channels(&store).into_iter().partition(|c| !c.connections.is_empty());
    for t in &templates {
        println!("left out {}: no CONNAME (a template for DEFINE, not a channel to connect by)", t.name);
    }
    write(&usable, output)?;
    Ok(0)
}

fn describe(c: &ClientChannel) -> String {
    let tls = if c.uses_tls() { format!("SSLCIPH({})", c.cipher_spec) } else { "no TLS".to_owned() };
    let label =
        if c.cert_label.is_empty() { String::new() } else { format!(" CERTLABL('{}')", c.cert_label) };
    let peer = if c.peer_name.is_empty() { String::new() } else { format!(" SSLPEER('{}')", c.peer_name) };
    format!(
        "{:<20} QMNAME({}) CONNAME({}) {tls}{label}{peer} CLNTWGHT({})",
        c.name,
        c.qmgr,
        c.conname(),
        c.client_weight
    )
}

fn resolve_cmd(qmgr: &str, explain: bool, lenient: bool, data_dir: &str) -> anyhow::Result<u8> {
    let env = Environment { lenient, ..Environment::from_process(data_dir) };
    let plan = plan(qmgr, &env)?;
    for w in &plan.warnings {
        eprintln!("mqtls: {w}");
    }
    if explain {
        match &plan.ini_path {
            Some(p) => println!("mqclient.ini: {}", p.display()),
            None => {
                println!("mqclient.ini: none (looked at MQCLNTCF, ./mqclient.ini, {data_dir}/mqclient.ini)")
            }
        }
        println!("Sources, in MQ's order of precedence:");
        for s in &plan.resolution.steps {
            let found = s.found.as_deref().unwrap_or("not set");
            println!("  {:<55} {found}{}", s.what, if s.used { "   <- used" } else { "" });
        }
        println!("Entries for queue manager '{}', in the order they are tried:", qmgr);
        for (i, (c, why)) in plan.order.iter().enumerate() {
            println!("  {}. {}\n     {why}", i + 1, describe(c));
        }
        let key = plan
            .resolution
            .key_repository
            .as_ref()
            .map_or_else(|| "not set".to_owned(), |s| format!("{} (from {})", s.value, s.from));
        println!("Key repository: {key}");
    }
    let (channel, address) = &plan.candidates[0];
    let address = address.as_ref().map_or_else(|| "(no address)".to_owned(), ToString::to_string);
    let tls = if channel.uses_tls() { format!("TLS {}", channel.cipher_spec) } else { "no TLS".to_owned() };
    println!("{qmgr}: channel {} to {address}, {tls}", channel.name);
    for t in &plan.traps {
        println!("trap: {}", t.text);
    }
    Ok(if plan.traps.is_empty() { 0 } else { 10 })
}
