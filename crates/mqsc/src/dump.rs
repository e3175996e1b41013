//! A whole queue manager's definitions as an MQSC script (as `dmpmqcfg` writes one):
//! ALTER QMGR, then every object (the `SYSTEM.DEF.*` objects first, since DEFINE takes
//! unspecified attributes from them), then the CHLAUTH and AUTHREC records. Only the
//! attributes that were given are written, so MQ's defaults stay defaults. Running the
//! script on an empty store of the same name rebuilds an equal store.

use mqtls_model::{ChlauthAction, ObjectType, Store};

use crate::command::{Alter, Command, Define, SetAuthrec, SetChlauth};

/// The definitions of `store` as canonical MQSC, one command per line.
pub fn dump(store: &Store) -> String {
    let mut out = format!("* Definitions of queue manager {}, written by mqtls.\n", store.qmgr().name());
    let qmgr = Command::Alter(Alter {
        otype: ObjectType::Qmgr,
        name: String::new(),
        force: false,
        attrs: store.qmgr().given().clone(),
    });
    if store.qmgr().given().values().next().is_some() {
        out.push_str(&format!("{qmgr}\n"));
    }
    let types: Vec<ObjectType> = ObjectType::ALL.into_iter().filter(|t| *t != ObjectType::Qmgr).collect();
    let all: Vec<_> = store.matching(&types, "*").collect();
    let (defaults, rest): (Vec<_>, Vec<_>) =
        all.into_iter().partition(|o| o.name().starts_with("SYSTEM.DEF."));
    for object in defaults.into_iter().chain(rest) {
        let define = Command::Define(Define {
            otype: object.object_type(),
            name: object.name().to_owned(),
            like: None,
            replace: true,
            attrs: object.given().clone(),
        });
        out.push_str(&format!("{define}\n"));
    }
    for record in store.chlauth() {
        let set = Command::SetChlauth(SetChlauth {
            profile: record.profile.clone(),
            rtype: record.rtype,
            action: ChlauthAction::Replace,
            attrs: record.attrs.clone(),
        });
        out.push_str(&format!("{set}\n"));
    }
    for rec in store.authrecs() {
        let set = Command::SetAuthrec(SetAuthrec {
            profile: rec.profile.clone(),
            objtype: rec.objtype,
            entity: rec.entity.clone(),
            add: rec.authorities.iter().copied().collect(),
            remove: Vec::new(),
        });
        out.push_str(&format!("{set}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use mqtls_model::{Stamp, Store};

    use super::dump;
    use crate::script::{exit_code, report, run};

    const SCRIPT: &str = "
ALTER QMGR CERTLABL('qm1') CHLAUTH(ENABLED) DESCR('dumped')
DEFINE CHANNEL(SYSTEM.DEF.SVRCONN) CHLTYPE(SVRCONN) MAXMSGL(1000)
DEFINE CHANNEL(APP.SVRCONN) CHLTYPE(SVRCONN) SSLCIPH(ANY_TLS13) SSLPEER('CN=app*,O=x') MCAUSER('app')
DEFINE QLOCAL(APP.Q) MAXDEPTH(10) DESCR('it''s quoted')
DEFINE QALIAS(A.Q) TARGET(APP.Q)
DEFINE LISTENER(L1) TRPTYPE(TCP) PORT(1415) CONTROL(QMGR)
SET CHLAUTH('*') TYPE(BLOCKUSER) USERLIST('*MQADMIN','nobody')
SET CHLAUTH(APP.SVRCONN) TYPE(SSLPEERMAP) SSLPEER('CN=app1') USERSRC(MAP) MCAUSER('app1')
SET AUTHREC PROFILE(APP.Q) OBJTYPE(QUEUE) PRINCIPAL('app') AUTHADD(PUT,GET)
";

    #[test]
    fn a_dump_rebuilds_the_same_definitions() {
        let stamp = Stamp::default();
        let mut store = Store::new("QM1", stamp.clone()).unwrap();
        let entries = run(SCRIPT, &mut store, &stamp);
        assert_eq!(exit_code(&entries), 0, "{}", report(SCRIPT, &entries, true));
        let text = dump(&store);
        assert!(text.find("SYSTEM.DEF.SVRCONN").unwrap() < text.find("APP.SVRCONN").unwrap(), "{text}");
        let mut again = Store::new("QM1", stamp.clone()).unwrap();
        let entries = run(&text, &mut again, &stamp);
        assert_eq!(exit_code(&entries), 0, "{}", report(&text, &entries, true));
        assert_eq!(dump(&again), text, "a dump of the rebuilt store is the same script");
        assert_eq!(again.chlauth().len(), 2);
        assert_eq!(again.qmgr().str("DESCR"), "dumped");
        assert_eq!(again.get(mqtls_model::ObjectType::Qlocal, "APP.Q").unwrap().str("DESCR"), "it's quoted");
    }
}
