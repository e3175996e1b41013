//! The nom parser: a logical command's text to a [`SyntaxCommand`].
//!
//! Grammar (after line assembly):
//! ```text
//! command := sep* param (sep+ param)* sep*
//! param   := word blank* ['(' sep* [value (sep+ value)*] sep* ')']
//! value   := quoted | bare          ; bare holds no '(' ')' or "'": quote host(1414)
//! quoted  := "'" (char | "''")* "'"
//! sep     := blank | ','
//! ```

use nom::branch::alt;
use nom::bytes::complete::{tag, take_while, take_while1};
use nom::character::complete::char;
use nom::combinator::cut;
use nom::error::{ErrorKind, ParseError};
use nom::{IResult, Parser};

use crate::error::MqscError;
use crate::lines::Logical;
use crate::syntax::{Param, Span, SyntaxCommand, Token};

/// Most parameters one command may hold, and most values in one list (hostile input bound).
pub const MAX_PARAMS: usize = 512;

/// A parse failure: what, and how much input was left where it happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PError {
    rest: usize,
    error: MqscError,
}

impl ParseError<&str> for PError {
    fn from_error_kind(input: &str, _kind: ErrorKind) -> Self {
        let found = input.chars().next().map_or_else(|| "end of command".to_owned(), |c| format!("'{c}'"));
        Self { rest: input.len(), error: MqscError::ExpectedKeyword { found } }
    }

    fn append(_input: &str, _kind: ErrorKind, other: Self) -> Self {
        other
    }
}

type Res<'a, T> = IResult<&'a str, T, PError>;

fn fail<T>(input: &str, error: MqscError) -> Res<'_, T> {
    Err(nom::Err::Failure(PError { rest: input.len(), error }))
}

fn is_sep(c: char) -> bool {
    c == ' ' || c == '\t' || c == ','
}

fn is_word(c: char) -> bool {
    !is_sep(c) && c != '(' && c != ')' && c != '\''
}

fn seps(i: &str) -> Res<'_, &str> {
    take_while(is_sep).parse(i)
}

fn blanks(i: &str) -> Res<'_, &str> {
    take_while(|c| c == ' ' || c == '\t').parse(i)
}

/// Parses a command; `text` is the logical text of `source`.
pub fn parse_command(source: Logical) -> Result<SyntaxCommand, (usize, MqscError)> {
    let text = source.text.as_str();
    let total = text.len();
    let mut params = Vec::new();
    let mut rest = seps(text).map_err(|e| to_offset(total, e))?.0;
    while !rest.is_empty() {
        if params.len() == MAX_PARAMS {
            return Err((
                total - rest.len(),
                MqscError::ExpectedKeyword { found: "too many parameters".into() },
            ));
        }
        let (after, param) = param(total)(rest).map_err(|e| to_offset(total, e))?;
        params.push(param);
        rest = seps(after).map_err(|e| to_offset(total, e))?.0;
    }
    Ok(SyntaxCommand { source, params })
}

fn to_offset(total: usize, e: nom::Err<PError>) -> (usize, MqscError) {
    match e {
        nom::Err::Error(p) | nom::Err::Failure(p) => (total - p.rest, p.error),
        nom::Err::Incomplete(_) => (total, MqscError::ContinuationAtEnd),
    }
}

fn param(total: usize) -> impl Fn(&str) -> Res<'_, Param> {
    move |i: &str| {
        if i.starts_with('\'') {
            return fail(i, MqscError::ExpectedKeyword { found: "a quoted string".into() });
        }
        if i.starts_with(')') {
            return fail(i, MqscError::UnexpectedParen);
        }
        let (rest, word) = take_while1(is_word).parse(i)?;
        if word.starts_with('+') || word == "-" {
            return fail(i, MqscError::MidLineContinuation { found: word.to_owned() });
        }
        let start = total - i.len();
        let keyword = Token {
            span: Span { start, end: start + word.len() },
            text: word.to_ascii_uppercase(),
            quoted: false,
        };
        let (after_blanks, _) = blanks(rest)?;
        let (rest, values) = if after_blanks.starts_with('(') {
            let (r, v) = values(total)(after_blanks)?;
            (r, Some(v))
        } else {
            (rest, None)
        };
        let span = Span { start, end: total - rest.len() };
        Ok((rest, Param { keyword, values, span }))
    }
}

fn values(total: usize) -> impl Fn(&str) -> Res<'_, Vec<Token>> {
    move |i: &str| {
        let open = i;
        let (mut rest, _) = char('(').parse(i)?;
        let mut items = Vec::new();
        loop {
            rest = seps(rest)?.0;
            if let Ok((r, _)) = char::<_, PError>(')').parse(rest) {
                return Ok((r, items));
            }
            if rest.is_empty() {
                return fail(open, MqscError::UnclosedParen);
            }
            if items.len() == MAX_PARAMS {
                return fail(rest, MqscError::ExpectedKeyword { found: "too many values".into() });
            }
            let start = total - rest.len();
            let (r, (text, quoted)) = cut(alt((quoted, bare))).parse(rest)?;
            items.push(Token { span: Span { start, end: total - r.len() }, text, quoted });
            rest = r;
        }
    }
}

/// `'...'` with `''` for a quote.
fn quoted(i: &str) -> Res<'_, (String, bool)> {
    let (mut rest, _) = char('\'').parse(i)?;
    let mut text = String::new();
    loop {
        let (r, chunk) = take_while(|c| c != '\'').parse(rest)?;
        text.push_str(chunk);
        if r.is_empty() {
            return fail(i, MqscError::UnterminatedString);
        }
        if let Ok((r2, _)) = tag::<_, _, PError>("''").parse(r) {
            text.push('\'');
            rest = r2;
        } else {
            return Ok((&r[1..], (text, true)));
        }
    }
}

/// A bare value: word characters, folded to uppercase. IBM's "Rules for using MQSC
/// commands": a string with special characters must be quoted, so `CONNAME(host(1414))` and
/// `SET CHLAUTH(CHLTYPE(SVRCONN))` are syntax errors, as runmqsc reports them.
fn bare(i: &str) -> Res<'_, (String, bool)> {
    let end = i.find(|c: char| !is_word(c)).unwrap_or(i.len());
    if i[end..].starts_with('(') {
        let value = i[..end].to_owned();
        return fail(&i[end..], MqscError::NestedParen { value });
    }
    let (word, rest) = i.split_at(end);
    if word.is_empty() {
        return Err(nom::Err::Error(PError::from_error_kind(i, ErrorKind::TakeWhile1)));
    }
    Ok((rest, (word.to_ascii_uppercase(), false)))
}

#[cfg(test)]
mod tests;
