//! The crate's one error type, each variant with the MQ reason code an MQ application
//! would see.

use mqtls_channel::reason;

/// Why a connection or an operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// No channel could be found for the queue manager.
    #[error("{0}")]
    Resolve(String),
    /// The CCDT or mqclient.ini could not be read.
    #[error("{path}: {why}")]
    File {
        /// The file.
        path: String,
        /// Why.
        why: String,
    },
    /// The key repository could not be opened, or lacks what the channel needs.
    #[error("key repository: {0}")]
    Keystore(String),
    /// The TLS configuration for the channel cannot be built.
    #[error("{0}")]
    Config(#[from] mqtls_channel::ChannelError),
    /// Every address was tried and none answered.
    #[error("no queue manager answered on {tried}: {last}")]
    Unreachable {
        /// The addresses tried.
        tried: String,
        /// The last failure.
        last: String,
    },
    /// The TLS handshake failed.
    #[error("TLS handshake with {address} on channel {channel} failed: {why}")]
    Handshake {
        /// The address.
        address: String,
        /// The channel.
        channel: String,
        /// rustls' reason.
        why: String,
    },
    /// The queue manager's certificate does not match the channel's SSLPEER.
    #[error("the queue manager's certificate {subject} does not match SSLPEER('{filter}')")]
    Peer {
        /// Its subject.
        subject: String,
        /// The filter.
        filter: String,
    },
    /// The queue manager refused the channel or ended it.
    #[error("the queue manager refused channel {channel} with reason {reason}: {text}")]
    Refused {
        /// The channel.
        channel: String,
        /// MQRC.
        reason: u32,
        /// Its explanation.
        text: String,
    },
    /// An operation failed (MQCC_FAILED with this reason).
    #[error("{op} failed with reason {reason}: {text}")]
    Failed {
        /// The operation.
        op: &'static str,
        /// MQRC.
        reason: u32,
        /// The queue manager's explanation.
        text: String,
    },
    /// The connection broke.
    #[error("connection broken: {0}")]
    Broken(String),
}

impl ClientError {
    /// The MQ reason code an application would see.
    pub fn reason(&self) -> u32 {
        match self {
            Self::Resolve(_) | Self::File { .. } => 2058, // MQRC_Q_MGR_NAME_ERROR
            Self::Keystore(_) => reason::KEY_REPOSITORY_ERROR,
            Self::Config(e) => e.outcome().0,
            Self::Unreachable { .. } => reason::Q_MGR_NOT_AVAILABLE,
            Self::Handshake { .. } => reason::SSL_INITIALIZATION_ERROR,
            Self::Peer { .. } => 2398, // MQRC_SSL_PEER_NAME_MISMATCH
            Self::Refused { reason, .. } | Self::Failed { reason, .. } => *reason,
            Self::Broken(_) => reason::CONNECTION_BROKEN,
        }
    }
}
