//! Physical lines to logical commands: comments, blank lines, `+` / `-` continuation,
//! `;` terminators and the 2048-character line limit, keeping where each piece came from.

use crate::error::MqscError;

/// The longest physical line MQ accepts on Multiplatforms.
pub const MAX_LINE: usize = 2048;

/// A position in the source: 1-based line and column (in characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Pos {
    /// Line number, from 1.
    pub line: usize,
    /// Column, from 1, counted in characters.
    pub col: usize,
}

/// A piece of logical text and where it starts in the source.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Piece {
    offset: usize,
    pos: Pos,
}

/// One command assembled from one or more physical lines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Logical {
    /// The command text with continuations joined and comments removed.
    pub text: String,
    /// The first and last physical line numbers it spans (including comments between).
    pub lines: (usize, usize),
    pieces: Vec<Piece>,
}

impl Logical {
    /// Maps a byte offset in [`Logical::text`] back to a source position.
    pub fn pos(&self, offset: usize) -> Pos {
        let i = self.pieces.partition_point(|p| p.offset <= offset).saturating_sub(1);
        let Some(piece) = self.pieces.get(i) else { return Pos { line: self.lines.0, col: 1 } };
        let start = piece.offset.min(self.text.len());
        let end = offset.min(self.text.len());
        let cols = self.text.get(start..end).map_or(0, |s| s.chars().count());
        Pos { line: piece.pos.line, col: piece.pos.col + cols }
    }
}

/// What [`assemble`] yields: a command, or an error that spoils one command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    /// A complete command.
    Command(Logical),
    /// A line-level problem; the command it belonged to is dropped.
    Error {
        /// Where.
        pos: Pos,
        /// Which lines the spoilt command covered.
        lines: (usize, usize),
        /// What.
        error: MqscError,
    },
}

fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// Splits a script into logical commands, in order.
pub fn assemble(src: &str) -> Vec<Item> {
    let mut out = Vec::new();
    let mut cur: Option<Logical> = None;
    let mut skip_leading = false;
    let mut spoilt: Option<(Pos, MqscError)> = None;
    let mut last_line = 0;
    for (n, raw) in src.split('\n').enumerate() {
        let line_no = n + 1;
        last_line = line_no;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let len = line.chars().count();
        if len > MAX_LINE && spoilt.is_none() {
            spoilt = Some((Pos { line: line_no, col: MAX_LINE + 1 }, MqscError::LineTooLong { len }));
        }
        let trimmed = line.trim_start_matches(is_blank);
        if trimmed.is_empty() || line.starts_with('*') {
            continue;
        }
        // Indented '*' lines are comments too, as most MQSC tools read them.
        if trimmed.starts_with('*') && cur.is_none() {
            continue;
        }
        let logical = cur.get_or_insert_with(|| Logical {
            text: String::new(),
            lines: (line_no, line_no),
            pieces: vec![],
        });
        logical.lines.1 = line_no;
        let (body, col_base) = if skip_leading {
            (trimmed, 1 + line.chars().count() - trimmed.chars().count())
        } else {
            (line, 1)
        };
        let content = body.trim_end_matches(is_blank);
        let (content, ends) = match content.chars().last() {
            Some('+') => (&content[..content.len() - 1], Some(true)),
            Some('-') => (&content[..content.len() - 1], Some(false)),
            Some(';') => (&content[..content.len() - 1], None),
            _ => (content, None),
        };
        logical.pieces.push(Piece { offset: logical.text.len(), pos: Pos { line: line_no, col: col_base } });
        logical.text.push_str(content);
        match ends {
            Some(plus) => skip_leading = plus,
            None => {
                skip_leading = false;
                let done = cur.take().expect("set above");
                out.push(finish(done, spoilt.take()));
            }
        }
    }
    if let Some(open) = cur.take() {
        let pos = Pos { line: last_line, col: 1 };
        let error = spoilt.map_or(MqscError::ContinuationAtEnd, |(_, e)| e);
        out.push(Item::Error { pos, lines: open.lines, error });
    }
    out
}

fn finish(done: Logical, spoilt: Option<(Pos, MqscError)>) -> Item {
    match spoilt {
        Some((pos, error)) => Item::Error { pos, lines: done.lines, error },
        None => Item::Command(done),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(src: &str) -> Vec<String> {
        assemble(src)
            .into_iter()
            .map(|i| match i {
                Item::Command(l) => l.text,
                Item::Error { error, .. } => format!("ERR {error}"),
            })
            .collect()
    }

    #[test]
    fn comments_and_blank_lines_are_skipped() {
        assert_eq!(texts("* a comment\n\nDEFINE QL(A)\n   \n* more\r\nEND\r\n"), vec!["DEFINE QL(A)", "END"]);
    }

    #[test]
    fn plus_continues_from_first_non_blank() {
        assert_eq!(texts("DEFINE QL(A) +\n     DESCR('x')"), vec!["DEFINE QL(A) DESCR('x')"]);
        assert_eq!(texts("DEFINE QL(A) DESCR('Fr+\n   ed')"), vec!["DEFINE QL(A) DESCR('Fred')"]);
        assert_eq!(texts("DEF+\n  INE QL(A)"), vec!["DEFINE QL(A)"]);
    }

    #[test]
    fn minus_continues_from_column_one() {
        assert_eq!(texts("DEFINE QL(A) DESCR('Fr-\ned')"), vec!["DEFINE QL(A) DESCR('Fred')"]);
        assert_eq!(texts("DEFINE QL(A) DESCR('a-\n  b')"), vec!["DEFINE QL(A) DESCR('a  b')"]);
    }

    #[test]
    fn trailing_blanks_after_continuation_are_ignored() {
        assert_eq!(texts("DEFINE QL(A) +  \t\n DESCR('x')"), vec!["DEFINE QL(A) DESCR('x')"]);
    }

    #[test]
    fn comments_and_blanks_inside_a_continued_command_are_dropped() {
        assert_eq!(texts("DEFINE QL(A) +\n* note\n\n  DESCR('x')"), vec!["DEFINE QL(A) DESCR('x')"]);
    }

    #[test]
    fn semicolon_terminates_even_after_plus() {
        assert_eq!(texts("DIS QMGR;\nEND"), vec!["DIS QMGR", "END"]);
    }

    #[test]
    fn text_after_a_command_is_not_a_comment() {
        assert_eq!(
            texts("ALTER QMGR CHLAUTH(DISABLED)  * <-- DEV ONLY"),
            vec!["ALTER QMGR CHLAUTH(DISABLED)  * <-- DEV ONLY"]
        );
    }

    #[test]
    fn long_lines_and_dangling_continuations_are_errors() {
        let long = format!("DEFINE QL(A) DESCR('{}')", "x".repeat(MAX_LINE));
        assert_eq!(
            texts(&format!("{long}\nEND")),
            vec![
                format!("ERR line is {} characters long; MQ accepts at most 2048", long.len()),
                "END".into()
            ]
        );
        assert_eq!(
            texts("DEFINE QL(A) +\n"),
            vec!["ERR the last command ends with a continuation character"]
        );
    }

    #[test]
    fn positions_map_back_to_the_source() {
        let items = assemble("* c\nDEFINE QL(A) +\n     DESCR('x')");
        let Item::Command(l) = &items[0] else { panic!() };
        assert_eq!(l.lines, (2, 3));
        assert_eq!(l.pos(0), Pos { line: 2, col: 1 });
        let d = l.text.find("DESCR").unwrap();
        assert_eq!(l.pos(d), Pos { line: 3, col: 6 });
    }
}
