//! The crate's one error type, and diagnostics that place it in the source.

use std::fmt;

use mqtls_model::{ModelError, Severity};

use crate::lines::Pos;

/// Why a command (or a part of it) cannot be accepted as written.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MqscError {
    /// A physical line over the 2048-character limit.
    #[error("line is {len} characters long; MQ accepts at most 2048")]
    LineTooLong {
        /// Its length in characters.
        len: usize,
    },
    /// The input ended inside a continued command.
    #[error("the last command ends with a continuation character")]
    ContinuationAtEnd,
    /// A quoted string with no closing quote.
    #[error("string is not closed; add the closing quote (')")]
    UnterminatedString,
    /// Parentheses that do not balance.
    #[error("'(' is not closed; add ')'")]
    UnclosedParen,
    /// An unquoted value followed by `(`: MQSC strings with parentheses must be quoted.
    #[error("'(' after the unquoted value '{value}': a value holding parentheses must be quoted, e.g. CONNAME('host(1414)')")]
    NestedParen {
        /// The value before the parenthesis.
        value: String,
    },
    /// A `+` or `-` that is not the last non-blank character of its line.
    #[error("'{found}' inside a line: '+' and '-' continue a command only as the last non-blank character of a line")]
    MidLineContinuation {
        /// The word that starts with it.
        found: String,
    },
    /// A `)` with no matching `(`.
    #[error("')' has no matching '('")]
    UnexpectedParen,
    /// Something other than a keyword where a keyword belongs.
    #[error("expected a keyword, found {found}")]
    ExpectedKeyword {
        /// What was found.
        found: String,
    },
    /// A channel whose IBM MQ SNI is not a valid host name (IBM: "How IBM MQ provides
    /// multiple certificates capability"): partners send it no channel SNI.
    #[error("channel {channel}: its TLS SNI would not be a valid host name (the name ends in neither A-Z nor 0-9), so partners send no channel SNI and a CERTLABL on it can never be chosen; end the name in an upper-case letter or a digit")]
    SniNotHostName {
        /// The channel.
        channel: String,
    },
    /// An unrendered template placeholder (`{{ .Name }}`, `${VAR}`).
    #[error("'{token}' looks like an unrendered template placeholder; render the template first")]
    Placeholder {
        /// The placeholder.
        token: String,
    },
    /// A `+NAME+` insertion variable, which only the queue manager's AutoConfig replaces.
    #[error("'{token}' is a queue-manager insertion variable; only the queue manager replaces it when it applies the file at start-up (AutoConfig), runmqsc does not")]
    Insertion {
        /// The variable.
        token: String,
    },
    /// The first word is not an MQSC verb.
    #[error("{verb}: unknown command{}", hint(.suggestion))]
    UnknownVerb {
        /// The word.
        verb: String,
        /// The closest verb.
        suggestion: Option<&'static str>,
    },
    /// The word after the verb is not an object this verb takes.
    #[error("{verb} {word}: unknown object type{}", hint(.suggestion))]
    UnknownObject {
        /// The verb.
        verb: &'static str,
        /// The word.
        word: String,
        /// The closest object type.
        suggestion: Option<&'static str>,
    },
    /// A verb needs an object type after it.
    #[error("{verb} needs an object type, e.g. {example}")]
    MissingObject {
        /// The verb.
        verb: &'static str,
        /// An example.
        example: &'static str,
    },
    /// The object needs a name in parentheses.
    #[error("{object} needs a name: {object}(name)")]
    MissingName {
        /// The object keyword.
        object: &'static str,
    },
    /// A verb/object pair mqtls parses but does not carry (z/OS-only objects and the like).
    #[error("{verb} {object} is not supported by mqtls")]
    Unsupported {
        /// The verb.
        verb: &'static str,
        /// The object.
        object: String,
    },
    /// A valid IBM MQ command that mqtls does not run.
    #[error("{command} is valid IBM MQ syntax but not provided by mqtls: {why}; the command was not run")]
    NotProvided {
        /// Verb and object.
        command: String,
        /// Why mqtls does not run it.
        why: &'static str,
    },
    /// A parameter that this command does not take.
    #[error("{keyword}: not a parameter of {command}{}", hint(.suggestion))]
    UnknownParameter {
        /// The keyword.
        keyword: String,
        /// The command (`DISPLAY CHSTATUS`).
        command: String,
        /// The closest parameter.
        suggestion: Option<&'static str>,
    },
    /// A value that is not valid for a command parameter.
    #[error("{keyword}({value}): {why}")]
    BadParameter {
        /// The keyword.
        keyword: String,
        /// The value.
        value: String,
        /// Why.
        why: &'static str,
    },
    /// An unquoted value that MQSC folded to uppercase where case matters.
    #[error("{keyword} value was uppercased to '{folded}'; quote it to keep its case: {keyword}('{raw}')")]
    Uppercased {
        /// The keyword.
        keyword: String,
        /// The value as typed.
        raw: String,
        /// The value as MQ reads it.
        folded: String,
    },
    /// A model-level finding (attribute values, required attributes, existence).
    #[error(transparent)]
    Model(#[from] ModelError),
    /// A command other than a CLNTCONN channel command while editing a CCDT (`-n`).
    #[error("{command} is not allowed with -n: only DEFINE, ALTER, DELETE and DISPLAY of CHLTYPE(CLNTCONN) channels edit a client channel table")]
    NotForCcdt {
        /// The command.
        command: String,
    },
    /// A command that needs a running queue manager, given to the in-memory executor.
    #[error("{command} needs a running queue manager")]
    NeedsQueueManager {
        /// The command.
        command: String,
    },
    /// A command the running queue manager could not carry out; nothing changed.
    #[error("{command} failed, nothing changed: {why}")]
    Failed {
        /// The command.
        command: String,
        /// Why.
        why: String,
    },
}

fn hint(suggestion: &Option<&'static str>) -> String {
    suggestion.map(|s| format!(", did you mean {s}?")).unwrap_or_default()
}

impl MqscError {
    /// Whether the finding rejects the command or only warns.
    pub fn severity(&self) -> Severity {
        match self {
            Self::Uppercased { .. } | Self::SniNotHostName { .. } => Severity::Warning,
            Self::Model(e) => e.severity(),
            _ => Severity::Error,
        }
    }
}

/// An error placed in the source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Where.
    pub pos: Pos,
    /// The token at fault, as written.
    pub token: String,
    /// What.
    pub error: MqscError,
}

impl Diagnostic {
    /// Whether it rejects the command.
    pub fn severity(&self) -> Severity {
        self.error.severity()
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity() {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{level}: line {}, column {}", self.pos.line, self.pos.col)?;
        if !self.token.is_empty() {
            write!(f, ", at '{}'", mqtls_model::Excerpt::value(&self.token))?;
        }
        write!(f, ": {}", self.error)
    }
}
