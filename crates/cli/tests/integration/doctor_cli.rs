//! `mqtls doctor` on real configurations: a correct one gives no finding; broken ones give
//! each finding with its object, what happens at handshake time and the fix; and what the
//! doctor predicts is what a real handshake then does (`mqtls qmgr run` probed live).

use std::os::unix::fs::PermissionsExt;

use mqtls_pki::{CertAuthority, Entry, KeySpec, Password};
use mqtls_test_support::{ca_and_leaf, keystore, scratch};

use crate::mqtls;

/// A keystore file (PKCS#12 with its stash) holding the test PKI's qm1 and its CA, plus
/// `extra` entries; its path.
pub(crate) fn p12(dir: &std::path::Path, extra: Vec<(&str, Entry)>) -> String {
    let mut ks = keystore(dir, Some("qm1"));
    for (label, entry) in extra {
        ks.add(label, entry).unwrap();
    }
    let password = Password::new("doctor-secret".into()).unwrap();
    ks.save_p12(&dir.join("key.p12"), &password).unwrap();
    password.stash(&dir.join("key.sth")).unwrap();
    dir.join("key.p12").display().to_string()
}

pub(crate) fn doctor(dir: &std::path::Path, mqsc: &str, ks: &str, json: bool) -> (i32, String) {
    std::fs::write(dir.join("qm.mqsc"), mqsc).unwrap();
    let file = dir.join("qm.mqsc").display().to_string();
    // The test PKI's certificates live ten days: warn only below five.
    let mut args = vec!["doctor", "--mqsc", file.as_str(), "--keystore", ks, "--expiry-warning-days", "5"];
    if json {
        args.push("--json");
    }
    let (code, out, err) = mqtls(&args, "");
    (code, format!("{out}{err}"))
}

pub(crate) const GOOD: &str = "ALTER QMGR CERTLABL('qm1')
DEFINE CHANNEL(APP.SVRCONN) CHLTYPE(SVRCONN) SSLCIPH(ANY_TLS13) SSLCAUTH(REQUIRED) SSLPEER('CN=app1')
DEFINE CHANNEL(EC.SVRCONN) CHLTYPE(SVRCONN) SSLCIPH(ECDHE_ECDSA_AES_128_GCM_SHA256)
";

#[test]
fn a_correct_configuration_gives_no_finding() {
    let dir = scratch("doctor-good");
    ca_and_leaf(&dir, "qm1", "ec");
    let ks = p12(&dir, Vec::new());
    let (code, out) = doctor(&dir, GOOD, &ks, false);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("Queue manager QM1: no findings."), "{out}");
}

