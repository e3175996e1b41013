//! The mqtls client library: find the channel for a queue manager as an MQ client does
//! ([`plan`], [`connect`]), connect over TLS with the channel name in the SNI
//! ([`Connection`]), and put, get, browse and commit over a conversation ([`Hconn`]).
//! Several conversations may share one connection, up to the negotiated SHARECNV;
//! [`Reconnecting`] connects again through the connection list when a connection breaks.
#![forbid(unsafe_code)]

mod connection;
mod dial;
mod error;
mod hconn;
mod locate;
mod reconnect;

pub use connection::{application_name, login_user, ConnectOptions, Connection};
pub use dial::{dial, ChannelStream, Dial, Dialled, Negotiated};
pub use error::ClientError;
pub use hconn::{Hconn, Hobj};
pub use locate::{
    connect, connect_candidates, connect_options, find_ini, load_ccdt, open_key_repository, plan,
    Environment, Plan, VARIABLES,
};
pub use mqtls_ccdt::{Address, ClientChannel, Reconnect};
pub use mqtls_channel::ops::{
    GetMode, GetOptions, OPEN_BROWSE, OPEN_INPUT, OPEN_INQUIRE, OPEN_OUTPUT, WAIT_UNLIMITED,
};
pub use mqtls_model::Message;
pub use reconnect::{Queue, Reconnecting};

use mqtls_channel::frame::{decode, Frame, HEADER};
use tokio::io::{AsyncRead, AsyncReadExt};

/// Reads the next frame from `stream`, keeping what follows it in `buf`; frames over
/// `max` bytes of payload are refused. Reads go straight into `buf`'s spare room (no
/// buffer in the future itself), and a buffer grown for a large message is given back
/// once drained, so an idle channel holds little memory. Cancel-safe: what was read
/// stays in `buf`.
pub async fn read_frame<S: AsyncRead + Unpin>(
    stream: &mut S,
    buf: &mut Vec<u8>,
    max: u32,
) -> Result<Frame, String> {
    loop {
        if let Some((frame, used)) = decode(buf, max).map_err(|e| e.to_string())? {
            buf.drain(..used);
            if buf.capacity() > 64 * 1024 && buf.len() <= 8192 {
                buf.shrink_to(8192);
            }
            return Ok(frame);
        }
        if buf.capacity() - buf.len() < 4096 {
            buf.reserve(8192);
        }
        let n = stream.read_buf(buf).await.map_err(|e| e.to_string())?;
        if n == 0 {
            return Err("the partner closed the connection".into());
        }
        if buf.len() > HEADER + max as usize {
            return Err("frame larger than the limit".into());
        }
    }
}

/// Reads the next IBM MQ segment (TSH / TSHM) from `stream`, keeping what follows it in
/// `buf`; segments over `max` bytes are refused. The IBM MQ side of [`read_frame`], for a
/// listener facing a real MQ partner and for `mqtls probe --mq`.
pub async fn read_segment<S: AsyncRead + Unpin>(
    stream: &mut S,
    buf: &mut Vec<u8>,
    max: u32,
) -> Result<mqtls_channel::fap::Segment, String> {
    loop {
        if let Some((seg, used)) = mqtls_channel::fap::Segment::decode(buf, max).map_err(|e| e.to_string())? {
            buf.drain(..used);
            return Ok(seg);
        }
        buf.reserve(4096);
        if stream.read_buf(buf).await.map_err(|e| e.to_string())? == 0 {
            return Err("the partner closed the connection".into());
        }
    }
}
