//! The crate's one error type, and the single mapping from each error to the MQ reason
//! code a partner is told and the one-line fix an administrator reads.

use mqtls_cipherspec::CipherSpecError;

/// Why a channel cannot be configured, started, or kept.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ChannelError {
    /// The SNI does not name a channel in mqtls's encoding.
    #[error("SNI {sni:?} does not name a channel")]
    BadSni {
        /// The SNI (truncated).
        sni: String,
    },
    /// No such channel on this queue manager.
    #[error("channel {name} is not defined")]
    UnknownChannel {
        /// The name.
        name: String,
    },
    /// The channel has no SSLCIPH but the partner used TLS, or the reverse.
    #[error("channel {name}: {why}")]
    TlsMismatch {
        /// The channel.
        name: String,
        /// Which way round.
        why: &'static str,
    },
    /// SSLCIPH names nothing mqtls will negotiate.
    #[error("channel {name}: {source}")]
    CipherSpec {
        /// The channel.
        name: String,
        /// Why.
        source: CipherSpecError,
    },
    /// The certificate's key type cannot serve the CipherSpec.
    #[error("channel {name}: certificate '{label}' has an {key} key, but {cipherspec} needs an {needs} certificate")]
    KeyTypeMismatch {
        /// The channel.
        name: String,
        /// The certificate label.
        label: String,
        /// Its key.
        key: String,
        /// The SSLCIPH.
        cipherspec: String,
        /// What it needs.
        needs: &'static str,
    },
    /// SSLCAUTH(REQUIRED), or a client, with no trusted CA to check the partner against.
    #[error("channel {name}: the keystore holds no trusted CA certificate to check the partner's chain")]
    NoTrustedCa {
        /// The channel.
        name: String,
    },
    /// A keystore or certificate problem.
    #[error("channel {name}: {source}")]
    Pki {
        /// The channel.
        name: String,
        /// Why.
        source: mqtls_pki::PkiError,
    },
    /// rustls refused the configuration.
    #[error("channel {name}: the TLS configuration was refused: {source}")]
    Tls {
        /// The channel.
        name: String,
        /// rustls's reason.
        source: rustls::Error,
    },
    /// A frame that breaks the protocol.
    #[error("frame: {0}")]
    Frame(#[from] crate::frame::FrameError),
}

/// MQ reason codes this engine reports.
pub mod reason {
    /// MQRC_NOT_AUTHORIZED.
    pub const NOT_AUTHORIZED: u32 = 2035;
    /// MQRC_Q_MGR_NOT_AVAILABLE.
    pub const Q_MGR_NOT_AVAILABLE: u32 = 2059;
    /// MQRC_SSL_INITIALIZATION_ERROR.
    pub const SSL_INITIALIZATION_ERROR: u32 = 2393;
    /// MQRC_SSL_CERTIFICATE_REVOKED.
    pub const SSL_CERTIFICATE_REVOKED: u32 = 2401;
    /// MQRC_SSL_CERT_STORE_ERROR.
    pub const SSL_CERT_STORE_ERROR: u32 = 2402;
    /// MQRC_CHANNEL_CONFIG_ERROR.
    pub const CHANNEL_CONFIG_ERROR: u32 = 2539;
    /// MQRC_UNKNOWN_CHANNEL_NAME.
    pub const UNKNOWN_CHANNEL_NAME: u32 = 2540;
    /// MQRC_CONNECTION_BROKEN.
    pub const CONNECTION_BROKEN: u32 = 2009;
    /// MQRC_CONNECTION_QUIESCING: STOP CHANNEL MODE(QUIESCE) ended the channel.
    pub const CONNECTION_QUIESCING: u32 = 2202;
    /// MQRC_CHANNEL_NOT_AVAILABLE: the channel is STOPPED.
    pub const CHANNEL_NOT_AVAILABLE: u32 = 2537;
    /// MQRC_ALREADY_CONNECTED: a second Connect on one conversation.
    pub const ALREADY_CONNECTED: u32 = 2002;
    /// MQRC_GET_INHIBITED: the queue has GET(DISABLED).
    pub const GET_INHIBITED: u32 = 2016;
    /// MQRC_HCONN_ERROR: an operation before Connect.
    pub const HCONN_ERROR: u32 = 2018;
    /// MQRC_HOBJ_ERROR: a handle that is not open.
    pub const HOBJ_ERROR: u32 = 2019;
    /// MQRC_MSG_TOO_BIG_FOR_Q: longer than the queue's MAXMSGL.
    pub const MSG_TOO_BIG_FOR_Q: u32 = 2030;
    /// MQRC_MSG_TOO_BIG_FOR_CHANNEL: longer than the channel's negotiated MAXMSGL.
    pub const MSG_TOO_BIG_FOR_CHANNEL: u32 = 2218;
    /// MQRC_NO_MSG_AVAILABLE: nothing to get before the wait ended.
    pub const NO_MSG_AVAILABLE: u32 = 2033;
    /// MQRC_NOT_OPEN_FOR_BROWSE.
    pub const NOT_OPEN_FOR_BROWSE: u32 = 2036;
    /// MQRC_NOT_OPEN_FOR_INPUT.
    pub const NOT_OPEN_FOR_INPUT: u32 = 2037;
    /// MQRC_NOT_OPEN_FOR_OUTPUT.
    pub const NOT_OPEN_FOR_OUTPUT: u32 = 2039;
    /// MQRC_OPTIONS_ERROR: open options that ask for nothing, or unknown bits.
    pub const OPTIONS_ERROR: u32 = 2046;
    /// MQRC_PUT_INHIBITED: the queue has PUT(DISABLED).
    pub const PUT_INHIBITED: u32 = 2051;
    /// MQRC_Q_FULL: the queue holds MAXDEPTH messages.
    pub const Q_FULL: u32 = 2053;
    /// MQRC_Q_MGR_NAME_ERROR: Connect named another queue manager.
    pub const Q_MGR_NAME_ERROR: u32 = 2058;
    /// MQRC_UNKNOWN_OBJECT_NAME: no such queue.
    pub const UNKNOWN_OBJECT_NAME: u32 = 2085;
    /// MQRC_BACKED_OUT: a commit that failed and was backed out.
    pub const BACKED_OUT: u32 = 2003;
    /// MQRC_HANDLE_NOT_AVAILABLE: too many open handles on one connection.
    pub const HANDLE_NOT_AVAILABLE: u32 = 2017;
    /// MQRC_RESOURCE_PROBLEM: the message store failed.
    pub const RESOURCE_PROBLEM: u32 = 2102;
    /// MQRC_KEY_REPOSITORY_ERROR: the client's key repository is missing or unreadable.
    pub const KEY_REPOSITORY_ERROR: u32 = 2381;
    /// MQRC_FUNCTION_NOT_SUPPORTED: a request kind this engine does not know.
    pub const FUNCTION_NOT_SUPPORTED: u32 = 2298;
    /// MQRC_UNKNOWN_REMOTE_Q_MGR: no transmission queue leads to the queue manager.
    pub const UNKNOWN_REMOTE_Q_MGR: u32 = 2087;
    /// MQRC_XMIT_Q_USAGE_ERROR: a transmission queue without USAGE(XMITQ).
    pub const XMIT_Q_USAGE_ERROR: u32 = 2091;
    /// MQRC_OPTION_NOT_VALID_FOR_TYPE: e.g. a remote queue opened for input.
    pub const OPTION_NOT_VALID_FOR_TYPE: u32 = 2045;

