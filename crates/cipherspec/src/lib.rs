//! The IBM MQ CipherSpec catalog and the SSLCIPH policy.
//!
//! Every CipherSpec name MQ accepts in `SSLCIPH` is listed in [`CATALOG`], in MQ's
//! order of preference, with its protocol, IANA suite id, the certificate key type it
//! needs and whether mqtls will use it. Names MQ knows but mqtls refuses (static-RSA
//! key exchange, CBC, CCM, NULL, RC4, DES, export grades, SSL 3.0 and TLS 1.0) stay in
//! the catalog so that a script naming them gets a precise refusal with a replacement,
//! not "unknown CipherSpec".
//!
//! This crate has no TLS dependency: the channel engine maps [`SuiteId`]s to its TLS
//! library's suites.
//!
//! ```
//! use mqtls_cipherspec::{CipherSpecName, SuiteId};
//!
//! let configured: CipherSpecName = "ANY_TLS12_OR_HIGHER".parse().unwrap();
//! // TLS_AES_128_GCM_SHA256 was negotiated: acceptable.
//! assert!(configured.accepts(SuiteId(0x1301)).is_ok());
//! // A static-RSA suite never is.
//! assert!(configured.accepts(SuiteId(0x009C)).is_err());
//! ```
#![forbid(unsafe_code)]

mod catalog;
mod error;
mod name;
mod policy;

pub use catalog::{find, find_suite, CipherSpec, KeyType, Protocol, RefusalReason, Status, SuiteId, CATALOG};
pub use error::CipherSpecError;
pub use name::{Alias, CipherSpecName};
