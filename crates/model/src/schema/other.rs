//! LISTENER, AUTHINFO, NAMELIST, SERVICE, TOPIC, PROCESS and SUB attributes.

use super::attr::dsl::*;
use super::attr::{AttrDef, Kind};

const MAXINT: i64 = 999_999_999;
const CONTROL: AttrDef = a("CONTROL", e(&["MANUAL", "QMGR", "STARTONLY"]), w("MANUAL"));

/// LISTENER.
pub(crate) static LISTENER: &[AttrDef] = &[
    a("ADAPTER", n(0, 7), i(0)),
    a("BACKLOG", n(0, MAXINT), i(0)),
    a("COMMANDS", n(0, MAXINT), i(0)),
    CONTROL,
    DESCR,
    a("IPADDR", s(48), NONE),
    a("LOCLNAME", s(48), NONE),
    a("NTBNAMES", n(0, MAXINT), i(0)),
    a("PORT", n(0, 65_535), i(1414)),
    a("SESSIONS", n(0, MAXINT), i(0)),
    a("SOCKET", n(0, 65_535), i(0)),
    a("TPNAME", s(64), NONE),
    a("TRPTYPE", e(&["TCP", "LU62", "NETBIOS", "SPX"]), w("TCP")),
];

/// AUTHINFO: revocation (CRLLDAP, OCSP) and connection authentication (IDPW*, JWKS).
#[rustfmt::skip]
pub(crate) static AUTHINFO: &[AttrDef] = &[
    a("AUTHTYPE", e(&["CRLLDAP", "OCSP", "IDPWOS", "IDPWLDAP", "JWKS"]), NONE),
    a("ADOPTCTX", YESNO, w("NO")),
    a("AUTHENMD", e(&["OS", "PAM"]), w("OS")),
    a("AUTHORMD", e(&["OS", "SEARCHGRP", "SEARCHUSR", "SRCHGRPSN"]), w("OS")),
    a("BASEDNG", s(1024), NONE),
    a("BASEDNU", s(1024), NONE),
    a("CHCKCLNT", e(&["NONE", "OPTIONAL", "REQUIRED", "REQDADM", "ASQMGR"]), w("NONE")),
    a("CHCKLOCL", e(&["NONE", "OPTIONAL", "REQUIRED", "REQDADM"]), w("OPTIONAL")),
    a("CLASSGRP", s(128), NONE),
    a("CLASSUSR", s(128), NONE),
    a("CONNAME", s(264), NONE),
    DESCR,
    a("FAILDLAY", n(0, 60), i(1)),
    a("FINDGRP", s(128), NONE),
    a("GRPFIELD", s(128), NONE),
    a("LDAPPWD", s(32), NONE),
    a("LDAPUSER", s(1024), NONE),
    a("NESTGRP", e(&["YES", "NO"]), w("NO")),
    a("OCSPURL", s(256), NONE),
    a("SECCOMM", e(&["YES", "NO", "ANON"]), w("NO")),
    a("SHORTUSR", s(128), NONE),
    a("USRFIELD", s(128), NONE),
];

/// NAMELIST.
pub(crate) static NAMELIST: &[AttrDef] = &[
    DESCR,
    a("NAMES", Kind::List { max_items: 256, item_max: 48 }, NONE),
    a("NLTYPE", e(&["NONE", "QUEUE", "CLUSTER", "AUTHINFO"]), w("NONE")),
];

/// SERVICE.
pub(crate) static SERVICE: &[AttrDef] = &[
    CONTROL,
    DESCR,
    a("SERVTYPE", e(&["SERVER", "COMMAND"]), w("SERVER")),
    a("STARTARG", s(1024), NONE),
    a("STARTCMD", s(1024), NONE),
    a("STDERR", s(1024), NONE),
    a("STDOUT", s(1024), NONE),
    a("STOPARG", s(1024), NONE),
    a("STOPCMD", s(1024), NONE),
];

