//! The crate's one error type.

/// Why a CCDT or a channel lookup failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CcdtError {
    /// The JSON is malformed or a value has the wrong type.
    #[error("line {line}, column {column}: {message}{}", hint.map(|h| format!(" ({h})")).unwrap_or_default())]
    Json {
        /// Line, from 1.
        line: usize,
        /// Column, from 1.
        column: usize,
        /// serde_json's description.
        message: String,
        /// What probably went wrong.
        hint: Option<&'static str>,
    },
    /// A key the CCDT schema does not have (strict mode).
    #[error("line {line}: unknown key {path}{}; use --lenient to ignore unknown keys as the C client does", suggestion.map(|s| format!(", did you mean {s}?")).unwrap_or_default())]
    UnknownKey {
        /// Where: `channel[1].clientConnection.queueManagerName`.
        path: String,
        /// The line of its first occurrence.
        line: usize,
        /// The known key it most likely meant.
        suggestion: Option<&'static str>,
    },
    /// A value outside what the schema allows.
    #[error("{path}: {why} (got \"{}\")", mqtls_model::Excerpt::value(value))]
    Invalid {
        /// Where.
        path: String,
        /// The value.
        value: String,
        /// What is allowed.
        why: &'static str,
    },
    /// The file holds no channels.
    #[error("the CCDT defines no channels")]
    NoChannels,
    /// Bytes that are not a binary CCDT where one was expected.
    #[error("binary CCDT, offset {offset}: {what}")]
    Binary {
        /// Byte offset of the fault.
        offset: usize,
        /// What is wrong.
        what: &'static str,
    },
    /// The queue-manager name has `*` somewhere other than first (MQRC 2058).
    #[error("queue manager name {name:?}: '*' is allowed only as the first character (MQRC 2058)")]
    QmgrName {
        /// The name.
        name: String,
    },
    /// No CCDT entry serves the queue manager (MQRC 2058).
    #[error("no channel in the CCDT serves queue manager {qmgr:?} (MQRC 2058){}", if .known.is_empty() { String::new() } else { format!("; it has entries for {}", .known.join(", ")) })]
    NoChannelFor {
        /// The name asked for.
        qmgr: String,
        /// The queue-manager names the table has.
        known: Vec<String>,
    },
    /// An MQSERVER value that is not `CHANNEL/TCP/conname`.
    #[error("MQSERVER {value:?}: {why}")]
    Mqserver {
        /// The value.
        value: String,
        /// What is wrong.
        why: &'static str,
    },
}
