//! `mqtls doctor`: a queue manager's TLS configuration checked statically, before any
//! partner tries it. Each finding names its severity, the object and attribute, what will
//! happen at handshake time, and the fix; `--json` for tools; the exit code is the worst
//! severity (0 none, 10 warning, 20 error).
//!
//! Checked: CipherSpecs this engine refuses (and what to use instead), a certificate label
//! that does not exist (with the closest existing one, case-only differences named), the
//! certificate's key type against the CipherSpec, SSLCAUTH(REQUIRED) with no CA to check
//! clients against, expired and soon-expiring certificates anywhere in the keystore,
//! keystore and stash files readable by others, and values MQSC uppercased because they
//! were not quoted. With `--client`, the client side too (`client`): the channel an MQ
//! client in this environment would use, against the queue manager's definitions and
//! certificates. With `--partner-mqsc` and `--partner-keystore`, the channels this queue
//! manager starts against the partner's (`partner`).

mod certificate;
mod chlauth;
mod client;
mod files;
mod partner;

use std::path::PathBuf;

use anyhow::Context;
use mqtls_model::{ChannelType, SslCauth, Store};
use mqtls_mqsc::MqscError;
use mqtls_pki::Keystore;

/// `mqtls doctor`.
#[derive(clap::Args)]
pub(crate) struct DoctorArgs {
    /// A queue manager of the home ($MQTLS_HOME), checked from its files; with --mqsc, the
    /// name of the queue manager the script defines (QM1 if not given): its default
    /// certificate label is MQ's `ibmwebspheremq` + the name in lower case.
    qmgr: Option<String>,
    /// Or: an MQSC script defining the queue manager...
    #[arg(long, requires = "keystore")]
    mqsc: Option<PathBuf>,
    /// ... and its keystore (as MQSSLKEYR: a .p12 with its .sth, a stem, or a PEM directory).
    #[arg(long)]
    keystore: Option<String>,
    /// Print the findings as JSON.
    #[arg(long)]
    json: bool,
    /// Also check the client side: the channel this environment's MQ client would use
    /// (MQSERVER, mqclient.ini, CCDT, MQSSLKEYR), against this queue manager.
    #[arg(long)]
    client: bool,
    /// The address this client (or queue manager) connects from, for CHLAUTH's address rules.
    #[arg(long, default_value = "127.0.0.1")]
    client_address: std::net::IpAddr,
    /// The partner queue manager's definitions (SDR, SVR and RQSTR channels are checked
    /// against its channels of the same name)...
    #[arg(long, requires = "partner_keystore")]
    partner_mqsc: Option<PathBuf>,
    /// ... its keystore (as --keystore) ...
    #[arg(long)]
    partner_keystore: Option<String>,
    /// ... and its name.
    #[arg(long, default_value = "QM2")]
    partner_qmgr: String,
    /// Warn about certificates that expire within this many days.
    #[arg(long, default_value_t = 30)]
    expiry_warning_days: i64,
}

/// The fix for an expiring certificate of a queue manager's keystore.
const REFRESH_FIX: &str = "renew it and import the new one; REFRESH SECURITY TYPE(SSL) picks it up";

/// How bad a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Severity {
    Warning,
    Error,
}

/// One thing that will go wrong, or may.
#[derive(Debug)]
pub(super) struct Finding {
    /// What kind of finding it is, stable across releases (`channel.label-missing`).
    code: &'static str,
    severity: Severity,
    object: String,
    attribute: String,
    handshake: String,
    fix: String,
}

pub(super) fn finding(
    code: &'static str,
    severity: Severity,
    object: String,
    attribute: &str,
    handshake: String,
    fix: String,
) -> Finding {
    Finding { code, severity, object, attribute: attribute.to_owned(), handshake, fix }
}

