//! MQSC commands of IBM MQ 9.4 for Multiplatforms that mqtls reads but does not run
//! (clusters, publish/subscribe status, AMS policies, multicast). Their syntax is checked
//! here, against the parameters IBM's MQSC reference gives each one, so `-v` accepts a
//! valid script; running one answers "not provided by mqtls" (see `exec`).

use mqtls_model::schema::{attributes, closest};
use mqtls_model::ObjectType;

use super::Cx;
use crate::command::{Command, NotProvided};
use crate::error::MqscError;
use crate::syntax::Param;

/// Whether the object word takes a name in parentheses.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Name {
    Required,
    None,
}

/// One command form: verb, object word, its name rule, its parameters, and the object
/// type whose attributes it also takes (DISPLAY CLUSQMGR shows channel attributes).
struct Form {
    verb: &'static str,
    object: &'static str,
    name: Name,
    params: &'static [&'static str],
    attrs_of: Option<ObjectType>,
    why: &'static str,
}

const fn form(
    verb: &'static str,
    object: &'static str,
    name: Name,
    params: &'static [&'static str],
    why: &'static str,
) -> Form {
    Form { verb, object, name, params, attrs_of: None, why }
}

const CLUSTERS: &str = "mqtls has no queue-manager clusters";
const PUBSUB: &str = "mqtls has no publish/subscribe engine";
const MULTICAST: &str = "mqtls has no multicast";
const AMS: &str = "mqtls has no Advanced Message Security";

const COMMINFO: &[&str] = &[
    "BRIDGE", "CCSID", "COMMEV", "DESCR", "ENCODING", "GRPADDR", "MCHBINT", "MCPROP", "MONINT", "MSGHIST",
    "NSUBHIST", "PORT", "TYPE",
];
const COMMINFO_DEFINE: &[&str] = &[
    "LIKE",
    "REPLACE",
    "NOREPLACE",
    "BRIDGE",
    "CCSID",
    "COMMEV",
    "DESCR",
    "ENCODING",
    "GRPADDR",
    "MCHBINT",
    "MCPROP",
    "MONINT",
    "MSGHIST",
    "NSUBHIST",
    "PORT",
    "TYPE",
];
const COMMINFO_DISPLAY: &[&str] = &[
    "ALL", "WHERE", "ALTDATE", "ALTTIME", "BRIDGE", "CCSID", "COMMEV", "DESCR", "ENCODING", "GRPADDR",
    "MCHBINT", "MCPROP", "MONINT", "MSGHIST", "NSUBHIST", "PORT", "TYPE",
];
const POLICY: &[&str] =
    &["SIGNALG", "ENCALG", "RECIP", "SIGNER", "ENFORCE", "TOLERATE", "KEYREUSE", "ACTION"];

