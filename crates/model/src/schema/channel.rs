//! CHANNEL attributes for every CHLTYPE, with MQ's defaults.

use super::attr::dsl::*;
use super::attr::{AttrDef, Kind};

// Channel-type bits, as in `ChannelType::bit`.
const SDR: u16 = 0x01;
const SVR: u16 = 0x02;
const RCVR: u16 = 0x04;
const RQSTR: u16 = 0x08;
const CLNTCONN: u16 = 0x10;
const SVRCONN: u16 = 0x20;
const CLUSSDR: u16 = 0x40;
const CLUSRCVR: u16 = 0x80;
const AMQP: u16 = 0x100;
const MQTT: u16 = 0x200;
const MSG: u16 = SDR | SVR | RCVR | RQSTR | CLUSSDR | CLUSRCVR;
const SENDING: u16 = SDR | SVR | CLUSSDR | CLUSRCVR;
const RECEIVING: u16 = RCVR | RQSTR | CLUSRCVR;
const CLUSTER: u16 = CLUSSDR | CLUSRCVR;
const NOT_CLIENT: u16 = (0xFF & !CLNTCONN) | AMQP;
const TELEMETRY_AMQP: u16 = AMQP | MQTT;
const ALL: u16 = 0xFF | AMQP | MQTT;
const CONNECTING: u16 = SDR | SVR | RQSTR | CLNTCONN | CLUSSDR | CLUSRCVR;
const CLIENT: u16 = CLNTCONN | SVRCONN;
const MAXINT: i64 = 999_999_999;
const EXITS: Kind = Kind::List { max_items: 8, item_max: 128 };
const EXITDATA: Kind = Kind::List { max_items: 8, item_max: 32 };

