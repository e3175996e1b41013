//! The catalog: every CipherSpec name MQ accepts, as data.

use std::fmt;

/// An IANA TLS cipher-suite identifier, kept as the raw code so unknown codes round-trip.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SuiteId(pub u16);

impl fmt::Debug for SuiteId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match find_suite(*self) {
            Some(spec) => write!(f, "{}(0x{:04X})", spec.iana_name, self.0),
            None => write!(f, "SuiteId(0x{:04X})", self.0),
        }
    }
}

impl fmt::Display for SuiteId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "0x{:04X}", self.0)
    }
}

/// The protocol a CipherSpec belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Protocol {
    /// SSL 3.0 (MQ's pre-TLS names such as `RC4_SHA_US`).
    Ssl30,
    /// TLS 1.0.
    Tls10,
    /// TLS 1.2.
    Tls12,
    /// TLS 1.3.
    Tls13,
}

impl Protocol {
    /// The name MQ shows in `DISPLAY CHSTATUS SECPROT`.
    pub fn secprot(self) -> &'static str {
        match self {
            Self::Ssl30 => "SSLV3",
            Self::Tls10 => "TLSV1",
            Self::Tls12 => "TLSV12",
            Self::Tls13 => "TLSV13",
        }
    }
}

/// The certificate key type a CipherSpec needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyType {
    /// An RSA certificate (`ECDHE_RSA_*`, `TLS_RSA_*`).
    Rsa,
    /// An elliptic-curve certificate (`ECDHE_ECDSA_*`).
    Ec,
    /// Either (TLS 1.3 suites and the `ANY*` sets).
    Any,
}

impl KeyType {
    /// Whether a certificate with key type `cert` can serve this CipherSpec.
    pub fn admits(self, cert: Self) -> bool {
        self == Self::Any || cert == Self::Any || self == cert
    }
}

/// Why mqtls refuses a CipherSpec that MQ knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RefusalReason {
    /// No encryption at all.
    Null,
    /// Export-grade (40/56-bit) keys.
    Export,
    /// RC4 stream cipher (RFC 7465 prohibits it).
    Rc4,
    /// Single or triple DES (64-bit blocks, Sweet32).
    Des,
    /// Static RSA key exchange: no forward secrecy.
    StaticRsa,
    /// CBC mode with MAC-then-encrypt (Lucky13 and friends).
    Cbc,
    /// AES-CCM, which the TLS library does not implement.
    Ccm,
    /// SSL 3.0 or TLS 1.0, both deprecated by MQ and by RFC 8996.
    ObsoleteProtocol,
}

impl fmt::Display for RefusalReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Null => "it does not encrypt (NULL cipher)",
            Self::Export => "it uses export-grade keys",
            Self::Rc4 => "it uses the broken RC4 cipher",
            Self::Des => "it uses DES/3DES with 64-bit blocks (Sweet32)",
            Self::StaticRsa => "it uses static RSA key exchange, which has no forward secrecy",
            Self::Cbc => "it uses CBC mode, open to padding-oracle attacks",
            Self::Ccm => "AES-CCM suites are not implemented by the TLS engine",
            Self::ObsoleteProtocol => "SSL 3.0 and TLS 1.0 are deprecated (RFC 8996)",
        })
    }
}

/// Whether mqtls will negotiate a CipherSpec.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Status {
    /// Implemented by the TLS engine and allowed.
    Supported,
    /// Known to MQ, refused here.
    Refused(RefusalReason),
}

/// One named MQ CipherSpec.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct CipherSpec {
    /// The name as written in `SSLCIPH`.
    pub name: &'static str,
    /// The IANA name of the suite.
    pub iana_name: &'static str,
    /// The IANA suite id.
    pub suite: SuiteId,
    /// The protocol it runs over.
    pub protocol: Protocol,
    /// The certificate key type it needs.
    pub key_type: KeyType,
    /// Whether mqtls uses it.
    pub status: Status,
}

