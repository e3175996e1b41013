//! The crate's one error type. Some variants are warnings: see [`ModelError::severity`].

use mqtls_cipherspec::CipherSpecError;

use crate::{ChannelType, ObjectType};

/// How bad a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Accepted, but the user should know (runmqsc exit code 10).
    Warning,
    /// Rejected; nothing changed (runmqsc exit code 20).
    Error,
}

/// A definition or value that cannot be accepted as written.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ModelError {
    /// A keyword that is not an attribute of the object, close to one that is.
    #[error("{keyword}: unknown attribute of {object}, did you mean {suggestion}?")]
    Misspelt {
        /// The keyword as written.
        keyword: String,
        /// What it was given to (`CHANNEL`, `CHLAUTH`).
        object: &'static str,
        /// The attribute it most likely meant.
        suggestion: &'static str,
    },
    /// A keyword that is no attribute of the object in IBM MQ 9.4 (runmqsc: AMQ8405).
    #[error("{keyword}: not an attribute of {object} in IBM MQ (runmqsc: AMQ8405 syntax error)")]
    Unknown {
        /// The keyword as written.
        keyword: String,
        /// What it was given to.
        object: &'static str,
    },
    /// A CHLAUTH parameter that the record's TYPE does not take.
    #[error("{keyword} is not valid for CHLAUTH TYPE({rtype})")]
    NotForChlauthType {
        /// The keyword.
        keyword: &'static str,
        /// The record type.
        rtype: &'static str,
    },
    /// An attribute that does not apply to this channel type.
    #[error("{keyword} is not valid for CHLTYPE({chltype})")]
    NotForChannelType {
        /// The keyword.
        keyword: &'static str,
        /// The channel type.
        chltype: ChannelType,
    },
    /// A value outside the attribute's fixed set.
    #[error("{keyword}({value}): expected one of {}", .allowed.join(", "))]
    NotOneOf {
        /// The keyword.
        keyword: &'static str,
        /// The value as written.
        value: String,
        /// What is accepted.
        allowed: Vec<&'static str>,
    },
    /// A value that is not a number where one is needed.
    #[error("{keyword}({value}): expected a number from {min} to {max}")]
    NotANumber {
        /// The keyword.
        keyword: &'static str,
        /// The value as written.
        value: String,
        /// Smallest accepted.
        min: i64,
        /// Largest accepted.
        max: i64,
    },
    /// A number outside the attribute's range.
    #[error("{keyword}({value}): out of range {min} to {max}")]
    OutOfRange {
        /// The keyword.
        keyword: &'static str,
        /// The value.
        value: i64,
        /// Smallest accepted.
        min: i64,
        /// Largest accepted.
        max: i64,
    },
    /// A string longer than the MQ field.
    #[error("{keyword}: value is {len} characters, the maximum is {max}")]
    TooLong {
        /// The keyword.
        keyword: &'static str,
        /// Its length.
        len: usize,
        /// The field length.
        max: usize,
    },
    /// A list with more items than allowed, or several values for a single-valued attribute.
    #[error("{keyword}: {count} values given, at most {max} allowed")]
    TooManyValues {
        /// The keyword.
        keyword: &'static str,
        /// How many were given.
        count: usize,
        /// How many are allowed.
        max: usize,
    },
    /// A keyword that needs `(value)` was written bare.
    #[error("{keyword} needs a value: {keyword}(...)")]
    ValueRequired {
        /// The keyword.
        keyword: &'static str,
    },
    /// A flag keyword was given a value.
    #[error("{keyword} takes no value")]
    NoValueAllowed {
        /// The keyword.
        keyword: &'static str,
    },
    /// The same attribute given twice, or with its negative form.
    #[error("{keyword} given more than once")]
    Repeated {
        /// The keyword.
        keyword: &'static str,
    },
    /// A required attribute is missing.
    #[error("{keyword} is required {context}")]
    Missing {
        /// The keyword.
        keyword: &'static str,
        /// Where it is required.
        context: &'static str,
    },
    /// Two parameters that exclude each other.
    #[error("{first} and {second} cannot be used together")]
    Conflict {
        /// The first keyword.
        first: &'static str,
        /// The second keyword.
        second: &'static str,
    },
    /// An SSLCIPH value MQ itself would reject.
    #[error("{keyword}: {source}")]
    CipherSpec {
        /// The keyword (SSLCIPH).
        keyword: &'static str,
        /// Why.
        source: CipherSpecError,
    },
    /// An SSLPEER / SSLCERTI filter or ADDRESS pattern that does not parse.
    #[error("{source}")]
    Dn {
        /// The keyword.
        keyword: &'static str,
        /// Why, and at which character.
        source: mqtls_dn::DnError,
    },
    /// An object name that breaks MQ's naming rules.
    #[error("{object} name '{}': {why}", crate::Excerpt::value(name))]
    BadName {
        /// The object type.
        object: ObjectType,
        /// The name.
        name: String,
        /// Which rule.
        why: &'static str,
    },
    /// DELETE AUTHREC of a record that does not exist.
    #[error("no authority record for PROFILE('{profile}') OBJTYPE({objtype}) and this entity; DISPLAY AUTHREC lists them")]
    NoAuthrec {
        /// The profile.
        profile: String,
        /// The object type.
        objtype: String,
    },
    /// DEFINE without REPLACE of an existing object.
    #[error("{object}({name}) already exists; use REPLACE to overwrite it")]
    AlreadyExists {
        /// The object type.
        object: ObjectType,
        /// The name.
        name: String,
    },
    /// A queue name already used by a queue of another type.
    #[error("{name} is already defined as {existing}; names are shared by all queue types")]
    WrongQueueType {
        /// The name.
        name: String,
        /// The type it has.
        existing: ObjectType,
    },
    /// ALTER or DEFINE REPLACE with a different CHLTYPE.
    #[error("CHANNEL({name}) is CHLTYPE({existing}), not {given}")]
    WrongChannelType {
        /// The channel name.
        name: String,
        /// The type it has.
        existing: ChannelType,
        /// The type given.
        given: ChannelType,
    },
    /// The object does not exist.
    #[error("{object}({name}) not found")]
    NotFound {
        /// The object type.
        object: ObjectType,
        /// The name.
        name: String,
    },
    /// DELETE CHANNEL of a name only the other channel table holds.
    #[error(
        "CHANNEL({name}) is not in CHLTABLE({looked}); CHLTABLE({holds}) has it: DELETE CHANNEL({name}) CHLTABLE({holds})"
    )]
    OtherChannelTable {
        /// The channel name.
        name: String,
        /// The table named (or the default).
        looked: &'static str,
        /// The table that has the channel.
        holds: &'static str,
    },
    /// A CHLAUTH record that does not exist (REMOVE) or already exists (ADD).
    #[error("CHLAUTH({profile}) TYPE({rtype}) {why}")]
    Chlauth {
        /// The channel profile.
        profile: String,
        /// The record type.
        rtype: &'static str,
        /// What went wrong.
        why: &'static str,
    },
    /// A stored or received message whose encoding is broken.
    #[error("message encoding: {what} is {why}")]
    BadMessage {
        /// The field.
        what: &'static str,
        /// What is wrong with it.
        why: &'static str,
    },
}

impl ModelError {
    /// Whether the finding rejects the command or only warns.
    pub fn severity(&self) -> Severity {
        match self {
            Self::CipherSpec { source: CipherSpecError::Refused { .. }, .. } => Severity::Warning,
            _ => Severity::Error,
        }
    }
}
