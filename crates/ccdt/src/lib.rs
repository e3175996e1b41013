//! Client channel definition tables, JSON and binary, and how a client picks a channel.
#![forbid(unsafe_code)]

mod channel;
mod error;
mod json;
mod time;

pub use channel::{parse_conname, Address, Affinity, ClientChannel, Exit, LocalAddress, Reconnect};
pub use error::CcdtError;
pub use json::{read_json, write_json, JsonCcdt, Mode};
