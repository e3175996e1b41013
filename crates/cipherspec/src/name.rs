//! SSLCIPH values: a single CipherSpec, an `ANY*` set, or a name kept verbatim.

use std::{convert::Infallible, fmt, str::FromStr};

use crate::catalog::{find, CipherSpec, KeyType, Protocol, CATALOG};
use crate::error::CipherSpecError;

/// The `ANY*` CipherSpec sets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Alias {
    /// `ANY`: any supported CipherSpec of any protocol.
    Any,
    /// `ANY_TLS12`: TLS 1.2 only.
    AnyTls12,
    /// `ANY_TLS12_OR_HIGHER`: TLS 1.2 or later.
    AnyTls12OrHigher,
    /// `ANY_TLS13`: TLS 1.3 only.
    AnyTls13,
    /// `ANY_TLS13_OR_HIGHER`: TLS 1.3 or later.
    AnyTls13OrHigher,
}

impl Alias {
    /// Every alias, for completion and documentation.
    pub const ALL: [Self; 5] =
        [Self::Any, Self::AnyTls12, Self::AnyTls12OrHigher, Self::AnyTls13, Self::AnyTls13OrHigher];

    /// The name as written in SSLCIPH.
    pub fn name(self) -> &'static str {
        match self {
            Self::Any => "ANY",
            Self::AnyTls12 => "ANY_TLS12",
            Self::AnyTls12OrHigher => "ANY_TLS12_OR_HIGHER",
            Self::AnyTls13 => "ANY_TLS13",
            Self::AnyTls13OrHigher => "ANY_TLS13_OR_HIGHER",
        }
    }

    /// Whether a protocol belongs to the set.
    pub fn admits(self, protocol: Protocol) -> bool {
        match self {
            Self::Any => true,
            Self::AnyTls12 => protocol == Protocol::Tls12,
            Self::AnyTls12OrHigher => protocol >= Protocol::Tls12,
            Self::AnyTls13 | Self::AnyTls13OrHigher => protocol >= Protocol::Tls13,
        }
    }
}

/// A parsed SSLCIPH value. Unknown names are kept verbatim so a definition naming a
/// newer CipherSpec still loads and is refused later with a clear reason.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum CipherSpecName {
    /// One named CipherSpec from the catalog.
    Single(&'static CipherSpec),
    /// One of the `ANY*` sets.
    Alias(Alias),
    /// A name not in the catalog.
    Unknown(String),
}

impl CipherSpecName {
    /// Classifies a name; matching is exact, as in MQ (names are uppercase).
    pub fn new(name: &str) -> Self {
        if let Some(alias) = Alias::ALL.into_iter().find(|a| a.name() == name) {
            return Self::Alias(alias);
        }
        match find(name) {
            Some(spec) => Self::Single(spec),
            None => Self::Unknown(name.to_owned()),
        }
    }

    /// The name as written in SSLCIPH.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Single(spec) => spec.name,
            Self::Alias(alias) => alias.name(),
            Self::Unknown(name) => name,
        }
    }

    /// The certificate key type the value needs.
    pub fn key_type(&self) -> KeyType {
        match self {
            Self::Single(spec) => spec.key_type,
            Self::Alias(_) | Self::Unknown(_) => KeyType::Any,
        }
    }

    /// Checks that the value names something mqtls will negotiate.
    pub fn validate(&self) -> Result<(), CipherSpecError> {
        self.allowed().map(drop)
    }

    /// The supported CipherSpecs this value lets a handshake negotiate, in preference order.
    pub fn allowed(&self) -> Result<Vec<&'static CipherSpec>, CipherSpecError> {
        match self {
            Self::Single(spec) => match spec.status {
                crate::Status::Supported => Ok(vec![spec]),
                crate::Status::Refused(reason) => Err(CipherSpecError::Refused {
                    name: spec.name,
                    ibm_deprecated: spec.ibm_deprecated(),
                    reason,
                    replacement: spec.replacement().name,
                }),
            },
            Self::Alias(alias) => {
                Ok(CATALOG.iter().filter(|s| s.is_supported() && alias.admits(s.protocol)).collect())
            }
            Self::Unknown(name) => {
                Err(CipherSpecError::Unknown { name: name.clone(), suggestion: suggest(name) })
            }
        }
    }
}