impl CipherSpec {
    /// Whether mqtls will negotiate this CipherSpec.
    pub fn is_supported(&self) -> bool {
        self.status == Status::Supported
    }

    /// The IBM MQ release that deprecated this CipherSpec, where IBM's table gives one.
    pub fn ibm_deprecated(&self) -> Option<&'static str> {
        table::IBM_DEPRECATED.iter().find(|(n, _)| *n == self.name).map(|(_, v)| *v)
    }

    /// The supported CipherSpec to use instead of a refused one: same key type and,
    /// where one exists, the same AES key length.
    pub fn replacement(&self) -> &'static Self {
        let wide = self.name.contains("AES_256");
        let pick = match (self.protocol, self.key_type, wide) {
            (Protocol::Tls13, _, false) => "TLS_AES_128_GCM_SHA256",
            (Protocol::Tls13, _, true) => "TLS_AES_256_GCM_SHA384",
            (_, KeyType::Ec, false) => "ECDHE_ECDSA_AES_128_GCM_SHA256",
            (_, KeyType::Ec, true) => "ECDHE_ECDSA_AES_256_GCM_SHA384",
            (_, _, false) => "ECDHE_RSA_AES_128_GCM_SHA256",
            (_, _, true) => "ECDHE_RSA_AES_256_GCM_SHA384",
        };
        find(pick).expect("replacement names are in the catalog")
    }
}

/// Looks a CipherSpec up by its exact MQ name.
pub fn find(name: &str) -> Option<&'static CipherSpec> {
    CATALOG.iter().find(|spec| spec.name == name)
}

/// Looks up the preferred catalog entry for a negotiated suite id (TLS 1.2 and 1.3 first).
pub fn find_suite(suite: SuiteId) -> Option<&'static CipherSpec> {
    CATALOG.iter().find(|spec| spec.suite == suite)
}

pub use table::CATALOG;

mod table {
    const fn spec(
        name: &'static str,
        iana_name: &'static str,
        suite: u16,
        protocol: Protocol,
        key_type: KeyType,
        status: Status,
    ) -> CipherSpec {
        CipherSpec { name, iana_name, suite: SuiteId(suite), protocol, key_type, status }
    }

    use super::{CipherSpec, KeyType, Protocol, RefusalReason, Status, SuiteId};
    use KeyType::{Any, Ec, Rsa};
    use Protocol::{Ssl30, Tls10, Tls12, Tls13};
    use RefusalReason::{Cbc, Ccm, Des, Export, Null, ObsoleteProtocol, Rc4, StaticRsa};
    use Status::{Refused, Supported};

