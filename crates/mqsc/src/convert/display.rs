//! DISPLAY: targets, attribute selection, filters and WHERE.

use mqtls_model::schema::{attributes, closest};
use mqtls_model::ObjectType;

use super::Cx;
use crate::command::{Command, Display, DisplayTarget, Where, WhereOp};
use crate::error::MqscError;
use crate::keywords::Noun;
use crate::syntax::Param;

/// Attributes DISPLAY CHSTATUS can show: IBM MQ's common and current-only status on
/// Multiplatforms ("DISPLAY CHSTATUS"; KAINT and MAXMSGL as well, which mqtls knows), and
/// mqtls's own LASTERR (why a message channel last failed) and FAPLEVEL (what an IBM MQ
/// partner offered).
pub const CHSTATUS_ATTRS: &[&str] = &[
    "AMQPKA", "BATCHES", "BATCHSZ", "BUFSRCVD", "BUFSSENT", "BYTSRCVD", "BYTSSENT", "CHLTYPE", "CHSTADA",
    "CHSTATI", "COMPHDR", "COMPMSG", "COMPRATE", "COMPTIME", "CONNAME", "CURLUWID", "CURMSGS", "CURSEQNO",
    "CURSHCNV", "EXITTIME", "FAPLEVEL", "HBINT", "INDOUBT", "JOBNAME", "KAINT", "LASTERR", "LOCLADDR",
    "LONGRTS", "LSTLUWID", "LSTMSGDA", "LSTMSGTI", "LSTSEQNO", "MAXMSGL", "MAXSHCNV", "MCASTAT", "MCAUSER",
    "MONCHL", "MSGS", "NETTIME", "NPMSPEED", "RAPPLTAG", "RPRODUCT", "RQMNAME", "RVERSION", "SECPROT",
    "SHARECNV", "SHORTRTS", "SSLCERTI", "SSLCIPH", "SSLKEYDA", "SSLKEYTI", "SSLPEER", "SSLRKEYS", "STATUS",
    "STOPREQ", "SUBSTATE", "XBATCHSZ", "XMITQ", "XQMSGSA", "XQTIME",
];

/// DISPLAY CONN's connection and handle attributes on Multiplatforms (IBM MQ "DISPLAY
/// CONN"); mqtls shows those it knows (`qmgr::Connection`).
const CONN_ATTRS: &[&str] = &[
    "APPLDESC", "APPLTAG", "APPLTYPE", "ASTATE", "CHANNEL", "CLIENTID", "CONNAME", "CONNOPTS", "EXTURID",
    "PID", "QMURID", "TID", "UOWLOG", "UOWLOGDA", "UOWLOGTI", "UOWSTATE", "UOWSTDA", "UOWSTTI", "URTYPE",
    "USERID", "DEST", "DESTQMGR", "HSTATE", "OBJNAME", "OBJTYPE", "OPENOPTS", "READA", "SUBID", "SUBNAME",
    "TOPICSTR",
];

/// DISPLAY QMSTATUS's requested and log attributes (IBM MQ 9.4 "DISPLAY QMSTATUS on
/// Multiplatforms"; LOG selects the log group).
const QMSTATUS_ATTRS: &[&str] = &[
    "AUTOCLUS", "CHINIT", "CHKPTCNT", "CHKPTOPS", "CHKPTSZ", "CMDSERV", "CONNS", "DATFSSZ", "DATFSUSE",
    "DATPATH", "GRPLSN", "GRPNAME", "GRPROLE", "HOSTNAME", "INSTANCE", "INSTDESC", "INSTNAME", "INSTPATH",
    "LDAPCONN", "QMNAME", "QMFSENC", "QMFSSZ", "QMFSUSE", "QUORUM", "STANDBY", "STARTDA", "STARTTI",
    "STATUS", "UNICLUS", "LOG", "ARCHLOG", "ARCHSZ", "CURRLOG", "DISKLSN", "LOGEXTSZ", "LOGFSSZ", "LOGFSUSE",
    "LOGINUSE", "LOGPATH", "LOGPRIM", "LOGSEC", "LOGSTRDA", "LOGSTRL", "LOGSTRTI", "LOGTYPE", "LOGUTIL",
    "MEDIALOG", "MEDIASZ", "RECLOG", "RECSZ", "REUSESZ",
];

