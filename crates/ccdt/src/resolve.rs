//! Where a client's channel definition comes from, in MQ's precedence order, with every
//! source looked at, what it held, and the traps MQ users fall into.
//!
//! 1. `MQSERVER` (`CHANNEL/TCP/host(port)`): the only channel; no CCDT is read; no TLS.
//! 2. `mqclient.ini` CHANNELS `ServerConnectionParms`: the same, from the file.
//! 3. `MQCCDTURL`; else `MQCHLLIB` / `MQCHLTAB` (mqtls lets MQCCDTURL win when both are
//!    set; MQ documents no order).
//! 4. `mqclient.ini` CHANNELS `ChannelDefinitionDirectory` / `ChannelDefinitionFile`.
//! 5. The default table, `AMQCLCHL.TAB` in the data directory.
//!
//! TLS settings: `MQSSLKEYR` beats `SSL:SSLKeyRepository`, `MQCERTLABL` beats
//! `SSL:CertificateLabel`; a CERTLABL on the chosen channel beats both.

use std::collections::BTreeMap;

use crate::channel::{parse_conname, ClientChannel};
use crate::error::CcdtError;
use crate::ini::ClientIni;

/// Where the channel definitions come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// One channel from `MQSERVER`.
    Mqserver(ClientChannel),
    /// One channel from `ServerConnectionParms`.
    ServerConnectionParms(ClientChannel),
    /// A CCDT at a URL (`file:`, `http:`).
    Url(String),
    /// A CCDT file path.
    File(String),
}

/// One source looked at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// What was looked at (`MQSERVER`, `mqclient.ini CHANNELS:ChannelDefinitionDirectory`).
    pub what: &'static str,
    /// What it held, if anything.
    pub found: Option<String>,
    /// Whether it decided.
    pub used: bool,
}

/// A configuration that will not do what its author probably meant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trap {
    /// One line: what happens and the fix.
    pub text: String,
}

/// A TLS setting and where it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Setting {
    /// The value.
    pub value: String,
    /// Where it came from.
    pub from: &'static str,
}

/// The outcome of resolution.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolution {
    /// The winning source.
    pub source: Source,
    /// Every source looked at, in precedence order.
    pub steps: Vec<Step>,
    /// Traps found.
    pub traps: Vec<Trap>,
    /// The key repository, if configured.
    pub key_repository: Option<Setting>,
    /// The certificate label, if configured outside the channel.
    pub cert_label: Option<Setting>,
    /// OutboundSNI (`MQOUTBOUND_SNI` beats mqclient.ini `SSL:OutboundSNI`), if set to a
    /// value MQ knows (`CHANNEL`, `HOSTNAME`); another value is a trap and CHANNEL is used.
    pub outbound_sni: Option<Setting>,
}

/// Parses `MQSERVER`: `CHANNEL/TCP/conname`, the conname optionally quoted.
pub fn parse_mqserver(value: &str) -> Result<ClientChannel, CcdtError> {
    let bad = |why| CcdtError::Mqserver { value: value.to_owned(), why };
    let mut parts = value.splitn(3, '/');
    let (Some(name), Some(transport), Some(conname)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(bad("expected CHANNEL/TCP/host(port)"));
    };
    if !transport.trim().eq_ignore_ascii_case("TCP") {
        return Err(bad("only the TCP transport is supported"));
    }
    let name = name.trim();
    if name.is_empty() || name.len() > 20 {
        return Err(bad("the channel name must be 1 to 20 characters"));
    }
    let conname = conname.trim().trim_matches('\'').trim_matches('"');
    let mut ch = ClientChannel::new(name);
    ch.connections = parse_conname(conname);
    if ch.connections.is_empty() {
        return Err(bad("no connection name after the second '/'"));
    }
    Ok(ch)
}