    /// MQ's name of a channel-start reason code (`MQRC_...`), or "" for others.
    pub fn name(code: u32) -> &'static str {
        match code {
            NOT_AUTHORIZED => "MQRC_NOT_AUTHORIZED",
            Q_MGR_NOT_AVAILABLE => "MQRC_Q_MGR_NOT_AVAILABLE",
            SSL_INITIALIZATION_ERROR => "MQRC_SSL_INITIALIZATION_ERROR",
            SSL_CERTIFICATE_REVOKED => "MQRC_SSL_CERTIFICATE_REVOKED",
            SSL_CERT_STORE_ERROR => "MQRC_SSL_CERT_STORE_ERROR",
            CHANNEL_CONFIG_ERROR => "MQRC_CHANNEL_CONFIG_ERROR",
            UNKNOWN_CHANNEL_NAME => "MQRC_UNKNOWN_CHANNEL_NAME",
            CONNECTION_BROKEN => "MQRC_CONNECTION_BROKEN",
            CONNECTION_QUIESCING => "MQRC_CONNECTION_QUIESCING",
            CHANNEL_NOT_AVAILABLE => "MQRC_CHANNEL_NOT_AVAILABLE",
            _ => "",
        }
    }

    /// What a refused partner is told besides the code: a generic line. As in MQ, the
    /// reason — the rule, the channel's SSLPEER, the partner's DN — stays in the queue
    /// manager's log, where the partner cannot read it.
    pub fn told(code: u32) -> String {
        format!("the queue manager refused the channel {}; its log says why", tag(code))
    }

    /// A reason code as messages show it: `(2035 MQRC_NOT_AUTHORIZED)`, or `(2398)` for a
    /// code [`name`] does not know.
    pub fn tag(code: u32) -> String {
        match name(code) {
            "" => format!("({code})"),
            n => format!("({code} {n})"),
        }
    }
}

impl ChannelError {
    /// The reason code the partner is told, and the fix for the administrator.
    pub fn outcome(&self) -> (u32, &'static str) {
        use reason::*;
        match self {
            Self::BadSni { .. } => (UNKNOWN_CHANNEL_NAME, "connect with an mqtls client, which names the channel in the SNI"),
            Self::UnknownChannel { .. } => (UNKNOWN_CHANNEL_NAME, "define the channel, or correct the name in the CCDT"),
            Self::TlsMismatch { .. } => (SSL_INITIALIZATION_ERROR, "give both ends an SSLCIPH, or neither"),
            Self::CipherSpec { .. } => (SSL_INITIALIZATION_ERROR, "set SSLCIPH to a supported CipherSpec, such as ANY_TLS12_OR_HIGHER"),
            Self::KeyTypeMismatch { .. } => {
                (SSL_INITIALIZATION_ERROR, "use a CipherSpec for the certificate's key type (ECDHE_ECDSA_* for EC, ECDHE_RSA_* for RSA) or ANY_TLS13")
            }
            Self::NoTrustedCa { .. } => (SSL_CERT_STORE_ERROR, "add the partner's CA with mqtls keystore add-ca"),
            Self::Pki { .. } => (SSL_CERT_STORE_ERROR, "check the keystore and CERTLABL with mqtls keystore list"),
            Self::Tls { .. } => (CHANNEL_CONFIG_ERROR, "check the channel's TLS attributes"),
            Self::Frame(_) => (CONNECTION_BROKEN, "the partner sent a malformed frame; check it is an mqtls peer of the same version"),
        }
    }
}
