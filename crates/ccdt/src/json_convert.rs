//! Between the serde shapes and [`ClientChannel`], plus the error helpers of the reader.

use super::*;

/// Every key the schema defines, for "did you mean".
const KNOWN_KEYS: &[&str] = &[
    "channel",
    "name",
    "type",
    "clientConnection",
    "connection",
    "host",
    "port",
    "queueManager",
    "transmissionSecurity",
    "cipherSpecification",
    "certificateLabel",
    "certificatePeerName",
    "connectionManagement",
    "affinity",
    "clientWeight",
    "defaultReconnect",
    "disconnectInterval",
    "heartbeatInterval",
    "keepAliveInterval",
    "sharingConversations",
    "localAddress",
    "portRange",
    "low",
    "high",
    "general",
    "description",
    "maximumMessageLength",
    "compression",
    "header",
    "message",
    "exits",
    "security",
    "send",
    "receive",
    "userData",
    "timestamps",
    "altered",
];

pub(super) fn suggest(key: &str) -> Option<&'static str> {
    KNOWN_KEYS
        .iter()
        .map(|k| (strsim::damerau_levenshtein(k, key), *k))
        .filter(|(d, k)| *d <= 1 + k.len() / 3 || k.eq_ignore_ascii_case(key) || key.starts_with(k))
        .min()
        .map(|(_, k)| k)
}

pub(super) fn unknown_keys(path: &str, extra: &Extra, out: &mut Vec<(String, String)>) {
    for key in extra.keys() {
        let full = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
        out.push((full, key.clone()));
    }
}

pub(super) fn collect_unknown(path: &str, c: &JChannel, out: &mut Vec<(String, String)>) {
    unknown_keys(path, &c.extra, out);
    let sub = |name: &str| format!("{path}.{name}");
    if let Some(cc) = &c.client_connection {
        unknown_keys(&sub("clientConnection"), &cc.extra, out);
        for (i, a) in cc.connection.iter().enumerate() {
            unknown_keys(&format!("{path}.clientConnection.connection[{i}]"), &a.extra, out);
        }
    }
    if let Some(s) = &c.transmission_security {
        unknown_keys(&sub("transmissionSecurity"), &s.extra, out);
    }
    if let Some(m) = &c.connection_management {
        unknown_keys(&sub("connectionManagement"), &m.extra, out);
        for (i, a) in m.local_address.iter().enumerate() {
            let here = format!("{path}.connectionManagement.localAddress[{i}]");
            unknown_keys(&here, &a.extra, out);
            if let Some(r) = &a.port_range {
                unknown_keys(&format!("{here}.portRange"), &r.extra, out);
            }
        }
    }
    if let Some(g) = &c.general {
        unknown_keys(&sub("general"), &g.extra, out);
    }
    if let Some(x) = &c.compression {
        unknown_keys(&sub("compression"), &x.extra, out);
    }
    if let Some(e) = &c.exits {
        unknown_keys(&sub("exits"), &e.extra, out);
        for x in e.security.iter().chain(&e.send).chain(&e.receive) {
            unknown_keys(&sub("exits"), &x.extra, out);
        }
    }
    if let Some(t) = &c.timestamps {
        unknown_keys(&sub("timestamps"), &t.extra, out);
    }
}

/// The line where `"key"` first appears.
pub(super) fn line_of(text: &str, key: &str) -> usize {
    let needle = format!("\"{key}\"");
    text.find(&needle).map_or(1, |at| text[..at].matches('\n').count() + 1)
}

pub(super) fn json_error(text: &str, e: &serde_json::Error) -> CcdtError {
    let (line, column) = (e.line(), e.column());
    let at = text.lines().nth(line.saturating_sub(1)).and_then(|l| l.chars().nth(column.saturating_sub(1)));
    let message = e.to_string();
    let message = message.rsplit_once(" at line ").map_or_else(|| message.clone(), |(m, _)| m.to_owned());
    let hint = if message.contains("trailing comma") {
        Some("JSON allows no comma before ] or }; --lenient accepts it")
    } else if matches!(at, Some('$' | '{'))
        || text.lines().nth(line.saturating_sub(1)).is_some_and(|l| l.contains("{{"))
    {
        Some("an unrendered template placeholder; render the template first")
    } else {
        None
    };
    let message = if matches!(at, Some('$' | '{')) {
        let line_text = text.lines().nth(line.saturating_sub(1)).unwrap_or("");
        let token: String = line_text
            .chars()
            .skip(column.saturating_sub(1))
            .take_while(|c| !matches!(c, ',' | '}' | ']') && !c.is_whitespace())
            .collect();
        format!("{message}: found {token}")
    } else {
        message
    };
    CcdtError::Json { line, column, message, hint }
}

