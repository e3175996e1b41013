//! `mqtls ccdt`: show, convert and resolve with a real environment and real files.

use std::fs;
use std::os::unix::fs::PermissionsExt;

use crate::{mqtls, mqtls_env, root};

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("mqtls-ccdt-{name}-{}", std::process::id()));
    fs::create_dir_all(&dir).unwrap();
    dir
}

const TABLE: &str = r#"{"channel": [
  {"name": "A.PLAIN", "type": "clientConnection",
   "clientConnection": {"connection": [{"host": "mq1", "port": 1414}], "queueManager": "QM1"}},
  {"name": "B.TLS", "type": "clientConnection",
   "clientConnection": {"connection": [{"host": "mq1", "port": 1415}], "queueManager": "QM1"},
   "transmissionSecurity": {"cipherSpecification": "ANY_TLS13", "certificateLabel": "AppCert"}}
]}"#;

#[test]
fn convert_json_to_binary_and_back_owner_only() {
    let dir = scratch("convert");
    let json = dir.join("ccdt.json");
    fs::write(&json, TABLE).unwrap();
    let tab = dir.join("AMQCLCHL.TAB");
    let (code, out, err) = mqtls(&["ccdt", "convert", json.to_str().unwrap(), tab.to_str().unwrap()], "");
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(fs::metadata(&tab).unwrap().permissions().mode() & 0o777, 0o600);
    assert_eq!(&fs::read(&tab).unwrap()[..4], b"AMQR");
    let back = dir.join("back.json");
    mqtls(&["ccdt", "convert", tab.to_str().unwrap(), back.to_str().unwrap()], "");
    let (_, shown, _) = mqtls(&["ccdt", "show", back.to_str().unwrap()], "");
    assert_eq!(
        shown,
        "A.PLAIN              QMNAME(QM1) CONNAME(mq1(1414)) no TLS CLNTWGHT(0)\n\
         B.TLS                QMNAME(QM1) CONNAME(mq1(1415)) SSLCIPH(ANY_TLS13) CERTLABL('AppCert') CLNTWGHT(0)\n"
    );
}

#[test]
fn resolve_names_the_non_tls_trap_and_env_overrides() {
    let dir = scratch("resolve");
    fs::write(dir.join("ccdt.json"), TABLE).unwrap();
    fs::write(dir.join("mqclient.ini"), "SSL:\n  CertificateLabel=appcert\n").unwrap();
    let url = format!("file://{}", dir.join("ccdt.json").display());
    let ini = dir.join("mqclient.ini");
    let (code, out, _) = mqtls_env(
        &["ccdt", "resolve", "QM1", "--explain"],
        "",
        &[("MQCCDTURL", url.as_str()), ("MQCLNTCF", ini.to_str().unwrap()), ("MQCERTLABL", "AppCert")],
    );
    assert_eq!(code, 10, "{out}");
    assert!(out.contains("QM1: channel A.PLAIN to mq1(1414), no TLS"), "{out}");
    assert!(out.contains("trap: A.PLAIN (no TLS) is tried before B.TLS (ANY_TLS13)"), "{out}");
    assert!(out.contains("trap: environment variable MQCERTLABL=AppCert overrides mqclient.ini CertificateLabel=appcert (they differ only in case)"), "{out}");
}

#[test]
fn mqserver_beats_the_ccdt() {
    let dir = scratch("mqserver");
    fs::write(dir.join("AMQCLCHL.TAB"), b"").unwrap();
    let (code, out, _) = mqtls_env(
        &["ccdt", "resolve", "QM1"],
        "",
        &[("MQSERVER", "DEV.APP.SVRCONN/TCP/'localhost(1414)'"), ("MQCHLLIB", dir.to_str().unwrap())],
    );
    assert_eq!(code, 10, "{out}");
    assert!(out.contains("QM1: channel DEV.APP.SVRCONN to localhost(1414), no TLS"), "{out}");
    assert!(out.contains("trap: MQSERVER defines the only channel and overrides the CCDT at"), "{out}");
}

#[test]
fn corpus_tables_resolve_to_their_channels() {
    let corpus = root().join("../shared/corpus");
    let cases = [
        (
            "ccdt-bin/ewiger__ibm-mq-mtls__ccdt__AMQCLCHL.TAB",
            "QM1",
            "QM1: channel CERT.SVRCONN to ibmmq(1414), TLS TLS_RSA_WITH_AES_256_CBC_SHA256",
        ),
        (
            "ccdt-bin/bdsaen__mqtoolbox__MQSamples__AMQCLCHL_ONE_QMGR.TAB",
            "QMGR1",
            "QMGR1: channel TEST.SVRCONN to localhost(1414), no TLS",
        ),
        (
            "ccdt-json/bdsaen__mqtoolbox__MQSamples__AMQCLCHL_ALL_ATTR.JSON",
            "QM1",
            "QM1: channel the_channel to localhost(1414), no TLS",
        ),
        (
            "ccdt-json/ibm-messaging__mq-dev-patterns__ccdt.json",
            "*QMGroupB",
            "*QMGroupB: channel DEV.APP.SVRCONN to 127.0.0.1(1416), no TLS",
        ),
        (
            "ccdt-json/ibm-messaging__mq-dev-patterns__ccdt.json",
            "QM1TLS",
            "QM1TLS: channel DEV.APP.SVRCONN to 127.0.0.1(1415), TLS TLS_RSA_WITH_AES_128_CBC_SHA256",
        ),
    ];
    for (file, qm, want) in cases {
        let url = format!("file://{}", corpus.join(file).display());
        let (_, out, err) = mqtls_env(&["ccdt", "resolve", qm], "", &[("MQCCDTURL", url.as_str())]);
        assert!(out.contains(want), "{file}: {out}{err}");
    }
}