/// Resolves the client's channel source from its environment and `mqclient.ini`.
/// `data_dir` is where the default `AMQCLCHL.TAB` lives.
pub fn resolve(
    env: &BTreeMap<String, String>,
    ini: Option<&ClientIni>,
    data_dir: &str,
) -> Result<Resolution, CcdtError> {
    let var = |k: &str| env.get(k).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    let ini_get =
        |s: &str, k: &str| ini.and_then(|i| i.get(s, k)).map(str::to_owned).filter(|v| !v.is_empty());
    let mut steps = Vec::new();
    let mut traps = Vec::new();
    let mut source = None;
    let mut step = |what,
                    found: Option<String>,
                    source: &mut Option<Source>,
                    make: &dyn Fn(&str) -> Result<Source, CcdtError>| {
        let used = source.is_none() && found.is_some();
        if used {
            *source = Some(make(found.as_deref().expect("checked"))?);
        }
        steps.push(Step { what, found, used });
        Ok::<(), CcdtError>(())
    };
    let mqserver = var("MQSERVER");
    step("MQSERVER", mqserver.clone(), &mut source, &|v| parse_mqserver(v).map(Source::Mqserver))?;
    let parms = ini_get("CHANNELS", "ServerConnectionParms");
    step("mqclient.ini CHANNELS:ServerConnectionParms", parms.clone(), &mut source, &|v| {
        parse_mqserver(v).map(Source::ServerConnectionParms)
    })?;
    let url = var("MQCCDTURL");
    step("MQCCDTURL", url.clone(), &mut source, &|v| Ok(Source::Url(v.to_owned())))?;
    let (lib, tab) = (var("MQCHLLIB"), var("MQCHLTAB"));
    let env_file = (lib.is_some() || tab.is_some())
        .then(|| join(lib.as_deref().unwrap_or(data_dir), tab.as_deref().unwrap_or("AMQCLCHL.TAB")));
    step("MQCHLLIB/MQCHLTAB", env_file.clone(), &mut source, &|v| Ok(Source::File(v.to_owned())))?;
    let (dir, file) =
        (ini_get("CHANNELS", "ChannelDefinitionDirectory"), ini_get("CHANNELS", "ChannelDefinitionFile"));
    let ini_file = (dir.is_some() || file.is_some())
        .then(|| join(dir.as_deref().unwrap_or(data_dir), file.as_deref().unwrap_or("AMQCLCHL.TAB")));
    step("mqclient.ini CHANNELS:ChannelDefinitionDirectory/File", ini_file.clone(), &mut source, &|v| {
        Ok(Source::File(v.to_owned()))
    })?;
    let default = join(data_dir, "AMQCLCHL.TAB");
    step("default table", Some(default), &mut source, &|v| Ok(Source::File(v.to_owned())))?;

    let ccdt_configured = [&url, &env_file, &ini_file].iter().find_map(|s| s.as_ref());
    for (what, set) in [("MQSERVER", &mqserver), ("ServerConnectionParms", &parms)] {
        if set.is_some() {
            let over = ccdt_configured.map(|c| format!(" and overrides the CCDT at {c}")).unwrap_or_default();
            traps.push(Trap {
                text: format!("{what} defines the only channel{over}; it cannot carry TLS (no SSLCIPH): unset it and use a CCDT"),
            });
            break;
        }
    }
    if url.is_some() && env_file.is_some() {
        traps.push(Trap {
            text: "MQCCDTURL and MQCHLLIB/MQCHLTAB are both set; MQCCDTURL is used: unset one".into(),
        });
    }
    for (env_name, ini_name, e, i) in [
        ("MQCHLLIB", "ChannelDefinitionDirectory", &lib, &dir),
        ("MQCHLTAB", "ChannelDefinitionFile", &tab, &file),
    ] {
        overriding(&mut traps, env_name, ini_name, e.as_deref(), i.as_deref());
    }
    let key_env = var("MQSSLKEYR");
    let key_ini = ini_get("SSL", "SSLKeyRepository");
    overriding(&mut traps, "MQSSLKEYR", "SSLKeyRepository", key_env.as_deref(), key_ini.as_deref());
    let label_env = var("MQCERTLABL");
    let label_ini = ini_get("SSL", "CertificateLabel");
    overriding(&mut traps, "MQCERTLABL", "CertificateLabel", label_env.as_deref(), label_ini.as_deref());
    let key_repository = setting(key_env, "MQSSLKEYR", key_ini, "mqclient.ini SSL:SSLKeyRepository");
    let cert_label = setting(label_env, "MQCERTLABL", label_ini, "mqclient.ini SSL:CertificateLabel");
    let sni_env = var("MQOUTBOUND_SNI");
    let sni_ini = ini_get("SSL", "OutboundSNI");
    overriding(&mut traps, "MQOUTBOUND_SNI", "OutboundSNI", sni_env.as_deref(), sni_ini.as_deref());
    let outbound_sni = setting(sni_env, "MQOUTBOUND_SNI", sni_ini, "mqclient.ini SSL:OutboundSNI")
        .and_then(|s| match s.value.trim().to_ascii_uppercase().as_str() {
            "CHANNEL" | "HOSTNAME" => Some(s),
            _ => {
                traps.push(Trap {
                    text: format!("{}={} is not CHANNEL or HOSTNAME: MQ ignores it and sends the channel's SNI (CHANNEL)", s.from, s.value),
                });
                None
            }
        });
    let source = source.expect("the default table always resolves");
    Ok(Resolution { source, steps, traps, key_repository, cert_label, outbound_sni })
}