    /// Every CipherSpec MQ accepts in SSLCIPH, in MQ's order of preference (MQ 9.2 onward):
    /// TLS 1.3, then TLS 1.2 strongest first, then the deprecated families.
    #[rustfmt::skip]
    pub static CATALOG: &[CipherSpec] = &[
        spec("TLS_CHACHA20_POLY1305_SHA256", "TLS_CHACHA20_POLY1305_SHA256", 0x1303, Tls13, Any, Supported),
        spec("TLS_AES_256_GCM_SHA384", "TLS_AES_256_GCM_SHA384", 0x1302, Tls13, Any, Supported),
        spec("TLS_AES_128_GCM_SHA256", "TLS_AES_128_GCM_SHA256", 0x1301, Tls13, Any, Supported),
        spec("TLS_AES_128_CCM_SHA256", "TLS_AES_128_CCM_SHA256", 0x1304, Tls13, Any, Refused(Ccm)),
        spec("TLS_AES_128_CCM_8_SHA256", "TLS_AES_128_CCM_8_SHA256", 0x1305, Tls13, Any, Refused(Ccm)),
        spec("TLS_RSA_WITH_AES_256_GCM_SHA384", "TLS_RSA_WITH_AES_256_GCM_SHA384", 0x009D, Tls12, Rsa, Refused(StaticRsa)),
        spec("ECDHE_ECDSA_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", 0xC02C, Tls12, Ec, Supported),
        spec("ECDHE_RSA_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", 0xC030, Tls12, Rsa, Supported),
        spec("TLS_RSA_WITH_AES_256_CBC_SHA256", "TLS_RSA_WITH_AES_256_CBC_SHA256", 0x003D, Tls12, Rsa, Refused(StaticRsa)),
        spec("ECDHE_ECDSA_AES_256_CBC_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", 0xC024, Tls12, Ec, Refused(Cbc)),
        spec("ECDHE_RSA_AES_256_CBC_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", 0xC028, Tls12, Rsa, Refused(Cbc)),
        spec("TLS_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_128_GCM_SHA256", 0x009C, Tls12, Rsa, Refused(StaticRsa)),
        spec("ECDHE_ECDSA_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", 0xC02B, Tls12, Ec, Supported),
        spec("ECDHE_RSA_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", 0xC02F, Tls12, Rsa, Supported),
        spec("TLS_RSA_WITH_AES_128_CBC_SHA256", "TLS_RSA_WITH_AES_128_CBC_SHA256", 0x003C, Tls12, Rsa, Refused(StaticRsa)),
        spec("ECDHE_ECDSA_AES_128_CBC_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", 0xC023, Tls12, Ec, Refused(Cbc)),
        spec("ECDHE_RSA_AES_128_CBC_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", 0xC027, Tls12, Rsa, Refused(Cbc)),
        spec("ECDHE_ECDSA_3DES_EDE_CBC_SHA256", "TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA", 0xC008, Tls12, Ec, Refused(Des)),
        spec("ECDHE_RSA_3DES_EDE_CBC_SHA256", "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", 0xC012, Tls12, Rsa, Refused(Des)),
        spec("ECDHE_ECDSA_RC4_128_SHA256", "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA", 0xC007, Tls12, Ec, Refused(Rc4)),
        spec("ECDHE_RSA_RC4_128_SHA256", "TLS_ECDHE_RSA_WITH_RC4_128_SHA", 0xC011, Tls12, Rsa, Refused(Rc4)),
        spec("ECDHE_ECDSA_NULL_SHA256", "TLS_ECDHE_ECDSA_WITH_NULL_SHA", 0xC006, Tls12, Ec, Refused(Null)),
        spec("ECDHE_RSA_NULL_SHA256", "TLS_ECDHE_RSA_WITH_NULL_SHA", 0xC010, Tls12, Rsa, Refused(Null)),
        spec("TLS_RSA_WITH_NULL_SHA256", "TLS_RSA_WITH_NULL_SHA256", 0x003B, Tls12, Rsa, Refused(Null)),
        spec("TLS_RSA_WITH_AES_256_CBC_SHA", "TLS_RSA_WITH_AES_256_CBC_SHA", 0x0035, Tls10, Rsa, Refused(ObsoleteProtocol)),
        spec("TLS_RSA_WITH_AES_128_CBC_SHA", "TLS_RSA_WITH_AES_128_CBC_SHA", 0x002F, Tls10, Rsa, Refused(ObsoleteProtocol)),
        spec("TLS_RSA_WITH_3DES_EDE_CBC_SHA", "TLS_RSA_WITH_3DES_EDE_CBC_SHA", 0x000A, Tls10, Rsa, Refused(Des)),
        spec("FIPS_WITH_3DES_EDE_CBC_SHA", "SSL_RSA_FIPS_WITH_3DES_EDE_CBC_SHA", 0xFEFF, Ssl30, Rsa, Refused(Des)),
        spec("TLS_RSA_WITH_DES_CBC_SHA", "TLS_RSA_WITH_DES_CBC_SHA", 0x0009, Tls10, Rsa, Refused(Des)),
        spec("TRIPLE_DES_SHA_US", "SSL_RSA_WITH_3DES_EDE_CBC_SHA", 0x000A, Ssl30, Rsa, Refused(Des)),
        spec("FIPS_WITH_DES_CBC_SHA", "SSL_RSA_FIPS_WITH_DES_CBC_SHA", 0xFEFE, Ssl30, Rsa, Refused(Des)),
        spec("DES_SHA_EXPORT", "SSL_RSA_WITH_DES_CBC_SHA", 0x0009, Ssl30, Rsa, Refused(Des)),
        spec("DES_SHA_EXPORT1024", "SSL_RSA_EXPORT1024_WITH_DES_CBC_SHA", 0x0062, Ssl30, Rsa, Refused(Export)),
        spec("RC4_SHA_US", "SSL_RSA_WITH_RC4_128_SHA", 0x0005, Ssl30, Rsa, Refused(Rc4)),
        spec("RC4_MD5_US", "SSL_RSA_WITH_RC4_128_MD5", 0x0004, Ssl30, Rsa, Refused(Rc4)),
        spec("RC4_MD5_EXPORT", "SSL_RSA_EXPORT_WITH_RC4_40_MD5", 0x0003, Ssl30, Rsa, Refused(Export)),
        spec("RC4_56_SHA_EXPORT1024", "SSL_RSA_EXPORT1024_WITH_RC4_56_SHA", 0x0064, Ssl30, Rsa, Refused(Export)),
        spec("RC2_MD5_EXPORT", "SSL_RSA_EXPORT_WITH_RC2_CBC_40_MD5", 0x0006, Ssl30, Rsa, Refused(Export)),
        spec("NULL_SHA", "SSL_RSA_WITH_NULL_SHA", 0x0002, Ssl30, Rsa, Refused(Null)),
        spec("NULL_MD5", "SSL_RSA_WITH_NULL_MD5", 0x0001, Ssl30, Rsa, Refused(Null)),
        // IBM i only (IBM MQ 9.4 "Deprecated and removed CipherSpecs"): known so that a
        // script naming one is refused with why, not "unknown".
        spec("AES_SHA_US", "SSL_RSA_WITH_AES_128_CBC_SHA", 0x002F, Ssl30, Rsa, Refused(ObsoleteProtocol)),
        spec("TLS_RSA_EXPORT_WITH_RC2_40_MD5", "TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5", 0x0006, Tls10, Rsa, Refused(Export)),
        spec("TLS_RSA_EXPORT_WITH_RC4_40_MD5", "TLS_RSA_EXPORT_WITH_RC4_40_MD5", 0x0003, Tls10, Rsa, Refused(Export)),
        spec("TLS_RSA_WITH_NULL_MD5", "TLS_RSA_WITH_NULL_MD5", 0x0001, Tls10, Rsa, Refused(Null)),
        spec("TLS_RSA_WITH_NULL_SHA", "TLS_RSA_WITH_NULL_SHA", 0x0002, Tls10, Rsa, Refused(Null)),
    ];