/// Removes commas that directly precede `]` or `}` (outside strings).
pub(super) fn strip_trailing_commas(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_string = false;
    let mut escaped = false;
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if in_string {
            escaped = !escaped && c == '\\';
            in_string = escaped || c != '"';
        } else if c == '"' {
            in_string = true;
        } else if c == ','
            && chars[i + 1..].iter().find(|c| !c.is_whitespace()).is_some_and(|n| matches!(n, ']' | '}'))
        {
            continue;
        }
        out.push(c);
    }
    out
}

fn check_len(path: &str, field: &str, value: &str, max: usize) -> Result<(), CcdtError> {
    if value.chars().count() > max {
        let why = match max {
            20 => "at most 20 characters",
            32 => "at most 32 characters",
            48 => "at most 48 characters",
            64 => "at most 64 characters",
            _ => "at most 1024 characters",
        };
        return Err(CcdtError::Invalid { path: format!("{path}.{field}"), value: value.to_owned(), why });
    }
    Ok(())
}

pub(super) fn to_channel(path: &str, c: &JChannel, mode: Mode) -> Result<ClientChannel, CcdtError> {
    let invalid = |field: &str, value: &str, why| CcdtError::Invalid {
        path: format!("{path}.{field}"),
        value: value.to_owned(),
        why,
    };
    if c.name.trim().is_empty() {
        return Err(invalid("name", &c.name, "a channel name is required"));
    }
    check_len(path, "name", &c.name, 20)?;
    if c.kind != "clientConnection" {
        return Err(invalid("type", &c.kind, "must be \"clientConnection\""));
    }
    let mut ch = ClientChannel::new(&c.name);
    if let Some(cc) = &c.client_connection {
        match (&cc.queue_manager, cc.connection.is_empty(), mode) {
            (None, _, Mode::Strict) => {
                return Err(invalid("clientConnection", "", "needs both queueManager and connection"))
            }
            (_, true, Mode::Strict) => {
                return Err(invalid("clientConnection", "", "needs both queueManager and connection"))
            }
            _ => {}
        }
        ch.qmgr = cc.queue_manager.clone().unwrap_or_default();
        check_len(path, "clientConnection.queueManager", &ch.qmgr, 48)?;
        ch.connections =
            cc.connection.iter().map(|a| Address { host: a.host.clone(), port: a.port }).collect();
    }
    if let Some(s) = &c.transmission_security {
        check_len(path, "transmissionSecurity.cipherSpecification", &s.cipher_specification, 32)?;
        check_len(path, "transmissionSecurity.certificateLabel", &s.certificate_label, 64)?;
        check_len(path, "transmissionSecurity.certificatePeerName", &s.certificate_peer_name, 1024)?;
        ch.cipher_spec = s.cipher_specification.clone();
        ch.cert_label = s.certificate_label.clone();
        ch.peer_name = s.certificate_peer_name.clone();
    }
    if let Some(m) = &c.connection_management {
        if let Some(a) = &m.affinity {
            ch.affinity = match a.as_str() {
                "preferred" => Affinity::Preferred,
                "none" => Affinity::None,
                _ => {
                    return Err(invalid(
                        "connectionManagement.affinity",
                        a,
                        "must be \"preferred\" or \"none\"",
                    ))
                }
            };
        }
        if let Some(r) = &m.default_reconnect {
            ch.reconnect = match r.as_str() {
                "no" => Reconnect::No,
                "yes" => Reconnect::Yes,
                "queueManager" => Reconnect::QueueManager,
                "disabled" => Reconnect::Disabled,
                _ => {
                    return Err(invalid(
                        "connectionManagement.defaultReconnect",
                        r,
                        "must be no, yes, queueManager or disabled",
                    ))
                }
            };
        }
        if let Some(w) = m.client_weight {
            if !(0..=99).contains(&w) {
                return Err(invalid("connectionManagement.clientWeight", &w.to_string(), "must be 0 to 99"));
            }
            ch.client_weight = w;
        }
        ch.disconnect_interval = m.disconnect_interval.unwrap_or(ch.disconnect_interval);
        ch.heartbeat = m.heartbeat_interval.unwrap_or(ch.heartbeat);
        ch.keepalive = m.keep_alive_interval.unwrap_or(ch.keepalive);
        ch.sharing_conversations = m.sharing_conversations.unwrap_or(ch.sharing_conversations);
        for (i, l) in m.local_address.iter().enumerate() {
            if l.port.is_some() && l.port_range.is_some() {
                return Err(invalid(
                    &format!("connectionManagement.localAddress[{i}]"),
                    "",
                    "port and portRange exclude each other",
                ));
            }
            ch.local_address.push(LocalAddress {
                host: l.host.clone(),
                port: l.port,
                range: l.port_range.as_ref().map(|r| (r.low, r.high)),
            });
        }
    }
    if let Some(g) = &c.general {
        check_len(path, "general.description", &g.description, 64)?;
        ch.description = g.description.clone();
        ch.max_msg_length = g.maximum_message_length.unwrap_or(ch.max_msg_length);
    }
    if let Some(x) = &c.compression {
        for (field, list, allowed) in [
            ("compression.header", &x.header, &["none", "system"][..]),
            ("compression.message", &x.message, &["none", "rle", "zlibfast", "zlibhigh", "any"][..]),
        ] {
            if let Some(bad) = list.iter().find(|v| !allowed.contains(&v.as_str())) {
                return Err(invalid(field, bad, "not a compression this list takes"));
            }
        }
        ch.header_compression = x.header.clone();
        ch.message_compression = x.message.clone();
    }
    if let Some(e) = &c.exits {
        let exit = |x: &JExit| Exit { name: x.name.clone(), user_data: x.user_data.clone() };
        ch.security_exit =
            e.security.as_ref().map(exit).filter(|x| !x.name.is_empty() || !x.user_data.is_empty());
        ch.send_exits = e.send.iter().map(exit).filter(|x| !x.name.is_empty()).collect();
        ch.receive_exits = e.receive.iter().map(exit).filter(|x| !x.name.is_empty()).collect();
    }
    if let Some(t) = c.timestamps.as_ref().and_then(|t| t.altered.as_deref()) {
        ch.altered = Some(parse_iso(t).ok_or_else(|| {
            invalid("timestamps.altered", t, "expected an ISO-8601 time like 2018-12-04T15:37:22.000Z")
        })?);
    }
    Ok(ch)
}

