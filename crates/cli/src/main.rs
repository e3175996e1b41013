//! `mqtls`: the command line. Subcommands live in their own modules.
#![forbid(unsafe_code)]

mod app;
mod ccdt;
mod demo;
mod doctor;
mod keystore;
mod local;
mod mqsc;
mod probe;
mod probe_mq;
mod probe_tls;
mod qmgr;
mod shell;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// mqtls: a queue manager whose channels are secured the way IBM MQ administrators know.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Load the example configuration into an in-memory queue manager and display it.
    Demo,
    /// The MQSC shell (runmqsc): reads MQSC from standard input.
    Mqsc(mqsc::Args),
    /// Keystores (runmqakm): create, add-ca, import, list, delete, export, self-signed.
    #[command(subcommand)]
    Keystore(keystore::Cmd),
    /// Client channel tables: show, convert, resolve.
    #[command(subcommand)]
    Ccdt(ccdt::Cmd),
    /// Queue managers: start one from an MQSC script and a keystore.
    #[command(subcommand)]
    Qmgr(qmgr::Cmd),
    /// Put each line of standard input on a queue (amqsputc), through the channel an MQ
    /// client would choose (MQSERVER, mqclient.ini, CCDT; MQSSLKEYR for TLS).
    Put(app::PutArgs),
    /// Get and print the messages of a queue (amqsgetc), until none arrives in --wait.
    Get(app::GetArgs),
    /// Look at a listener live: its certificate chain, the suite negotiated, whether a
    /// client certificate is requested, the channel start's answer, and which CipherSpecs
    /// it accepts for the channel.
    Probe(probe::ProbeArgs),
    /// Check a queue manager's TLS configuration before any partner tries it: each finding
    /// with its object, what will happen at handshake time, and the fix.
    Doctor(doctor::DoctorArgs),
}

/// A reader that stopped reading (`mqtls ... | head`) is not an error of ours: Rust
/// ignores SIGPIPE, so `println!` would panic; end quietly with the shell's status for a
/// broken pipe (128 + SIGPIPE) instead.
fn quiet_broken_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let text = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or_default();
        if text.starts_with("failed printing to stdout") && text.contains("Broken pipe") {
            std::process::exit(141);
        }
        default(info);
    }));
}

fn main() -> ExitCode {
    quiet_broken_pipe();
    let cli = Cli::parse();
    let result = match cli.command {
        Cmd::Demo => demo::run(),
        Cmd::Mqsc(args) => mqsc::run(args),
        Cmd::Ccdt(cmd) => ccdt::run(cmd),
        Cmd::Keystore(cmd) => keystore::run(cmd),
        Cmd::Qmgr(cmd) => qmgr::run(cmd),
        Cmd::Put(args) => app::put(args),
        Cmd::Get(args) => app::get(args),
        Cmd::Probe(args) => probe::run(args),
        Cmd::Doctor(args) => doctor::run(args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            // Causes whose text the message already holds are not repeated.
            let mut text = e.to_string();
            for cause in e.chain().skip(1).map(ToString::to_string) {
                if !text.contains(&cause) {
                    text = format!("{text}: {cause}");
                }
            }
            eprintln!("mqtls: {text}");
            ExitCode::from(20)
        }
    }
}
