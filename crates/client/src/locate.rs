//! Finding the channel as an MQ client does: the environment and mqclient.ini decide the
//! source (MQSERVER, ServerConnectionParms, MQCCDTURL, MQCHLLIB/MQCHLTAB, the ini's
//! channel directory, the default table), the CCDT is read (JSON or binary), and its
//! entries for the queue manager are tried in MQ's order.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use mqtls_ccdt::{
    host_seed, is_binary, read_binary, read_json, resolve, select, selection_traps, Address, ClientChannel,
    ClientIni, Mode, Resolution, Seeds, Source, Trap,
};
use mqtls_pki::{Keystore, Password};

use crate::connection::{ConnectOptions, Connection};
use crate::error::ClientError;
use crate::hconn::Hconn;

/// The variables an MQ client reads.
pub const VARIABLES: [&str; 8] = [
    "MQSERVER",
    "MQCCDTURL",
    "MQCHLLIB",
    "MQCHLTAB",
    "MQCLNTCF",
    "MQSSLKEYR",
    "MQCERTLABL",
    "MQOUTBOUND_SNI",
];
/// Largest CCDT fetched from an http: MQCCDTURL.
const MAX_CCDT: u64 = 16 * 1024 * 1024;

/// Everything resolution reads, passed in explicitly.
#[derive(Clone, Debug, Default)]
pub struct Environment {
    /// The MQ variables that are set.
    pub vars: BTreeMap<String, String>,
    /// The MQ data directory (default table and mqclient.ini), `/var/mqm` on Unix.
    pub data_dir: String,
    /// Accept CCDT JSON the C client accepts but is not strict.
    pub lenient: bool,
}

impl Environment {
    /// The process's MQ variables, with `data_dir`.
    pub fn from_process(data_dir: &str) -> Self {
        let vars =
            VARIABLES.iter().filter_map(|k| std::env::var(k).ok().map(|v| ((*k).to_owned(), v))).collect();
        Self { vars, data_dir: data_dir.to_owned(), lenient: false }
    }
}

/// What resolution decided, for a client to connect with and for `--explain` to print.
#[derive(Clone, Debug)]
pub struct Plan {
    /// The mqclient.ini read, if any.
    pub ini_path: Option<PathBuf>,
    /// The sources looked at, the winner, the TLS settings found.
    pub resolution: Resolution,
    /// The matching entries in try order, with why.
    pub order: Vec<(ClientChannel, String)>,
    /// Every (entry, address) to try, in order.
    pub candidates: Vec<(ClientChannel, Option<Address>)>,
    /// Configurations that will not do what their author probably meant.
    pub traps: Vec<Trap>,
    /// Lenient-mode findings in the CCDT.
    pub warnings: Vec<String>,
}

/// Resolves the channels for `qmgr` (`QM`, `*QM`, blank).
pub fn plan(qmgr: &str, env: &Environment) -> Result<Plan, ClientError> {
    let (ini_path, ini) = find_ini(&env.vars, &env.data_dir);
    let resolution =
        resolve(&env.vars, ini.as_ref(), &env.data_dir).map_err(|e| ClientError::Resolve(e.to_string()))?;
    let mut traps = resolution.traps.clone();
    let (channels, warnings) = match &resolution.source {
        Source::Mqserver(c) | Source::ServerConnectionParms(c) => (vec![c.clone()], Vec::new()),
        Source::Url(url) => load_url(url, env.lenient)?,
        Source::File(path) => match load_ccdt(Path::new(path), env.lenient) {
            Ok(loaded) => loaded,
            Err(ClientError::File { path: p, why }) => {
                let trap = case_trap(Path::new(path)).map(|t| format!("; {}", t.text)).unwrap_or_default();
                return Err(ClientError::File { path: p, why: format!("{why}{trap}") });
            }
            Err(e) => return Err(e),
        },
    };
    let host = fs::read_to_string("/etc/hostname").unwrap_or_default();
    let seeds = Seeds { host: host_seed(host.trim()), connection: u64::from(std::process::id()) };
    let name = match &resolution.source {
        Source::Mqserver(_) | Source::ServerConnectionParms(_) => "",
        _ => qmgr,
    };
    let selection = select(&channels, name, seeds).map_err(|e| ClientError::Resolve(e.to_string()))?;
    let order_refs: Vec<&ClientChannel> = selection.order.iter().map(|(c, _)| *c).collect();
    traps.extend(selection_traps(&order_refs, resolution.cert_label.as_ref()));
    let order = selection.order.iter().map(|(c, why)| ((*c).clone(), why.clone())).collect();
    let candidates = selection.candidates.iter().map(|c| (c.channel.clone(), c.address.cloned())).collect();
    Ok(Plan { ini_path, resolution, order, candidates, traps, warnings })
}

/// Connects a conversation to `qmgr` through the first candidate that answers, with the
/// key repository and certificate label the environment names.
pub async fn connect(qmgr: &str, env: &Environment, user: &str) -> Result<Hconn, ClientError> {
    let plan = plan(qmgr, env)?;
    let connection = connect_candidates(&plan.candidates, &connect_options(&plan, user)?).await?;
    Hconn::connect(connection, qmgr).await
}