/// Every CHANNEL keyword of IBM MQ 9.4 on Multiplatforms, alphabetical (CHLTYPE first); the
/// MQTT channel attributes follow IBM's "DEFINE CHANNEL (MQTT)" page. A keyword appears twice
/// only where its values or default differ by channel type, with disjoint type sets.
#[rustfmt::skip]
pub(crate) static CHANNEL: &[AttrDef] = &[
    on(a("CHLTYPE", e(&["SDR", "SVR", "RCVR", "RQSTR", "CLNTCONN", "SVRCONN", "CLUSSDR", "CLUSRCVR", "AMQP", "MQTT"]), NONE), ALL),
    on(a("AMQPKA", Kind::IntOr { min: 0, max: 99_999, words: &["AUTO"] }, w("AUTO")), AMQP),
    on(a("BACKLOG", n(0, MAXINT), i(4096)), MQTT),
    on(a("AFFINITY", e(&["PREFERRED", "NONE"]), w("PREFERRED")), CLNTCONN),
    on(a("BATCHHB", n(0, MAXINT), i(0)), SENDING),
    on(a("BATCHINT", n(0, MAXINT), i(0)), SENDING),
    on(a("BATCHLIM", n(0, MAXINT), i(5000)), SENDING),
    on(a("BATCHSZ", n(1, 9999), i(50)), MSG),
    on(a("CERTLABL", s(64), NONE), ALL & !MQTT),
    on(a("CLNTWGHT", n(0, 99), i(0)), CLNTCONN),
    on(a("CLUSNL", s(48), NONE), CLUSTER),
    on(a("CLUSTER", s(48), NONE), CLUSTER),
    on(a("CLWLPRTY", n(0, 9), i(0)), CLUSTER),
    on(a("CLWLRANK", n(0, 9), i(0)), CLUSTER),
    on(a("CLWLWGHT", n(1, 99), i(50)), CLUSTER),
    a("COMPHDR", Kind::EnumList(&["NONE", "SYSTEM"]), NONE),
    a("COMPMSG", Kind::EnumList(&["NONE", "RLE", "ZLIBFAST", "ZLIBHIGH", "ANY"]), NONE),
    on(a("CONNAME", s(264), NONE), CONNECTING),
    on(a("CONVERT", YESNO, w("NO")), SENDING),
    on(a("DEFRECON", e(&["NO", "YES", "QMGR", "DISABLED"]), w("NO")), CLNTCONN),
    on(DESCR, ALL & !MQTT),
    on(a("DISCINT", n(0, MAXINT), i(6000)), SENDING | SVRCONN),
    a("HBINT", n(0, MAXINT), i(300)),
    on(a("JAASCFG", s(1024), NONE), MQTT),
    a("KAINT", Kind::IntOr { min: 0, max: 99_999, words: &["AUTO"] }, w("AUTO")),
    on(a("LOCLADDR", s(48), NONE), CONNECTING | MQTT),
    on(a("LONGRTY", n(0, MAXINT), i(MAXINT)), SENDING),
    on(a("LONGTMR", n(0, MAXINT), i(1200)), SENDING),
    on(a("MAXINST", n(0, MAXINT), i(MAXINT)), SVRCONN | AMQP),
    on(a("MAXINSTC", n(0, MAXINT), i(MAXINT)), SVRCONN | AMQP),
    on(a("MAXMSGL", n(0, 104_857_600), i(4_194_304)), ALL & !MQTT),
    on(a("MCANAME", s(20), NONE), SDR | SVR | RQSTR),
    on(a("MCATYPE", e(&["PROCESS", "THREAD"]), w("PROCESS")), SDR | SVR | RQSTR | CLUSTER),
    on(a("MCAUSER", s(64), NONE), NOT_CLIENT | MQTT),
    a("MODENAME", s(8), NONE),
    on(a("MONCHL", QMGR_ON_OFF, w("QMGR")), NOT_CLIENT),
    on(a("MRDATA", s(32), NONE), RECEIVING),
    on(a("MREXIT", s(128), NONE), RECEIVING),
    on(a("MRRTY", n(0, MAXINT), i(10)), RECEIVING),
    on(a("MRTMR", n(0, MAXINT), i(1000)), RECEIVING),
    on(a("MSGDATA", EXITDATA, NONE), MSG),
    on(a("MSGEXIT", EXITS, NONE), MSG),
    on(a("NETPRTY", n(0, 9), i(0)), CLUSRCVR),
    on(a("NPMSPEED", e(&["FAST", "NORMAL"]), w("FAST")), MSG),
    on(a("PORT", n(0, 65_535), i(5672)), AMQP),
    on(a("PORT", n(0, 65_535), i(1883)), MQTT),
    on(a("PROTOCOL", Kind::EnumList(&["MQTTV311", "MQTTV3", "HTTP"]), NONE), MQTT),
    on(a("PASSWORD", s(12), NONE), SDR | SVR | RQSTR | CLNTCONN | CLUSSDR),
    on(a("PROPCTL", e(&["COMPAT", "NONE", "ALL"]), w("COMPAT")), SENDING),
    on(a("PUTAUT", e(&["DEF", "CTX", "ONLYMCA", "ALTMCA"]), w("DEF")), RECEIVING | SVRCONN),
    on(a("QMNAME", s(48), NONE), CLNTCONN),
    a("RCVDATA", EXITDATA, NONE),
    a("RCVEXIT", EXITS, NONE),
    a("SCYDATA", s(32), NONE),
    a("SCYEXIT", s(128), NONE),
    a("SENDDATA", EXITDATA, NONE),
    a("SENDEXIT", EXITS, NONE),
    on(a("SEQWRAP", n(100, MAXINT), i(MAXINT)), MSG),
    on(a("SHARECNV", n(0, 999_999_999), i(10)), CLIENT),
    on(a("SHORTRTY", n(0, MAXINT), i(10)), SENDING),
    on(a("SHORTTMR", n(0, MAXINT), i(60)), SENDING),
    on(a("SPLPROT", e(&["PASSTHRU", "REMOVE", "ASPOLICY"]), w("PASSTHRU")), SDR | SVR | RCVR | RQSTR),
    on(a("SSLCAUTH", e(&["REQUIRED", "OPTIONAL"]), w("REQUIRED")), NOT_CLIENT),
    on(a("SSLCAUTH", e(&["NEVER", "OPTIONAL", "REQUIRED"]), w("REQUIRED")), MQTT),
    on(a("SSLCIPH", Kind::CipherSpec, NONE), ALL & !MQTT),
    // MQTT channels name Java (JSSE) cipher suites, not MQ CipherSpecs.
    on(a("SSLCIPH", s(32), NONE), MQTT),
    on(a("SSLKEYP", s(256), NONE), MQTT),
    on(a("SSLKEYR", s(256), NONE), MQTT),
    on(a("SSLPEER", Kind::DnFilter, NONE), ALL & !MQTT),
    on(a("STATCHL", QMGR_ON_OFF, w("QMGR")), MSG),
    on(a("TMPMODEL", s(48), w("SYSTEM.DEFAULT.MODEL.QUEUE")), AMQP),
    on(a("TMPQPRFX", s(48), w("AMQP.*")), AMQP),
    a("TPNAME", s(64), NONE),
    on(a("TPROOT", s(10_240), w("SYSTEM.BASE.TOPIC")), AMQP),
    on(a("TRPTYPE", e(&["TCP", "LU62", "NETBIOS", "SPX"]), w("TCP")), ALL & !MQTT),
    on(a("TRPTYPE", e(&["TCP"]), w("TCP")), MQTT),
    on(a("USECLTID", YESNO, w("NO")), TELEMETRY_AMQP),
    on(a("USEDLQ", YESNO, w("YES")), MSG),
    on(a("USERID", s(12), NONE), SDR | SVR | RQSTR | CLNTCONN | CLUSSDR),
    on(a("XMITQ", s(48), NONE), SDR | SVR),
];
