//! A queue manager's client channel table, as MQ keeps it: CLNTCONN channels in a table of
//! their own (a CLNTCONN shares its name with its SVRCONN), written to the home's
//! `@ipcc/AMQCLCHL.TAB` after every DEFINE, ALTER and DELETE, and exported for clients.
//! IBM MQ docs: "Client channel definition table", "Creating a client channel definition
//! table" (same name as the server-connection channel), "DELETE CHANNEL" (CHLTABLE).

use mqtls_test_support::scratch;

use crate::mqtls_env;

const INI: &str = "DEFINE QLOCAL(APP.Q)
DEFINE CHANNEL(APP.SVRCONN) CHLTYPE(SVRCONN) MCAUSER('app')
DEFINE LISTENER(L1) TRPTYPE(TCP) PORT(0) IPADDR('127.0.0.1') CONTROL(QMGR)
SET AUTHREC OBJTYPE(QMGR) PRINCIPAL('app') AUTHADD(CONNECT)
SET AUTHREC PROFILE('APP.Q') OBJTYPE(QUEUE) PRINCIPAL('app') AUTHADD(PUT,GET)
";

struct Home(String);

impl Home {
    fn mqtls(&self, args: &[&str], stdin: &str) -> (i32, String, String) {
        mqtls_env(args, stdin, &[("MQTLS_HOME", self.0.as_str())])
    }
    fn mqsc(&self, script: &str) -> String {
        let (code, out, err) = self.mqtls(&["mqsc", "QM1"], script);
        assert_eq!(code, 0, "{out}{err}");
        out
    }
    fn table(&self) -> String {
        let tab = format!("{}/qmgrs/QM1/@ipcc/AMQCLCHL.TAB", self.0);
        let (code, out, err) = self.mqtls(&["ccdt", "show", &tab], "");
        assert_eq!(code, 0, "{err}");
        out
    }
}

impl Drop for Home {
    fn drop(&mut self) {
        let _ = self.mqtls(&["qmgr", "stop", "QM1"], "");
    }
}

#[test]
fn clntconn_channels_share_names_and_are_written_to_the_client_channel_table() {
    let dir = scratch("client-table");
    let home = Home(dir.join("home").display().to_string());
    std::fs::write(dir.join("ini.mqsc"), INI).unwrap();
    let ini = dir.join("ini.mqsc").display().to_string();
    assert_eq!(home.mqtls(&["qmgr", "create", "QM1", "--ini-mqsc", &ini], "").0, 0);
    // crtmqm's table holds the template only.
    let table = home.table();
    assert!(table.starts_with("SYSTEM.DEF.CLNTCONN") && table.lines().count() == 1, "{table}");
    let (code, out, err) = home.mqtls(&["qmgr", "start", "QM1"], "");
    assert_eq!(code, 0, "{out}{err}");
    let at = out.find("LISTENER(L1) listening on 127.0.0.1:").expect(&out) + 36;
    let port: u16 = out[at..].split('.').next().unwrap().parse().unwrap();

    let define = format!(
        "DEFINE CHANNEL(APP.SVRCONN) CHLTYPE(CLNTCONN) CONNAME('127.0.0.1(1)') QMNAME(QM1)\n\
         ALTER CHANNEL(APP.SVRCONN) CHLTYPE(CLNTCONN) CONNAME('127.0.0.1({port})')\n\
         DISPLAY CHANNEL(APP.SVRCONN) CHLTYPE\n"
    );
    let out = home.mqsc(&define);
    assert!(
        out.contains("AMQ8014I: Channel created.") && out.contains("AMQ8016I: Channel changed."),
        "{out}"
    );
    assert!(out.contains("CHLTYPE(SVRCONN)") && out.contains("CHLTYPE(CLNTCONN)"), "both shown: {out}");
    let table = home.table();
    assert!(
        table.contains(&format!("APP.SVRCONN          QMNAME(QM1) CONNAME(127.0.0.1({port}))")),
        "{table}"
    );

    // A client finds the channel through the queue manager's table and through the export.
    let put = |var: &str, value: &str| {
        let (code, out, err) = mqtls_env(&["put", "APP.Q", "-m", "QM1"], "one\n", &[(var, value)]);
        assert_eq!(code, 0, "{var}: {out}{err}");
        assert!(err.contains(&format!("connected to QM1 over APP.SVRCONN at 127.0.0.1({port})")), "{err}");
    };
    let ipcc = format!("{}/qmgrs/QM1/@ipcc", home.0);
    let (code, out, err) = mqtls_env(
        &["put", "APP.Q", "-m", "QM1"],
        "one\n",
        &[("MQCHLLIB", ipcc.as_str()), ("MQCHLTAB", "AMQCLCHL.TAB")],
    );
    assert_eq!(code, 0, "{out}{err}");
    let json = dir.join("qm1.json").display().to_string();
    let (code, out, err) = home.mqtls(&["ccdt", "export", "QM1", &json], "");
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("left out SYSTEM.DEF.CLNTCONN: no CONNAME"), "{out}");
    assert!(out.contains("wrote 1 channels to") && out.contains("(JSON)"), "{out}");
    put("MQCCDTURL", &format!("file://{json}"));

    // DELETE without CHLTABLE is the queue manager's table; the client table is named.
    let (code, out, _) = home.mqtls(
        &["mqsc", "QM1"],
        "DELETE CHANNEL(APP.SVRCONN) CHLTABLE(QMGRTBL)\nDELETE CHANNEL(APP.SVRCONN) CHLTABLE(QMGRTBL)\n",
    );
    assert_eq!(code, 20, "{out}");
    assert!(out.contains("AMQ8015I: Channel deleted."), "{out}");
    assert!(
        out.contains("CHANNEL(APP.SVRCONN) is not in CHLTABLE(QMGRTBL); CHLTABLE(CLNTTBL) has it"),
        "{out}"
    );
    assert!(home.table().contains("APP.SVRCONN"), "the CLNTCONN stays");
    let out = home.mqsc("DELETE CHANNEL(APP.SVRCONN) CHLTABLE(CLNTTBL)\n");
    assert!(out.contains("AMQ8015I: Channel deleted."), "{out}");
    let table = home.table();
    assert!(!table.contains("APP.SVRCONN"), "{table}");
}