#[test]
fn a_certificate_whose_issuer_is_not_in_the_keystore_is_found() {
    let dir = scratch("doctor-issuer");
    ca_and_leaf(&dir, "qm1", "ec");
    let pem =
        [std::fs::read(dir.join("qm1.key")).unwrap(), std::fs::read(dir.join("qm1.pem")).unwrap()].concat();
    let mut ks = mqtls_pki::Keystore::new();
    ks.add("qm1", mqtls_pki::Keystore::pem_entry(&pem, &dir.join("qm1")).unwrap()).unwrap();
    let password = Password::new("doctor-secret".into()).unwrap();
    ks.save_p12(&dir.join("key.p12"), &password).unwrap();
    password.stash(&dir.join("key.sth")).unwrap();
    let file = dir.join("key.p12").display().to_string();
    let mqsc = "ALTER QMGR CERTLABL('qm1')\nDEFINE CHANNEL(APP.SVRCONN) CHLTYPE(SVRCONN) SSLCIPH(ANY_TLS13) SSLCAUTH(OPTIONAL)\n";
    let (code, out) = doctor(&dir, mqsc, &file, true);
    assert_eq!(code, 20, "{out}");
    let parsed: serde_json::Value = serde_json::from_str(&out).unwrap();
    let found = parsed["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "channel.issuer-missing")
        .cloned();
    let found = found.unwrap_or_else(|| panic!("{out}"));
    assert!(found["handshake"].as_str().unwrap().contains("issued by CN=Test CA,O=mqtls test"), "{out}");
    // With its CA the same certificate is fine.
    let (code, out) = doctor(&dir, mqsc, &p12(&dir, Vec::new()), false);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn doctor_mqsc_checks_the_queue_manager_it_is_named() {
    let dir = scratch("doctor-name");
    ca_and_leaf(&dir, "qm1", "ec");
    // No CERTLABL: the certificate is MQ's default label, ibmwebspheremq + the name.
    let pem =
        [std::fs::read(dir.join("qm1.key")).unwrap(), std::fs::read(dir.join("qm1.pem")).unwrap()].concat();
    let entry = mqtls_pki::Keystore::pem_entry(&pem, &dir.join("qm1")).unwrap();
    let ks = p12(&dir, vec![("ibmwebspheremqqm9", entry)]);
    std::fs::write(dir.join("qm.mqsc"), "DEFINE CHANNEL(APP.SVRCONN) CHLTYPE(SVRCONN) SSLCIPH(ANY_TLS13)\n")
        .unwrap();
    let file = dir.join("qm.mqsc").display().to_string();
    let run = |name: Option<&str>| {
        let mut args =
            vec!["doctor", "--mqsc", file.as_str(), "--keystore", ks.as_str(), "--expiry-warning-days", "5"];
        args.extend(name);
        let (code, out, err) = mqtls(&args, "");
        (code, format!("{out}{err}"))
    };
    let (code, out) = run(Some("QM9"));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("Queue manager QM9: no findings."), "{out}");
    let (code, out) = run(None);
    assert_eq!(code, 20, "QM1's default label is not in the keystore: {out}");
    assert!(out.contains("ibmwebspheremqqm1"), "{out}");
}

#[test]
fn a_channel_whose_sni_is_no_host_name_is_found() {
    let dir = scratch("doctor-sni");
    ca_and_leaf(&dir, "qm1", "ec");
    let ks = p12(&dir, Vec::new());
    let mqsc = "ALTER QMGR CERTLABL('qm1')
DEFINE CHANNEL(LABEL.SVRCONN.) CHLTYPE(SVRCONN) SSLCIPH(ANY_TLS13) SSLCAUTH(OPTIONAL) CERTLABL('qm1')
DEFINE CHANNEL(PLAIN_) CHLTYPE(SVRCONN) SSLCIPH(ANY_TLS13) SSLCAUTH(OPTIONAL)
";
    let (code, out) = doctor(&dir, mqsc, &ks, false);
    assert_eq!(code, 20, "{out}");
    let at = out.find(" CHANNEL(LABEL.SVRCONN.) ").unwrap_or_else(|| panic!("{out}"));
    let labelled = out[at..].split("\n\n").next().unwrap();
    assert!(labelled.contains("label2e-svrconn2e-.chl.mq.ibm.com (not a valid host name)"), "{labelled}");
    assert!(labelled.contains("refused for CERTLABL('qm1') (2393, AMQ9673)"), "{labelled}");
    assert!(
        out.contains("CHANNEL(PLAIN_)") && out.contains("a CERTLABL on this channel could never be chosen"),
        "{out}"
    );
}

#[test]
fn each_broken_setting_is_found_with_what_happens_and_the_fix() {
    let dir = scratch("doctor-broken");
    ca_and_leaf(&dir, "qm1", "ec");
    let now = mqtls_test_support::now();
    let ca = CertAuthority::new(KeySpec::EcP256, "Old CA", "mqtls test", now - 200 * 86_400, 400).unwrap();
    let expired = ca.issue(KeySpec::EcP256, "old", "mqtls test", &[], now - 60 * 86_400, 30).unwrap();
    let soon = ca.issue(KeySpec::EcP256, "soon", "mqtls test", &[], now - 8 * 86_400, 10).unwrap();
    let ks = p12(&dir, vec![("old", expired), ("soon", soon)]);
    std::fs::set_permissions(dir.join("key.p12"), std::fs::Permissions::from_mode(0o644)).unwrap();
    let mqsc = "ALTER QMGR CERTLABL(qm1)
DEFINE CHANNEL(CBC.SVRCONN) CHLTYPE(SVRCONN) SSLCIPH(TLS_RSA_WITH_AES_128_CBC_SHA256) CERTLABL('qm1')
DEFINE CHANNEL(RSA.SVRCONN) CHLTYPE(SVRCONN) SSLCIPH(ECDHE_RSA_AES_128_GCM_SHA256) CERTLABL('qm1')
DEFINE CHANNEL(TYPO.SVRCONN) CHLTYPE(SVRCONN) SSLCIPH(ANY_TLS13) CERTLABL('qm1x')
DEFINE CHANNEL(CASE.SVRCONN) CHLTYPE(SVRCONN) SSLCIPH(ANY_TLS13)
";
    let (code, out) = doctor(&dir, mqsc, &ks, false);
    assert_eq!(code, 20, "{out}");
    let block = |object: &str| -> String {
        let at = out.find(&format!(" {object} ")).unwrap_or_else(|| panic!("no finding for {object}: {out}"));
        out[at..].split("\n\n").next().unwrap().to_owned()
    };
    let cbc = block("CHANNEL(CBC.SVRCONN)");
    assert!(
        cbc.contains("SSLCIPH") && cbc.contains("every TLS handshake on this channel fails (2393)"),
        "{cbc}"
    );
    assert!(
        cbc.contains(
            "fix: ALTER CHANNEL(CBC.SVRCONN) CHLTYPE(SVRCONN) SSLCIPH(ECDHE_RSA_AES_128_GCM_SHA256)"
        ),
        "{cbc}"
    );
    let rsa = block("CHANNEL(RSA.SVRCONN)");
    assert!(rsa.contains("has an EC P-256 key"), "{rsa}");
    assert!(rsa.contains("needs an RSA certificate"), "{rsa}");
    // The fix names a CipherSpec this certificate serves, and following it leaves no finding.
    let fix = "fix: ALTER CHANNEL(RSA.SVRCONN) CHLTYPE(SVRCONN) SSLCIPH(ECDHE_ECDSA_AES_128_GCM_SHA256)";
    assert!(rsa.contains(fix), "{rsa}");
    let fixed = mqsc.replace(
        "CHANNEL(RSA.SVRCONN) CHLTYPE(SVRCONN) SSLCIPH(ECDHE_RSA_AES_128_GCM_SHA256)",
        "CHANNEL(RSA.SVRCONN) CHLTYPE(SVRCONN) SSLCIPH(ECDHE_ECDSA_AES_128_GCM_SHA256)",
    );
    let (_, after) = doctor(&dir, &fixed, &ks, false);
    assert!(!after.contains(" CHANNEL(RSA.SVRCONN) "), "{after}");
    let typo = block("CHANNEL(TYPO.SVRCONN)");
    assert!(
        typo.contains("label 'qm1x' is not in the keystore") && typo.contains("the closest label is 'qm1'"),
        "{typo}"
    );
    // CERTLABL(qm1) unquoted became QM1: the channel without its own label finds no 'QM1'.
    let case = block("CHANNEL(CASE.SVRCONN)");
    assert!(case.contains("QMGR CERTLABL") && case.contains("'qm1', which differs only in case"), "{case}");
    assert!(out.contains("uppercased to 'QM1'"), "{out}");
    // 'old' has expired, but no channel presents it: a warning, not an error.
    assert!(
        out.contains("keystore label 'old'")
            && (out.contains("expired 30 days ago") || out.contains("expired 31 days ago"))
            && out.contains("no channel here presents it"),
        "{out}"
    );
    assert!(
        out.contains("keystore label 'soon'")
            && (out.contains("expires in 1 days") || out.contains("expires in 2 days")),
        "{out}"
    );
    assert!(out.contains("key.p12 mode 644") && out.contains("chmod 600"), "{out}");

    let (code, json) = doctor(&dir, mqsc, &ks, true);
    assert_eq!(code, 20);
    let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
    let findings = parsed["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 8, "{json}");
    assert!(findings.iter().all(|f| f["fix"].as_str().is_some_and(|s| !s.is_empty())));
    assert_eq!(findings.iter().filter(|f| f["severity"] == "error").count(), 4, "{json}");
    // Each kind of finding has its stable code.
    let codes: std::collections::BTreeSet<&str> =
        findings.iter().map(|f| f["code"].as_str().unwrap()).collect();
    let expected = [
        "channel.cipherspec-refused",
        "channel.key-type",
        "channel.label-missing",
        "file.readable-by-others",
        "keystore.certificate-expiry",
        "mqsc.uppercased",
    ];
    assert_eq!(codes, expected.into_iter().collect(), "{json}");
    let old = findings.iter().find(|f| f["object"] == "keystore label 'old'").unwrap();
    assert_eq!(old["severity"], "warning", "{json}");

    // Presented by a channel, the expired certificate is an error.
    let used =
        format!("{mqsc}DEFINE CHANNEL(OLD.SVRCONN) CHLTYPE(SVRCONN) SSLCIPH(ANY_TLS13) CERTLABL('old')\n");
    let (_, json) = doctor(&dir, &used, &ks, true);
    let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
    let old = parsed["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["object"] == "keystore label 'old'")
        .cloned();
    assert_eq!(old.unwrap()["severity"], "error", "{json}");
}

#[test]
fn what_the_doctor_predicts_is_what_the_handshake_does() {
    let dir = scratch("doctor-e2e");
    ca_and_leaf(&dir, "qm1", "ec");
    ca_and_leaf(&dir, "app1", "ec");
    mqtls_test_support::pem_keystore_dir(&dir, "qm1");
    let mqsc = "ALTER QMGR CERTLABL('qm1')
DEFINE CHANNEL(GOOD.SVRCONN) CHLTYPE(SVRCONN) SSLCIPH(ANY_TLS13)
DEFINE CHANNEL(RSA.SVRCONN) CHLTYPE(SVRCONN) SSLCIPH(ECDHE_RSA_AES_128_GCM_SHA256)
DEFINE CHANNEL(TYPO.SVRCONN) CHLTYPE(SVRCONN) SSLCIPH(ANY_TLS13) CERTLABL('qm1x')
DEFINE CHANNEL(CBC.SVRCONN) CHLTYPE(SVRCONN) SSLCIPH(TLS_RSA_WITH_AES_128_CBC_SHA256)
DEFINE CHANNEL(CASE.SVRCONN) CHLTYPE(SVRCONN) SSLCIPH(ANY_TLS13) CERTLABL(qm1)
";
    std::fs::write(dir.join("qm1.mqsc"), mqsc).unwrap();
    let ks = dir.join("ks").display().to_string();
    let (_, out) = doctor(&dir, mqsc, &ks, false);
    let predicted_to_fail =
        |channel: &str| out.contains(&format!(" CHANNEL({channel}) ")) && out.contains("every");
    let (_qm, port, _) = crate::qmgr_run(&dir, "ks", &[]);
    let address = format!("127.0.0.1:{port}");
    let client = mqtls_test_support::pem_keystore_dir(&dir, "app1").display().to_string();
    assert!(out.contains("uppercased to 'QM1'"), "{out}");
    for channel in ["GOOD.SVRCONN", "RSA.SVRCONN", "TYPO.SVRCONN", "CBC.SVRCONN", "CASE.SVRCONN"] {
        let (code, probe, _) =
            mqtls(&["probe", &address, "--channel", channel, "--keystore", &client, "--label", "app1"], "");
        let handshake_failed = code == 20;
        assert_eq!(
            predicted_to_fail(channel),
            handshake_failed,
            "{channel}: doctor said\n{out}\nprobe said\n{probe}"
        );
    }

    // The client side: a CCDT entry offering only a TLS 1.2 CipherSpec to the TLS 1.3
    // channel. The doctor predicts no CipherSpec in common; a real client then fails.
    let ccdt = format!(
        r#"{{"channel": [{{"name": "GOOD.SVRCONN", "type": "clientConnection",
            "clientConnection": {{ "connection": [{{ "host": "127.0.0.1", "port": {port} }}], "queueManager": "QM1" }},
            "transmissionSecurity": {{ "cipherSpecification": "ECDHE_ECDSA_AES_128_GCM_SHA256", "certificateLabel": "app1" }} }}]}}"#
    );
    std::fs::write(dir.join("ccdt.json"), ccdt).unwrap();
    let url = format!("file://{}", dir.join("ccdt.json").display());
    let env = [("MQCCDTURL", url.as_str()), ("MQSSLKEYR", client.as_str())];
    let file = dir.join("qm1.mqsc").display().to_string();
    let args = ["doctor", "--mqsc", &file, "--keystore", &ks, "--client", "--expiry-warning-days", "5"];
    let (_, said, _) = crate::mqtls_env(&args, "", &env);
    assert!(
        said.contains("client channel GOOD.SVRCONN SSLCIPH") && said.contains("no CipherSpec in common"),
        "{said}"
    );
    let (code, _, err) = crate::mqtls_env(&["get", "APP.Q", "-m", "QM1", "--wait", "0"], "", &env);
    assert_ne!(code, 0, "the client connected after all: {err}");
    assert!(err.contains("2393") || err.contains("handshake"), "{err}");
}