pub(crate) fn run(args: DoctorArgs) -> anyhow::Result<u8> {
    let (store, source, ks, files) = load(&args)?;
    let mut findings = Vec::new();
    let ks = match ks {
        Ok(ks) => ks,
        Err(why) => {
            findings.push(finding(
                "keystore.unreadable",
                Severity::Error,
                "keystore".into(),
                "SSLKEYR",
                format!("it cannot be opened, so no TLS channel can start: {why}"),
                "fix the keystore or its stash as the message says".into(),
            ));
            Keystore::new()
        }
    };
    findings.extend(mqsc_warnings(&source));
    findings.extend(channels(&store, &ks));
    findings.extend(chlauth::check(&store));
    // The labels this queue manager presents: its TLS channels' and its own (no channel SNI).
    let mut used: std::collections::BTreeSet<String> =
        store.channels().filter(|c| c.ssl_ciph().is_some()).map(|c| store.certificate_label(&c)).collect();
    used.insert(
        Some(store.qmgr().str("CERTLABL"))
            .filter(|l| !l.is_empty())
            .unwrap_or_else(|| mqtls_model::default_cert_label(store.qmgr().name())),
    );
    findings.extend(files::certificates(&ks, args.expiry_warning_days, Some(&used), REFRESH_FIX));
    findings.extend(files::permissions(&files));
    if let (None, Some(name)) = (&args.mqsc, &args.qmgr) {
        findings.extend(files::refresh_needed(name, &store));
    }
    if let (Some(mqsc), Some(keystore)) = (&args.partner_mqsc, &args.partner_keystore) {
        let source = std::fs::read_to_string(mqsc).with_context(|| format!("{}", mqsc.display()))?;
        let mut theirs = Store::new(&args.partner_qmgr, crate::local::now())?;
        mqtls_mqsc::script::run(&source, &mut theirs, &crate::local::now());
        let their_ks = mqtls_client::open_key_repository(keystore)
            .with_context(|| format!("the partner's keystore {keystore}"))?;
        let address = args.client_address;
        findings.extend(
            files::certificates(&their_ks, args.expiry_warning_days, None, REFRESH_FIX).into_iter().map(
                |mut f| {
                    f.object = format!("partner {}", f.object);
                    f
                },
            ),
        );
        findings.extend(partner::check_pair(
            &partner::Side { store: &store, ks: &ks },
            &partner::Side { store: &theirs, ks: &their_ks },
            address,
        ));
    }
    if args.client {
        let env = mqtls_client::Environment::from_process("/var/mqm");
        findings.extend(client::check(&store, &ks, &env, (args.client_address, args.expiry_warning_days)));
    }
    let worst = findings.iter().map(|f| f.severity).max();
    if args.json {
        let list: Vec<serde_json::Value> = findings
            .iter()
            .map(|f| {
                serde_json::json!({
                    "code": f.code,
                    "severity": if f.severity == Severity::Error { "error" } else { "warning" },
                    "object": f.object, "attribute": f.attribute, "handshake": f.handshake, "fix": f.fix,
                })
            })
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(
                &serde_json::json!({ "qmgr": store.qmgr().name(), "findings": list })
            )?
        );
    } else if findings.is_empty() {
        println!("Queue manager {}: no findings.", store.qmgr().name());
    } else {
        println!("Queue manager {}: {} finding(s).\n", store.qmgr().name(), findings.len());
        for f in &findings {
            let sev = if f.severity == Severity::Error { "ERROR" } else { "WARNING" };
            println!(
                "{sev} {} {}\n  at handshake: {}\n  fix: {}\n",
                f.object, f.attribute, f.handshake, f.fix
            );
        }
    }
    Ok(match worst {
        None => 0,
        Some(Severity::Warning) => 10,
        Some(Severity::Error) => 20,
    })
}

/// The definitions, their MQSC source, the keystore (or why it cannot be opened), and the
/// files to check for access.
type Loaded = (Store, String, Result<Keystore, String>, Vec<PathBuf>);

fn load(args: &DoctorArgs) -> anyhow::Result<Loaded> {
    if let Some(path) = &args.mqsc {
        let source = std::fs::read_to_string(path).with_context(|| format!("{}", path.display()))?;
        let name = args.qmgr.as_deref().unwrap_or("QM1");
        let mut store =
            Store::new(name, crate::local::now()).with_context(|| format!("queue manager name '{name}'"))?;
        mqtls_mqsc::script::run(&source, &mut store, &crate::local::now());
        let value = args.keystore.clone().unwrap_or_default();
        let ks = mqtls_client::open_key_repository(&value).map_err(|e| e.to_string());
        return Ok((store, source, ks, files::key_files(&value)));
    }
    let name =
        args.qmgr.as_deref().context("name a queue manager of the home, or give --mqsc and --keystore")?;
    let home = mqtls_qmgr::Home::new(&crate::local::mqtls_home(), name)?;
    let store = home.load(crate::local::now_unix()).with_context(|| format!("queue manager {name}"))?;
    let source = std::fs::read_to_string(home.definitions()).unwrap_or_default();
    let ks = mqtls_qmgr::Home::keystore(&store).map_err(|e| e.to_string());
    let stem = home.key_stem().display().to_string();
    Ok((store, source, ks, files::key_files(&stem)))
}

