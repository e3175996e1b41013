//! A minimal STOMP 1.2 client over TLS with a client certificate, for ActiveMQ: CONNECT,
//! SEND (with a receipt when confirmed), SUBSCRIBE, ACK, reading MESSAGE and RECEIPT
//! frames. Written here because no maintained Rust STOMP crate presents a client
//! certificate (async-stomp 0.7 builds its own rustls configuration with webpki roots and
//! no client authentication), and ActiveMQ's MQTT transport in Debian lacks its codec jar.

use std::sync::Arc;

use anyhow::{bail, Context, Result};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, BufWriter};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;

/// The largest frame read (a 64 KiB body and its headers fit).
const MAX_FRAME: usize = 1 << 20;

/// A connected STOMP session.
pub(crate) struct Stomp {
    reader: BufReader<tokio::io::ReadHalf<TlsStream<TcpStream>>>,
    writer: BufWriter<tokio::io::WriteHalf<TlsStream<TcpStream>>>,
}

/// One frame read from the broker.
#[derive(Debug)]
pub(crate) struct Frame {
    /// CONNECTED, MESSAGE, RECEIPT, ERROR.
    pub(crate) command: String,
    /// The headers, in order.
    pub(crate) headers: Vec<(String, String)>,
    /// The body.
    pub(crate) body: Vec<u8>,
}

impl Frame {
    /// A header's value.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

impl Stomp {
    /// TLS to 127.0.0.1:`port` presenting the configuration's certificate, then CONNECT.
    pub(crate) async fn connect(port: u16, tls: Arc<rustls::ClientConfig>) -> Result<Self> {
        let tcp = TcpStream::connect(("127.0.0.1", port)).await?;
        tcp.set_nodelay(true)?;
        let name = rustls::pki_types::ServerName::try_from("127.0.0.1")?.to_owned();
        let stream = tokio_rustls::TlsConnector::from(tls).connect(name, tcp).await.context("STOMP TLS")?;
        let (r, w) = tokio::io::split(stream);
        let mut me = Self { reader: BufReader::new(r), writer: BufWriter::new(w) };
        me.send_frame(
            "CONNECT",
            &[("accept-version", "1.2"), ("host", "localhost"), ("heart-beat", "0,0")],
            &[],
        )
        .await?;
        me.flush().await?;
        let answer = me.read().await?;
        if answer.command != "CONNECTED" {
            bail!("STOMP CONNECT answered {}: {:?}", answer.command, answer.header("message"));
        }
        Ok(me)
    }

    /// Writes a frame (buffered: [`Stomp::flush`] sends it).
    pub(crate) async fn send_frame(
        &mut self,
        command: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Result<()> {
        let mut head = format!("{command}\n");
        for (k, v) in headers {
            head.push_str(&format!("{k}:{v}\n"));
        }
        if !body.is_empty() {
            head.push_str(&format!("content-length:{}\n", body.len()));
        }
        head.push('\n');
        self.writer.write_all(head.as_bytes()).await?;
        self.writer.write_all(body).await?;
        self.writer.write_all(b"\0").await?;
        Ok(())
    }

    /// Sends what is buffered.
    pub(crate) async fn flush(&mut self) -> Result<()> {
        Ok(self.writer.flush().await?)
    }

    /// Reads the next frame, skipping heart-beat newlines; an ERROR frame is an error.
    pub(crate) async fn read(&mut self) -> Result<Frame> {
        let mut line = String::new();
        let command = loop {
            line.clear();
            if self.reader.read_line(&mut line).await? == 0 {
                bail!("the broker closed the STOMP connection");
            }
            let l = line.trim_end_matches(['\r', '\n']);
            if !l.is_empty() {
                break l.to_owned();
            }
        };
        let mut headers = Vec::new();
        loop {
            line.clear();
            self.reader.read_line(&mut line).await?;
            let l = line.trim_end_matches(['\r', '\n']);
            if l.is_empty() {
                break;
            }
            let (k, v) = l.split_once(':').unwrap_or((l, ""));
            headers.push((k.to_owned(), v.to_owned()));
        }
        let length =
            headers.iter().find(|(k, _)| k == "content-length").and_then(|(_, v)| v.parse::<usize>().ok());
        let mut body = Vec::new();
        match length {
            Some(n) if n <= MAX_FRAME => {
                body.resize(n, 0);
                self.reader.read_exact(&mut body).await?;
                let mut nul = [0u8; 1];
                self.reader.read_exact(&mut nul).await?;
            }
            Some(n) => bail!("a STOMP frame of {n} bytes is over the bench's bound"),
            None => {
                self.reader.read_until(0, &mut body).await?;
                body.pop();
            }
        }
        let frame = Frame { command, headers, body };
        if frame.command == "ERROR" {
            bail!("STOMP ERROR: {:?} {}", frame.header("message"), String::from_utf8_lossy(&frame.body));
        }
        Ok(frame)
    }
}
