//! The sender's end of a started message channel: frames out (flushed together), the
//! receiver's answers in (heartbeat echoes skipped, each read bounded in time), and the
//! receiver's own reason when a write finds the connection broken.

use std::sync::Arc;
use std::time::Duration;

use mqtls_channel::frame::{encode, Frame};
use mqtls_channel::transfer::{Answer, Send};
use mqtls_client::{read_frame, ChannelStream};
use tokio::io::AsyncWriteExt;
use tokio::time::timeout;

use crate::status::Traffic;

/// The connection, with what was read past the last frame.
pub(crate) struct Link {
    pub(crate) stream: Box<dyn ChannelStream>,
    pub(crate) buf: Vec<u8>,
    pub(crate) traffic: Arc<Traffic>,
}

impl Link {
    pub(crate) async fn send(&mut self, frames: &[Vec<u8>]) -> Result<(), String> {
        for f in frames {
            self.stream.write_all(f).await.map_err(|e| e.to_string())?;
            self.traffic.bytes(f.len(), 0);
        }
        self.stream.flush().await.map_err(|e| e.to_string())
    }

    /// The receiver's next frame within `limit` (`late` says what did not come in time),
    /// counted; a Close is the receiver ending the channel.
    async fn next(&mut self, limit: Duration, late: &str) -> Result<Frame, String> {
        let frame = timeout(limit, read_frame(&mut self.stream, &mut self.buf, 65_536))
            .await
            .map_err(|_| format!("{late} within {}s", limit.as_secs()))??;
        self.traffic.bytes(0, frame.encoded_len());
        match frame {
            Frame::Close { reason } => Err(format!("the receiver ended the channel (reason {reason})")),
            frame => Ok(frame),
        }
    }

    /// The receiver's next answer, heartbeat echoes skipped.
    pub(crate) async fn answer(&mut self, limit: Duration) -> Result<Answer, String> {
        loop {
            match self.next(limit, "no answer from the receiver").await? {
                Frame::Heartbeat => continue,
                Frame::Data { conversation: 0, payload } => {
                    return Answer::decode(&payload).map_err(|e| e.to_string())
                }
                other => return Err(format!("unexpected frame from the receiver: {other:?}")),
            }
        }
    }

    /// The receiver's echo of a heartbeat.
    pub(crate) async fn echo(&mut self, limit: Duration) -> Result<(), String> {
        match self.next(limit, "the receiver did not answer a heartbeat").await? {
            Frame::Heartbeat => Ok(()),
            other => Err(format!("expected a heartbeat echo, got {other:?}")),
        }
    }

    /// Why a write failed: the receiver's own reason when it sent one before closing.
    pub(crate) async fn why_broken(&mut self, write_error: String) -> String {
        match self.answer(Duration::from_secs(1)).await {
            Ok(Answer::Failed { reason, text }) => {
                format!("the receiver refused the batch ({reason}): {text}")
            }
            _ => write_error,
        }
    }
}

/// Sends a resynchronisation and returns the receiver's position: sequence number, batch
/// and queue manager.
pub(crate) async fn ask(link: &mut Link, hello: Send, limit: Duration) -> Result<(u64, u64, String), String> {
    link.send(&[data(hello.encode())]).await?;
    match link.answer(limit).await? {
        Answer::Synced { seq, luwid, qmgr } => Ok((seq, luwid, qmgr)),
        Answer::Failed { reason, text } => Err(format!("the receiver refused ({reason}): {text}")),
        other => Err(format!("expected the receiver's position, got {other:?}")),
    }
}

/// A Data frame on conversation 0.
pub(crate) fn data(payload: Vec<u8>) -> Vec<u8> {
    encode(&Frame::Data { conversation: 0, payload })
}
