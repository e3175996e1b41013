//! `mqtls ccdt`: show, convert and resolve client channel tables, the way an MQ client
//! would find and use them. The environment is gathered here; `mqtls-ccdt` is pure.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use mqtls_ccdt::{
    host_seed, is_binary, read_binary, read_json, resolve, select, selection_traps, write_binary, write_json,
    ClientChannel, ClientIni, Mode, Seeds, Source,
};

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
            let channels = load(&input, lenient)?;
            let json = output.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"));
            let bytes = if json { write_json(&channels).into_bytes() } else { write_binary(&channels)? };
            mqtls_pki::write_private(&output, &bytes)?;
            println!(
                "wrote {} channels to {} ({})",
                channels.len(),
                output.display(),
                if json { "JSON" } else { "binary" }
            );
            Ok(0)
        }
        Cmd::Resolve { qmgr, explain, lenient, data_dir } => resolve_cmd(&qmgr, explain, lenient, &data_dir),
    }
}

/// Reads a CCDT, binary or JSON by its first bytes.
pub(crate) fn load(path: &Path, lenient: bool) -> anyhow::Result<Vec<ClientChannel>> {
    let bytes = fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    if is_binary(&bytes) {
        return read_binary(&bytes).with_context(|| format!("{}", path.display()));
    }
    let text = String::from_utf8(bytes)
        .with_context(|| format!("{}: neither a binary CCDT nor UTF-8 JSON", path.display()))?;
    let mode = if lenient { Mode::Lenient } else { Mode::Strict };
    let ccdt = read_json(&text, mode).with_context(|| format!("{}", path.display()))?;
    for w in &ccdt.warnings {
        eprintln!("mqtls: {}: {w}", path.display());
    }
    Ok(ccdt.channels)
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
    let env: BTreeMap<String, String> =
        ["MQSERVER", "MQCCDTURL", "MQCHLLIB", "MQCHLTAB", "MQCLNTCF", "MQSSLKEYR", "MQCERTLABL"]
            .into_iter()
            .filter_map(|k| std::env::var(k).ok().map(|v| (k.to_owned(), v)))
            .collect();
    let (ini_path, ini) = find_ini(&env, data_dir);
    if explain {
        match &ini_path {
            Some(p) => println!("mqclient.ini: {}", p.display()),
            None => {
                println!("mqclient.ini: none (looked at MQCLNTCF, ./mqclient.ini, {data_dir}/mqclient.ini)")
            }
        }
    }
    let resolution = resolve(&env, ini.as_ref(), data_dir)?;
    if explain {
        println!("Sources, in MQ's order of precedence:");
        for s in &resolution.steps {
            let found = s.found.as_deref().unwrap_or("not set");
            println!("  {:<55} {found}{}", s.what, if s.used { "   <- used" } else { "" });
        }
    }
    let mut traps = resolution.traps.clone();
    let channels = match &resolution.source {
        Source::Mqserver(c) | Source::ServerConnectionParms(c) => vec![c.clone()],
        Source::Url(url) => match url.strip_prefix("file://") {
            Some(path) => load_checked(Path::new(path), lenient)?,
            None => bail!("MQCCDTURL {url}: only file: URLs are supported by this build"),
        },
        Source::File(path) => load_checked(Path::new(path), lenient)?,
    };
    let host = fs::read_to_string("/etc/hostname").unwrap_or_default();
    let seeds = Seeds { host: host_seed(host.trim()), connection: std::process::id().into() };
    let selection = match &resolution.source {
        Source::Mqserver(_) | Source::ServerConnectionParms(_) => select(&channels, "", seeds)?,
        _ => select(&channels, qmgr, seeds)?,
    };
    let order: Vec<&ClientChannel> = selection.order.iter().map(|(c, _)| *c).collect();
    traps.extend(selection_traps(&order, resolution.cert_label.as_ref()));
    if explain {
        println!("Entries for queue manager '{}', in the order they are tried:", qmgr);
        for (i, (c, why)) in selection.order.iter().enumerate() {
            println!("  {}. {}\n     {why}", i + 1, describe(c));
        }
        let key = resolution
            .key_repository
            .as_ref()
            .map_or_else(|| "not set".to_owned(), |s| format!("{} (from {})", s.value, s.from));
        println!("Key repository: {key}");
    }
    let first = &selection.candidates[0];
    let address = first.address.map_or_else(|| "(no address)".to_owned(), ToString::to_string);
    let tls = if first.channel.uses_tls() {
        format!("TLS {}", first.channel.cipher_spec)
    } else {
        "no TLS".to_owned()
    };
    println!("{qmgr}: channel {} to {address}, {tls}", first.channel.name);
    for t in &traps {
        println!("trap: {}", t.text);
    }
    Ok(if traps.is_empty() { 0 } else { 10 })
}

/// Loads a CCDT; when the path exists only with different case, says so first.
fn load_checked(path: &Path, lenient: bool) -> anyhow::Result<Vec<ClientChannel>> {
    if !path.exists() {
        if let (Some(dir), Some(name)) = (path.parent(), path.file_name().and_then(|n| n.to_str())) {
            let near = fs::read_dir(dir)
                .into_iter()
                .flatten()
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned());
            if let Some(found) = near.into_iter().find(|n| n.eq_ignore_ascii_case(name)) {
                let text = format!(
                    "{} does not exist but {found} does: file names are case-sensitive",
                    path.display()
                );
                println!("trap: {text}");
            }
        }
    }
    load(path, lenient)
}

/// Finds mqclient.ini: MQCLNTCF (a path or file: URL), ./mqclient.ini, the data directory.
fn find_ini(env: &BTreeMap<String, String>, data_dir: &str) -> (Option<PathBuf>, Option<ClientIni>) {
    let from_env = env.get("MQCLNTCF").map(|v| PathBuf::from(v.strip_prefix("file://").unwrap_or(v)));
    let candidates =
        from_env.into_iter().chain([PathBuf::from("mqclient.ini"), Path::new(data_dir).join("mqclient.ini")]);
    for p in candidates {
        if let Ok(text) = fs::read_to_string(&p) {
            return (Some(p), Some(ClientIni::parse(&text)));
        }
    }
    (None, None)
}