/// DISPLAY LSSTATUS's requested attributes (IBM MQ "DISPLAY LSSTATUS on Multiplatforms";
/// ADAPTER, COMMANDS, LOCLNAME, NTBNAMES, SESSIONS, SOCKET and TPNAME are Windows-only).
const LSSTATUS_ATTRS: &[&str] = &[
    "ADAPTER", "BACKLOG", "COMMANDS", "CONTROL", "DESCR", "IPADDR", "LOCLNAME", "NTBNAMES", "PID", "PORT",
    "SESSIONS", "SOCKET", "STARTDA", "STARTTI", "STATUS", "TPNAME", "TRPTYPE",
];

/// Attributes shown for CHLAUTH records.
const CHLAUTH_ATTRS: &[&str] = &[
    "ADDRESS", "ADDRLIST", "ALTDATE", "ALTTIME", "CHCKCLNT", "CLNTUSER", "CUSTOM", "DESCR", "MCAUSER",
    "QMNAME", "SSLCERTI", "SSLPEER", "TYPE", "USERLIST", "USERSRC", "WARN",
];

/// Attributes every object displays besides its table.
const COMMON: &[&str] = &["ALTDATE", "ALTTIME"];
const QUEUE_EXTRA: &[&str] = &["CRDATE", "CRTIME", "CURDEPTH", "IPPROCS", "OPPROCS", "QTYPE"];
/// DISPLAY QMGR's fixed read-only attributes mqtls has, with their values (IBM MQ 9.4
/// "DISPLAY QMGR"; the platform is UNIX as MQ's Linux queue managers say). QMNAME, the
/// name, is selectable too and always shown.
pub(crate) const QMGR_FIXED: &[(&str, &str)] =
    &[("PLATFORM", "UNIX"), ("MAXPRTY", "9"), ("COMMANDQ", "SYSTEM.ADMIN.COMMAND.QUEUE")];