/// TOPIC.
#[rustfmt::skip]
pub(crate) static TOPIC: &[AttrDef] = &[
    a("CAPEXPRY", Kind::IntOr { min: 1, max: MAXINT, words: &["NOLIMIT", "ASPARENT"] }, w("ASPARENT")),
    a("CLROUTE", e(&["DIRECT", "TOPICHOST", "NONE"]), w("DIRECT")),
    a("CLUSTER", s(48), NONE),
    a("COMMINFO", s(48), NONE),
    a("CUSTOM", s(128), NONE),
    a("DEFPRESP", e(&["SYNC", "ASYNC", "ASPARENT"]), w("ASPARENT")),
    a("DEFPRTY", Kind::IntOr { min: 0, max: 9, words: &["ASPARENT"] }, w("ASPARENT")),
    a("DEFPSIST", e(&["YES", "NO", "ASPARENT"]), w("ASPARENT")),
    DESCR,
    a("DURSUB", e(&["YES", "NO", "ASPARENT"]), w("ASPARENT")),
    a("MCAST", e(&["ENABLED", "DISABLED", "ONLY", "ASPARENT"]), w("ASPARENT")),
    a("MDURMDL", s(48), NONE),
    a("MNDURMDL", s(48), NONE),
    a("NPMSGDLV", e(&["ALL", "ALLAVAIL", "ALLDUR", "ASPARENT"]), w("ASPARENT")),
    a("PMSGDLV", e(&["ALL", "ALLAVAIL", "ALLDUR", "ASPARENT"]), w("ASPARENT")),
    a("PROXYSUB", e(&["FORCE", "FIRSTUSE"]), w("FIRSTUSE")),
    a("PUB", e(&["ENABLED", "DISABLED", "ASPARENT"]), w("ASPARENT")),
    a("PUBSCOPE", e(&["QMGR", "ALL", "ASPARENT"]), w("ASPARENT")),
    a("SUB", e(&["ENABLED", "DISABLED", "ASPARENT"]), w("ASPARENT")),
    a("SUBSCOPE", e(&["QMGR", "ALL", "ASPARENT"]), w("ASPARENT")),
    a("TOPICSTR", s(10_240), NONE),
    a("TYPE", e(&["LOCAL", "CLUSTER"]), w("LOCAL")),
    a("USEDLQ", e(&["YES", "NO", "ASPARENT"]), w("ASPARENT")),
    a("WILDCARD", e(&["PASSTHRU", "BLOCK"]), w("PASSTHRU")),
];

/// PROCESS.
pub(crate) static PROCESS: &[AttrDef] = &[
    a("APPLICID", s(256), NONE),
    a("APPLTYPE", s(12), w("UNIX")),
    DESCR,
    a("ENVRDATA", s(128), NONE),
    a("USERDATA", s(128), NONE),
];

/// SUB (durable administrative subscriptions).
#[rustfmt::skip]
pub(crate) static SUB: &[AttrDef] = &[
    a("DEST", s(48), NONE),
    a("DESTCLAS", e(&["MANAGED", "PROVIDED"]), w("PROVIDED")),
    a("DESTCORL", s(48), NONE),
    a("DESTQMGR", s(48), NONE),
    a("EXPIRY", Kind::IntOr { min: 0, max: MAXINT, words: &["UNLIMITED"] }, w("UNLIMITED")),
    a("PSPROP", e(&["NONE", "COMPAT", "RFH2", "MSGPROP"]), w("MSGPROP")),
    a("PUBACCT", s(64), NONE),
    a("PUBAPPID", s(32), NONE),
    a("PUBPRTY", e(&["ASPUB", "ASQDEF", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]), w("ASPUB")),
    a("REQONLY", YESNO, w("NO")),
    a("SELECTOR", s(10_240), NONE),
    a("SUBLEVEL", n(1, 9), i(1)),
    a("SUBSCOPE", e(&["ALL", "QMGR"]), w("ALL")),
    a("SUBUSER", s(12), NONE),
    a("TOPICOBJ", s(48), NONE),
    a("TOPICSTR", s(10_240), NONE),
    a("USERDATA", s(10_240), NONE),
    a("VARUSER", e(&["ANY", "FIXED"]), w("ANY")),
    a("WSCHEMA", e(&["CHAR", "TOPIC"]), w("TOPIC")),
];

/// SET CHLAUTH parameters (besides the profile, TYPE and ACTION).
#[rustfmt::skip]
pub(crate) static CHLAUTH: &[AttrDef] = &[
    a("ADDRESS", Kind::Address, NONE),
    a("ADDRLIST", Kind::List { max_items: 100, item_max: 264 }, NONE),
    a("CHCKCLNT", e(&["ASQMGR", "REQUIRED", "REQDADM"]), w("ASQMGR")),
    a("CLNTUSER", s(1024), NONE),
    a("CUSTOM", s(128), NONE),
    DESCR,
    a("MCAUSER", s(64), NONE),
    a("QMNAME", s(48), NONE),
    a("SSLCERTI", Kind::DnFilter, NONE),
    a("SSLPEER", Kind::DnFilter, NONE),
    a("USERLIST", Kind::List { max_items: 100, item_max: 12 }, NONE),
    a("USERSRC", e(&["MAP", "NOACCESS", "CHANNEL"]), w("MAP")),
    a("WARN", YESNO, w("NO")),
];

/// Authorities accepted by SET AUTHREC AUTHADD / AUTHRMV.
pub(crate) const AUTHORITIES: &[&str] = &[
    "ALL", "ALLADM", "ALLMQI", "NONE", "ALTUSR", "BROWSE", "CONNECT", "GET", "INQ", "PASSALL", "PASSID",
    "PUB", "PUT", "RESUME", "SET", "SETALL", "SETID", "SUB", "CHG", "CLR", "CRT", "CTRL", "CTRLX", "DLT",
    "DSP", "SYSTEM",
];
