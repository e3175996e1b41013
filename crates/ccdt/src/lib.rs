//! Client channel definition tables, JSON and binary, and how a client picks a channel.
#![forbid(unsafe_code)]

mod binary;
mod channel;
mod error;
#[doc(hidden)]
pub mod fuzzing;
mod ini;
mod json;
mod objects;
mod resolve;
mod select;
mod time;

pub use binary::{is_binary, read_binary, write_binary, MAGIC, MAX_FILE};
pub use channel::{
    parse_conname, parse_local_address, Address, Affinity, ClientChannel, Exit, LocalAddress, Reconnect,
};
pub use error::CcdtError;
pub use ini::ClientIni;
pub use json::{read_json, write_json, JsonCcdt, Mode};
pub use objects::{from_object, to_object};
pub use resolve::{parse_mqserver, resolve, selection_traps, Resolution, Setting, Source, Step, Trap};
pub use select::{host_seed, select, Candidate, NameForm, Seeds, Selection};
