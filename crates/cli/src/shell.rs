//! The MQSC shell for people: `mqtls mqsc QM` (or `--memory`) on a terminal. Line editing
//! and persistent history (rustyline), `+` / `-` continuation with a continuation prompt,
//! Tab completion of verbs, object types, the attribute keywords of the object being typed
//! (for a channel, those of its CHLTYPE) and known object names; Ctrl-C cancels the
//! command being typed, Ctrl-D or END ends with runmqsc's summary. Colour marks errors
//! and warnings when standard output is a terminal and NO_COLOR is unset.

use std::cell::RefCell;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::rc::Rc;

use mqtls_model::schema::attributes;
use mqtls_model::{ChannelType, ObjectType, Store};
use mqtls_mqsc::keywords::{nouns_for, Verb};
use mqtls_mqsc::script;
use rustyline::completion::Completer;
use rustyline::error::ReadlineError;
use rustyline::history::DefaultHistory;
use rustyline::{Config, Editor, Helper, Highlighter, Hinter, Validator};

/// Where the commands run.
pub(crate) enum Backend {
    /// A throw-away queue manager in this process.
    Memory(Store),
    /// A running queue manager's admin socket.
    Socket(PathBuf),
}

impl Backend {
    /// Runs one command: the exit code and the report lines (without the summary).
    fn run(&mut self, command: &str) -> anyhow::Result<(u8, String)> {
        let (code, report) = match self {
            Self::Memory(store) => {
                let live = crate::local::InMemory(mqtls_qmgr::Accounts::default());
                let entries = script::run_live(command, store, &crate::local::now(), &live);
                (script::exit_code(&entries) as u8, script::report(command, &entries, false))
            }
            Self::Socket(path) => crate::local::ask_socket(path, command)?,
        };
        Ok((code, report))
    }

    /// The names of the objects defined now, by object type keyword (QUEUE covers the
    /// queue types).
    fn names(&mut self) -> Vec<(String, String)> {
        let script = "DISPLAY QUEUE(*)\nDISPLAY CHANNEL(*)\nDISPLAY LISTENER(*)\nDISPLAY NAMELIST(*)\nDISPLAY AUTHINFO(*)\n";
        let Ok((_, report)) = self.run(script) else { return Vec::new() };
        let mut out = Vec::new();
        for kind in ["QUEUE", "CHANNEL", "LISTENER", "NAMELIST", "AUTHINFO"] {
            let open = format!("{kind}(");
            for line in report.lines() {
                for part in line.split_whitespace().filter(|p| p.starts_with(&open) && p.ends_with(')')) {
                    out.push((kind.to_owned(), part[open.len()..part.len() - 1].to_owned()));
                }
            }
        }
        out
    }
}

/// Completion over what the shell knows.
#[derive(Helper, Highlighter, Hinter, Validator)]
struct Mqsc {
    names: Rc<RefCell<Vec<(String, String)>>>,
}

impl Completer for Mqsc {
    type Candidate = String;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &rustyline::Context<'_>,
    ) -> rustyline::Result<(usize, Vec<String>)> {
        Ok(complete(&line[..pos], &self.names.borrow()))
    }
}