/// The options a plan's candidates are connected with: the key repository (opened only
/// when a candidate uses TLS) and the certificate label the environment names.
pub fn connect_options(plan: &Plan, user: &str) -> Result<ConnectOptions, ClientError> {
    let needs_tls = plan.candidates.iter().any(|(c, _)| c.uses_tls());
    let keystore = match (&plan.resolution.key_repository, needs_tls) {
        (Some(setting), true) => Some(open_key_repository(&setting.value)?),
        _ => None,
    };
    Ok(ConnectOptions {
        user: user.to_owned(),
        keystore,
        cert_label: plan.resolution.cert_label.as_ref().map(|s| s.value.clone()),
        timeout: Duration::from_secs(30),
        outbound_sni: plan
            .resolution
            .outbound_sni
            .as_ref()
            .and_then(|s| mqtls_channel::sni::Outbound::parse(&s.value))
            .unwrap_or_default(),
    })
}

/// Tries each candidate in order. Addresses that do not answer are skipped; when none
/// connects, the last meaningful refusal (TLS, SSLPEER, channel start) is returned.
pub async fn connect_candidates(
    candidates: &[(ClientChannel, Option<Address>)],
    opts: &ConnectOptions,
) -> Result<Arc<Connection>, ClientError> {
    let mut tried = Vec::new();
    let mut unreachable = String::from("no channel serves this queue manager");
    let mut refusal = None;
    for (channel, address) in candidates {
        let Some(address) = address else { continue };
        tried.push(format!("{} on {}", address, channel.name));
        match Connection::open(channel, address, opts).await {
            Ok(c) => return Ok(c),
            Err(ClientError::Unreachable { last, .. }) => unreachable = last,
            Err(e) => {
                tracing::info!(channel = %channel.name, %address, error = %e, "trying the next connection");
                refusal = Some(e);
            }
        }
    }
    Err(refusal.unwrap_or(ClientError::Unreachable { tried: tried.join(", "), last: unreachable }))
}

/// Reads a CCDT, binary or JSON by its first bytes; returns its channels and, in lenient
/// mode, what was accepted that strict JSON would refuse.
pub fn load_ccdt(path: &Path, lenient: bool) -> Result<(Vec<ClientChannel>, Vec<String>), ClientError> {
    let file_error = |why: String| ClientError::File { path: path.display().to_string(), why };
    let bytes = fs::read(path).map_err(|e| file_error(e.to_string()))?;
    parse_ccdt(&bytes, lenient).map_err(file_error)
}

fn parse_ccdt(bytes: &[u8], lenient: bool) -> Result<(Vec<ClientChannel>, Vec<String>), String> {
    if is_binary(bytes) {
        return read_binary(bytes).map(|c| (c, Vec::new())).map_err(|e| e.to_string());
    }
    let text = std::str::from_utf8(bytes).map_err(|_| "neither a binary CCDT nor UTF-8 JSON".to_owned())?;
    let ccdt =
        read_json(text, if lenient { Mode::Lenient } else { Mode::Strict }).map_err(|e| e.to_string())?;
    Ok((ccdt.channels, ccdt.warnings.iter().map(ToString::to_string).collect()))
}

fn load_url(url: &str, lenient: bool) -> Result<(Vec<ClientChannel>, Vec<String>), ClientError> {
    if let Some(path) = url.strip_prefix("file://") {
        return load_ccdt(Path::new(path), lenient);
    }
    let fail = |why: String| ClientError::File { path: url.to_owned(), why };
    if !url.starts_with("http://") {
        return Err(fail(
            "MQCCDTURL must be a file:// or http:// URL (https: is not supported by mqtls)".into(),
        ));
    }
    let bytes =
        mqtls_pki::http_get(url, Duration::from_secs(10), MAX_CCDT).map_err(|e| fail(e.to_string()))?;
    parse_ccdt(&bytes, lenient).map_err(fail)
}

/// A trap when `path` does not exist but a name differing only in case does.
fn case_trap(path: &Path) -> Option<Trap> {
    if path.exists() {
        return None;
    }
    let (dir, name) = (path.parent()?, path.file_name()?.to_str()?);
    let found = fs::read_dir(dir)
        .ok()?
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find(|n| n.eq_ignore_ascii_case(name))?;
    Some(Trap {
        text: format!("{} does not exist but {found} does: file names are case-sensitive", path.display()),
    })
}

/// Finds mqclient.ini: MQCLNTCF (a path or file: URL), ./mqclient.ini, the data directory.
pub fn find_ini(env: &BTreeMap<String, String>, data_dir: &str) -> (Option<PathBuf>, Option<ClientIni>) {
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

/// Opens a key repository as MQ names one: a stem (`/x/key` for `/x/key.p12` with its
/// password stashed in `/x/key.sth`), a `.p12` file, or a directory of PEM files.
pub fn open_key_repository(value: &str) -> Result<Keystore, ClientError> {
    let path = Path::new(value);
    let fail = |why: String| ClientError::Keystore(format!("{value}: {why}"));
    if path.is_dir() {
        return Keystore::from_pem_dir(path).map_err(|e| fail(e.to_string()));
    }
    let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    if matches!(ext.as_deref(), Some("kdb")) {
        return Err(fail(
            "CMS .kdb files cannot be read; export a PKCS#12 (.p12) with runmqakm and point at it".into(),
        ));
    }
    let file = if matches!(ext.as_deref(), Some("p12" | "pfx")) {
        path.to_owned()
    } else {
        path.with_extension("p12")
    };
    let stash = file.with_extension("sth");
    if !file.exists() {
        return Err(fail(format!("{} does not exist", file.display())));
    }
    let password = Password::from_stash(&stash).map_err(|e| {
        fail(format!("{e}; create the stash with mqtls keystore create --stash {}", stash.display()))
    })?;
    Keystore::open(&file, Some(&password)).map_err(|e| fail(e.to_string()))
}
