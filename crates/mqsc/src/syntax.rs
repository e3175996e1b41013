//! The lossless syntax tree of one command: every token with its span in the logical
//! text, its text as written and as MQ reads it (unquoted text folded to uppercase).

use crate::lines::{Logical, Pos};

/// A byte range in a command's logical text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

/// A word or a quoted string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    /// Where it is.
    pub span: Span,
    /// The value MQ reads: uppercased if bare, unquoted with `''` undoubled if quoted.
    pub text: String,
    /// Whether it was quoted.
    pub quoted: bool,
}

/// `KEYWORD` or `KEYWORD(value, ...)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Param {
    /// The keyword (never quoted).
    pub keyword: Token,
    /// The values inside the parentheses, if there were parentheses.
    pub values: Option<Vec<Token>>,
    /// The whole parameter.
    pub span: Span,
}

impl Param {
    /// The folded values, if any.
    pub fn value_texts(&self) -> Option<Vec<String>> {
        self.values.as_ref().map(|v| v.iter().map(|t| t.text.clone()).collect())
    }
}

/// One command as written: the verb is the first parameter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxCommand {
    /// The assembled source.
    pub source: Logical,
    /// Every parameter in order; `params[0]` is the verb.
    pub params: Vec<Param>,
}

impl SyntaxCommand {
    /// The text of a span as written.
    pub fn raw(&self, span: Span) -> &str {
        self.source.text.get(span.start..span.end).unwrap_or("")
    }

    /// The source position of a span's start.
    pub fn pos(&self, span: Span) -> Pos {
        self.source.pos(span.start)
    }
}