#[test]
fn a_keystore_that_cannot_be_opened_is_a_finding_not_a_crash() {
    let dir = scratch("doctor-stash");
    ca_and_leaf(&dir, "qm1", "ec");
    let ks = p12(&dir, Vec::new());
    std::fs::set_permissions(dir.join("key.sth"), std::fs::Permissions::from_mode(0o644)).unwrap();
    let (code, out) = doctor(&dir, GOOD, &ks, false);
    assert_eq!(code, 20, "{out}");
    assert!(out.contains("ERROR keystore SSLKEYR") && out.contains("readable by others"), "{out}");
}

#[test]
fn chlauth_rules_that_block_a_channel_or_never_apply_are_found() {
    let dir = scratch("doctor-chlauth");
    ca_and_leaf(&dir, "qm1", "ec");
    let ks = p12(&dir, Vec::new());
    // MQ's usual pattern: a back-stop refusing everybody, and a rule admitting app1.
    let usual = format!(
        "{GOOD}SET CHLAUTH('*') TYPE(ADDRESSMAP) ADDRESS('*') USERSRC(NOACCESS)
SET CHLAUTH(APP.SVRCONN) TYPE(SSLPEERMAP) SSLPEER('CN=app1') USERSRC(MAP) MCAUSER('app')
SET CHLAUTH(EC.SVRCONN) TYPE(ADDRESSMAP) ADDRESS('10.*') USERSRC(CHANNEL)
"
    );
    let (code, out) = doctor(&dir, &usual, &ks, false);
    assert_eq!(code, 0, "{out}");

    let broken = format!(
        "{GOOD}SET CHLAUTH(APP.SVRCONN) TYPE(ADDRESSMAP) ADDRESS('*') USERSRC(CHANNEL)
SET CHLAUTH('APP.*') TYPE(SSLPEERMAP) SSLPEER('CN=app1') USERSRC(MAP) MCAUSER('app')
SET CHLAUTH(EC.SVRCONN) TYPE(ADDRESSMAP) ADDRESS('*') USERSRC(NOACCESS)
"
    );
    let (code, out) = doctor(&dir, &broken, &ks, false);
    assert_eq!(code, 20, "{out}");
    assert!(
        out.contains("WARNING CHLAUTH('APP.*') TYPE(SSLPEERMAP) SSLPEER('CN=app1') CHANNEL(APP.SVRCONN)"),
        "{out}"
    );
    assert!(
        out.contains("is decided by CHLAUTH('APP.SVRCONN') TYPE(ADDRESSMAP) ADDRESS('*') first"),
        "{out}"
    );
    assert!(
        out.contains("ERROR CHANNEL(EC.SVRCONN) CHLAUTH") && out.contains("no CHLAUTH rule admits anybody"),
        "{out}"
    );
}

