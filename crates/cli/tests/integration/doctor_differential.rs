//! The doctor against live connections, on configurations drawn at random from the space
//! of real TLS traps: each case is a SVRCONN channel (SSLCIPH, certificate label — right,
//! RSA, case-only, missing, expired —, SSLCAUTH, SSLPEER, CHLAUTH blocks and maps) on one
//! running queue manager and a CCDT entry for it (SSLCIPH, client certificate — EC, RSA,
//! not yet valid, missing —, SSLPEER on the queue manager, a key repository that trusts
//! the CA or not, MQSERVER overriding the CCDT, MQSSLKEYR overriding mqclient.ini, a plain
//! entry tried first). `mqtls doctor --client` predicts; `mqtls get` through the entries is
//! what happens. Asserted: the doctor reports a client error for the case if and only if
//! the client fails (an entry's errors count only when no entry works: the client tries
//! them all), and the reason code the client gets is one the doctor names (it names every
//! problem; the client meets the first). Seeded (`MQTLS_DIFF_SEED`); `MQTLS_DIFF_CASES`
//! cases (40 by default; 200 take about 3.5 minutes).

use mqtls_pki::{CertAuthority, Entry, KeySpec};
use mqtls_test_support::{ca_and_leaf, keystore, scratch};

use crate::doctor_cli::private_pem_dir;
use crate::doctor_peers_cli::{ccdt, save_qm_keystore};

pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn pick<T: Copy>(&mut self, from: &[T]) -> T {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        from[(self.0 % from.len() as u64) as usize]
    }

    /// A CipherSpec: half the time one of the ANY_* sets, which most setups use.
    pub(crate) fn cipher(&mut self) -> &'static str {
        let sets = self.pick(&[true, false]);
        self.pick(if sets { &CIPHERS[..3] } else { CIPHERS })
    }
}

const CIPHERS: &[&str] = &[
    "ANY_TLS13",
    "ANY_TLS12",
    "ANY_TLS12_OR_HIGHER",
    "TLS_AES_256_GCM_SHA384",
    "ECDHE_ECDSA_AES_128_GCM_SHA256",
    "ECDHE_RSA_AES_128_GCM_SHA256",
    "TLS_RSA_WITH_AES_128_CBC_SHA256",
];

/// One case: the channel's side and the client's.
struct Case {
    ciph: &'static str,
    label: &'static str,
    required: bool,
    sslpeer: &'static str,
    /// A CHLAUTH rule for the channel (empty: none).
    chlauth: &'static str,
    client_ciph: &'static str,
    client_label: &'static str,
    client_peer: &'static str,
    trusting: bool,
    /// MQSERVER names the channel (it beats the CCDT, and carries no TLS).
    mqserver: bool,
    /// mqclient.ini names the other key repository; MQSSLKEYR (the environment) wins.
    ini_overridden: bool,
    /// A plain entry the client tries first (its name sorts first): one that works, or one
    /// the queue manager does not have.
    first: Option<&'static str>,
}

impl Case {
    fn draw(rng: &mut Rng) -> Self {
        Self {
            ciph: rng.cipher(),
            label: rng.pick(&["qmec", "qmec", "qmec", "qmrsa", "QMEC", "qmex", "old"]),
            required: rng.pick(&[true, false]),
            sslpeer: rng.pick(&["", "", "", "CN=app1", "CN=other"]),
            chlauth: rng.pick(&[
                "",
                "",
                "",
                "",
                "TYPE(ADDRESSMAP) ADDRESS('127.0.0.1') USERSRC(NOACCESS)",
                "TYPE(SSLPEERMAP) SSLPEER('CN=app1') USERSRC(NOACCESS)",
                "TYPE(SSLPEERMAP) SSLPEER('CN=apprsa') USERSRC(MAP) MCAUSER('app')",
                "TYPE(ADDRESSMAP) ADDRESS('10.*') USERSRC(NOACCESS)",
            ]),
            client_ciph: rng.cipher(),
            client_label: rng.pick(&["app1", "app1", "app1", "apprsa", "appnew", "app9", ""]),
            client_peer: rng.pick(&["", "", "", "CN=qmec", "CN=qmrsa", "CN=wrong"]),
            trusting: rng.pick(&[true, true, true, true, true, false]),
            mqserver: rng.pick(&[false, false, false, false, false, false, false, true]),
            ini_overridden: rng.pick(&[false, false, false, true]),
            first: rng.pick(&[None, None, None, None, Some("A.PLAIN.SVRCONN"), Some("A.NOPE.SVRCONN")]),
        }
    }

