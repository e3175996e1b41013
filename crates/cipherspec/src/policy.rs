//! The policy: is the suite a handshake negotiated acceptable for the channel's SSLCIPH?

use crate::catalog::{CipherSpec, SuiteId};
use crate::error::CipherSpecError;
use crate::name::CipherSpecName;

impl CipherSpecName {
    /// Accepts `negotiated` when it is one of the supported CipherSpecs this SSLCIPH
    /// allows; returns the matching catalog entry (for DISPLAY CHSTATUS).
    pub fn accepts(&self, negotiated: SuiteId) -> Result<&'static CipherSpec, CipherSpecError> {
        self.allowed()?
            .into_iter()
            .find(|spec| spec.suite == negotiated)
            .ok_or_else(|| CipherSpecError::Mismatch { configured: self.as_str().to_owned(), negotiated })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CipherSpecError, CATALOG};

    const TLS13_AES128: SuiteId = SuiteId(0x1301);
    const ECDHE_RSA_AES128: SuiteId = SuiteId(0xC02F);
    const ECDHE_ECDSA_AES256: SuiteId = SuiteId(0xC02C);

    #[test]
    fn single_spec_accepts_only_itself() {
        let name = CipherSpecName::new("ECDHE_RSA_AES_128_GCM_SHA256");
        assert_eq!(name.accepts(ECDHE_RSA_AES128).unwrap().name, "ECDHE_RSA_AES_128_GCM_SHA256");
        let err = name.accepts(ECDHE_ECDSA_AES256).unwrap_err();
        assert!(matches!(err, CipherSpecError::Mismatch { .. }));
        assert_eq!(
            err.to_string(),
            "negotiated suite TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384(0xC02C) does not satisfy \
             SSLCIPH(ECDHE_RSA_AES_128_GCM_SHA256)"
        );
    }

    #[test]
    fn aliases_follow_protocols() {
        let tls12 = CipherSpecName::new("ANY_TLS12");
        assert!(tls12.accepts(ECDHE_RSA_AES128).is_ok());
        assert!(tls12.accepts(TLS13_AES128).is_err());
        let tls13 = CipherSpecName::new("ANY_TLS13_OR_HIGHER");
        assert!(tls13.accepts(TLS13_AES128).is_ok());
        assert!(tls13.accepts(ECDHE_RSA_AES128).is_err());
        let any = CipherSpecName::new("ANY_TLS12_OR_HIGHER");
        assert!(any.accepts(TLS13_AES128).is_ok() && any.accepts(ECDHE_ECDSA_AES256).is_ok());
    }

    #[test]
    fn refused_suites_are_never_accepted_whatever_the_sslciph() {
        for configured in ["ANY", "ANY_TLS12", "ANY_TLS12_OR_HIGHER", "ANY_TLS13"] {
            let name = CipherSpecName::new(configured);
            for spec in CATALOG.iter().filter(|s| !s.is_supported()) {
                assert!(name.accepts(spec.suite).is_err(), "{configured} accepted {}", spec.name);
            }
        }
        let refused = CipherSpecName::new("TLS_RSA_WITH_AES_128_GCM_SHA256");
        assert!(matches!(refused.accepts(SuiteId(0x009C)), Err(CipherSpecError::Refused { .. })));
    }

    #[test]
    fn unknown_sslciph_accepts_nothing() {
        let name = CipherSpecName::new("NOT_A_SPEC");
        assert!(matches!(name.accepts(ECDHE_RSA_AES128), Err(CipherSpecError::Unknown { .. })));
    }
}
