//! Canonical MQSC: one line per command, keywords in full, names and strings quoted.
//! Printing a command and parsing the text gives the same command back.

use std::fmt::{self, Write};

use mqtls_model::schema::{attributes, lookup, Kind};
use mqtls_model::{write_quoted, AttrSet, Entity, ObjectType, Value};

use crate::command::{Command, ControlTarget, DisplayTarget};

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Define(d) => {
                write!(f, "DEFINE {}", d.otype)?;
                name(f, &d.name)?;
                if let Some(like) = &d.like {
                    f.write_str(" LIKE")?;
                    name(f, like)?;
                }
                attrs(f, d.otype, &d.attrs)?;
                if d.replace {
                    f.write_str(" REPLACE")?;
                }
                Ok(())
            }
            Self::Alter(a) => {
                write!(f, "ALTER {}", a.otype)?;
                if a.otype != ObjectType::Qmgr {
                    name(f, &a.name)?;
                }
                attrs(f, a.otype, &a.attrs)?;
                if a.force {
                    f.write_str(" FORCE")?;
                }
                Ok(())
            }
            Self::Delete(d) => {
                write!(f, "DELETE {}", d.otype)?;
                name(f, &d.name)?;
                if d.purge {
                    f.write_str(" PURGE")?;
                }
                if let Some(table) = d.chltable {
                    write!(f, " CHLTABLE({})", table.keyword())?;
                }
                Ok(())
            }
            Self::NotProvided(n) => {
                write!(f, "{} {}", n.verb, n.object)?;
                if let Some(n) = &n.name {
                    name(f, n)?;
                }
                for (kw, values) in &n.params {
                    f.write_char(' ')?;
                    f.write_str(kw)?;
                    if let Some(values) = values {
                        f.write_char('(')?;
                        for (i, v) in values.iter().enumerate() {
                            if i > 0 {
                                f.write_char(',')?;
                            }
                            write_quoted(f, v)?;
                        }
                        f.write_char(')')?;
                    }
                }
                Ok(())
            }
            Self::Display(d) => {
                let noun = match d.target {
                    DisplayTarget::Objects(t) => t.keyword(),
                    DisplayTarget::Queues => "QUEUE",
                    DisplayTarget::Chstatus => "CHSTATUS",
                    DisplayTarget::Qstatus => "QSTATUS",
                    DisplayTarget::Chlauth => "CHLAUTH",
                    DisplayTarget::Authrec => "AUTHREC",
                    DisplayTarget::Conn => "CONN",
                    DisplayTarget::Qmstatus => "QMSTATUS",
                    DisplayTarget::Lsstatus => "LSSTATUS",
                };
                write!(f, "DISPLAY {noun}")?;
                let nameless = [
                    DisplayTarget::Objects(ObjectType::Qmgr),
                    DisplayTarget::Authrec,
                    DisplayTarget::Qmstatus,
                ];
                if !nameless.contains(&d.target) {
                    name(f, &d.name)?;
                }
                if d.all {
                    f.write_str(" ALL")?;
                }
                for s in &d.select {
                    write!(f, " {s}")?;
                }
                for (k, v) in &d.filters {
                    write!(f, " {k}")?;
                    if !v.is_empty() || !matches!(k.as_str(), "CURRENT" | "SAVED" | "SHORT" | "MONITOR") {
                        name(f, v)?;
                    }
                }
                if let Some(w) = &d.where_ {
                    write!(f, " WHERE({} {} ", w.keyword, w.op.word())?;
                    write_quoted(f, &w.value)?;
                    f.write_char(')')?;
                }
                Ok(())
            }
            Self::SetChlauth(s) => {
                f.write_str("SET CHLAUTH")?;
                name(f, &s.profile)?;
                write!(f, " TYPE({}) ACTION({})", s.rtype.keyword(), s.action.keyword())?;
                attrs_with(f, &s.attrs, |_| None)
            }
            Self::DeleteAuthrec { profile, objtype, entity } => {
                f.write_str("DELETE")?;
                authrec(f, profile, objtype, entity)
            }
            Self::SetAuthrec(s) => {
                f.write_str("SET")?;
                authrec(f, &s.profile, s.objtype, &s.entity)?;
                for (kw, list) in [("AUTHADD", &s.add), ("AUTHRMV", &s.remove)] {
                    if !list.is_empty() {
                        write!(f, " {kw}({})", list.join(","))?;
                    }
                }
                Ok(())
            }
            Self::RefreshSecurity(t) => write!(f, "REFRESH SECURITY TYPE({})", t.word()),
            Self::Start(c) | Self::Stop(c) => {
                let verb = if matches!(self, Self::Start(_)) { "START" } else { "STOP" };
                let target = match c.target {
                    ControlTarget::Channel => "CHANNEL",
                    ControlTarget::Listener => "LISTENER",
                    ControlTarget::Service => "SERVICE",
                };
                write!(f, "{verb} {target}")?;
                name(f, &c.name)?;
                if let Some(m) = c.mode {
                    write!(f, " MODE({m})")?;
                }
                if let Some(s) = c.status {
                    write!(f, " STATUS({s})")?;
                }
                for (kw, value) in [("CONNAME", &c.conname), ("QMNAME", &c.qmname)] {
                    if let Some(v) = value {
                        write!(f, " {kw}(")?;
                        write_quoted(f, v)?;
                        f.write_char(')')?;
                    }
                }
                Ok(())
            }
            Self::ResetChannel { name: n, seqnum } => {
                f.write_str("RESET CHANNEL")?;
                name(f, n)?;
                seqnum.map_or(Ok(()), |s| write!(f, " SEQNUM({s})"))
            }
            Self::PingChannel { name: n, datalen } => {
                f.write_str("PING CHANNEL")?;
                name(f, n)?;
                datalen.map_or(Ok(()), |d| write!(f, " DATALEN({d})"))
            }
            Self::ResolveChannel { name: n, commit } => {
                f.write_str("RESOLVE CHANNEL")?;
                name(f, n)?;
                write!(f, " ACTION({})", if *commit { "COMMIT" } else { "BACKOUT" })
            }
            Self::StopConn { conn } => {
                f.write_str("STOP CONN")?;
                name(f, conn)
            }
            Self::ClearQlocal { name: n } => {
                f.write_str("CLEAR QLOCAL")?;
                name(f, n)
            }
            Self::End => f.write_str("END"),
        }
    }
}

