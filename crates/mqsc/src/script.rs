//! Whole scripts: verify or run every command and report as runmqsc does, with the
//! summary lines and the exit code (0 all good, 10 warnings, 20 errors).

use std::fmt::Write;

use mqtls_model::{Severity, Stamp, Store};

use crate::command::Command;
use crate::convert::convert;
use crate::error::{Diagnostic, MqscError};
use crate::exec::{execute, execute_live, Live};
use crate::lines::{assemble, Item, Pos};
use crate::parser::parse_command;

/// One command of a script and what became of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The physical lines it covers.
    pub lines: (usize, usize),
    /// The checked command, if it was valid.
    pub command: Option<Command>,
    /// Findings while checking it.
    pub diagnostics: Vec<Diagnostic>,
    /// What running it printed (run mode only).
    pub output: Vec<String>,
    /// Why running it failed (run mode only).
    pub failure: Option<MqscError>,
}

impl Entry {
    /// The worst severity of the entry, if any finding or failure.
    pub fn severity(&self) -> Option<Severity> {
        let failed = self.failure.as_ref().map(MqscError::severity);
        self.diagnostics.iter().map(Diagnostic::severity).chain(failed).max()
    }
}

/// Checks every command of a script up to END. Changes nothing.
pub fn verify(src: &str) -> Vec<Entry> {
    let mut entries = Vec::new();
    for item in assemble(src) {
        let entry = match item {
            Item::Error { pos, lines, error } => {
                let diag = Diagnostic { pos, token: String::new(), error };
                Entry { lines, command: None, diagnostics: vec![diag], output: vec![], failure: None }
            }
            Item::Command(logical) => {
                let lines = logical.lines;
                let checked = match placeholder(&logical.text) {
                    Some((at, token)) => {
                        let pos = logical.pos(at);
                        Err(Diagnostic { pos, token: token.clone(), error: MqscError::Placeholder { token } })
                    }
                    None => parse_command(logical.clone()).map_err(|(at, error)| {
                        let token: String = logical.text[at..].chars().take(20).collect();
                        Diagnostic { pos: logical.pos(at), token, error }
                    }),
                };
                match checked {
                    Err(diag) => {
                        Entry { lines, command: None, diagnostics: vec![diag], output: vec![], failure: None }
                    }
                    Ok(syntax) => {
                        let c = convert(&syntax);
                        Entry {
                            lines,
                            command: c.command,
                            diagnostics: c.diagnostics,
                            output: vec![],
                            failure: None,
                        }
                    }
                }
            }
        };
        let end = entry.command == Some(Command::End);
        entries.push(entry);
        if end {
            break;
        }
    }
    entries
}

/// Checks and runs every command against `store`; a failing command changes nothing.
pub fn run(src: &str, store: &mut Store, stamp: &Stamp) -> Vec<Entry> {
    run_live(src, store, stamp, &crate::exec::Empty)
}

/// [`run`] with `live`'s depths and administrators.
pub fn run_live(src: &str, store: &mut Store, stamp: &Stamp, live: &dyn Live) -> Vec<Entry> {
    let mut entries = verify(src);
    for entry in &mut entries {
        if let Some(cmd) = &entry.command {
            match execute_live(store, cmd, stamp.clone(), live) {
                Ok(lines) => entry.output = lines,
                Err(e) => entry.failure = Some(e),
            }
        }
    }
    entries
}