impl FromStr for CipherSpecName {
    type Err = Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self::new(s))
    }
}

impl fmt::Display for CipherSpecName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The catalog name an unknown name most likely meant: a case slip, the IANA or
/// OpenSSL-style spelling of a catalog entry, or a near miss.
fn suggest(name: &str) -> Option<&'static str> {
    let upper = name.to_ascii_uppercase();
    let names = CATALOG.iter().map(|s| s.name).chain(Alias::ALL.iter().map(|a| a.name()));
    if let Some(exact) = names.clone().find(|n| *n == upper) {
        return Some(exact);
    }
    if let Some(spec) = CATALOG.iter().find(|s| s.iana_name == upper) {
        return Some(spec.name);
    }
    names
        .map(|n| (strsim::levenshtein(n, &upper), n))
        .filter(|(d, n)| *d <= n.len() / 5 + 1)
        .min()
        .map(|(_, n)| n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_names() {
        assert_eq!(CipherSpecName::new("ANY_TLS13"), CipherSpecName::Alias(Alias::AnyTls13));
        assert!(matches!(CipherSpecName::new("ECDHE_RSA_AES_128_GCM_SHA256"), CipherSpecName::Single(_)));
        assert_eq!(
            CipherSpecName::new("TLS_FUTURE_SUITE"),
            CipherSpecName::Unknown("TLS_FUTURE_SUITE".into())
        );
        assert_eq!(CipherSpecName::new("TLS_FUTURE_SUITE").to_string(), "TLS_FUTURE_SUITE");
    }

    #[test]
    fn unknown_names_get_suggestions() {
        let err = CipherSpecName::new("any_tls12_or_higher").validate().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown CipherSpec 'any_tls12_or_higher'; did you mean ANY_TLS12_OR_HIGHER?"
        );
        let err = CipherSpecName::new("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256").validate().unwrap_err();
        assert!(err.to_string().ends_with("did you mean ECDHE_RSA_AES_128_GCM_SHA256?"), "{err}");
        let err = CipherSpecName::new("ECDHE_RSA_AES_128_GCM_SHA265").validate().unwrap_err();
        assert!(err.to_string().ends_with("did you mean ECDHE_RSA_AES_128_GCM_SHA256?"), "{err}");
        let err = CipherSpecName::new("XYZZY").validate().unwrap_err();
        assert_eq!(err.to_string(), "unknown CipherSpec 'XYZZY'");
    }

    #[test]
    fn refused_names_explain_and_suggest() {
        let err = CipherSpecName::new("TLS_RSA_WITH_AES_256_CBC_SHA256").validate().unwrap_err();
        assert_eq!(
            err.to_string(),
            "CipherSpec TLS_RSA_WITH_AES_256_CBC_SHA256 is refused: it uses static RSA key exchange, \
             which has no forward secrecy; use ECDHE_RSA_AES_256_GCM_SHA384 or ANY_TLS12_OR_HIGHER instead"
        );
        let err = CipherSpecName::new("RC4_SHA_US").validate().unwrap_err();
        assert!(
            err.to_string().starts_with(
                "CipherSpec RC4_SHA_US is refused: deprecated by IBM MQ 9.0.0.0; not negotiated by mqtls because it uses the broken RC4 cipher"
            ),
            "{err}"
        );
    }

    #[test]
    fn alias_sets_hold_the_right_protocols() {
        let count = |a| CipherSpecName::Alias(a).allowed().unwrap().len();
        assert_eq!(count(Alias::Any), 7);
        assert_eq!(count(Alias::AnyTls12), 4);
        assert_eq!(count(Alias::AnyTls12OrHigher), 7);
        assert_eq!(count(Alias::AnyTls13), 3);
        assert_eq!(count(Alias::AnyTls13OrHigher), 3);
    }
}