/// Every form, from IBM MQ 9.4's "MQSC commands" reference (Multiplatforms only).
const FORMS: &[Form] = &[
    form("RESET", "CLUSTER", Name::Required, &["ACTION", "QMNAME", "QMID", "QUEUES"], CLUSTERS),
    form("REFRESH", "CLUSTER", Name::Required, &["REPOS"], CLUSTERS),
    form(
        "REFRESH",
        "QMGR",
        Name::None,
        &["TYPE", "NAME", "OBJECT", "INCLINT"],
        "mqtls has no event queues, proxy subscriptions or expiry scan to refresh",
    ),
    form("SUSPEND", "QMGR", Name::None, &["CLUSTER", "CLUSNL", "MODE"], CLUSTERS),
    form("RESUME", "QMGR", Name::None, &["CLUSTER", "CLUSNL"], CLUSTERS),
    form("RESET", "QSTATS", Name::Required, &[], "mqtls keeps no queue statistics"),
    form(
        "RESET",
        "QMGR",
        Name::None,
        &["TYPE", "CHILD", "PARENT", "ACTION"],
        "mqtls has no recovery log, statistics or publish/subscribe hierarchy to reset",
    ),
    form("PING", "QMGR", Name::None, &[], "mqtls has no command server to ping"),
    form("CLEAR", "TOPICSTR", Name::Required, &["CLRTYPE", "SCOPE"], PUBSUB),
    form("DEFINE", "COMMINFO", Name::Required, COMMINFO_DEFINE, MULTICAST),
    form("ALTER", "COMMINFO", Name::Required, COMMINFO, MULTICAST),
    form("DELETE", "COMMINFO", Name::Required, &[], MULTICAST),
    form("DISPLAY", "COMMINFO", Name::Required, COMMINFO_DISPLAY, MULTICAST),
    form("SET", "POLICY", Name::Required, POLICY, AMS),
    form("DELETE", "POLICY", Name::Required, &[], AMS),
    form(
        "DISPLAY",
        "POLICY",
        Name::Required,
        &["ALL", "SIGNALG", "ENCALG", "RECIP", "SIGNER", "ENFORCE", "TOLERATE", "KEYREUSE"],
        AMS,
    ),
    form("DISPLAY", "PUBSUB", Name::None, &["TYPE", "ALL", "STATUS", "SUBCOUNT", "TPCOUNT"], PUBSUB),
    Form {
        verb: "DISPLAY",
        object: "CLUSQMGR",
        name: Name::Required,
        params: &[
            "CLUSTER", "CHANNEL", "WHERE", "ALL", "CLUSDATE", "CLUSTIME", "DEFTYPE", "QMTYPE", "QMID",
            "STATUS", "SUSPEND", "VERSION",
        ],
        attrs_of: Some(ObjectType::Channel),
        why: CLUSTERS,
    },
    form(
        "DISPLAY",
        "SVSTATUS",
        Name::Required,
        &[
            "ALL", "WHERE", "CONTROL", "DESCR", "PID", "SERVTYPE", "STARTARG", "STARTCMD", "STARTDA",
            "STARTTI", "STATUS", "STDERR", "STDOUT", "STOPARG", "STOPCMD",
        ],
        "mqtls runs no SERVICE objects",
    ),
    form(
        "DISPLAY",
        "SBSTATUS",
        Name::Required,
        &[
            "SUBID", "DURABLE", "SUBTYPE", "WHERE", "ALL", "ACTCONN", "LMSGDATE", "LMSGTIME", "MCASTREL",
            "NUMMSGS", "RESMDATE", "RESMTIME", "SUBUSER",
        ],
        PUBSUB,
    ),
    form(
        "DISPLAY",
        "TPSTATUS",
        Name::Required,
        &[
            "TYPE", "WHERE", "ALL", "ADMIN", "CLUSTER", "COMMINFO", "DEFPRESP", "DEFPRTY", "DEFPSIST",
            "DURSUB", "MCAST", "MDURMDL", "MNDURMDL", "NPMSGDLV", "PMSGDLV", "PUB", "PUBCOUNT", "PUBSCOPE",
            "RETAINED", "SUB", "SUBCOUNT", "SUBSCOPE", "USEDLQ", "ACTCONN", "DURABLE", "LMSGDATE",
            "LMSGTIME", "NUMMSGS", "RESMDATE", "RESMTIME", "SUBID", "SUBUSER", "LPUBDATE", "LPUBTIME",
            "NUMPUBS", "PUBID",
        ],
        PUBSUB,
    ),
    form(
        "DISPLAY",
        "APSTATUS",
        Name::Required,
        &[
            "TYPE", "WHERE", "ALL", "BALANCED", "BALSTATE", "CLUSTER", "COUNT", "IMMCOUNT", "IMMREASN",
            "MOVABLE", "MOVCOUNT", "CONNTAG", "QMNAME", "QMID", "LMSGDATE",
        ],
        "mqtls has no uniform clusters",
    ),
    form(
        "DISPLAY",
        "ENTAUTH",
        Name::None,
        &["PRINCIPAL", "GROUP", "OBJNAME", "OBJTYPE", "SERVCOMP", "ALL", "AUTHLIST", "ENTITY", "ENTTYPE"],
        "use DISPLAY AUTHREC instead",
    ),
    form(
        "DISPLAY",
        "AUTHSERV",
        Name::None,
        &["ALL", "IFVER", "UIDSUPP"],
        "mqtls's authority service is built in, with no installable services",
    ),
];

/// Object words these forms use; the verb/object check lets them through.
pub(crate) fn has_form(verb: &str, object: &str) -> bool {
    FORMS.iter().any(|f| f.verb == verb && f.object == object)
}