/// Like [`run`], for editing a client channel table (`runmqsc -n`): only DEFINE, ALTER,
/// DELETE and DISPLAY of CLNTCONN channels are run; anything else fails and changes nothing.
pub fn run_client_table(src: &str, store: &mut Store, stamp: &Stamp) -> Vec<Entry> {
    use crate::command::DisplayTarget;
    use mqtls_model::{ChannelTable, ObjectType, Value};
    let clntconn =
        |attrs: &mqtls_model::AttrSet| attrs.get("CHLTYPE") == Some(&Value::Word("CLNTCONN".into()));
    let mut entries = verify(src);
    for entry in &mut entries {
        let Some(cmd) = &entry.command else { continue };
        let allowed = match cmd {
            Command::Define(d) => d.otype == ObjectType::Channel && clntconn(&d.attrs),
            Command::Alter(a) => a.otype == ObjectType::Channel && clntconn(&a.attrs),
            Command::Delete(d) => d.otype == ObjectType::Channel && d.chltable != Some(ChannelTable::Qmgr),
            Command::Display(d) => d.target == DisplayTarget::Objects(ObjectType::Channel),
            Command::End => true,
            _ => false,
        };
        if !allowed {
            entry.failure = Some(MqscError::NotForCcdt { command: cmd.to_string() });
            continue;
        }
        // The table -n edits is the client channel table, named or not.
        let cmd = match cmd {
            Command::Delete(d) => {
                Command::Delete(crate::command::Delete { chltable: Some(ChannelTable::Client), ..d.clone() })
            }
            other => other.clone(),
        };
        match execute(store, &cmd, stamp.clone()) {
            Ok(lines) => entry.output = lines,
            Err(e) => entry.failure = Some(e),
        }
    }
    entries
}

/// Finds `{{ ... }}` or `${...}` template placeholders (offset and text).
fn placeholder(text: &str) -> Option<(usize, String)> {
    let at = text.find("{{").or_else(|| text.find("${"))?;
    let end = text[at..].find(['}']).map_or(text.len(), |e| (at + e + 1).min(text.len()));
    let end =
        if text[at..].starts_with("{{") { text[at..].find("}}").map_or(end, |e| at + e + 2) } else { end };
    Some((at, text[at..end].to_owned()))
}

/// The exit code: 20 if any error, 10 if any warning, else 0.
pub fn exit_code(entries: &[Entry]) -> i32 {
    match entries.iter().filter_map(Entry::severity).max() {
        Some(Severity::Error) => 20,
        Some(Severity::Warning) => 10,
        None => 0,
    }
}

/// The runmqsc-style report: each source line echoed (unless `echo` is false), each
/// command numbered, its findings and output below it, then the summary.
pub fn report(src: &str, entries: &[Entry], echo: bool) -> String {
    let mut out = String::new();
    let source: Vec<&str> = src.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)).collect();
    let mut next_line = 1;
    for (n, entry) in entries.iter().enumerate() {
        if echo {
            for line in next_line..=entry.lines.1.min(source.len()) {
                let prefix =
                    if line == entry.lines.0 { format!("{:>6} : ", n + 1) } else { "       : ".to_owned() };
                let _ = writeln!(out, "{prefix}{}", source[line - 1]);
            }
        }
        next_line = entry.lines.1 + 1;
        for d in &entry.diagnostics {
            let _ = writeln!(out, "{d}");
        }
        for line in &entry.output {
            let _ = writeln!(out, "{line}");
        }
        if let Some(f) = &entry.failure {
            let pos = Pos { line: entry.lines.0, col: 1 };
            let _ = writeln!(out, "{}", Diagnostic { pos, token: String::new(), error: f.clone() });
        }
    }
    out.push_str(&summary(entries));
    out
}

fn summary(entries: &[Entry]) -> String {
    let count = |n: usize, one: &str, many: &str| match n {
        0 => format!("No {many}"),
        1 => format!("One {one}"),
        n => format!("{n} {many}"),
    };
    let syntax =
        entries.iter().filter(|e| e.diagnostics.iter().any(|d| d.severity() == Severity::Error)).count();
    let warned = entries.iter().filter(|e| e.severity() == Some(Severity::Warning)).count();
    let failed = entries.iter().filter(|e| e.failure.is_some()).count();
    let mut s = String::new();
    let read = count(entries.len(), "MQSC command read.", "MQSC commands read.");
    let _ = writeln!(s, "{}", if entries.is_empty() { "No MQSC commands read.".into() } else { read });
    let _ = writeln!(s, "{}", count(syntax, "command has a syntax error.", "commands have a syntax error."));
    if warned > 0 {
        let _ = writeln!(s, "{}", count(warned, "command has warnings.", "commands have warnings."));
    }
    if failed > 0 {
        let _ = writeln!(
            s,
            "{}",
            count(
                failed,
                "valid MQSC command could not be processed.",
                "valid MQSC commands could not be processed."
            )
        );
    }
    s
}