/// Writes channels as a JSON CCDT (pretty-printed, every shared attribute explicit).
pub fn write_json(channels: &[ClientChannel]) -> String {
    let hostport = |a: &Address| JHostPort { host: a.host.clone(), port: a.port, ..JHostPort::default() };
    let exit = |x: &Exit| JExit { name: x.name.clone(), user_data: x.user_data.clone(), extra: Extra::new() };
    let file = File {
        channel: channels
            .iter()
            .map(|c| JChannel {
                name: c.name.clone(),
                kind: "clientConnection".into(),
                client_connection: (!c.connections.is_empty() || !c.qmgr.is_empty()).then(|| {
                    JClientConnection {
                        connection: c.connections.iter().map(hostport).collect(),
                        queue_manager: Some(c.qmgr.clone()),
                        extra: Extra::new(),
                    }
                }),
                transmission_security: Some(JSecurity {
                    cipher_specification: c.cipher_spec.clone(),
                    certificate_label: c.cert_label.clone(),
                    certificate_peer_name: c.peer_name.clone(),
                    extra: Extra::new(),
                }),
                connection_management: Some(JManagement {
                    affinity: Some(
                        match c.affinity {
                            Affinity::Preferred => "preferred",
                            Affinity::None => "none",
                        }
                        .into(),
                    ),
                    client_weight: Some(c.client_weight),
                    default_reconnect: Some(
                        match c.reconnect {
                            Reconnect::No => "no",
                            Reconnect::Yes => "yes",
                            Reconnect::QueueManager => "queueManager",
                            Reconnect::Disabled => "disabled",
                        }
                        .into(),
                    ),
                    disconnect_interval: Some(c.disconnect_interval),
                    heartbeat_interval: Some(c.heartbeat),
                    keep_alive_interval: Some(c.keepalive),
                    sharing_conversations: Some(c.sharing_conversations),
                    local_address: c
                        .local_address
                        .iter()
                        .map(|l| JHostPort {
                            host: l.host.clone(),
                            port: l.port,
                            port_range: l.range.map(|(low, high)| JRange { low, high, extra: Extra::new() }),
                            extra: Extra::new(),
                        })
                        .collect(),
                    extra: Extra::new(),
                }),
                general: Some(JGeneral {
                    description: c.description.clone(),
                    maximum_message_length: Some(c.max_msg_length),
                    extra: Extra::new(),
                }),
                compression: (!c.header_compression.is_empty() || !c.message_compression.is_empty()).then(
                    || JCompression {
                        header: c.header_compression.clone(),
                        message: c.message_compression.clone(),
                        extra: Extra::new(),
                    },
                ),
                exits: (c.security_exit.is_some() || !c.send_exits.is_empty() || !c.receive_exits.is_empty())
                    .then(|| JExits {
                        security: c.security_exit.as_ref().map(exit),
                        send: c.send_exits.iter().map(exit).collect(),
                        receive: c.receive_exits.iter().map(exit).collect(),
                        extra: Extra::new(),
                    }),
                timestamps: c
                    .altered
                    .map(|t| JTimestamps { altered: Some(format_iso(t)), extra: Extra::new() }),
                extra: Extra::new(),
            })
            .collect(),
        extra: Extra::new(),
    };
    let mut text = serde_json::to_string_pretty(&file).expect("CCDT structures serialize");
    text.push('\n');
    text
}