fn setting(
    env: Option<String>,
    env_name: &'static str,
    ini: Option<String>,
    ini_name: &'static str,
) -> Option<Setting> {
    env.map(|value| Setting { value, from: env_name })
        .or_else(|| ini.map(|value| Setting { value, from: ini_name }))
}

fn overriding(traps: &mut Vec<Trap>, env_name: &str, ini_name: &str, env: Option<&str>, ini: Option<&str>) {
    if let (Some(e), Some(i)) = (env, ini) {
        if e != i {
            let case = if e.eq_ignore_ascii_case(i) { " (they differ only in case)" } else { "" };
            traps.push(Trap {
                text: format!("environment variable {env_name}={e} overrides mqclient.ini {ini_name}={i}{case}: unset {env_name} to use the file"),
            });
        }
    }
}

fn join(dir: &str, file: &str) -> String {
    if dir.ends_with('/') || dir.ends_with('\\') {
        format!("{dir}{file}")
    } else {
        format!("{dir}/{file}")
    }
}

/// Traps in the selected entries: a non-TLS entry tried before a TLS one for the same
/// queue manager, and a channel CERTLABL that differs only in case from the configured one.
pub fn selection_traps(order: &[&ClientChannel], label: Option<&Setting>) -> Vec<Trap> {
    let mut traps = Vec::new();
    if let (Some(first), Some(tls)) = (order.first(), order.iter().find(|c| c.uses_tls())) {
        if !first.uses_tls() {
            traps.push(Trap {
                text: format!(
                    "{} (no TLS) is tried before {} ({}): the client will connect without TLS; remove it or give it SSLCIPH",
                    first.name, tls.name, tls.cipher_spec
                ),
            });
        }
    }
    if let Some(label) = label {
        for c in order.iter().filter(|c| !c.cert_label.is_empty()) {
            if c.cert_label != label.value && c.cert_label.eq_ignore_ascii_case(&label.value) {
                traps.push(Trap {
                    text: format!(
                        "{} has CERTLABL('{}') and {} is '{}': labels differ only in case and labels are case-sensitive",
                        c.name, c.cert_label, label.from, label.value
                    ),
                });
            }
        }
    }
    traps
}

#[cfg(test)]
#[path = "resolve_tests.rs"]
mod tests;