#[test]
fn strict_errors_name_line_and_key() {
    let file = root().join("../shared/corpus/ccdt-json/ewiger__ibm-mq-mtls__client_ccdt.json");
    let (code, _, err) = mqtls(&["ccdt", "show", file.to_str().unwrap()], "");
    assert_eq!(code, 20);
    assert!(
        err.contains(
            "line 7: unknown key channel[0].clientConnection.queueManagerName, did you mean queueManager?"
        ),
        "{err}"
    );
    let (code, out, err) = mqtls(&["ccdt", "show", "--lenient", file.to_str().unwrap()], "");
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("unknown key channel[0].clientConnection.queueManagerName ignored"), "{err}");
    assert!(out.starts_with("CERT.SVRCONN"), "{out}");
}

#[test]
fn project_example_tables_read_strictly_and_agree() {
    let json = root().join("ccdt/demo-qm1.json");
    let tab = root().join("ccdt/AMQCLCHL.TAB");
    let (c1, a, e1) = mqtls(&["ccdt", "show", json.to_str().unwrap()], "");
    let (c2, b, e2) = mqtls(&["ccdt", "show", tab.to_str().unwrap()], "");
    assert_eq!((c1, c2), (0, 0), "{e1}{e2}");
    assert_eq!(a, b, "the binary example is the JSON example converted");
    assert!(
        a.contains("SSLCIPH(ANY_TLS12_OR_HIGHER) CERTLABL('app1') SSLPEER('CN=QM1,O=mqtls demo')"),
        "{a}"
    );
}

#[test]
fn mqsc_n_edits_a_binary_table() {
    let dir = scratch("edit");
    let tab = dir.join("AMQCLCHL.TAB");
    let script = "DEFINE CHANNEL(APP.SVRCONN) CHLTYPE(CLNTCONN) CONNAME('mq1(1414)') QMNAME(QM1) SSLCIPH(ANY_TLS13) CERTLABL('app1')\n\
                  DEFINE CHANNEL(OLD.SVRCONN) CHLTYPE(CLNTCONN) CONNAME('mq0') QMNAME(QM1)\n";
    let (code, out, err) = mqtls(&["mqsc", "-n", "--ccdt", tab.to_str().unwrap(), "-e"], script);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(&fs::read(&tab).unwrap()[..4], b"AMQR");
    let script = "ALTER CHANNEL(APP.SVRCONN) CHLTYPE(CLNTCONN) CLNTWGHT(5)\nDELETE CHANNEL(OLD.SVRCONN)\nDEFINE QLOCAL(Q)\n";
    let (code, out, _) = mqtls(&["mqsc", "-n", "--ccdt", tab.to_str().unwrap(), "-e"], script);
    assert_eq!(code, 20, "the QLOCAL is refused: {out}");
    assert!(out.contains("DEFINE QLOCAL('Q') is not allowed with -n"), "{out}");
    let (_, shown, _) = mqtls(&["ccdt", "show", tab.to_str().unwrap()], "");
    assert_eq!(shown, "APP.SVRCONN          QMNAME(QM1) CONNAME(mq1(1414)) SSLCIPH(ANY_TLS13) CERTLABL('app1') CLNTWGHT(5)\n");
}

#[test]
fn mqsc_n_refuses_other_channel_types_and_keeps_json() {
    let dir = scratch("edit-json");
    let json = dir.join("ccdt.json");
    fs::write(&json, TABLE).unwrap();
    let script = "DEFINE CHANNEL(APP.SVRCONN) CHLTYPE(SVRCONN)\nALTER CHANNEL(B.TLS) CHLTYPE(CLNTCONN) DESCR('edited')\n";
    let (code, out, _) = mqtls(&["mqsc", "-n", "--ccdt", json.to_str().unwrap(), "-e"], script);
    assert_eq!(code, 20, "{out}");
    assert!(out.contains("DEFINE CHANNEL('APP.SVRCONN') CHLTYPE(SVRCONN) is not allowed with -n"), "{out}");
    let text = fs::read_to_string(&json).unwrap();
    assert!(text.contains("\"description\": \"edited\""), "{text}");
    assert!(!text.contains("SVRCONN\","), "{text}");
}
