//! QLOCAL, QMODEL, QREMOTE and QALIAS attributes, with MQ's defaults.

use super::attr::dsl::*;
use super::attr::{AttrDef, Kind};

const MAXINT: i64 = 999_999_999;
const DEFBIND: AttrDef = a("DEFBIND", e(&["OPEN", "NOTFIXED", "GROUP"]), w("OPEN"));
const DEFPRESP: AttrDef = a("DEFPRESP", e(&["SYNC", "ASYNC"]), w("SYNC"));
const DEFPRTY: AttrDef = a("DEFPRTY", n(0, 9), i(0));
const DEFPSIST: AttrDef = a("DEFPSIST", YESNO, w("NO"));
const DEFREADA: AttrDef = a("DEFREADA", e(&["NO", "YES", "DISABLED"]), w("NO"));
const GET: AttrDef = a("GET", ENABLED, w("ENABLED"));
const PUT: AttrDef = a("PUT", ENABLED, w("ENABLED"));
const CLUSNL: AttrDef = a("CLUSNL", s(48), NONE);
const CLUSTER: AttrDef = a("CLUSTER", s(48), NONE);
const CLWLPRTY: AttrDef = a("CLWLPRTY", n(0, 9), i(0));
const CLWLRANK: AttrDef = a("CLWLRANK", n(0, 9), i(0));
const CUSTOM: AttrDef = a("CUSTOM", s(128), NONE);
/// CAPEXPRY (IBM MQ 9.4.0, every queue type): an upper limit on message expiry, in tenths of seconds.
const CAPEXPRY: AttrDef =
    a("CAPEXPRY", Kind::IntOr { min: 1, max: MAXINT, words: &["NOLIMIT"] }, w("NOLIMIT"));
const PROPCTL: AttrDef = a("PROPCTL", e(&["COMPAT", "NONE", "ALL", "FORCE", "V6COMPAT"]), w("COMPAT"));
const SCOPE: AttrDef = a("SCOPE", e(&["QMGR", "CELL"]), w("QMGR"));

/// Attributes of local and model queues.
macro_rules! local_attrs {
    ($($extra:expr,)*) => {
        &[
            a("ACCTQ", e(&["QMGR", "ON", "OFF"]), w("QMGR")),
            a("BOQNAME", s(48), NONE),
            a("BOTHRESH", n(0, MAXINT), i(0)),
            CAPEXPRY,
            CUSTOM,
            DEFBIND,
            DEFPRESP,
            DEFPRTY,
            DEFPSIST,
            DEFREADA,
            a("DEFSOPT", e(&["SHARED", "EXCL"]), w("SHARED")),
            DESCR,
            a("DISTL", YESNO, w("NO")),
            GET,
            a("HARDENBO", Kind::Flag { off: "NOHARDENBO" }, NONE),
            a("IMGRCOVQ", e(&["QMGR", "YES", "NO"]), w("QMGR")),
            a("INITQ", s(48), NONE),
            a("MAXDEPTH", n(0, MAXINT), i(5000)),
            a("MAXFSIZE", Kind::IntOr { min: 20, max: 267_386_880, words: &["DEFAULT"] }, w("DEFAULT")),
            a("MAXMSGL", n(0, 104_857_600), i(4_194_304)),
            a("MONQ", QMGR_ON_OFF, w("QMGR")),
            a("MSGDLVSQ", e(&["PRIORITY", "FIFO"]), w("PRIORITY")),
            a("NPMCLASS", e(&["NORMAL", "HIGH"]), w("NORMAL")),
            a("PROCESS", s(48), NONE),
            PROPCTL,
            PUT,
            a("QDEPTHHI", n(0, 100), i(80)),
            a("QDEPTHLO", n(0, 100), i(20)),
            a("QDPHIEV", ENABLED, w("DISABLED")),
            a("QDPLOEV", ENABLED, w("DISABLED")),
            a("QDPMAXEV", ENABLED, w("ENABLED")),
            a("QSVCIEV", e(&["HIGH", "OK", "NONE"]), w("NONE")),
            a("QSVCINT", n(0, MAXINT), i(MAXINT)),
            a("RETINTVL", n(0, MAXINT), i(MAXINT)),
            a("SHARE", Kind::Flag { off: "NOSHARE" }, Default::Flag(true)),
            a("STATQ", e(&["QMGR", "ON", "OFF"]), w("QMGR")),
            a("STREAMQ", s(48), NONE),
            a("STRMQOS", e(&["BESTEF", "MUSTDUP"]), w("BESTEF")),
            a("TRIGDATA", s(64), NONE),
            a("TRIGDPTH", n(1, MAXINT), i(1)),
            a("TRIGGER", Kind::Flag { off: "NOTRIGGER" }, NONE),
            a("TRIGMPRI", n(0, 9), i(0)),
            a("TRIGTYPE", e(&["FIRST", "EVERY", "DEPTH", "NONE"]), w("FIRST")),
            a("USAGE", e(&["NORMAL", "XMITQ"]), w("NORMAL")),
            $($extra,)*
        ]
    };
}

use super::attr::Default;

/// QLOCAL.
pub(crate) static QLOCAL: &[AttrDef] = local_attrs!(
    a("CLCHNAME", s(48), NONE),
    CLUSNL,
    CLUSTER,
    CLWLPRTY,
    CLWLRANK,
    a("CLWLUSEQ", e(&["QMGR", "ANY", "LOCAL"]), w("QMGR")),
    SCOPE,
);

/// QMODEL.
pub(crate) static QMODEL: &[AttrDef] =
    local_attrs!(a("DEFTYPE", e(&["PREDEFINED", "PERMDYN", "TEMPDYN"]), w("TEMPDYN")),);

/// QREMOTE.
pub(crate) static QREMOTE: &[AttrDef] = &[
    CAPEXPRY,
    CLUSNL,
    CLUSTER,
    CLWLPRTY,
    CLWLRANK,
    CUSTOM,
    DEFBIND,
    DEFPRESP,
    DEFPRTY,
    DEFPSIST,
    DESCR,
    PUT,
    a("RNAME", s(48), NONE),
    a("RQMNAME", s(48), NONE),
    SCOPE,
    a("XMITQ", s(48), NONE),
];

/// QALIAS.
pub(crate) static QALIAS: &[AttrDef] = &[
    CAPEXPRY,
    CLUSNL,
    CLUSTER,
    CLWLPRTY,
    CLWLRANK,
    CUSTOM,
    DEFBIND,
    DEFPRESP,
    DEFPRTY,
    DEFPSIST,
    DEFREADA,
    DESCR,
    GET,
    PROPCTL,
    PUT,
    SCOPE,
    a("TARGET", s(48), NONE),
    a("TARGQ", s(48), NONE),
    a("TARGTYPE", e(&["QUEUE", "TOPIC"]), w("QUEUE")),
];
