//! DISPLAY CHLAUTH ... MATCH(RUNCHECK) in the pure layer: a rule set tested without a
//! running queue manager.

use mqtls_model::{Stamp, Store};
use mqtls_mqsc::script;

const RULES: &str = "\
SET CHLAUTH('*') TYPE(ADDRESSMAP) ADDRESS('*') USERSRC(NOACCESS) DESCR('back-stop')
SET CHLAUTH('*') TYPE(BLOCKUSER) USERLIST('*MQADMIN')
SET CHLAUTH('*') TYPE(BLOCKADDR) ADDRLIST('10.66.*')
DEFINE CHANNEL(APP.SVRCONN) CHLTYPE(SVRCONN) SSLCIPH(ANY_TLS13)
SET CHLAUTH(APP.SVRCONN) TYPE(SSLPEERMAP) SSLPEER('CN=app*,O=demo') USERSRC(MAP) MCAUSER('app')
SET CHLAUTH(APP.SVRCONN) TYPE(SSLPEERMAP) SSLPEER('CN=admin,O=demo') USERSRC(MAP) MCAUSER('mqm')
SET CHLAUTH(APP.*) TYPE(ADDRESSMAP) ADDRESS('192.168.1.*') USERSRC(MAP) MCAUSER('lan')
";

/// Runs the rules, then `check`; returns what the check printed.
fn runcheck(check: &str) -> Vec<String> {
    let stamp = Stamp::from_unix(0);
    let mut store = Store::new("QM1", stamp.clone()).unwrap();
    let setup = script::run(RULES, &mut store, &stamp);
    assert_eq!(script::exit_code(&setup), 0, "{}", script::report(RULES, &setup, false));
    let entries = script::run(check, &mut store, &stamp);
    assert!(
        entries[0].failure.is_none() && entries[0].diagnostics.is_empty(),
        "{}",
        script::report(check, &entries, false)
    );
    entries[0].output.clone()
}

#[test]
fn certificate_mapped_to_its_user() {
    let out =
        runcheck("DIS CHLAUTH(APP.SVRCONN) MATCH(RUNCHECK) ADDRESS('10.1.2.3') SSLPEER('CN=app7,O=demo')");
    assert_eq!(
        out.last().unwrap(),
        "AMQ9783I: Channel will run using MCAUSER('app'): mapped to MCAUSER('app')."
    );
    assert!(
        out.contains(&"   MCAUSER(app)                            SSLPEER(CN=app*,O=demo)".to_string()),
        "{out:#?}"
    );
}

#[test]
fn exact_sslpeer_beats_the_wildcard_and_blockuser_still_applies() {
    let out =
        runcheck("DIS CHLAUTH(APP.SVRCONN) MATCH(RUNCHECK) ADDRESS('10.1.2.3') SSLPEER('CN=admin,O=demo')");
    assert_eq!(
        out.last().unwrap(),
        "AMQ9777E: Channel would be blocked by CHLAUTH('*') TYPE(BLOCKUSER) USERLIST(*MQADMIN): user 'mqm' is on the BLOCKUSER list."
    );
}

#[test]
fn unknown_certificate_meets_the_backstop() {
    let out = runcheck(
        "DIS CHLAUTH(APP.SVRCONN) MATCH(RUNCHECK) ADDRESS('10.1.2.3') SSLPEER('CN=eve,O=elsewhere')",
    );
    assert_eq!(
        out.last().unwrap(),
        "AMQ9777E: Channel would be blocked by CHLAUTH('*') TYPE(ADDRESSMAP) ADDRESS('*'): the most specific matching rule has USERSRC(NOACCESS)."
    );
}

#[test]
fn generic_profile_address_rule_and_blocked_addresses() {
    let out = runcheck("DIS CHLAUTH(APP.OTHER) MATCH(RUNCHECK) ADDRESS('192.168.1.40') CLNTUSER('bob')");
    assert_eq!(
        out.last().unwrap(),
        "AMQ9783I: Channel will run using MCAUSER('lan'): mapped to MCAUSER('lan')."
    );
    let out = runcheck("DIS CHLAUTH(APP.OTHER) MATCH(RUNCHECK) ADDRESS('10.66.0.1')");
    assert_eq!(
        out.last().unwrap(),
        "AMQ9777E: Channel would be blocked by CHLAUTH('*') TYPE(BLOCKADDR) ADDRLIST(10.66.*): address 10.66.0.1 is on the BLOCKADDR list."
    );
}

#[test]
fn runcheck_needs_an_address_and_a_channel_name() {
    let stamp = Stamp::from_unix(0);
    let mut store = Store::new("QM1", stamp.clone()).unwrap();
    let entries = script::run(
        "DIS CHLAUTH(APP.*) MATCH(RUNCHECK) ADDRESS('1.2.3.4')\nDIS CHLAUTH(APP) MATCH(RUNCHECK)\n",
        &mut store,
        &stamp,
    );
    let failures: Vec<String> = entries.iter().map(|e| e.failure.as_ref().unwrap().to_string()).collect();
    assert_eq!(
        failures,
        vec![
            "CHLAUTH(APP.*): MATCH(RUNCHECK) needs a channel name, not a generic profile".to_string(),
            "ADDRESS(): MATCH(RUNCHECK) needs the partner's ADDRESS".to_string(),
        ]
    );
}