    /// IBM's own deprecation of a CipherSpec: the "Update when deprecated" column of IBM MQ
    /// 9.4's "Deprecated and removed CipherSpecs" table, where the page gives it. This is
    /// IBM's status, separate from mqtls's [`RefusalReason`].
    pub(super) static IBM_DEPRECATED: &[(&str, &str)] = &[
        ("AES_SHA_US", "9.0.0.0"),
        ("DES_SHA_EXPORT", "9.0.0.0"),
        ("DES_SHA_EXPORT1024", "9.0.0.0"),
        ("FIPS_WITH_DES_CBC_SHA", "9.0.0.0"),
        ("FIPS_WITH_3DES_EDE_CBC_SHA", "9.0.0.1 and 9.0.1"),
        ("NULL_MD5", "9.0.0.1"),
        ("NULL_SHA", "9.0.0.1"),
        ("RC2_MD5_EXPORT", "9.0.0.0"),
        ("RC4_MD5_EXPORT", "9.0.0.0"),
        ("RC4_MD5_US", "9.0.0.0"),
        ("RC4_SHA_US", "9.0.0.0"),
        ("RC4_56_SHA_EXPORT1024", "9.0.0.0"),
        ("TRIPLE_DES_SHA_US", "9.0.0.1 and 9.0.1"),
        ("TLS_RSA_EXPORT_WITH_RC2_40_MD5", "9.0.0.0"),
        ("TLS_RSA_EXPORT_WITH_RC4_40_MD5", "9.0.0.0"),
        ("TLS_RSA_WITH_DES_CBC_SHA", "9.0.0.0"),
        ("TLS_RSA_WITH_NULL_MD5", "9.0.0.1"),
    ];
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn names_are_unique_and_uppercase() {
        let mut seen = HashSet::new();
        for spec in CATALOG {
            assert!(seen.insert(spec.name), "duplicate {}", spec.name);
            assert_eq!(spec.name, spec.name.to_ascii_uppercase());
        }
    }