fn name(f: &mut fmt::Formatter<'_>, n: &str) -> fmt::Result {
    f.write_char('(')?;
    write_quoted(f, n)?;
    f.write_char(')')
}

fn attrs(f: &mut fmt::Formatter<'_>, otype: ObjectType, set: &AttrSet) -> fmt::Result {
    let table = attributes(otype);
    attrs_with(f, set, |kw| {
        lookup(table, kw).and_then(|d| if let Kind::Flag { off } = d.kind { Some(off) } else { None })
    })
}

/// Writes `KEYWORD(value)` pairs; `off` gives a flag's negative keyword.
/// ` AUTHREC PROFILE(p) OBJTYPE(t) PRINCIPAL(u)`, shared by SET and DELETE.
fn authrec(f: &mut fmt::Formatter<'_>, profile: &str, objtype: &str, entity: &Entity) -> fmt::Result {
    f.write_str(" AUTHREC")?;
    if !profile.is_empty() {
        f.write_str(" PROFILE")?;
        name(f, profile)?;
    }
    write!(f, " OBJTYPE({objtype})")?;
    match entity {
        Entity::Principal(p) => f.write_str(" PRINCIPAL").and_then(|()| name(f, p)),
        Entity::Group(g) => f.write_str(" GROUP").and_then(|()| name(f, g)),
    }
}

fn attrs_with(
    f: &mut fmt::Formatter<'_>,
    set: &AttrSet,
    off: impl Fn(&str) -> Option<&'static str>,
) -> fmt::Result {
    for (kw, value) in set.values() {
        match value {
            Value::Flag(true) => write!(f, " {kw}")?,
            Value::Flag(false) => write!(f, " {}", off(kw).unwrap_or(kw))?,
            v => write!(f, " {kw}({v})")?,
        }
    }
    Ok(())
}