#[test]
fn a_new_queue_manager_of_the_home_has_no_finding() {
    let dir = scratch("doctor-home");
    let home = dir.join("home").display().to_string();
    let env = [("MQTLS_HOME", home.as_str())];
    assert_eq!(crate::mqtls_env(&["qmgr", "create", "QMX"], "", &env).0, 0);
    let (code, out, err) = crate::mqtls_env(&["doctor", "QMX"], "", &env);
    assert_eq!((code, out.trim()), (0, "Queue manager QMX: no findings."), "{err}");
}

/// A running queue manager whose keystore file changed since it loaded it needs a REFRESH
/// SECURITY TYPE(SSL): the doctor says so until it is done.
#[test]
fn a_keystore_changed_under_a_running_queue_manager_needs_a_refresh() {
    let dir = scratch("doctor-refresh");
    ca_and_leaf(&dir, "app1", "ec");
    let home = dir.join("home").display().to_string();
    let env = [("MQTLS_HOME", home.as_str())];
    std::fs::write(
        dir.join("ini.mqsc"),
        "DEFINE LISTENER(L1) TRPTYPE(TCP) PORT(0) IPADDR('127.0.0.1') CONTROL(QMGR)\n",
    )
    .unwrap();
    let ini = dir.join("ini.mqsc").display().to_string();
    assert_eq!(crate::mqtls_env(&["qmgr", "create", "QMR", "--ini-mqsc", &ini], "", &env).0, 0);
    let (code, out, err) = crate::mqtls_env(&["qmgr", "start", "QMR"], "", &env);
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, _) = crate::mqtls_env(&["doctor", "QMR", "--expiry-warning-days", "5"], "", &env);
    assert_eq!(code, 0, "{out}");
    // A CA added to the keystore file the running queue manager has loaded.
    let stem = dir.join("home/qmgrs/QMR/ssl/key").display().to_string();
    let (p12, sth) = (format!("{stem}.p12"), format!("{stem}.sth"));
    let ca = dir.join("ca.pem").display().to_string();
    let (code, out, err) =
        crate::mqtls_env(&["keystore", "add-ca", &p12, "partner-ca", &ca, "--stash", &sth], "", &env);
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, _) = crate::mqtls_env(&["doctor", "QMR", "--expiry-warning-days", "5"], "", &env);
    assert_eq!(code, 20, "{out}");
    assert!(out.contains("keystore file changed after the running queue manager loaded it"), "{out}");
    let (code, out, err) = crate::mqtls_env(&["mqsc", "QMR"], "REFRESH SECURITY TYPE(SSL)\n", &env);
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, _) = crate::mqtls_env(&["doctor", "QMR", "--expiry-warning-days", "5"], "", &env);
    assert_eq!(code, 0, "after REFRESH SECURITY: {out}");
    assert_eq!(crate::mqtls_env(&["qmgr", "stop", "QMR"], "", &env).0, 0);
}

/// A PEM keystore directory holding `label` and its CA, owner-only; its path.
pub(crate) fn private_pem_dir(dir: &std::path::Path, label: &str) -> String {
    let ks = mqtls_test_support::pem_keystore_dir(dir, label);
    for f in std::fs::read_dir(&ks).unwrap().flatten() {
        std::fs::set_permissions(f.path(), std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    ks.display().to_string()
}