/// Candidates for the word ending at the end of `typed`: its start and the completions.
fn complete(typed: &str, names: &[(String, String)]) -> (usize, Vec<String>) {
    let start = typed.rfind(|c: char| c.is_whitespace() || c == '(').map_or(0, |i| i + 1);
    let word = typed[start..].to_ascii_uppercase();
    let words: Vec<&str> = typed[..start].split_whitespace().collect();
    let matching = |all: &mut dyn Iterator<Item = String>| -> Vec<String> {
        let mut v: Vec<String> = all.filter(|c| c.starts_with(&word)).collect();
        v.sort();
        v.dedup();
        v
    };
    let verb = words.first().and_then(|w| Verb::from_word(&w.to_ascii_uppercase()));
    let inside_parens = typed[..start].ends_with('(');
    let candidates = match (words.len(), verb, inside_parens) {
        (0, _, false) => {
            matching(&mut Verb::words().filter_map(Verb::from_word).map(|v| format!("{} ", v.word())))
        }
        (1, Some(v), false) => matching(&mut nouns_for(v).iter().map(|n| format!("{n}("))),
        (_, _, true) => {
            // A name: of the object type before the parenthesis, when it is the noun.
            let before = typed[..start - 1].split_whitespace().last().unwrap_or("").to_ascii_uppercase();
            let kind = match before.as_str() {
                "QLOCAL" | "QREMOTE" | "QALIAS" | "QMODEL" | "QUEUE" | "QSTATUS" | "XMITQ" | "TARGET"
                | "RQMNAME" => "QUEUE",
                "CHANNEL" | "CHSTATUS" | "CHLAUTH" => "CHANNEL",
                other => other,
            };
            matching(&mut names.iter().filter(|(k, _)| k == kind).map(|(_, n)| format!("{n})")))
        }
        (_, Some(_), false) => {
            let noun = words.get(1).map(|w| w.split('(').next().unwrap_or("").to_ascii_uppercase());
            let otype = noun.as_deref().and_then(|n| ObjectType::ALL.into_iter().find(|t| t.keyword() == n));
            let chltype = typed
                .to_ascii_uppercase()
                .split("CHLTYPE(")
                .nth(1)
                .and_then(|rest| ChannelType::from_keyword(rest.split(')').next().unwrap_or("")));
            match otype {
                Some(t) => matching(
                    &mut attributes(t)
                        .iter()
                        .filter(|a| t != ObjectType::Channel || chltype.is_none_or(|c| a.chl.has(c)))
                        .map(|a| format!("{}(", a.keyword)),
                ),
                None => Vec::new(),
            }
        }
        _ => Vec::new(),
    };
    (start, candidates)
}

/// Paints errors red and warnings yellow, when asked.
fn paint(report: &str, colour: bool) -> String {
    if !colour {
        return report.to_owned();
    }
    report
        .lines()
        .map(|l| {
            let red = l.starts_with("error:") || (l.contains("AMQ8") && l.contains("E:"));
            if red {
                format!("\x1b[31m{l}\x1b[0m\n")
            } else if l.starts_with("warning:") || l.starts_with("mqtls: warning") {
                format!("\x1b[33m{l}\x1b[0m\n")
            } else {
                format!("{l}\n")
            }
        })
        .collect()
}

/// The report without its summary lines (the shell prints one summary at the end).
fn without_summary(report: &str) -> (&str, &str) {
    let (mut at, mut cut) = (0, None);
    for line in report.split_inclusive('\n') {
        let text = line.trim_end_matches(['\n', '\r']);
        if text.ends_with("MQSC command read.") || text.ends_with("MQSC commands read.") {
            cut = Some(at);
        }
        at += line.len();
    }
    match cut {
        Some(i) => report.split_at(i),
        None => (report, ""),
    }
}

