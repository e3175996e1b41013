//! Verbs, object types and their MQ synonyms. Synonyms are fixed words, not prefixes.

use mqtls_model::ObjectType;

/// The MQSC verbs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Verb {
    /// ALTER (ALT).
    Alter,
    /// CLEAR.
    Clear,
    /// DEFINE (DEF).
    Define,
    /// DELETE (no synonym).
    Delete,
    /// DISPLAY (DIS).
    Display,
    /// END.
    End,
    /// PING.
    Ping,
    /// REFRESH (REF).
    Refresh,
    /// RESET.
    Reset,
    /// RESOLVE.
    Resolve,
    /// SET.
    Set,
    /// START (STA).
    Start,
    /// STOP.
    Stop,
}

const VERBS: &[(&str, Verb)] = &[
    ("ALTER", Verb::Alter),
    ("ALT", Verb::Alter),
    ("CLEAR", Verb::Clear),
    ("DEFINE", Verb::Define),
    ("DEF", Verb::Define),
    ("DELETE", Verb::Delete),
    ("DISPLAY", Verb::Display),
    ("DIS", Verb::Display),
    ("END", Verb::End),
    ("PING", Verb::Ping),
    ("REFRESH", Verb::Refresh),
    ("REF", Verb::Refresh),
    ("RESET", Verb::Reset),
    ("RESOLVE", Verb::Resolve),
    ("SET", Verb::Set),
    ("START", Verb::Start),
    ("STA", Verb::Start),
    ("STOP", Verb::Stop),
];

/// Verbs MQ has that mqtls does not carry.
const OTHER_MQ_VERBS: &[&str] =
    &["ARCHIVE", "BACKUP", "MOVE", "PURGE", "RECOVER", "RESUME", "RVERIFY", "SUSPEND"];

impl Verb {
    /// The canonical word.
    pub fn word(self) -> &'static str {
        VERBS.iter().find(|(_, v)| *v == self).map(|(w, _)| *w).expect("every verb is listed")
    }

    /// Reads a verb or its synonym (already uppercased).
    pub fn from_word(word: &str) -> Option<Self> {
        VERBS.iter().find(|(w, _)| *w == word).map(|(_, v)| *v)
    }

    /// Every verb word and synonym, for completion and suggestions.
    pub fn words() -> impl Iterator<Item = &'static str> + Clone {
        VERBS.iter().map(|(w, _)| *w)
    }

    /// Whether MQ has this verb although mqtls does not carry it.
    pub fn is_other_mq_verb(word: &str) -> bool {
        OTHER_MQ_VERBS.contains(&word)
    }
}

/// What may follow a verb: a definable object type, or a command-specific word.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Noun {
    /// An object type of the model.
    Object(ObjectType),
    /// QUEUE (Q): any queue type, DISPLAY only.
    Queue,
    /// CHSTATUS (CHS).
    Chstatus,
    /// QSTATUS (QS).
    Qstatus,
    /// CHLAUTH.
    Chlauth,
    /// AUTHREC.
    Authrec,
    /// SECURITY (REFRESH).
    Security,
    /// CONN: application connections (DISPLAY, STOP).
    Conn,
    /// QMSTATUS: the queue manager's status (DISPLAY).
    Qmstatus,
    /// LSSTATUS: running listeners (DISPLAY).
    Lsstatus,
}

const NOUNS: &[(&str, Noun)] = &[
    ("QMGR", Noun::Object(ObjectType::Qmgr)),
    ("CHANNEL", Noun::Object(ObjectType::Channel)),
    ("CHL", Noun::Object(ObjectType::Channel)),
    ("QLOCAL", Noun::Object(ObjectType::Qlocal)),
    ("QL", Noun::Object(ObjectType::Qlocal)),
    ("QMODEL", Noun::Object(ObjectType::Qmodel)),
    ("QM", Noun::Object(ObjectType::Qmodel)),
    ("QREMOTE", Noun::Object(ObjectType::Qremote)),
    ("QR", Noun::Object(ObjectType::Qremote)),
    ("QALIAS", Noun::Object(ObjectType::Qalias)),
    ("QA", Noun::Object(ObjectType::Qalias)),
    ("LISTENER", Noun::Object(ObjectType::Listener)),
    ("LSTR", Noun::Object(ObjectType::Listener)),
    ("AUTHINFO", Noun::Object(ObjectType::Authinfo)),
    ("NAMELIST", Noun::Object(ObjectType::Namelist)),
    ("NL", Noun::Object(ObjectType::Namelist)),
    ("SERVICE", Noun::Object(ObjectType::Service)),
    ("TOPIC", Noun::Object(ObjectType::Topic)),
    ("TPC", Noun::Object(ObjectType::Topic)),
    ("PROCESS", Noun::Object(ObjectType::Process)),
    ("PRO", Noun::Object(ObjectType::Process)),
    ("SUB", Noun::Object(ObjectType::Sub)),
    ("QUEUE", Noun::Queue),
    ("Q", Noun::Queue),
    ("CHSTATUS", Noun::Chstatus),
    ("CHS", Noun::Chstatus),
    ("QSTATUS", Noun::Qstatus),
    ("QS", Noun::Qstatus),
    ("CHLAUTH", Noun::Chlauth),
    ("AUTHREC", Noun::Authrec),
    ("SECURITY", Noun::Security),
    ("CONN", Noun::Conn),
    ("QMSTATUS", Noun::Qmstatus),
    ("LSSTATUS", Noun::Lsstatus),
];