    fn describe(&self) -> String {
        format!(
            "server {} label {} {} peer '{}'{} / client {} label '{}' peer '{}' {}{}{}{}",
            self.ciph,
            self.label,
            if self.required { "REQUIRED" } else { "OPTIONAL" },
            self.sslpeer,
            if self.chlauth.is_empty() { String::new() } else { format!(" CHLAUTH {}", self.chlauth) },
            self.client_ciph,
            self.client_label,
            self.client_peer,
            if self.trusting { "trusting" } else { "other CA" },
            if self.mqserver { " MQSERVER" } else { "" },
            if self.ini_overridden { " ini-overridden" } else { "" },
            self.first.map(|f| format!(" after {f}")).unwrap_or_default()
        )
    }
}

/// The MQ reason codes (`(2393)`, `reason code 2393`, `with reason 2393`) `text` names.
fn reasons_in(text: &str) -> Vec<u32> {
    let digits = |s: &str| s.chars().take_while(char::is_ascii_digit).collect::<String>();
    let mut out: Vec<u32> = text
        .match_indices('(')
        .filter_map(|(at, _)| {
            let d = digits(&text[at + 1..]);
            (d.len() == 4 && text[at + 5..].starts_with(')')).then(|| d.parse().ok()).flatten()
        })
        .collect();
    out.extend(
        text.match_indices("reason code ").filter_map(|(at, _)| digits(&text[at + 12..]).parse::<u32>().ok()),
    );
    // A sender's LASTERR: "refused channel X with reason 2035: ... (2035 MQRC_NOT_AUTHORIZED)".
    out.extend(text.match_indices("with reason ").filter_map(|(at, _)| {
        let d = digits(&text[at + 12..]);
        (d.len() == 4).then(|| d.parse::<u32>().ok()).flatten()
    }));
    out
}