/// Values MQSC uppercased because they were not quoted, as the queue manager has them.
fn mqsc_warnings(source: &str) -> Vec<Finding> {
    let entries = mqtls_mqsc::script::verify(source);
    entries
        .iter()
        .flat_map(|e| e.diagnostics.iter())
        .filter_map(|d| match &d.error {
            MqscError::Uppercased { keyword, raw, folded } => Some(finding(
                "mqsc.uppercased",
                Severity::Warning,
                format!("MQSC line {}, column {}", d.pos.line, d.pos.col),
                keyword,
                format!("{keyword} value was uppercased to '{folded}': the queue manager uses the uppercased value, so a label, user or path that differs in case is not found"),
                format!("quote it to keep its case: {keyword}('{raw}')"),
            )),
            _ => None,
        })
        .collect()
}

/// Each TLS channel served here: its CipherSpec, its certificate, its client policy.
fn channels(store: &Store, ks: &Keystore) -> Vec<Finding> {
    let mut out = Vec::new();
    for chl in store.channels() {
        let Some(ciph) = chl.ssl_ciph() else { continue };
        let object = format!("CHANNEL({})", chl.name());
        if let Err(e) = ciph.allowed() {
            let fallback = if ciph.key_type() == mqtls_cipherspec::KeyType::Rsa {
                "ANY_TLS12_OR_HIGHER"
            } else {
                "ANY_TLS13"
            };
            let instead = mqtls_cipherspec::find(ciph.as_str()).map_or(fallback, |s| s.replacement().name);
            out.push(finding(
                "channel.cipherspec-refused",
                Severity::Error,
                object.clone(),
                "SSLCIPH",
                format!("every TLS handshake on this channel fails (2393): {e}"),
                format!("ALTER CHANNEL({}) CHLTYPE({}) SSLCIPH({instead})", chl.name(), chl.channel_type()),
            ));
            continue;
        }
        if !mqtls_model::sni_is_host_name(chl.name()) {
            let sni = mqtls_channel::sni::encode(chl.name());
            let (severity, effect) = match chl.cert_label() {
                Some(label) if chl.channel_type() != ChannelType::Clntconn => (
                    Severity::Error,
                    format!("partners cannot send the channel SNI {sni} (not a valid host name), so they are shown the queue manager's certificate and refused for CERTLABL('{label}') (2393, AMQ9673)"),
                ),
                _ => (
                    Severity::Warning,
                    format!("partners cannot send the channel SNI {sni} (not a valid host name): a CERTLABL on this channel could never be chosen"),
                ),
            };
            out.push(finding(
                "channel.sni-not-host-name",
                severity,
                object.clone(),
                "CHANNEL",
                effect,
                "give the channel a name ending in A-Z or 0-9: DEFINE CHANNEL(NEW.NAME) LIKE(...), then move its partners".into(),
            ));
        }
        if matches!(chl.channel_type(), ChannelType::Clntconn) {
            continue;
        }
        out.extend(certificate::presented(store, &chl, &ciph, ks));
        let accepts = matches!(
            chl.channel_type(),
            ChannelType::Svrconn | ChannelType::Rcvr | ChannelType::Rqstr | ChannelType::Svr
        );
        if accepts && chl.ssl_cauth() == SslCauth::Required && ks.trusted().is_empty() {
            out.push(finding(
                "channel.sslcauth-without-ca",
                Severity::Error,
                object,
                "SSLCAUTH",
                "SSLCAUTH(REQUIRED) but the keystore trusts no CA: every partner's certificate is refused"
                    .into(),
                "add the partners' CA: mqtls keystore add-ca KEYSTORE LABEL ca.pem".into(),
            ));
        }
    }
    out
}
