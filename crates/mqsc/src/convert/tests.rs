use mqtls_model::{ChlauthAction, ChlauthType, Entity, ObjectType, Severity, Value};

use super::*;
use crate::command::*;
use crate::lines::{assemble, Item};
use crate::parser::parse_command;

fn check(text: &str) -> Checked {
    let Item::Command(logical) = assemble(text).remove(0) else { panic!("not a command") };
    convert(&parse_command(logical).expect("parses"))
}

fn ok(text: &str) -> Command {
    let c = check(text);
    assert!(c.diagnostics.iter().all(|d| d.severity() == Severity::Warning), "{text}: {:?}", c.diagnostics);
    c.command.unwrap_or_else(|| panic!("{text}: no command"))
}

/// The first diagnostic as the user sees it.
fn err(text: &str) -> String {
    let c = check(text);
    assert!(c.command.is_none(), "{text} was accepted");
    c.diagnostics[0].to_string()
}

#[test]
fn verb_and_object_synonyms() {
    let pairs = [
        ("DEF QL(A)", "DEFINE QLOCAL('A')"),
        ("def qr(A)", "DEFINE QREMOTE('A')"),
        ("DEF QA(A)", "DEFINE QALIAS('A')"),
        ("DEF QM(A)", "DEFINE QMODEL('A')"),
        ("DEF NL(A)", "DEFINE NAMELIST('A')"),
        ("DEF LSTR(A) TRPTYPE(TCP)", "DEFINE LISTENER('A') TRPTYPE(TCP)"),
        ("DEF PRO(A)", "DEFINE PROCESS('A')"),
        ("DEF TPC(A) TOPICSTR('x')", "DEFINE TOPIC('A') TOPICSTR('x')"),
        ("ALT QMGR DESCR('d')", "ALTER QMGR DESCR('d')"),
        ("DIS Q(A*)", "DISPLAY QUEUE('A*')"),
        ("DIS CHS(C)", "DISPLAY CHSTATUS('C')"),
        ("STA CHL(C)", "START CHANNEL('C')"),
        ("REF SECURITY TYPE(SSL)", "REFRESH SECURITY TYPE(SSL)"),
    ];
    for (written, canonical) in pairs {
        assert_eq!(ok(written).to_string(), canonical, "{written}");
    }
}

#[test]
fn every_verb_has_a_typed_form() {
    let cases = [
        "DEFINE CHANNEL(C) CHLTYPE(RCVR) SSLCIPH(ANY_TLS12) REPLACE",
        "ALTER CHANNEL(C) CHLTYPE(RCVR) SSLCAUTH(OPTIONAL)",
        "DELETE QLOCAL(Q) PURGE",
        "DISPLAY CHANNEL(*) ALL",
        "DISPLAY QMGR SSLKEYR CERTLABL",
        "SET CHLAUTH(APP) TYPE(ADDRESSMAP) ADDRESS('10.0.0.*') USERSRC(NOACCESS) ACTION(ADD)",
        "SET AUTHREC PROFILE(Q1) OBJTYPE(QUEUE) PRINCIPAL('app') AUTHADD(PUT,GET)",
        "REFRESH SECURITY TYPE(SSL)",
        "START LISTENER(L)",
        "STOP CHANNEL(C) MODE(FORCE) STATUS(INACTIVE)",
        "RESET CHANNEL(C) SEQNUM(7)",
        "PING CHANNEL(C) DATALEN(16)",
        "RESOLVE CHANNEL(C) ACTION(BACKOUT)",
        "CLEAR QLOCAL(Q)",
        "END",
    ];
    for text in cases {
        ok(text);
    }
}

#[test]
fn define_carries_like_replace_and_attributes() {
    let Command::Define(d) = ok("DEFINE QLOCAL('Q1') LIKE(BASE) MAXDEPTH(10) NOTRIGGER REPLACE") else {
        panic!()
    };
    assert_eq!(
        (d.otype, d.name.as_str(), d.like.as_deref(), d.replace),
        (ObjectType::Qlocal, "Q1", Some("BASE"), true)
    );
    assert_eq!(d.attrs.get("MAXDEPTH"), Some(&Value::Int(10)));
    assert_eq!(d.attrs.get("TRIGGER"), Some(&Value::Flag(false)));
}

