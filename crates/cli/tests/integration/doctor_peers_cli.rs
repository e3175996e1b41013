//! `mqtls doctor --client` and `--partner-*`: the client side and a partner queue manager
//! against the queue manager, each finding from a real broken configuration, and what the
//! doctor predicts for a client compared with what a real client then meets.

use std::os::unix::fs::PermissionsExt;

use mqtls_pki::{CertAuthority, KeySpec, Password};
use mqtls_test_support::{ca_and_leaf, keystore, scratch};

use crate::doctor_cli::private_pem_dir;
use crate::mqtls;

/// The queue manager's side for the client checks: a TLS channel that wants app1's
/// certificate, and the test PKI's qm1 certificate.
const FOR_CLIENTS: &str = "ALTER QMGR CERTLABL('qm1')
DEFINE CHANNEL(APP.SVRCONN) CHLTYPE(SVRCONN) SSLCIPH(ECDHE_ECDSA_AES_128_GCM_SHA256) SSLCAUTH(REQUIRED) SSLPEER('CN=app1')
";

pub(crate) fn ccdt(dir: &std::path::Path, port: u16, entries: &[(&str, &str, &str, &str)]) -> String {
    let list: Vec<String> = entries
        .iter()
        .map(|(name, ciph, label, peer)| {
            let tls = if ciph.is_empty() {
                String::new()
            } else {
                format!(r#", "transmissionSecurity": {{ "cipherSpecification": "{ciph}", "certificateLabel": "{label}", "certificatePeerName": "{peer}" }}"#)
            };
            format!(r#"{{"name": "{name}", "type": "clientConnection", "clientConnection": {{ "connection": [{{ "host": "127.0.0.1", "port": {port} }}], "queueManager": "QM1" }}{tls}}}"#)
        })
        .collect();
    std::fs::write(dir.join("ccdt.json"), format!(r#"{{"channel": [{}]}}"#, list.join(","))).unwrap();
    format!("file://{}", dir.join("ccdt.json").display())
}

fn doctor_client(dir: &std::path::Path, env: &[(&str, &str)]) -> (i32, String) {
    doctor_client_with(dir, env, "", &[])
}

fn doctor_client_with(
    dir: &std::path::Path,
    env: &[(&str, &str)],
    more: &str,
    extra: &[&str],
) -> (i32, String) {
    std::fs::write(dir.join("qm.mqsc"), format!("{FOR_CLIENTS}{more}")).unwrap();
    let file = dir.join("qm.mqsc").display().to_string();
    let ks = dir.join("ks").display().to_string();
    let mut args =
        vec!["doctor", "--mqsc", &file, "--keystore", &ks, "--client", "--expiry-warning-days", "5"];
    args.extend_from_slice(extra);
    let (code, out, err) = crate::mqtls_env(&args, "", env);
    (code, format!("{out}{err}"))
}

#[test]
fn the_client_side_matches_the_queue_manager_or_says_why_not() {
    let dir = scratch("doctor-client");
    ca_and_leaf(&dir, "qm1", "ec");
    ca_and_leaf(&dir, "app1", "ec");
    mqtls_test_support::pem_keystore_dir(&dir, "qm1");
    let good_ks = mqtls_test_support::pem_keystore_dir(&dir, "app1").display().to_string();
    for f in std::fs::read_dir(&good_ks).unwrap().flatten() {
        std::fs::set_permissions(f.path(), std::fs::Permissions::from_mode(0o600)).unwrap();
    }

    // A client that will work: no finding.
    let url =
        ccdt(&dir, 1414, &[("APP.SVRCONN", "ECDHE_ECDSA_AES_128_GCM_SHA256", "app1", "CN=qm1,O=mqtls test")]);
    let (code, out) = doctor_client(&dir, &[("MQCCDTURL", &url), ("MQSSLKEYR", &good_ks)]);
    assert_eq!(code, 0, "{out}");

    // A label from MQCERTLABL the key repository lacks: the fix names where it comes from.
    let unlabelled =
        ccdt(&dir, 1414, &[("APP.SVRCONN", "ECDHE_ECDSA_AES_128_GCM_SHA256", "", "CN=qm1,O=mqtls test")]);
    let env = [("MQCCDTURL", unlabelled.as_str()), ("MQSSLKEYR", good_ks.as_str()), ("MQCERTLABL", "app9")];
    let (code, out) = doctor_client(&dir, &env);
    assert_eq!(code, 20, "{out}");
    assert!(
        out.contains("has no certificate 'app9' with its key")
            && out.contains("the label comes from MQCERTLABL"),
        "{out}"
    );
    ccdt(&dir, 1414, &[("APP.SVRCONN", "ECDHE_ECDSA_AES_128_GCM_SHA256", "app1", "CN=qm1,O=mqtls test")]);

    // CHLAUTH: blocked from one address, admitted from another.
    let block = "SET CHLAUTH(APP.SVRCONN) TYPE(ADDRESSMAP) ADDRESS('127.0.0.1') USERSRC(NOACCESS)\n";
    let env = [("MQCCDTURL", url.as_str()), ("MQSSLKEYR", good_ks.as_str())];
    let (code, out) = doctor_client_with(&dir, &env, block, &[]);
    assert_eq!(code, 20, "{out}");
    assert!(out.contains("client channel APP.SVRCONN CHLAUTH") && out.contains("refused (2035)"), "{out}");
    assert!(out.contains("DISPLAY CHLAUTH(APP.SVRCONN) MATCH(RUNCHECK) ADDRESS('127.0.0.1')"), "{out}");
    let (code, out) = doctor_client_with(&dir, &env, block, &["--client-address", "10.0.0.5"]);
    assert_eq!(code, 0, "{out}");

    // A client from another PKI, naming a label it lacks, a CipherSpec the channel does not
    // accept, a wrong SSLPEER, behind a non-TLS entry that sorts first.
    let other = scratch("doctor-client-other");
    ca_and_leaf(&other, "app1", "ec");
    let other_ks = mqtls_test_support::pem_keystore_dir(&other, "app1").display().to_string();
    let url = ccdt(
        &dir,
        1414,
        &[("A.PLAIN", "", "", ""), ("APP.SVRCONN", "TLS_AES_256_GCM_SHA384", "app9", "CN=wrong")],
    );
    let (code, out) = doctor_client(&dir, &[("MQCCDTURL", &url), ("MQSSLKEYR", &other_ks)]);
    assert_eq!(code, 20, "{out}");
    for expected in [
        "A.PLAIN (no TLS) is tried before APP.SVRCONN",
        "the queue manager has no channel A.PLAIN",
        "no CipherSpec in common: the client offers TLS_AES_256_GCM_SHA384, the queue manager accepts ECDHE_ECDSA_AES_128_GCM_SHA256",
        "the client does not trust the queue manager's certificate",
        "SSLPEER('CN=wrong') does not match CN=qm1,O=mqtls test (first difference: CN=wrong)",
        "SSLCAUTH(REQUIRED) and the client has no certificate to send (label 'app9' is not in its key repository)",
    ] {
        assert!(out.contains(expected), "missing '{expected}':\n{out}");
    }

    // The right label, but the queue manager does not trust the other CA.
    let url = ccdt(&dir, 1414, &[("APP.SVRCONN", "ECDHE_ECDSA_AES_128_GCM_SHA256", "app1", "")]);
    let (_, out) = doctor_client(&dir, &[("MQCCDTURL", &url), ("MQSSLKEYR", &other_ks)]);
    assert!(out.contains("the queue manager does not trust the client's certificate"), "{out}");

    // MQSERVER cannot carry TLS; an environment variable overriding mqclient.ini.
    std::fs::write(dir.join("mqclient.ini"), format!("SSL:\n   SSLKeyRepository={good_ks}\n")).unwrap();
    let ini = dir.join("mqclient.ini").display().to_string();
    let env = [
        ("MQSERVER", "APP.SVRCONN/TCP/127.0.0.1(1414)"),
        ("MQCLNTCF", ini.as_str()),
        ("MQSSLKEYR", other_ks.as_str()),
    ];
    let (code, out) = doctor_client(&dir, &env);
    assert_eq!(code, 20, "{out}");
    assert!(out.contains("MQSERVER defines the only channel") && out.contains("cannot carry TLS"), "{out}");
    assert!(
        out.contains(&format!(
            "environment variable MQSSLKEYR={other_ks} overrides mqclient.ini SSLKeyRepository"
        )),
        "{out}"
    );
    assert!(
        out.contains(
            "the client connects without TLS to a channel with SSLCIPH(ECDHE_ECDSA_AES_128_GCM_SHA256)"
        ),
        "{out}"
    );

    // ServerConnectionParms in mqclient.ini: the same trap.
    std::fs::write(
        dir.join("mqclient.ini"),
        "CHANNELS:\n   ServerConnectionParms=APP.SVRCONN/TCP/127.0.0.1(1414)\n",
    )
    .unwrap();
    let (code, out) = doctor_client(&dir, &[("MQCLNTCF", ini.as_str()), ("MQSSLKEYR", good_ks.as_str())]);
    assert_eq!(code, 20, "{out}");
    assert!(
        out.contains("ServerConnectionParms defines the only channel") && out.contains("cannot carry TLS"),
        "{out}"
    );
}

const SENDER: &str = "ALTER QMGR CERTLABL('qm1')
DEFINE QLOCAL(QM2) USAGE(XMITQ)
DEFINE CHANNEL(QM1.TO.QM2) CHLTYPE(SDR) CONNAME('127.0.0.1(1415)') XMITQ(QM2) SSLCIPH(ANY_TLS13) SSLPEER('CN=qm2,O=mqtls test')
";

const RECEIVER: &str = "ALTER QMGR CERTLABL('qm2')
DEFINE CHANNEL(QM1.TO.QM2) CHLTYPE(RCVR) SSLCIPH(ANY_TLS13) SSLCAUTH(REQUIRED) SSLPEER('CN=qm1,O=mqtls test')
";

fn doctor_partner(dir: &std::path::Path, ours: &str, theirs: &str, their_ks: &str) -> (i32, String) {
    std::fs::write(dir.join("qm1.mqsc"), ours).unwrap();
    std::fs::write(dir.join("qm2.mqsc"), theirs).unwrap();
    let (a, b) = (dir.join("qm1.mqsc").display().to_string(), dir.join("qm2.mqsc").display().to_string());
    let ks = dir.join("ks").display().to_string();
    let args = [
        "doctor",
        "--mqsc",
        &a,
        "--keystore",
        &ks,
        "--partner-mqsc",
        &b,
        "--partner-keystore",
        their_ks,
        "--expiry-warning-days",
        "5",
    ];
    let (code, out, err) = mqtls(&args, "");
    (code, format!("{out}{err}"))
}

#[test]
fn a_sender_is_checked_against_its_partners_receiver() {
    let dir = scratch("doctor-partner");
    ca_and_leaf(&dir, "qm1", "ec");
    ca_and_leaf(&dir, "qm1rsa", "rsa");
    ca_and_leaf(&dir, "qm2", "ec");
    private_pem_dir(&dir, "qm1");
    private_pem_dir(&dir, "qm1rsa");
    let both = private_pem_dir(&dir, "qm2");
    let (code, out) = doctor_partner(&dir, SENDER, RECEIVER, &both);
    assert_eq!(code, 0, "a matching pair: {out}");

    let cases = [
        (
            SENDER.replace("CN=qm2,O=mqtls test", "CN=qmX"),
            RECEIVER.to_owned(),
            "SSLPEER('CN=qmX') does not match the partner's CN=qm2,O=mqtls test (first difference: CN=qmX)",
        ),
        (
            SENDER.to_owned(),
            RECEIVER.replace("CN=qm1,O=mqtls test", "CN=other"),
            "the partner refuses the start (2035): channel QM1.TO.QM2: SSLPEER('CN=other')",
        ),
        (
            SENDER.to_owned(),
            RECEIVER.replace("ANY_TLS13", "ECDHE_ECDSA_AES_128_GCM_SHA256"),
            "no CipherSpec in common: this end ANY_TLS13, the partner ECDHE_ECDSA_AES_128_GCM_SHA256",
        ),
        (
            SENDER.to_owned(),
            RECEIVER.replace("QM1.TO.QM2", "QM1.TO.QMX"),
            "the partner has no channel QM1.TO.QM2: the start is refused (2540)",
        ),
        // Found by the partner differential: without the channel the partner's listener
        // still shakes hands with its queue manager's certificate, and SSLPEER fails first.
        (
            SENDER.replace("CN=qm2,O=mqtls test", "CN=qmX"),
            RECEIVER.replace("QM1.TO.QM2", "QM1.TO.QMX"),
            "does not match the partner's CN=qm2,O=mqtls test (first difference: CN=qmX): this end refuses it (2398)",
        ),
        (
            SENDER.to_owned(),
            format!("{RECEIVER}SET CHLAUTH('*') TYPE(QMGRMAP) QMNAME('QM1') USERSRC(NOACCESS)\n"),
            "the partner refuses the start (2035): channel QM1.TO.QM2 blocked by",
        ),
        // Found by the partner differential: the receiver's EC certificate cannot serve its
        // own ECDHE_RSA CipherSpec, nor the only suite this end offers.
        (
            SENDER.to_owned(),
            RECEIVER.replace("ANY_TLS13", "ECDHE_RSA_AES_128_GCM_SHA256"),
            "the partner's CHANNEL(QM1.TO.QM2) fails every partner: certificate 'qm2' has an EC P-256 key but ECDHE_RSA_AES_128_GCM_SHA256 needs an RSA certificate",
        ),
        (
            SENDER.replace("SSLCIPH(ANY_TLS13)", "SSLCIPH(ECDHE_RSA_AES_128_GCM_SHA256) CERTLABL('qm1rsa')"),
            RECEIVER.replace("ANY_TLS13", "ANY_TLS12_OR_HIGHER"),
            "need an RSA certificate, and the partner's CHANNEL(QM1.TO.QM2) presents an EC one",
        ),
        (
            SENDER.to_owned(),
            RECEIVER
                .replace("CHLTYPE(RCVR)", "CHLTYPE(SVRCONN)")
                .replace(" SSLPEER('CN=qm1,O=mqtls test')", ""),
            "the partner refuses the start (2539)",
        ),
    ];
    for (ours, theirs, expected) in cases {
        let (code, out) = doctor_partner(&dir, &ours, &theirs, &both);
        assert_eq!(code, 20, "{expected}: {out}");
        assert!(out.contains(expected), "missing '{expected}':\n{out}");
    }

    // A partner whose keystore holds another CA: neither end trusts the other.
    let other = scratch("doctor-partner-other");
    ca_and_leaf(&other, "qm2", "ec");
    let theirs = private_pem_dir(&other, "qm2");
    let (code, out) = doctor_partner(&dir, SENDER, RECEIVER, &theirs);
    assert_eq!(code, 20, "{out}");
    assert!(out.contains("this queue manager does not trust the partner's certificate"), "{out}");
    assert!(out.contains("the partner does not trust this queue manager's certificate"), "{out}");
}

/// A case: its name; the CCDT entry (name, CipherSpec, label, SSLPEER); the key
/// repository; MQSERVER; what the doctor says.
type ClientCase<'a> =
    (&'a str, (&'a str, &'a str, &'a str, &'a str), &'a str, Option<&'a str>, Option<&'a str>);

#[test]
fn each_client_finding_predicts_what_a_real_client_then_meets() {
    let dir = scratch("doctor-client-e2e");
    ca_and_leaf(&dir, "qm1", "ec");
    ca_and_leaf(&dir, "app1", "ec");
    mqtls_test_support::pem_keystore_dir(&dir, "qm1");
    let good_ks = private_pem_dir(&dir, "app1");
    let other = scratch("doctor-client-e2e-other");
    ca_and_leaf(&other, "app1", "ec");
    let other_ks = private_pem_dir(&other, "app1");
    // app2: the same CA, another DN. mixed: trusts the queue manager's CA, but its own
    // certificate comes from the other CA.
    ca_and_leaf(&dir, "app2", "ec");
    private_pem_dir(&dir, "app2");
    let mixed = scratch("doctor-client-e2e-mixed");
    std::fs::copy(other.join("ks/app1.pem"), mixed.join("app1.pem")).unwrap();
    std::fs::copy(dir.join("ca.pem"), mixed.join("ca.pem")).unwrap();
    let mixed_ks = mixed.display().to_string();
    // The queue manager's keystore (PKCS#12): qm1, and 'old', expired, from an Old CA the
    // client's key repository also trusts.
    let now = mqtls_test_support::now();
    let old_ca =
        CertAuthority::new(KeySpec::EcP256, "Old CA", "mqtls test", now - 200 * 86_400, 400).unwrap();
    let expired = old_ca.issue(KeySpec::EcP256, "qm1", "mqtls test", &[], now - 60 * 86_400, 30).unwrap();
    let mut qm_ks = keystore(&dir, Some("qm1"));
    qm_ks.add("old", expired).unwrap();
    save_qm_keystore(&dir, &qm_ks, &old_ca);
    let mqsc = "ALTER QMGR CERTLABL('qm1')
DEFINE CHANNEL(EXP.SVRCONN) CHLTYPE(SVRCONN) SSLCIPH(ANY_TLS13) CERTLABL('old') MCAUSER('app')
DEFINE CHANNEL(APP.SVRCONN) CHLTYPE(SVRCONN) SSLCIPH(ANY_TLS13) SSLCAUTH(REQUIRED) SSLPEER('CN=app1,O=mqtls test') MCAUSER('app')
DEFINE CHANNEL(BLOCKED.SVRCONN) CHLTYPE(SVRCONN) SSLCIPH(ANY_TLS13) MCAUSER('app')
DEFINE CHANNEL(PLAIN.SVRCONN) CHLTYPE(SVRCONN) MCAUSER('app')
SET CHLAUTH(BLOCKED.SVRCONN) TYPE(ADDRESSMAP) ADDRESS('127.0.0.1') USERSRC(NOACCESS)
DEFINE QLOCAL(APP.Q)
SET AUTHREC OBJTYPE(QMGR) PRINCIPAL('app') AUTHADD(CONNECT)
SET AUTHREC PROFILE('APP.Q') OBJTYPE(QUEUE) PRINCIPAL('app') AUTHADD(GET)
";
    std::fs::write(dir.join("qm1.mqsc"), mqsc).unwrap();
    let (_qm, port, _) = crate::qmgr_run(&dir, "qm.p12", &["--stash", "qm.sth"]);
    let ks = dir.join("qm.p12").display().to_string();
    let file = dir.join("qm1.mqsc").display().to_string();
    let mqserver = format!("APP.SVRCONN/TCP/127.0.0.1({port})");

    let cases: Vec<ClientCase<'_>> = vec![
        ("a correct client", ("APP.SVRCONN", "ANY_TLS13", "app1", "CN=qm1"), &good_ks, None, None),
        (
            "its SSLPEER does not match",
            ("APP.SVRCONN", "ANY_TLS13", "app1", "CN=qmX"),
            &good_ks,
            None,
            Some("does not match CN=qm1,O=mqtls test"),
        ),
        (
            "no client certificate",
            ("APP.SVRCONN", "ANY_TLS13", "app9", ""),
            &good_ks,
            None,
            Some("has no certificate to send"),
        ),
        (
            "another CA",
            ("APP.SVRCONN", "ANY_TLS13", "app1", ""),
            &other_ks,
            None,
            Some("does not trust the queue manager's certificate"),
        ),
        (
            "CHLAUTH blocks it",
            ("BLOCKED.SVRCONN", "ANY_TLS13", "app1", ""),
            &good_ks,
            None,
            Some("refused (2035)"),
        ),
        ("no such channel", ("NOPE.SVRCONN", "ANY_TLS13", "app1", ""), &good_ks, None, Some("(2540)")),
        (
            "the client's own CipherSpec is one mqtls refuses",
            ("APP.SVRCONN", "TLS_RSA_WITH_AES_128_CBC_SHA256", "app1", ""),
            &good_ks,
            None,
            Some("the client refuses its own CipherSpec"),
        ),
        (
            "its certificate has expired",
            ("EXP.SVRCONN", "ANY_TLS13", "app1", ""),
            &good_ks,
            None,
            Some("the channel presents certificate 'old', which expired"),
        ),
        (
            "the channel's SSLPEER refuses its DN",
            ("APP.SVRCONN", "ANY_TLS13", "app2", ""),
            &good_ks,
            None,
            Some("does not match the client's CN=app2,O=mqtls test"),
        ),
        (
            "the queue manager does not trust its CA",
            ("APP.SVRCONN", "ANY_TLS13", "app1", ""),
            &mixed_ks,
            None,
            Some("the queue manager does not trust the client's certificate"),
        ),
        (
            "TLS to a plain channel",
            ("PLAIN.SVRCONN", "ANY_TLS13", "app1", ""),
            &good_ks,
            None,
            Some("has no SSLCIPH"),
        ),
        (
            "MQSERVER",
            ("APP.SVRCONN", "ANY_TLS13", "app1", ""),
            &good_ks,
            Some(mqserver.as_str()),
            Some("connects without TLS"),
        ),
    ];
    let mut table = Vec::new();
    for (case, (name, ciph, label, peer), key_repository, mqserver, predicted) in cases {
        let url = ccdt(&dir, port, &[(name, ciph, label, peer)]);
        let mut env = vec![("MQCCDTURL", url.as_str()), ("MQSSLKEYR", key_repository)];
        if let Some(server) = mqserver {
            env.push(("MQSERVER", server));
        }
        let args = ["doctor", "--mqsc", &file, "--keystore", &ks, "--client", "--expiry-warning-days", "5"];
        let (_, said, _) = crate::mqtls_env(&args, "", &env);
        let doctor_error = said
            .lines()
            .any(|l| l.starts_with("ERROR client") || l.starts_with(&format!("ERROR CHANNEL({name})")));
        if let Some(text) = predicted {
            assert!(said.contains(text), "{case}: the doctor did not say '{text}':\n{said}");
        }
        let (code, _, err) = crate::mqtls_env(&["get", "APP.Q", "-m", "QM1", "--wait", "0"], "", &env);
        let client_failed = code != 0;
        assert_eq!(doctor_error, client_failed, "{case}: doctor\n{said}\nclient (exit {code})\n{err}");
        table.push(format!(
            "{case}: doctor {}, client {}",
            if doctor_error { "predicts failure" } else { "no finding" },
            if client_failed { "failed" } else { "served" }
        ));
    }
    println!("doctor --client vs a real client:\n  {}", table.join("\n  "));
}

/// Saves `qm_ks` as the queue manager's `qm.p12` with its stash, and makes the client's PEM
/// key repository (`dir/ks`) trust `old_ca` too.
pub(crate) fn save_qm_keystore(dir: &std::path::Path, qm_ks: &mqtls_pki::Keystore, old_ca: &CertAuthority) {
    let password = Password::new("qm-secret".into()).unwrap();
    qm_ks.save_p12(&dir.join("qm.p12"), &password).unwrap();
    password.stash(&dir.join("qm.sth")).unwrap();
    std::fs::write(dir.join("old-ca.der"), old_ca.certificate()).unwrap();
    mqtls_test_support::openssl(
        dir,
        &["x509", "-inform", "DER", "-in", "old-ca.der", "-out", "ks/old-ca.pem"],
    );
}