impl Cx<'_> {
    /// Checks a command that has a form here; `None` when it has none (or is invalid).
    pub(crate) fn not_provided(&mut self, verb: &str, noun: &Param, rest: &[Param]) -> Option<Command> {
        let f = FORMS.iter().find(|f| f.verb == verb && f.object == noun.keyword.text)?;
        let command = format!("{} {}", f.verb, f.object);
        let name = match (f.name, noun.values.as_deref()) {
            (Name::Required, _) => Some(self.name(noun, f.object)?),
            (Name::None, None) => None,
            (Name::None, Some(_)) => {
                let why = "takes no name";
                let value = self.cmd.raw(noun.span).to_owned();
                return self.fail(noun.span, MqscError::BadParameter { keyword: command, value, why });
            }
        };
        let extra: Vec<&'static str> =
            f.attrs_of.map(|t| attributes(t).iter().map(|d| d.keyword).collect()).unwrap_or_default();
        let mut ok = true;
        let mut params = Vec::new();
        for p in rest {
            let kw = p.keyword.text.as_str();
            if !f.params.contains(&kw) && !extra.contains(&kw) {
                let suggestion = closest(f.params.iter().chain(&extra).copied(), kw);
                let error = MqscError::UnknownParameter {
                    keyword: kw.to_owned(),
                    command: command.clone(),
                    suggestion,
                };
                self.report(p.keyword.span, error);
                ok = false;
                continue;
            }
            params.push((kw.to_owned(), p.value_texts()));
        }
        ok.then_some(Command::NotProvided(NotProvided {
            verb: f.verb,
            object: f.object,
            why: f.why,
            name,
            params,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::FORMS;
    use crate::convert::convert;
    use crate::lines::{assemble, Item};
    use crate::parser::parse_command;

    fn check(text: &str) -> crate::convert::Checked {
        let Item::Command(l) = assemble(text).remove(0) else { panic!("{text}") };
        convert(&parse_command(l).expect("parses"))
    }

    /// Every command the issue names as MQ syntax parses (IBM MQ 9.4 MQSC reference).
    #[test]
    fn multiplatform_commands_parse() {
        for text in [
            "RESET CLUSTER(C1) ACTION(FORCEREMOVE) QMNAME(QM9) QUEUES(YES)",
            "REFRESH CLUSTER(C1) REPOS(NO)",
            "SUSPEND QMGR CLUSTER(C1) MODE(QUIESCE)",
            "RESUME QMGR CLUSTER(C1)",
            "DISPLAY PUBSUB ALL",
            "DISPLAY CLUSQMGR(*) CLUSTER(C1) CONNAME STATUS",
            "DISPLAY SVSTATUS(*) ALL",
            "DISPLAY SBSTATUS(*) DURABLE(YES)",
            "DISPLAY TPSTATUS('#') TYPE(SUB)",
            "DISPLAY APSTATUS(*) TYPE(APPL)",
            "DISPLAY ENTAUTH PRINCIPAL('app') OBJTYPE(QUEUE) OBJNAME(Q1)",
            "DISPLAY AUTHSERV ALL",
            "DISPLAY POLICY(Q1) ALL",
            "SET POLICY(Q1) SIGNALG(SHA256) ENCALG(AES256) RECIP('CN=a') ACTION(REPLACE)",
            "DEFINE COMMINFO(MC1) GRPADDR('239.0.0.1') PORT(1414)",
            "RESET QSTATS(Q*)",
            "RESET QMGR TYPE(ADVANCELOG)",
            "REFRESH QMGR TYPE(EXPIRY) NAME(*)",
        ] {
            let c = check(text);
            assert!(c.diagnostics.is_empty(), "{text}: {:?}", c.diagnostics);
            let cmd = c.command.unwrap_or_else(|| panic!("{text}"));
            let again = check(&cmd.to_string());
            assert_eq!(again.command.as_ref(), Some(&cmd), "{text} prints as {cmd}");
        }
        assert!(FORMS.iter().all(|f| f.verb == f.verb.to_ascii_uppercase()));
    }

    #[test]
    fn their_parameters_are_checked() {
        let c = check("REFRESH CLUSTER(C1) REPOSS(YES)");
        assert!(c.command.is_none());
        assert!(c.diagnostics[0].to_string().contains("did you mean REPOS?"), "{}", c.diagnostics[0]);
        assert!(check("SUSPEND QMGR(X) CLUSTER(C1)").command.is_none(), "QMGR takes no name");
    }
}