    #[test]
    fn tls13_suites_are_in_the_0x13_range_and_need_any_key() {
        for spec in CATALOG.iter().filter(|s| s.protocol == Protocol::Tls13) {
            assert_eq!(spec.suite.0 >> 8, 0x13, "{}", spec.name);
            assert_eq!(spec.key_type, KeyType::Any);
        }
    }

    #[test]
    fn key_type_follows_the_name() {
        for spec in CATALOG.iter().filter(|s| s.protocol == Protocol::Tls12) {
            let want = if spec.name.contains("ECDSA") { KeyType::Ec } else { KeyType::Rsa };
            assert_eq!(spec.key_type, want, "{}", spec.name);
        }
    }

    #[test]
    fn supported_means_aead_with_forward_secrecy() {
        let supported: Vec<_> = CATALOG.iter().filter(|s| s.is_supported()).map(|s| s.name).collect();
        assert_eq!(supported.len(), 7, "{supported:?}");
        for name in supported {
            assert!(name.contains("GCM") || name.contains("CHACHA20"), "{name}");
            assert!(!name.starts_with("TLS_RSA"), "{name}");
        }
    }

    #[test]
    fn every_refused_spec_has_a_supported_replacement_of_a_compatible_key_type() {
        for spec in CATALOG.iter().filter(|s| !s.is_supported()) {
            let repl = spec.replacement();
            assert!(repl.is_supported(), "{} -> {}", spec.name, repl.name);
            assert!(spec.key_type.admits(repl.key_type), "{} -> {}", spec.name, repl.name);
        }
        assert_eq!(
            find("TLS_RSA_WITH_AES_256_CBC_SHA256").unwrap().replacement().name,
            "ECDHE_RSA_AES_256_GCM_SHA384"
        );
        assert_eq!(
            find("ECDHE_ECDSA_AES_128_CBC_SHA256").unwrap().replacement().name,
            "ECDHE_ECDSA_AES_128_GCM_SHA256"
        );
    }

    /// IBM MQ 9.4 "Deprecated and removed CipherSpecs": FIPS_WITH_3DES_EDE_CBC_SHA is an SSL
    /// 3.0 CipherSpec; the IBM i-only names are known (and refused); IBM's deprecation is
    /// kept apart from mqtls's reason.
    #[test]
    fn ibm_table_facts() {
        assert_eq!(find("FIPS_WITH_3DES_EDE_CBC_SHA").unwrap().protocol, Protocol::Ssl30);
        for name in ["AES_SHA_US", "TLS_RSA_WITH_NULL_SHA", "TLS_RSA_EXPORT_WITH_RC4_40_MD5"] {
            assert!(!find(name).unwrap_or_else(|| panic!("{name}")).is_supported(), "{name}");
        }
        assert_eq!(find("RC4_SHA_US").unwrap().ibm_deprecated(), Some("9.0.0.0"));
        assert_eq!(find("ECDHE_RSA_AES_128_CBC_SHA256").unwrap().ibm_deprecated(), None);
        for (name, _) in table::IBM_DEPRECATED {
            assert!(find(name).is_some_and(|s| !s.is_supported()), "{name}");
        }
    }

    #[test]
    fn suite_debug_prints_the_iana_name() {
        assert_eq!(format!("{:?}", SuiteId(0xC02F)), "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256(0xC02F)");
        assert_eq!(format!("{:?}", SuiteId(0xABCD)), "SuiteId(0xABCD)");
    }
}
