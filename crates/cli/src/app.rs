//! `mqtls put` and `mqtls get`: client applications in the manner of amqsputc and
//! amqsgetc. They find their channel as an MQ client does (MQSERVER, mqclient.ini,
//! MQCCDTURL, MQCHLLIB/MQCHLTAB, the CCDT) and use MQSSLKEYR / MQCERTLABL for TLS.

use std::io::{BufRead, Write};

use mqtls_client::{
    connect, login_user, ClientError, Environment, GetMode, GetOptions, Message, OPEN_BROWSE, OPEN_INPUT,
    OPEN_OUTPUT,
};

/// Where the client looks for its channel.
#[derive(clap::Args)]
pub(crate) struct Target {
    /// The queue manager (QM, *GROUP, or blank for the CCDT's blank QMNAME entries).
    #[arg(short = 'm', long = "qmgr", default_value = "")]
    qmgr: String,
    /// The MQ data directory holding the default AMQCLCHL.TAB and mqclient.ini.
    #[arg(long, default_value = "/var/mqm")]
    data_dir: String,
    /// Accept CCDT JSON the C client accepts (unknown keys, trailing commas).
    #[arg(long)]
    lenient: bool,
}

/// `mqtls put QUEUE`.
#[derive(clap::Args)]
pub(crate) struct PutArgs {
    /// The queue to put to.
    queue: String,
    #[command(flatten)]
    target: Target,
    /// Make the messages persistent (they survive a queue-manager restart). Without
    /// this or --non-persistent, the queue's DEFPSIST decides, as amqsput's do.
    #[arg(long, conflicts_with = "non_persistent")]
    persistent: bool,
    /// Make the messages non-persistent whatever the queue's DEFPSIST.
    #[arg(long)]
    non_persistent: bool,
}

/// `mqtls get QUEUE`.
#[derive(clap::Args)]
pub(crate) struct GetArgs {
    /// The queue to get from.
    queue: String,
    #[command(flatten)]
    target: Target,
    /// Seconds to wait for each next message (amqsgetc waits 15).
    #[arg(long, default_value_t = 15)]
    wait: u32,
    /// Browse: print the messages and leave them on the queue.
    #[arg(long)]
    browse: bool,
}

/// The error as an MQ sample prints it: the reason code first.
pub(crate) fn mq(e: ClientError) -> anyhow::Error {
    anyhow::anyhow!("reason code {}: {e}", e.reason())
}

fn environment(target: &Target) -> Environment {
    Environment { lenient: target.lenient, ..Environment::from_process(&target.data_dir) }
}

/// Puts each line of standard input as a text message; a blank line ends, as in amqsputc.
pub(crate) fn put(args: PutArgs) -> anyhow::Result<u8> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(async {
        let mut hconn = connected(&args.target).await?;
        let q = hconn.open(&args.queue, OPEN_OUTPUT).await.map_err(mq)?;
        println!("target queue is {}", args.queue);
        let mut count = 0u64;
        for line in std::io::stdin().lock().lines() {
            let line = line?;
            if line.is_empty() {
                break;
            }
            let as_queue_default = !args.persistent && !args.non_persistent;
            let message = Message { persistent: args.persistent, as_queue_default, ..Message::text(&line) };
            hconn.put(&q, message, false).await.map_err(mq)?;
            count += 1;
        }
        hconn.disconnect().await.map_err(mq)?;
        println!("{count} messages put");
        Ok(0)
    })
}

/// Gets (or browses) messages and prints them until none arrives within the wait.
pub(crate) fn get(args: GetArgs) -> anyhow::Result<u8> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(async {
        let mut hconn = connected(&args.target).await?;
        let options = if args.browse { OPEN_BROWSE } else { OPEN_INPUT };
        let q = hconn.open(&args.queue, options).await.map_err(mq)?;
        let mut out = std::io::stdout().lock();
        let mut mode = if args.browse { GetMode::BrowseFirst } else { GetMode::Remove };
        let wait_ms = args.wait.saturating_mul(1000);
        while let Some(m) =
            hconn.get(&q, GetOptions { mode, wait_ms, ..GetOptions::default() }).await.map_err(mq)?
        {
            writeln!(out, "message <{}>", String::from_utf8_lossy(&m.payload))?;
            if args.browse {
                mode = GetMode::BrowseNext;
            }
        }
        writeln!(out, "no more messages")?;
        hconn.disconnect().await.map_err(mq)?;
        Ok(0)
    })
}

/// Connects as the environment says and tells stderr where to, over what.
async fn connected(target: &Target) -> anyhow::Result<mqtls_client::Hconn> {
    let hconn = connect(&target.qmgr, &environment(target), &login_user()).await.map_err(mq)?;
    let n = hconn.connection().negotiated();
    let tls = match (&n.protocol, &n.suite) {
        (Some(p), Some(s)) => format!("{p}, {s}"),
        _ => "no TLS".to_owned(),
    };
    eprintln!("connected to {} over {} at {} ({tls})", hconn.qmgr(), n.channel, n.address);
    Ok(hconn)
}
