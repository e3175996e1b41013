//! `mqtls mqsc`: verify a script (`-v`), or run it against an in-memory queue manager.

use std::io::{self, Read, Write};
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{bail, Context};
use mqtls_model::{Stamp, Store};
use mqtls_mqsc::script;

/// Options of `mqtls mqsc`, as runmqsc has them.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// The queue manager (a name for the in-memory queue manager with --memory).
    qmgr: Option<String>,
    /// Verify the commands without running them; no queue manager is needed.
    #[arg(short = 'v')]
    verify: bool,
    /// Do not echo the input lines.
    #[arg(short = 'e')]
    no_echo: bool,
    /// Run against a throw-away in-memory queue manager: nothing is kept.
    #[arg(long)]
    memory: bool,
}

/// The current time as a definition stamp.
pub(crate) fn now() -> Stamp {
    Stamp::from_unix(SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs()))
}

/// Reads standard input as text; invalid UTF-8 is replaced, and said so.
fn read_stdin() -> anyhow::Result<String> {
    let mut bytes = Vec::new();
    io::stdin().read_to_end(&mut bytes).context("reading standard input")?;
    Ok(match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => {
            eprintln!(
                "mqtls: input is not UTF-8 (first bad byte at offset {}); decoding it lossily",
                e.utf8_error().valid_up_to()
            );
            String::from_utf8_lossy(e.as_bytes()).into_owned()
        }
    })
}

pub(crate) fn run(args: Args) -> anyhow::Result<u8> {
    if !args.verify && !args.memory {
        bail!(
            "running MQSC against a queue manager needs `mqtls qmgr`, which this build does not have yet; \
             use -v to verify the script, or --memory to run it against a throw-away in-memory queue manager"
        );
    }
    let src = read_stdin()?;
    let qmgr = args.qmgr.unwrap_or_else(|| "QM1".to_owned());
    let entries = if args.verify {
        println!("Verifying MQSC commands{}.\n", if args.memory { "" } else { " (no queue manager needed)" });
        script::verify(&src)
    } else {
        let stamp = now();
        let mut store =
            Store::new(&qmgr, stamp.clone()).with_context(|| format!("queue manager name '{qmgr}'"))?;
        println!("Starting MQSC for in-memory queue manager {qmgr}.\n");
        script::run(&src, &mut store, &stamp)
    };
    let mut stdout = io::stdout().lock();
    stdout.write_all(script::report(&src, &entries, !args.no_echo).as_bytes())?;
    Ok(script::exit_code(&entries) as u8)
}
