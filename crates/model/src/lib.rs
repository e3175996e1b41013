//! MQ object definitions: typed attributes with MQ's defaults and validation.
//!
//! Each object type has a table of attributes ([`schema::attributes`]): the keyword,
//! what values it takes, its default, and (for channels) which CHLTYPEs it applies to.
//! [`AttrSet::build`] checks written parameters against a table and reports every
//! finding with the index of the parameter; [`Store`] applies DEFINE / ALTER / DELETE /
//! SET CHLAUTH / SET AUTHREC with MQ's semantics (REPLACE, LIKE, `SYSTEM.DEF.*`
//! defaults, one namespace for queues). Keywords mqtls does not know are kept as
//! written and reported, never silently dropped.
//!
//! Pure: no I/O, no clock. Time comes in as a [`Stamp`].
//!
//! ```
//! use mqtls_model::{AttrSet, ChannelType, ObjectType, Param, Stamp, Store, Channel};
//!
//! let mut store = Store::new("QM1", Stamp::default()).unwrap();
//! let (chltype, ciph) = (vec!["SVRCONN".to_string()], vec!["ANY_TLS13".to_string()]);
//! let params = [
//!     Param { keyword: "CHLTYPE", values: Some(&chltype) },
//!     Param { keyword: "SSLCIPH", values: Some(&ciph) },
//! ];
//! let (attrs, findings) = AttrSet::build(ObjectType::Channel, Some(ChannelType::Svrconn), &params);
//! assert!(findings.is_empty());
//! store.define(ObjectType::Channel, "APP.SVRCONN", attrs, None, false, Stamp::default()).unwrap();
//! let chl = Channel::new(store.get(ObjectType::Channel, "APP.SVRCONN").unwrap()).unwrap();
//! assert_eq!(chl.ssl_ciph().unwrap().as_str(), "ANY_TLS13");
//! ```
#![forbid(unsafe_code)]

mod attrs;
mod channel;
mod chlauth;
mod dead_letter;
mod error;
mod excerpt;
mod message;
mod object;
pub mod schema;
mod store;
mod transmission;
mod types;
mod value;

pub use attrs::{AttrSet, Finding, Param};
pub use channel::{sni_is_host_name, Affinity, Channel, SslCauth};
pub use chlauth::{
    authority, authrec_objtype, AuthRec, ChlauthAction, ChlauthRecord, ChlauthType, Entity, AUTHREC_OBJTYPES,
};
pub use dead_letter::{DeadLetter, DEAD_LETTER_FORMAT};
pub use error::{ModelError, Severity};
pub use excerpt::{has_control, Excerpt, LINE_LIMIT, VALUE_LIMIT};
pub use message::Message;
pub use object::{check_chlauth_profile, check_name, Object, Stamp};
pub use store::{default_cert_label, generic_match, Store};
pub use transmission::{Transmission, XMIT_FORMAT};
pub use types::{ChannelTable, ChannelType, ObjectType};
pub use value::{write_quoted, Value};