#[test]
fn set_chlauth_and_authrec_are_typed() {
    let Command::SetChlauth(s) = ok("SET CHLAUTH('*') TYPE(BLOCKUSER) USERLIST('nobody')") else { panic!() };
    assert_eq!((s.profile.as_str(), s.rtype, s.action), ("*", ChlauthType::BlockUser, ChlauthAction::Add));
    let Command::SetAuthrec(a) = ok("SET AUTHREC OBJTYPE(QMGR) GROUP('mqapps') AUTHADD(CONNECT,INQ)") else {
        panic!()
    };
    assert_eq!(a.entity, Entity::Group("mqapps".into()));
    assert_eq!((a.profile.as_str(), a.add.as_slice()), ("", &["CONNECT", "INQ"][..]));
}

#[test]
fn display_selection_filters_and_where() {
    let Command::Display(d) = ok("DIS CHL(*) CHLTYPE(SDR) SSLCIPH WHERE(SSLCIPH EQ ANY_TLS13)") else {
        panic!()
    };
    assert_eq!(d.select, vec!["SSLCIPH"]);
    assert_eq!(d.filters, vec![("CHLTYPE".to_string(), "SDR".to_string())]);
    assert_eq!(
        d.where_,
        Some(Where { keyword: "SSLCIPH".into(), op: WhereOp::Eq, value: "ANY_TLS13".into() })
    );
    // IBM MQ's operators (DISPLAY ... WHERE): NL is "not like"; LE, GE, CTG and EXG exist.
    for (text, op) in [("NL", WhereOp::Nl), ("LE", WhereOp::Le), ("GE", WhereOp::Ge), ("CTG", WhereOp::Ctg)] {
        let Command::Display(d) = ok(&format!("DIS QL(*) WHERE(DESCR {text} 'A*')")) else { panic!() };
        assert_eq!(d.where_.map(|w| w.op), Some(op), "{text}");
    }
}

#[test]
fn error_messages_name_the_token_and_the_fix() {
    let cases = [
        ("DEFIN QLOCAL(A)", "error: line 1, column 1, at 'DEFIN': DEFIN: unknown command, did you mean DEFINE?"),
        ("DEFINE QLOCL(A)", "error: line 1, column 8, at 'QLOCL': DEFINE QLOCL: unknown object type, did you mean QLOCAL?"),
        ("DEFINE", "error: line 1, column 1, at 'DEFINE': DEFINE needs an object type, e.g. CHANNEL(name)"),
        ("DEFINE QLOCAL", "error: line 1, column 8, at 'QLOCAL': QLOCAL needs a name: QLOCAL(name)"),
        ("DEFINE CHANNEL(C) SSLCIPH(ANY)", "error: line 1, column 8, at 'CHANNEL(C)': CHLTYPE is required to define a channel"),
        (
            "DEFINE CHANNEL(C) CHLTYPE(SVRCONN) SSLCAUTH(MAYBE)",
            "error: line 1, column 45, at 'MAYBE': SSLCAUTH(MAYBE): expected one of REQUIRED, OPTIONAL",
        ),
        (
            "DEFINE CHANNEL(C) CHLTYPE(SVRCONN) SSLCIPH(ECDHE_RSA_AES_128_GCM_SHA265)",
            "error: line 1, column 44, at 'ECDHE_RSA_AES_128_GCM_SHA265': SSLCIPH: unknown CipherSpec 'ECDHE_RSA_AES_128_GCM_SHA265'; did you mean ECDHE_RSA_AES_128_GCM_SHA256?",
        ),
        (
            "DEFINE CHANNEL(C) CHLTYPE(SVRCONN) CONNAME('h(1)')",
            "error: line 1, column 44, at ''h(1)'': CONNAME is not valid for CHLTYPE(SVRCONN)",
        ),
        ("DEFINE QLOCAL(A) TRIGGER NOTRIGGER", "error: line 1, column 26, at 'NOTRIGGER': TRIGGER given more than once"),
        ("DEFINE QLOCAL(A) REPLACE NOREPLACE", "error: line 1, column 26, at 'NOREPLACE': REPLACE and NOREPLACE cannot be used together"),
        ("DISPLAY CHANNEL(A) SSLCHIP", "error: line 1, column 20, at 'SSLCHIP': SSLCHIP: not a parameter of DISPLAY CHANNEL, did you mean SSLCIPH?"),
        ("SET CHLAUTH(A) ADDRESS('*')", "error: line 1, column 5, at 'CHLAUTH(A)': TYPE is required for SET CHLAUTH"),
        ("DEFINE STGCLASS(A)", "error: line 1, column 8, at 'STGCLASS': DEFINE STGCLASS is not supported by mqtls"),
        ("DEFINE QLOCAL('bad name')", "error: line 1, column 8, at 'QLOCAL('bad name')': QLOCAL name 'bad name': only A-Z, a-z, 0-9, '.', '/', '_' and '%' are allowed"),
        ("RESOLVE CHANNEL(C)", "error: line 1, column 9, at 'CHANNEL(C)': ACTION is required for RESOLVE CHANNEL"),
        ("DISPLAY QMGR WHERE(DESCR)", "error: line 1, column 14, at 'WHERE(DESCR)': WHERE(DESCR): write WHERE(keyword operator value)"),
    ];
    for (text, want) in cases {
        assert_eq!(err(text), want, "{text}");
    }
}

