//! The JSON CCDT. Strict mode refuses anything the schema does not define (as the Java
//! client does) and names the line and the key; lenient mode ignores unknown keys (as the
//! C client does) and accepts trailing commas. Unrendered `$VAR` / `{{ }}` placeholders are
//! errors in both modes.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::channel::{Address, Affinity, ClientChannel, Exit, LocalAddress, Reconnect};
use crate::error::CcdtError;
use crate::time::{format_iso, parse_iso};

/// How strictly to read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Only the schema's keys; no trailing commas (the Java client).
    Strict,
    /// Unknown keys ignored (reported as warnings), trailing commas accepted (the C client).
    Lenient,
}

type Extra = BTreeMap<String, Value>;

#[derive(Deserialize, Serialize, Default)]
struct File {
    #[serde(default)]
    channel: Vec<JChannel>,
    #[serde(flatten, skip_serializing)]
    extra: Extra,
}

#[derive(Deserialize, Serialize, Default)]
#[serde(rename_all = "camelCase")]
struct JChannel {
    name: String,
    #[serde(rename = "type")]
    kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    client_connection: Option<JClientConnection>,
    #[serde(skip_serializing_if = "Option::is_none")]
    transmission_security: Option<JSecurity>,
    #[serde(skip_serializing_if = "Option::is_none")]
    connection_management: Option<JManagement>,
    #[serde(skip_serializing_if = "Option::is_none")]
    general: Option<JGeneral>,
    #[serde(skip_serializing_if = "Option::is_none")]
    compression: Option<JCompression>,
    #[serde(skip_serializing_if = "Option::is_none")]
    exits: Option<JExits>,
    #[serde(skip_serializing_if = "Option::is_none")]
    timestamps: Option<JTimestamps>,
    #[serde(flatten, skip_serializing)]
    extra: Extra,
}

#[derive(Deserialize, Serialize, Default)]
#[serde(rename_all = "camelCase")]
struct JClientConnection {
    #[serde(default)]
    connection: Vec<JHostPort>,
    #[serde(skip_serializing_if = "Option::is_none")]
    queue_manager: Option<String>,
    #[serde(flatten, skip_serializing)]
    extra: Extra,
}

#[derive(Deserialize, Serialize, Default)]
#[serde(rename_all = "camelCase")]
struct JHostPort {
    #[serde(default)]
    host: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    port: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    port_range: Option<JRange>,
    #[serde(flatten, skip_serializing)]
    extra: Extra,
}

#[derive(Deserialize, Serialize, Default)]
struct JRange {
    low: u16,
    high: u16,
    #[serde(flatten, skip_serializing)]
    extra: Extra,
}

#[derive(Deserialize, Serialize, Default)]
#[serde(rename_all = "camelCase")]
struct JSecurity {
    #[serde(default)]
    cipher_specification: String,
    #[serde(default)]
    certificate_label: String,
    #[serde(default)]
    certificate_peer_name: String,
    #[serde(flatten, skip_serializing)]
    extra: Extra,
}

#[derive(Deserialize, Serialize, Default)]
#[serde(rename_all = "camelCase")]
struct JManagement {
    #[serde(skip_serializing_if = "Option::is_none")]
    affinity: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    client_weight: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    default_reconnect: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    disconnect_interval: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    heartbeat_interval: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    keep_alive_interval: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sharing_conversations: Option<i32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    local_address: Vec<JHostPort>,
    #[serde(flatten, skip_serializing)]
    extra: Extra,
}

#[derive(Deserialize, Serialize, Default)]
#[serde(rename_all = "camelCase")]
struct JGeneral {
    #[serde(default)]
    description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    maximum_message_length: Option<i32>,
    #[serde(flatten, skip_serializing)]
    extra: Extra,
}

#[derive(Deserialize, Serialize, Default)]
struct JCompression {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    header: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    message: Vec<String>,
    #[serde(flatten, skip_serializing)]
    extra: Extra,
}

#[derive(Deserialize, Serialize, Default, Clone)]
#[serde(rename_all = "camelCase")]
struct JExit {
    #[serde(default)]
    name: String,
    #[serde(default)]
    user_data: String,
    #[serde(flatten, skip_serializing)]
    extra: Extra,
}

#[derive(Deserialize, Serialize, Default)]
struct JExits {
    #[serde(skip_serializing_if = "Option::is_none")]
    security: Option<JExit>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    send: Vec<JExit>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    receive: Vec<JExit>,
    #[serde(flatten, skip_serializing)]
    extra: Extra,
}

#[derive(Deserialize, Serialize, Default)]
struct JTimestamps {
    #[serde(skip_serializing_if = "Option::is_none")]
    altered: Option<String>,
    #[serde(flatten, skip_serializing)]
    extra: Extra,
}

/// What reading a JSON CCDT gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonCcdt {
    /// The channels, in file order (duplicates kept).
    pub channels: Vec<ClientChannel>,
    /// Unknown keys ignored in lenient mode.
    pub warnings: Vec<String>,
}

/// Reads a JSON CCDT.
pub fn read_json(text: &str, mode: Mode) -> Result<JsonCcdt, CcdtError> {
    // Windows tools (the .NET samples) write a UTF-8 byte-order mark.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let cleaned = match mode {
        Mode::Strict => text.to_owned(),
        Mode::Lenient => strip_trailing_commas(text),
    };
    let file: File = serde_json::from_str(&cleaned).map_err(|e| json_error(&cleaned, &e))?;
    let mut unknown = Vec::new();
    unknown_keys("", &file.extra, &mut unknown);
    for (i, c) in file.channel.iter().enumerate() {
        collect_unknown(&format!("channel[{i}]"), c, &mut unknown);
    }
    let mut warnings = Vec::new();
    for (path, key) in unknown {
        let line = line_of(text, &key);
        match mode {
            Mode::Strict => return Err(CcdtError::UnknownKey { suggestion: suggest(&key), path, line }),
            Mode::Lenient => warnings.push(format!("line {line}: unknown key {path} ignored")),
        }
    }
    let channels = file
        .channel
        .iter()
        .enumerate()
        .map(|(i, c)| to_channel(&format!("channel[{i}]"), c, mode))
        .collect::<Result<Vec<_>, _>>()?;
    if channels.is_empty() {
        return Err(CcdtError::NoChannels);
    }
    Ok(JsonCcdt { channels, warnings })
}

#[path = "json_convert.rs"]
mod convert;
pub use convert::write_json;
use convert::{
    collect_unknown, json_error, line_of, strip_trailing_commas, suggest, to_channel, unknown_keys,
};