/// Object types MQ has that mqtls does not carry (z/OS-only and the like).
const OTHER_MQ_NOUNS: &[&str] = &[
    "BUFFPOOL", "CFSTATUS", "CFSTRUCT", "CLUSQMGR", "CMDSERV", "COMMINFO", "PSID", "SBSTATUS", "STGCLASS",
    "SVSTATUS", "TPSTATUS", "CHINIT", "CLUSTER", "TRACE", "POLICY", "APSTATUS",
];

impl Noun {
    /// The canonical word.
    pub fn word(self) -> &'static str {
        NOUNS.iter().find(|(_, n)| *n == self).map(|(w, _)| *w).expect("every noun is listed")
    }

    /// Reads an object word or its synonym (already uppercased).
    pub fn from_word(word: &str) -> Option<Self> {
        NOUNS.iter().find(|(w, _)| *w == word).map(|(_, n)| *n)
    }

    /// Every object word and synonym.
    pub fn words() -> impl Iterator<Item = &'static str> + Clone {
        NOUNS.iter().map(|(w, _)| *w)
    }

    /// Whether MQ has this object although mqtls does not carry it.
    pub fn is_other_mq_noun(word: &str) -> bool {
        OTHER_MQ_NOUNS.contains(&word)
    }
}

/// The object types a verb takes, for suggestions and for the shell's completion.
pub fn nouns_for(verb: Verb) -> &'static [&'static str] {
    const DEFINABLE: &[&str] = &[
        "CHANNEL", "QLOCAL", "QMODEL", "QREMOTE", "QALIAS", "LISTENER", "AUTHINFO", "NAMELIST", "SERVICE",
        "TOPIC", "PROCESS", "SUB",
    ];
    match verb {
        Verb::Define => DEFINABLE,
        Verb::Delete => &[
            "CHANNEL", "QLOCAL", "QMODEL", "QREMOTE", "QALIAS", "LISTENER", "AUTHINFO", "NAMELIST",
            "SERVICE", "TOPIC", "PROCESS", "SUB", "AUTHREC",
        ],
        Verb::Alter => &[
            "QMGR", "CHANNEL", "QLOCAL", "QMODEL", "QREMOTE", "QALIAS", "LISTENER", "AUTHINFO", "NAMELIST",
            "SERVICE", "TOPIC", "PROCESS", "SUB",
        ],
        Verb::Display => &[
            "QMGR", "CHANNEL", "QUEUE", "QLOCAL", "QMODEL", "QREMOTE", "QALIAS", "LISTENER", "AUTHINFO",
            "NAMELIST", "SERVICE", "TOPIC", "PROCESS", "SUB", "CHSTATUS", "QSTATUS", "CHLAUTH", "AUTHREC",
            "CONN", "QMSTATUS", "LSSTATUS",
        ],
        Verb::Set => &["CHLAUTH", "AUTHREC"],
        Verb::Refresh => &["SECURITY"],
        Verb::Start => &["CHANNEL", "LISTENER", "SERVICE"],
        Verb::Stop => &["CHANNEL", "LISTENER", "SERVICE", "CONN"],
        Verb::Reset | Verb::Ping | Verb::Resolve => &["CHANNEL"],
        Verb::Clear => &["QLOCAL"],
        Verb::End => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synonyms() {
        for (word, verb) in
            [("DEF", Verb::Define), ("DIS", Verb::Display), ("ALT", Verb::Alter), ("STA", Verb::Start)]
        {
            assert_eq!(Verb::from_word(word), Some(verb));
        }
        assert_eq!(Verb::from_word("DEFI"), None, "synonyms are not prefixes");
        assert_eq!(Verb::from_word("DEL"), None, "DELETE has no synonym");
        for (word, noun) in [
            ("CHL", Noun::Object(ObjectType::Channel)),
            ("QL", Noun::Object(ObjectType::Qlocal)),
            ("QR", Noun::Object(ObjectType::Qremote)),
            ("QA", Noun::Object(ObjectType::Qalias)),
            ("QM", Noun::Object(ObjectType::Qmodel)),
            ("NL", Noun::Object(ObjectType::Namelist)),
            ("LSTR", Noun::Object(ObjectType::Listener)),
            ("CHS", Noun::Chstatus),
            ("Q", Noun::Queue),
        ] {
            assert_eq!(Noun::from_word(word), Some(noun), "{word}");
        }
    }

    #[test]
    fn canonical_words() {
        assert_eq!(Verb::Define.word(), "DEFINE");
        assert_eq!(Noun::Object(ObjectType::Qlocal).word(), "QLOCAL");
        assert_eq!(Noun::Chstatus.word(), "CHSTATUS");
    }
}
