//! The crate's one error type.

use crate::catalog::{RefusalReason, SuiteId};

/// Why an SSLCIPH value or a negotiated suite is not acceptable.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CipherSpecError {
    /// The name is not a CipherSpec MQ knows.
    #[error("unknown CipherSpec '{name}'{}", hint(.suggestion))]
    Unknown {
        /// The name as written.
        name: String,
        /// The catalog name it most likely meant, if any.
        suggestion: Option<&'static str>,
    },
    /// MQ knows the name; mqtls refuses to negotiate it.
    #[error("CipherSpec {name} is refused: {}{reason}; use {replacement} or ANY_TLS12_OR_HIGHER instead", deprecated(.ibm_deprecated))]
    Refused {
        /// The refused CipherSpec.
        name: &'static str,
        /// The IBM MQ release that deprecated it, if IBM did.
        ibm_deprecated: Option<&'static str>,
        /// Why it is refused.
        reason: RefusalReason,
        /// The supported CipherSpec closest to it.
        replacement: &'static str,
    },
    /// The suite the handshake negotiated does not satisfy the channel's SSLCIPH.
    #[error("negotiated suite {negotiated:?} does not satisfy SSLCIPH({configured})")]
    Mismatch {
        /// The channel's SSLCIPH.
        configured: String,
        /// What the handshake produced.
        negotiated: SuiteId,
    },
}

fn deprecated(release: &Option<&'static str>) -> String {
    release.map(|r| format!("deprecated by IBM MQ {r}; not negotiated by mqtls because ")).unwrap_or_default()
}

fn hint(suggestion: &Option<&'static str>) -> String {
    suggestion.map(|s| format!("; did you mean {s}?")).unwrap_or_default()
}
