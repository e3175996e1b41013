//! `mqtls probe --mq`: after the TLS handshake, IBM MQ's own first exchange instead of
//! mqtls's channel start: a client's TSH + initial data naming the channel, and the
//! queue manager's answer — its initial data (queue manager name, FAP level, product and
//! limits) or a STATUS code, with what it means and the fix. The probe stops there,
//! before user ids or MQCONN.

use std::time::Duration;

use mqtls_channel::fap::{segment, status};
use mqtls_channel::initial_data::InitialData;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio::time::timeout;

/// Sends the initial data for `channel` on `stream` and prints the answer; whether the
/// queue manager accepted it.
pub(crate) async fn first_exchange<S: AsyncRead + AsyncWrite + Unpin>(
    stream: &mut S,
    channel: &str,
    wait: Duration,
) -> bool {
    let exchange = async {
        stream.write_all(&InitialData::client(channel).segment().encode()).await?;
        stream.flush().await?;
        let answer = mqtls_client::read_segment(stream, &mut Vec::new(), 1 << 16).await;
        answer.map_err(|why| anyhow::anyhow!("no answer: {why}"))
    };
    let answer = match timeout(wait, exchange).await {
        Ok(Ok(answer)) => answer,
        Ok(Err(e)) => {
            println!("IBM MQ initial data: {e:#}.");
            return false;
        }
        Err(_) => {
            println!("IBM MQ initial data: no answer within {}s.", wait.as_secs());
            return false;
        }
    };
    if let Some(code) = answer.status_code() {
        println!("IBM MQ initial data: refused with STATUS 0x{code:02x} {}.", status::meaning(code));
        println!("  fix: {}", status::fix(code).replace("(name)", &format!("({channel})")));
        return false;
    }
    if answer.kind != segment::INITIAL_DATA {
        println!(
            "IBM MQ initial data: answered with {} (0x{:02x}).",
            segment::name(answer.kind),
            answer.kind
        );
        return false;
    }
    match InitialData::decode(&answer.body, answer.little_endian) {
        Ok(id) => {
            let (product, version) = id.product_and_version();
            println!(
                "IBM MQ initial data: accepted by queue manager {} at FAP level {}, product {product} {version}; MAXMSGL({}) HBINT({}) SHARECNV({}).",
                id.qmgr, id.fap_level, id.max_msg_size, id.heartbeat, id.conversations
            );
            if id.errors1 != 0 {
                println!(
                    "  the queue manager did not accept some values it was offered (IniErrFlg1 0x{:02x}).",
                    id.errors1
                );
            }
            true
        }
        Err(e) => {
            println!("IBM MQ initial data: the answer does not decode ({e}).");
            false
        }
    }
}
