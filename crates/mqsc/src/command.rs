//! Typed commands: what a command means once checked against the object model.

use mqtls_model::{AttrSet, ChannelTable, ChlauthAction, ChlauthType, Entity, ObjectType};

/// A checked MQSC command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// DEFINE.
    Define(Define),
    /// ALTER (ALTER QMGR has an empty name).
    Alter(Alter),
    /// DELETE.
    Delete(Delete),
    /// DISPLAY.
    Display(Display),
    /// SET CHLAUTH.
    SetChlauth(SetChlauth),
    /// SET AUTHREC.
    SetAuthrec(SetAuthrec),
    /// DELETE AUTHREC.
    DeleteAuthrec {
        /// PROFILE (empty for OBJTYPE(QMGR)).
        profile: String,
        /// OBJTYPE.
        objtype: &'static str,
        /// PRINCIPAL or GROUP.
        entity: Entity,
    },
    /// REFRESH SECURITY.
    RefreshSecurity(RefreshType),
    /// START CHANNEL / LISTENER / SERVICE.
    Start(Control),
    /// STOP CHANNEL / LISTENER / SERVICE.
    Stop(Control),
    /// RESET CHANNEL.
    ResetChannel {
        /// The channel.
        name: String,
        /// The new sequence number (SEQNUM), default 1.
        seqnum: Option<i64>,
    },
    /// PING CHANNEL.
    PingChannel {
        /// The channel.
        name: String,
        /// DATALEN, default 64.
        datalen: Option<i64>,
    },
    /// RESOLVE CHANNEL ACTION(COMMIT|BACKOUT).
    ResolveChannel {
        /// The channel.
        name: String,
        /// Commit (true) or back out the in-doubt batch.
        commit: bool,
    },
    /// STOP CONN(id): ends one application connection (DISPLAY CONN names it).
    StopConn {
        /// The connection identifier, 16 hexadecimal digits.
        conn: String,
    },
    /// CLEAR QLOCAL.
    ClearQlocal {
        /// The queue.
        name: String,
    },
    /// A valid IBM MQ command that mqtls does not run (clusters, AMS, multicast, ...).
    NotProvided(NotProvided),
    /// END.
    End,
}

/// A command of [`Command::NotProvided`], kept as checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotProvided {
    /// The verb (`RESET`).
    pub verb: &'static str,
    /// The object word (`CLUSTER`).
    pub object: &'static str,
    /// Why mqtls does not run it.
    pub why: &'static str,
    /// The name in parentheses, for objects that take one.
    pub name: Option<String>,
    /// The parameters, uppercased keywords with their values as written.
    pub params: Vec<(String, Option<Vec<String>>)>,
}

/// DEFINE type(name) [LIKE(x)] attributes [REPLACE|NOREPLACE].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Define {
    /// The object type.
    pub otype: ObjectType,
    /// The name.
    pub name: String,
    /// LIKE.
    pub like: Option<String>,
    /// REPLACE (true) or NOREPLACE (false, the default).
    pub replace: bool,
    /// The attributes.
    pub attrs: AttrSet,
}

/// ALTER type(name) attributes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Alter {
    /// The object type.
    pub otype: ObjectType,
    /// The name (empty for QMGR).
    pub name: String,
    /// FORCE.
    pub force: bool,
    /// The attributes.
    pub attrs: AttrSet,
}

/// DELETE type(name).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delete {
    /// The object type.
    pub otype: ObjectType,
    /// The name.
    pub name: String,
    /// PURGE (QLOCAL): delete even if it holds messages.
    pub purge: bool,
    /// CHLTABLE (CHANNEL), when given: QMGRTBL is the default.
    pub chltable: Option<ChannelTable>,
}

/// What a DISPLAY shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DisplayTarget {
    /// One object type.
    Objects(ObjectType),
    /// QUEUE: every queue type (TYPE(...) narrows it).
    Queues,
    /// CHSTATUS: running channels.
    Chstatus,
    /// QSTATUS: local queues' depth, open handles and uncommitted messages.
    Qstatus,
    /// CHLAUTH records.
    Chlauth,
    /// AUTHREC records.
    Authrec,
    /// CONN: connected applications and their handles (TYPE filters CONN / HANDLE / ALL).
    Conn,
    /// QMSTATUS: the queue manager's status.
    Qmstatus,
    /// LSSTATUS: running listeners.
    Lsstatus,
}