#[test]
fn warnings_keep_the_command() {
    let c = check("DEFINE CHANNEL(C) CHLTYPE(SVRCONN) SSLCIPH(TLS_RSA_WITH_AES_128_GCM_SHA256) MCAUSER(app)");
    assert!(c.command.is_some());
    let texts: Vec<String> = c.diagnostics.iter().map(ToString::to_string).collect();
    assert_eq!(texts.len(), 2, "{texts:?}");
    assert!(texts[0].contains("is refused: it uses static RSA key exchange"), "{texts:?}");
    assert!(
        texts[1].contains("MCAUSER value was uppercased to 'APP'; quote it to keep its case: MCAUSER('app')"),
        "{texts:?}"
    );
}

#[test]
fn a_channel_whose_sni_is_no_host_name_is_defined_with_a_warning() {
    for name in ["'app.svrconn'", "APP.", "APP_"] {
        let c = check(&format!("DEFINE CHANNEL({name}) CHLTYPE(SVRCONN)"));
        assert!(c.command.is_some(), "{name}");
        let texts: Vec<String> = c.diagnostics.iter().map(ToString::to_string).collect();
        assert!(
            texts.iter().any(|t| t.contains("its TLS SNI would not be a valid host name")),
            "{name}: {texts:?}"
        );
    }
    assert!(check("DEFINE CHANNEL(TO.QMGR1) CHLTYPE(SVRCONN)").diagnostics.is_empty());
}

/// runmqsc rejects a keyword that is no attribute of the object: "AMQ8405I: Syntax error
/// detected at or near end of command segment below" (IBM MQ 9.4, "AMQ8405" in the message
/// reference), so the command is not run.
#[test]
fn unknown_attributes_are_errors() {
    let c = check("DEFINE QLOCAL(A) FUTUREATTR(X)");
    assert!(c.command.is_none());
    assert_eq!(c.diagnostics[0].severity(), Severity::Error);
    assert!(c.diagnostics[0].to_string().contains("AMQ8405"), "{}", c.diagnostics[0]);
    assert!(err("DEFINE QLOCAL(A) DEFPSISST(YES)").ends_with("did you mean DEFPSIST?"));
    // IBM MQ 9.4 attributes are known: CAPEXPRY (queues, topics), PSCLUS (QMGR), MQTT channels.
    for ok in [
        "DEFINE QLOCAL(A) CAPEXPRY(600)",
        "DEFINE QALIAS(B) TARGET(A) CAPEXPRY(NOLIMIT)",
        "ALTER QMGR PSCLUS(DISABLED)",
        "DEFINE CHANNEL(M) CHLTYPE(MQTT) TRPTYPE(TCP) PORT(8883) SSLCAUTH(NEVER) SSLKEYR('/k.jks') PROTOCOL(MQTTV311,MQTTV3)",
    ] {
        let c = check(ok);
        assert!(c.command.is_some() && c.diagnostics.is_empty(), "{ok}: {:?}", c.diagnostics);
    }
    assert!(err("DEFINE CHANNEL(S) CHLTYPE(SVRCONN) SSLCAUTH(NEVER)").contains("NEVER"));
}

#[test]
fn template_placeholders_are_named() {
    assert!(err("DEFINE LISTENER(L) TRPTYPE(TCP) PORT(%PORT%)")
        .ends_with("'%PORT%' looks like an unrendered template placeholder; render the template first"));
    assert!(err("DEFINE CHANNEL(TO.+QMNAME+) CHLTYPE(CLUSRCVR)")
        .contains("'+QMNAME+' is a queue-manager insertion variable"));
}

/// IBM MQ "SET CHLAUTH": the profile is a channel name, generic with `*`.
#[test]
fn chlauth_profiles_are_channel_names() {
    assert!(err("SET CHLAUTH('APP SVRCONN') TYPE(BLOCKUSER) USERLIST(nobody)").contains("only A-Z, a-z, 0-9"));
    assert!(check("SET CHLAUTH('DEV.*') TYPE(BLOCKUSER) USERLIST(nobody)").command.is_some());
}

