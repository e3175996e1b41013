//! The sans-I/O channel engine: what a listener and a client need around a TLS
//! connection, with no sockets and no runtime.
//!
//! - [`sni`]: channel names in the TLS SNI as IBM MQ sends them (and OutboundSNI);
//! - [`fap`], [`initial_data`]: IBM MQ's own first exchange (TSH, initial data, STATUS);
//! - [`frame`]: the wire frames after the handshake (bounded, versioned, panic-free);
//! - [`ops`]: the message operations (connect, open, put, get, commit...) inside Data frames;
//! - [`transfer`]: the sender / receiver exchange (resynchronisation, batches, confirms);
//! - [`fuzzing`]: the fuzz targets' properties (frames, operations, transfers, channel starts);
//! - [`config`]: rustls configurations built from a channel definition and a keystore;
//! - [`ChannelError::outcome`]: the one mapping from errors to MQ reason codes and fixes.
#![forbid(unsafe_code)]

pub mod config;
mod error;
pub mod fap;
pub mod frame;
pub mod fuzzing;
pub mod initial_data;
pub mod ops;
pub mod sni;
pub mod start;
pub mod transfer;

pub use error::{reason, ChannelError};
