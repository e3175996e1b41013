//! Distinguished names as MQ shows them, MQ's SSLPEER filter grammar, and CHLAUTH rules.
#![forbid(unsafe_code)]

mod address;
mod attr;
mod cert;
mod chlauth;
pub mod civil;
mod error;
mod filter;
#[doc(hidden)]
pub mod fuzzing;
mod name;
mod parse;

pub use address::{AddressPattern, Octet4};
pub use attr::{by_name, by_oid, AttrType, ATTRIBUTES};
pub use cert::CertNames;
pub use chlauth::{
    evaluate, profile_matches, Administrators, Decision, Outcome, Partner, Rule, RuleKind, UserSrc,
};
pub use error::{DnError, ErrorKind};
pub use filter::{PeerFilter, MAX_FILTER};
pub use name::{AttrKey, Ava, AvaValue, Dn, Rdn};
pub use parse::MAX_DN;