/// IBM MQ 9.4 "DELETE AUTHREC on Multiplatforms" and "SET AUTHREC" (PASSALL, PASSID).
#[test]
fn authrecs_are_set_and_deleted() {
    use mqtls_model::{Stamp, Store};
    let mut store = Store::new("QM1", Stamp::from_unix(0)).unwrap();
    let run = |store: &mut Store, text: &str| {
        let c = check(text);
        let cmd = c.command.unwrap_or_else(|| panic!("{text}: {:?}", c.diagnostics));
        crate::execute(store, &cmd, Stamp::from_unix(0))
    };
    run(&mut store, "SET AUTHREC PROFILE(Q1) OBJTYPE(QUEUE) PRINCIPAL('app') AUTHADD(PUT,PASSALL,PASSID)")
        .unwrap();
    assert_eq!(store.authrecs().len(), 1);
    run(&mut store, "DELETE AUTHREC PROFILE(Q1) OBJTYPE(QUEUE) PRINCIPAL('app')").unwrap();
    assert!(store.authrecs().is_empty());
    let again = run(&mut store, "DELETE AUTHREC PROFILE(Q1) OBJTYPE(QUEUE) PRINCIPAL('app')").unwrap_err();
    assert!(again.to_string().contains("no authority record"), "{again}");
    assert!(
        err("DELETE AUTHREC PROFILE(Q1) OBJTYPE(QUEUE) PRINCIPAL('app') AUTHADD(PUT)").contains("AUTHADD")
    );
}

/// IBM MQ 9.4 "DISPLAY QMGR": QMNAME may be asked for on its own.
#[test]
fn display_qmgr_qmname() {
    let c = check("DISPLAY QMGR QMNAME");
    assert!(c.command.is_some() && c.diagnostics.is_empty(), "{:?}", c.diagnostics);
}

/// IBM MQ "DELETE CHANNEL": CHLTABLE(QMGRTBL) is the default, CHLTABLE(CLNTTBL) names the
/// client channel table.
#[test]
fn delete_channel_names_its_channel_table() {
    let Command::Delete(d) = ok("DELETE CHANNEL(C) CHLTABLE(clnttbl)") else { panic!() };
    assert_eq!(d.chltable, Some(mqtls_model::ChannelTable::Client));
    assert_eq!(Command::Delete(d).to_string(), "DELETE CHANNEL('C') CHLTABLE(CLNTTBL)");
    let Command::Delete(d) = ok("DELETE CHANNEL(C)") else { panic!() };
    assert_eq!(d.chltable, None);
    let e = err("DELETE CHANNEL(C) CHLTABLE(BOTH)");
    assert!(e.contains("not a channel table (QMGRTBL, CLNTTBL)"), "{e}");
}

/// IBM MQ "DISPLAY CONN", "DISPLAY QMSTATUS on Multiplatforms", "DISPLAY LSSTATUS on
/// Multiplatforms", "STOP CONN": the status displays of what runs parse with their
/// attribute lists; QMSTATUS takes no name.
#[test]
fn status_displays_of_what_runs_parse() {
    let Command::Display(d) = ok("DIS CONN(*) TYPE(HANDLE) OBJNAME USERID") else { panic!() };
    assert_eq!((d.target, d.select.len()), (DisplayTarget::Conn, 2));
    assert_eq!(d.filters, [("TYPE".to_owned(), "HANDLE".to_owned())]);
    let Command::Display(d) = ok("DISPLAY QMSTATUS CONNS STATUS LOG") else { panic!() };
    assert_eq!(d.target, DisplayTarget::Qmstatus);
    assert_eq!(Command::Display(d).to_string(), "DISPLAY QMSTATUS CONNS STATUS LOG");
    assert!(err("DISPLAY QMSTATUS(QM1)").contains("takes no name"));
    let Command::Display(d) = ok("DISPLAY LSSTATUS(L*) PORT") else { panic!() };
    assert_eq!((d.target, d.name.as_str()), (DisplayTarget::Lsstatus, "L*"));
    assert!(err("DISPLAY LSSTATUS(*) SSLCIPH").contains("SSLCIPH"));
    assert_eq!(ok("STOP CONN(41a2)"), Command::StopConn { conn: "41A2".into() });
    assert!(err("START CONN(41A2)").contains("CONN"));
}