/// Runs the shell until END, Ctrl-D or an error of the terminal; runmqsc's exit code.
pub(crate) fn run(mut backend: Backend, qmgr: &str, history: PathBuf) -> anyhow::Result<u8> {
    let colour = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let names = Rc::new(RefCell::new(backend.names()));
    let config = Config::builder().auto_add_history(false).max_history_size(1000)?.build();
    let mut editor: Editor<Mqsc, DefaultHistory> = Editor::with_config(config)?;
    editor.set_helper(Some(Mqsc { names: names.clone() }));
    let _ = editor.load_history(&history);
    println!("Starting MQSC for queue manager {qmgr}. Tab completes; Ctrl-C cancels a command; END or Ctrl-D ends.\n");
    let (mut read, mut syntax, mut failed, mut worst) = (0usize, 0usize, 0usize, 0u8);
    let mut pending = String::new();
    loop {
        let prompt = if pending.is_empty() { format!("{qmgr}> ") } else { "       : ".to_owned() };
        let line = match editor.readline(&prompt) {
            Ok(line) => line,
            Err(ReadlineError::Interrupted) => {
                if !pending.is_empty() {
                    println!("(command cancelled)");
                }
                pending.clear();
                continue;
            }
            Err(ReadlineError::Eof) => break,
            Err(e) => return Err(e.into()),
        };
        pending.push_str(&line);
        pending.push('\n');
        let trimmed = line.trim_end();
        if trimmed.ends_with('+') || trimmed.ends_with('-') {
            continue;
        }
        let command = std::mem::take(&mut pending);
        if command.trim().is_empty() || command.trim_start().starts_with('*') {
            continue;
        }
        let _ = editor.add_history_entry(command.trim_end());
        if command.trim().eq_ignore_ascii_case("END") {
            break;
        }
        read += 1;
        let (code, report) = backend.run(&command)?;
        let (body, summary) = without_summary(&report);
        print!("{}", paint(body, colour));
        syntax += usize::from(summary.contains("has a syntax error"));
        failed += usize::from(summary.contains("could not be processed"));
        worst = worst.max(code);
        if matches!(
            command.split_whitespace().next().map(str::to_ascii_uppercase).as_deref(),
            Some("DEFINE" | "DEF" | "DELETE" | "DEL")
        ) {
            *names.borrow_mut() = backend.names();
        }
    }
    // The history holds what was typed (possibly secrets in DESCR): owner-only.
    let saved = editor.save_history(&history).map_err(|e| e.to_string()).and_then(|()| {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&history, std::fs::Permissions::from_mode(0o600)).map_err(|e| e.to_string())
    });
    if let Err(e) = saved {
        eprintln!("mqtls: history not saved to {}: {e}", history.display());
    }
    let count = |n: usize, one: &str, many: &str| match n {
        0 => format!("No {many}"),
        1 => format!("One {one}"),
        n => format!("{n} {many}"),
    };
    println!("{}", count(read, "MQSC command read.", "MQSC commands read."));
    println!("{}", count(syntax, "command has a syntax error.", "commands have a syntax error."));
    if failed > 0 {
        println!(
            "{}",
            count(
                failed,
                "valid MQSC command could not be processed.",
                "valid MQSC commands could not be processed."
            )
        );
    }
    Ok(worst)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Vec<(String, String)> {
        vec![
            ("QUEUE".into(), "APP.IN".into()),
            ("QUEUE".into(), "APP.OUT".into()),
            ("CHANNEL".into(), "APP.SVRCONN".into()),
        ]
    }

    #[test]
    fn completes_verbs_nouns_keywords_of_the_channel_type_and_names() {
        assert_eq!(complete("DEF", &names()).1, ["DEFINE "]);
        assert_eq!(complete("DEFINE QL", &names()).1, ["QLOCAL("]);
        assert_eq!(complete("alter ql", &names()), (6, vec!["QLOCAL(".to_owned()]));
        assert_eq!(complete("DISPLAY QLOCAL(APP.", &names()).1, ["APP.IN)", "APP.OUT)"]);
        assert_eq!(complete("ALTER CHANNEL(AP", &names()).1, ["APP.SVRCONN)"]);
        let svrconn = complete("DEFINE CHANNEL(X) CHLTYPE(SVRCONN) SSL", &names()).1;
        assert!(
            svrconn.contains(&"SSLCIPH(".to_owned()) && svrconn.contains(&"SSLCAUTH(".to_owned()),
            "{svrconn:?}"
        );
        let sdr = complete("DEFINE CHANNEL(X) CHLTYPE(SDR) SHARE", &names()).1;
        assert!(sdr.is_empty(), "SHARECNV is not an SDR attribute: {sdr:?}");
        let svrconn = complete("DEFINE CHANNEL(X) CHLTYPE(SVRCONN) SHARE", &names()).1;
        assert_eq!(svrconn, ["SHARECNV("]);
        assert!(complete("DEFINE QLOCAL(X) MAXD", &names()).1 == ["MAXDEPTH("]);
    }

    #[test]
    fn the_summary_is_cut_from_a_report() {
        let report =
            "AMQ8006I: IBM MQ queue created.\nOne MQSC command read.\nNo commands have a syntax error.\n";
        let (body, summary) = without_summary(report);
        assert_eq!(body, "AMQ8006I: IBM MQ queue created.\n");
        assert!(summary.starts_with("One MQSC command read."));
        assert_eq!(paint("error: x\nfine\n", true), "\x1b[31merror: x\x1b[0m\nfine\n");
        assert_eq!(paint("error: x\n", false), "error: x\n");
    }
}