/// A WHERE comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WhereOp {
    /// Less than.
    Lt,
    /// Greater than.
    Gt,
    /// Equal.
    Eq,
    /// Not equal.
    Ne,
    /// Less than or equal.
    Le,
    /// Greater than or equal.
    Ge,
    /// Matches a generic value (`ABC*`).
    Lk,
    /// Does not match a generic value.
    Nl,
    /// A list contains the value.
    Ct,
    /// A list does not contain the value.
    Ex,
    /// A list contains an item matching a generic value.
    Ctg,
    /// A list contains no item matching a generic value.
    Exg,
}

impl WhereOp {
    /// Every operator and its word, as IBM MQ's DISPLAY commands list them (NL is "not
    /// like", not "not less than").
    pub const ALL: [(&'static str, Self); 12] = [
        ("LT", Self::Lt),
        ("GT", Self::Gt),
        ("EQ", Self::Eq),
        ("NE", Self::Ne),
        ("LE", Self::Le),
        ("GE", Self::Ge),
        ("LK", Self::Lk),
        ("NL", Self::Nl),
        ("CT", Self::Ct),
        ("EX", Self::Ex),
        ("CTG", Self::Ctg),
        ("EXG", Self::Exg),
    ];

    /// The operator's word.
    pub fn word(self) -> &'static str {
        Self::ALL.iter().find(|(_, op)| *op == self).map(|(w, _)| *w).expect("listed")
    }
}

/// WHERE(keyword op value).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Where {
    /// The attribute compared.
    pub keyword: String,
    /// The operator.
    pub op: WhereOp,
    /// The value compared with.
    pub value: String,
}

/// DISPLAY target(name) [ALL | attributes] [filters] [WHERE(...)].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Display {
    /// What is displayed.
    pub target: DisplayTarget,
    /// The (generic) name; empty for QMGR and AUTHREC.
    pub name: String,
    /// ALL was given.
    pub all: bool,
    /// Attributes requested.
    pub select: Vec<String>,
    /// Narrowing parameters with values (CHLTYPE, TYPE, MATCH, ADDRESS, SSLPEER, PROFILE, ...).
    pub filters: Vec<(String, String)>,
    /// WHERE.
    pub where_: Option<Where>,
}

/// SET CHLAUTH(profile) TYPE(t) ACTION(a) parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetChlauth {
    /// The channel profile.
    pub profile: String,
    /// TYPE.
    pub rtype: ChlauthType,
    /// ACTION (default ADD).
    pub action: ChlauthAction,
    /// The other parameters.
    pub attrs: AttrSet,
}

/// SET AUTHREC PROFILE(p) OBJTYPE(t) PRINCIPAL(u)|GROUP(g) AUTHADD(...) AUTHRMV(...).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetAuthrec {
    /// PROFILE (empty for OBJTYPE(QMGR)).
    pub profile: String,
    /// OBJTYPE.
    pub objtype: &'static str,
    /// PRINCIPAL or GROUP.
    pub entity: Entity,
    /// AUTHADD.
    pub add: Vec<&'static str>,
    /// AUTHRMV.
    pub remove: Vec<&'static str>,
}

/// REFRESH SECURITY TYPE(...).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefreshType {
    /// TYPE(AUTHSERV), the default: authority caches.
    Authserv,
    /// TYPE(SSL): reload the keystore and TLS configuration.
    Ssl,
    /// TYPE(CONNAUTH).
    Connauth,
    /// TYPE(CLASSES) (z/OS).
    Classes,
    /// TYPE(ALL).
    All,
}

impl RefreshType {
    /// Every type and its word.
    pub const ALL: [(&'static str, Self); 5] = [
        ("AUTHSERV", Self::Authserv),
        ("SSL", Self::Ssl),
        ("CONNAUTH", Self::Connauth),
        ("CLASSES", Self::Classes),
        ("ALL", Self::All),
    ];

    /// The TYPE word.
    pub fn word(self) -> &'static str {
        Self::ALL.iter().find(|(_, t)| *t == self).map(|(w, _)| *w).expect("listed")
    }
}

/// What START / STOP act on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ControlTarget {
    /// A channel.
    Channel,
    /// A listener.
    Listener,
    /// A service.
    Service,
}

/// START / STOP target(name) [MODE(...)] [STATUS(...)] [CONNAME(...)] [QMNAME(...)].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Control {
    /// What.
    pub target: ControlTarget,
    /// The name (generic for STOP CHANNEL is not allowed by MQ).
    pub name: String,
    /// STOP CHANNEL MODE(QUIESCE|FORCE|TERMINATE).
    pub mode: Option<&'static str>,
    /// STOP CHANNEL STATUS(STOPPED|INACTIVE).
    pub status: Option<&'static str>,
    /// STOP CHANNEL CONNAME: only the instances with this partner address.
    pub conname: Option<String>,
    /// STOP CHANNEL QMNAME: only the instances with this partner queue manager.
    pub qmname: Option<String>,
}