#[test]
fn the_doctor_predicts_exactly_the_failures_of_live_connections() {
    let cases: usize = std::env::var("MQTLS_DIFF_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(40);
    let seed: u64 = std::env::var("MQTLS_DIFF_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(20_261_203);
    let dir = scratch("doctor-differential");
    for (name, kind) in [("qmec", "ec"), ("qmrsa", "rsa"), ("app1", "ec"), ("apprsa", "rsa")] {
        ca_and_leaf(&dir, name, kind);
    }
    let other = scratch("doctor-differential-other");
    ca_and_leaf(&other, "app1", "ec");
    private_pem_dir(&dir, "app1");
    let trusting = private_pem_dir(&dir, "apprsa");
    let untrusting = private_pem_dir(&other, "app1");
    // The queue manager's keystore: both certificates, and 'old' (expired, from a CA the
    // client also trusts, so only the expiry decides).
    let now = mqtls_test_support::now();
    let old_ca =
        CertAuthority::new(KeySpec::EcP256, "Old CA", "mqtls test", now - 200 * 86_400, 400).unwrap();
    let expired = old_ca.issue(KeySpec::EcP256, "qmold", "mqtls test", &[], now - 60 * 86_400, 30).unwrap();
    let mut qm_ks = keystore(&dir, Some("qmec"));
    let pem = [std::fs::read(dir.join("qmrsa.key")).unwrap(), std::fs::read(dir.join("qmrsa.pem")).unwrap()];
    qm_ks.add("qmrsa", mqtls_pki::Keystore::pem_entry(&pem.concat(), &dir.join("qmrsa")).unwrap()).unwrap();
    qm_ks.add("old", expired).unwrap();
    // 'appnew': a client certificate from a CA the queue manager trusts, valid only from
    // tomorrow.
    let new_ca = CertAuthority::new(KeySpec::EcP256, "New CA", "mqtls test", now - 86_400, 400).unwrap();
    qm_ks.add("new-ca", Entry::Trusted { cert: new_ca.certificate().to_vec() }).unwrap();
    let Entry::Personal { key, chain } =
        new_ca.issue(KeySpec::EcP256, "appnew", "mqtls test", &[], now + 86_400, 30).unwrap()
    else {
        unreachable!("issue gives a personal entry")
    };
    std::fs::write(dir.join("appnew.key.der"), &key).unwrap();
    std::fs::write(dir.join("appnew.der"), &chain[0]).unwrap();
    mqtls_test_support::openssl(
        &dir,
        &["pkey", "-inform", "DER", "-in", "appnew.key.der", "-out", "appnew.key"],
    );
    mqtls_test_support::openssl(&dir, &["x509", "-inform", "DER", "-in", "appnew.der", "-out", "appnew.pem"]);
    let pem =
        [std::fs::read(dir.join("appnew.key")).unwrap(), std::fs::read(dir.join("appnew.pem")).unwrap()];
    std::fs::write(dir.join("ks/appnew.pem"), pem.concat()).unwrap();
    std::fs::set_permissions(dir.join("ks/appnew.pem"), std::os::unix::fs::PermissionsExt::from_mode(0o600))
        .unwrap();
    save_qm_keystore(&dir, &qm_ks, &old_ca);

    let mut rng = Rng(seed | 1);
    let drawn: Vec<Case> = (0..cases).map(|_| Case::draw(&mut rng)).collect();
    let mut mqsc = String::from(
        "ALTER QMGR CERTLABL('qmec')\nDEFINE CHANNEL(A.PLAIN.SVRCONN) CHLTYPE(SVRCONN) MCAUSER('app')\nDEFINE QLOCAL(APP.Q)\nSET AUTHREC OBJTYPE(QMGR) PRINCIPAL('app') AUTHADD(CONNECT)\n\
         SET AUTHREC PROFILE('APP.Q') OBJTYPE(QUEUE) PRINCIPAL('app') AUTHADD(GET)\n",
    );
    for (i, c) in drawn.iter().enumerate() {
        mqsc += &format!(
            "DEFINE CHANNEL(CASE.{i:03}) CHLTYPE(SVRCONN) SSLCIPH({}) CERTLABL('{}') SSLCAUTH({}) SSLPEER('{}') MCAUSER('app')\n",
            c.ciph,
            c.label,
            if c.required { "REQUIRED" } else { "OPTIONAL" },
            c.sslpeer
        );
        if !c.chlauth.is_empty() {
            mqsc += &format!("SET CHLAUTH(CASE.{i:03}) {}\n", c.chlauth);
        }
    }
    std::fs::write(dir.join("qm1.mqsc"), &mqsc).unwrap();
    let (mut qm, port, banner) = crate::qmgr_run(&dir, "qm.p12", &["--stash", "qm.sth"]);
    // Its log (a line per refusal) is drained, or a full pipe would stall the queue manager.
    let mut log = qm.0.stderr.take().unwrap();
    std::thread::spawn(move || std::io::copy(&mut log, &mut std::io::sink()));
    assert!(banner.contains("started"), "{banner}");
    let ks = dir.join("qm.p12").display().to_string();
    let file = dir.join("qm1.mqsc").display().to_string();

    let mut tally = Tally::new("client", "served");
    for (i, c) in drawn.iter().enumerate() {
        let name = format!("CASE.{i:03}");
        let mut entries = Vec::new();
        entries.extend(c.first.map(|f| (f, "", "", "")));
        entries.push((name.as_str(), c.client_ciph, c.client_label, c.client_peer));
        let url = ccdt(&dir, port, &entries);
        let repository = if c.trusting { &trusting } else { &untrusting };
        let mqserver = format!("{name}/TCP/127.0.0.1({port})");
        let mut env = vec![("MQCCDTURL", url.as_str()), ("MQSSLKEYR", repository.as_str())];
        if c.mqserver {
            env.push(("MQSERVER", mqserver.as_str()));
        }
        // The environment beats mqclient.ini, as MQ reads them.
        let other = if c.trusting { &untrusting } else { &trusting };
        let ini = dir.join("mqclient.ini");
        std::fs::write(&ini, format!("SSL:\n  SSLKeyRepository={other}\n")).unwrap();
        let ini = ini.display().to_string();
        if c.ini_overridden {
            env.push(("MQCLNTCF", ini.as_str()));
        }
        let args = ["doctor", "--mqsc", &file, "--keystore", &ks, "--client", "--expiry-warning-days", "5"];
        let (_, said, _) = crate::mqtls_env(&args, "", &env);
        let errors: Vec<&str> = said.split("\n\n").filter(|b| b.starts_with("ERROR client")).collect();
        let (code, _, err) = crate::mqtls_env(&["get", "APP.Q", "-m", "QM1", "--wait", "0"], "", &env);
        // The client meets the first problem; the doctor names them all.
        tally.case(&name, &c.describe(), &errors, code == 0, &err);
    }
    tally.finish("live connections", seed);
}

/// The agreement table of a differential run: per case, the doctor's error blocks against
/// whether the live attempt worked and the reason code it met.
pub(crate) struct Tally {
    live: &'static str,
    worked_word: &'static str,
    cases: usize,
    agree: usize,
    worked: usize,
    table: Vec<String>,
    wrong: Vec<String>,
}

impl Tally {
    /// A table for attempts by `live` ("client", "sender"); `worked_word` says what a working
    /// one did ("served", "ran").
    pub(crate) fn new(live: &'static str, worked_word: &'static str) -> Self {
        Self { live, worked_word, cases: 0, agree: 0, worked: 0, table: Vec::new(), wrong: Vec::new() }
    }

    /// One case: the doctor predicts an error exactly when the attempt fails, and the code
    /// the attempt met (the first in `said`) is one the doctor names.
    pub(crate) fn case(&mut self, name: &str, describe: &str, errors: &[&str], worked: bool, said: &str) {
        let predicted: Vec<u32> = errors.iter().flat_map(|b| reasons_in(b)).collect();
        let observed = reasons_in(said).first().copied();
        let codes_agree = predicted.is_empty() || observed.is_none_or(|o| predicted.contains(&o));
        let verdict = match (errors.is_empty(), worked) {
            (true, true) => "agree",
            (false, false) if codes_agree => "agree",
            (false, false) => "CODES DIFFER",
            (true, false) => "MISSED",
            (false, true) => "FALSE ALARM",
        };
        self.cases += 1;
        self.agree += usize::from(verdict == "agree");
        self.worked += usize::from(worked);
        let live = self.live;
        let line = format!("{name} {verdict}: {describe} | doctor {predicted:?} {live} {observed:?}");
        if verdict != "agree" {
            self.wrong.push(format!("{line}\n  doctor: {}\n  {live}: {}", errors.join(" // "), said.trim()));
        }
        self.table.push(line);
    }

    /// Prints the table; asserts that the draw covered both outcomes and that every case agrees.
    pub(crate) fn finish(self, against: &str, seed: u64) {
        let Self { worked_word, cases, agree, worked, table, wrong, .. } = self;
        println!(
            "doctor vs {against} (seed {seed}), {agree}/{cases} agree, {worked} {worked_word}:\n  {}",
            table.join("\n  ")
        );
        assert!(
            worked > 0 && worked < cases,
            "the draw covers both outcomes ({worked} of {cases} {worked_word})"
        );
        assert!(wrong.is_empty(), "{} disagreements (seed {seed}):\n{}", wrong.len(), wrong.join("\n"));
    }
}