impl Cx<'_> {
    pub(crate) fn display(&mut self, noun: Noun, noun_param: &Param, rest: &[Param]) -> Option<Command> {
        let (target, filters): (DisplayTarget, &[&str]) = match noun {
            Noun::Object(ObjectType::Channel) => (DisplayTarget::Objects(ObjectType::Channel), &["CHLTYPE"]),
            Noun::Object(t) => (DisplayTarget::Objects(t), &[]),
            Noun::Queue => (DisplayTarget::Queues, &["TYPE", "CLUSINFO"]),
            Noun::Chstatus => (
                DisplayTarget::Chstatus,
                &["CONNAME", "XMITQ", "CHLTYPE", "CURRENT", "SAVED", "SHORT", "MONITOR"],
            ),
            Noun::Qstatus => (DisplayTarget::Qstatus, &["TYPE", "OPENTYPE"]),
            Noun::Chlauth => (
                DisplayTarget::Chlauth,
                &["TYPE", "MATCH", "ADDRESS", "SSLPEER", "SSLCERTI", "CLNTUSER", "QMNAME"],
            ),
            Noun::Authrec => {
                (DisplayTarget::Authrec, &["PROFILE", "OBJTYPE", "PRINCIPAL", "GROUP", "MATCH", "SERVCOMP"])
            }
            Noun::Conn => (DisplayTarget::Conn, &["TYPE", "EXTCONN"]),
            Noun::Qmstatus => (DisplayTarget::Qmstatus, &["TYPE"]),
            Noun::Lsstatus => (DisplayTarget::Lsstatus, &[]),
            Noun::Security => unreachable!("not a DISPLAY noun"),
        };
        let name = match target {
            DisplayTarget::Objects(ObjectType::Qmgr) | DisplayTarget::Authrec | DisplayTarget::Qmstatus => {
                if noun_param.values.is_some() {
                    let error = MqscError::BadParameter {
                        keyword: noun_param.keyword.text.clone(),
                        value: self.cmd.raw(noun_param.span).into(),
                        why: "takes no name",
                    };
                    self.report(noun_param.span, error);
                }
                String::new()
            }
            _ => self.name(noun_param, noun.word())?,
        };
        let selectable = selectable(target);
        let mut display =
            Display { target, name, all: false, select: Vec::new(), filters: Vec::new(), where_: None };
        for p in rest {
            let kw = p.keyword.text.as_str();
            if kw == "ALL" && p.values.is_none() {
                display.all = true;
            } else if kw == "WHERE" {
                display.where_ = Some(self.where_clause(p, &selectable)?);
            } else if filters.contains(&kw) && (p.values.is_some() || !selectable.contains(&kw)) {
                let value = match p.values.as_deref() {
                    Some([v]) => v.text.clone(),
                    None if matches!(kw, "CURRENT" | "SAVED" | "SHORT" | "MONITOR") => String::new(),
                    _ => {
                        return self.fail(
                            p.span,
                            MqscError::BadParameter {
                                keyword: kw.into(),
                                value: self.cmd.raw(p.span).into(),
                                why: "needs exactly one value",
                            },
                        )
                    }
                };
                display.filters.push((kw.to_owned(), value));
            } else if selectable.contains(&kw) {
                if p.values.is_some() {
                    self.report(
                        p.span,
                        MqscError::BadParameter {
                            keyword: kw.into(),
                            value: self.cmd.raw(p.span).into(),
                            why: "DISPLAY selects attributes by keyword alone; filter with WHERE(...)",
                        },
                    );
                }
                display.select.push(kw.to_owned());
            } else {
                let suggestion = closest(selectable.iter().copied().chain(filters.iter().copied()), kw);
                let command = format!("DISPLAY {}", noun.word());
                self.report(
                    p.keyword.span,
                    MqscError::UnknownParameter { keyword: kw.to_owned(), command, suggestion },
                );
            }
        }
        Some(Command::Display(display))
    }

    fn where_clause(&mut self, p: &Param, selectable: &[&'static str]) -> Option<Where> {
        let Some([kw, op, value]) = p.values.as_deref() else {
            let value = p.values.iter().flatten().map(|t| self.cmd.raw(t.span)).collect::<Vec<_>>().join(" ");
            return self.fail(
                p.span,
                MqscError::BadParameter {
                    keyword: "WHERE".into(),
                    value,
                    why: "write WHERE(keyword operator value)",
                },
            );
        };
        if !selectable.contains(&kw.text.as_str()) {
            let suggestion = closest(selectable.iter().copied(), &kw.text);
            return self.fail(
                kw.span,
                MqscError::UnknownParameter { keyword: kw.text.clone(), command: "WHERE".into(), suggestion },
            );
        }
        let Some(&(_, op_kind)) = WhereOp::ALL.iter().find(|(w, _)| *w == op.text) else {
            return self.fail(
                op.span,
                MqscError::BadParameter {
                    keyword: "WHERE".into(),
                    value: op.text.clone(),
                    why: "operator must be LT, GT, EQ, NE, LE, GE, LK, NL, CT, EX, CTG or EXG (NL is not like)",
                },
            );
        };
        Some(Where { keyword: kw.text.clone(), op: op_kind, value: value.text.clone() })
    }
}

/// The attribute keywords a DISPLAY of `target` can select.
pub fn selectable(target: DisplayTarget) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = match target {
        DisplayTarget::Objects(t) => {
            attributes(t).iter().map(|d| d.keyword).chain(COMMON.iter().copied()).collect()
        }
        DisplayTarget::Queues => {
            [ObjectType::Qlocal, ObjectType::Qmodel, ObjectType::Qremote, ObjectType::Qalias]
                .into_iter()
                .flat_map(|t| attributes(t).iter().map(|d| d.keyword))
                .chain(COMMON.iter().copied())
                .chain(QUEUE_EXTRA.iter().copied())
                .collect()
        }
        DisplayTarget::Chstatus => CHSTATUS_ATTRS.to_vec(),
        DisplayTarget::Qstatus => vec!["CURDEPTH", "IPPROCS", "OPPROCS", "UNCOM"],
        DisplayTarget::Chlauth => CHLAUTH_ATTRS.to_vec(),
        DisplayTarget::Authrec => vec!["AUTHLIST", "ENTITY", "ENTTYPE", "OBJTYPE", "PROFILE"],
        DisplayTarget::Conn => CONN_ATTRS.to_vec(),
        DisplayTarget::Qmstatus => QMSTATUS_ATTRS.to_vec(),
        DisplayTarget::Lsstatus => LSSTATUS_ATTRS.to_vec(),
    };
    if let DisplayTarget::Objects(t) = target {
        if t.is_queue() {
            out.extend(QUEUE_EXTRA.iter().copied());
        }
        if t == ObjectType::Qmgr {
            out.push("QMNAME");
            out.extend(QMGR_FIXED.iter().map(|(kw, _)| *kw));
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}
