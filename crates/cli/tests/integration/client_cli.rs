//! `mqtls put` and `mqtls get` as client applications: a queue manager started by the
//! binary, a JSON CCDT found through MQCCDTURL, the key repository through MQSSLKEYR.

use mqtls_pki::Password;
use mqtls_test_support::keystore;

use crate::mqtls_env;
use crate::qmgr_cli::tls_qmgr;

/// A CCDT whose first entry for QM1 (alphabetically) is the TLS channel.
fn ccdt(port: u16) -> String {
    format!(
        r#"{{"channel": [{{
            "name": "APP.SVRCONN", "type": "clientConnection",
            "clientConnection": {{ "connection": [{{ "host": "127.0.0.1", "port": {port} }}], "queueManager": "QM1" }},
            "transmissionSecurity": {{ "cipherSpecification": "ANY_TLS13", "certificateLabel": "app1",
                                       "certificatePeerName": "CN=qm1,O=mqtls test" }}
        }}]}}"#
    )
}

#[test]
fn put_and_get_go_through_the_tls_channel_the_ccdt_names() {
    let (dir, port, _qm) = tls_qmgr("cli-putget");
    std::fs::write(dir.join("ccdt.json"), ccdt(port)).unwrap();
    let password = Password::new("client-secret".into()).unwrap();
    keystore(&dir, Some("app1")).save_p12(&dir.join("client.p12"), &password).unwrap();
    password.stash(&dir.join("client.sth")).unwrap();
    let url = format!("file://{}", dir.join("ccdt.json").display());
    let stem = dir.join("client").display().to_string();
    let env = [("MQCCDTURL", url.as_str()), ("MQSSLKEYR", stem.as_str())];

    let (code, out, err) =
        mqtls_env(&["put", "APP.Q", "-m", "QM1"], "first\nsecond\nthird\n\nnot sent\n", &env);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("target queue is APP.Q") && out.contains("3 messages put"), "{out}");
    assert!(
        err.contains(&format!("connected to QM1 over APP.SVRCONN at 127.0.0.1({port}) (TLSv1_3, TLS13_")),
        "{err}"
    );

    let (code, out, err) = mqtls_env(&["get", "APP.Q", "-m", "QM1", "--wait", "0", "--browse"], "", &env);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "message <first>\nmessage <second>\nmessage <third>\nno more messages\n");
    let (code, out, err) = mqtls_env(&["get", "APP.Q", "-m", "QM1", "--wait", "1"], "", &env);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "message <first>\nmessage <second>\nmessage <third>\nno more messages\n");
    let (_, out, _) = mqtls_env(&["get", "APP.Q", "-m", "QM1", "--wait", "0"], "", &env);
    assert_eq!(out, "no more messages\n", "the gets removed them");

    // The same table fetched from an http: MQCCDTURL.
    let http =
        format!("http://127.0.0.1:{}/ccdt.json", mqtls_test_support::serve_file(&dir.join("ccdt.json")));
    let (code, out, err) = mqtls_env(
        &["get", "APP.Q", "-m", "QM1", "--wait", "0"],
        "",
        &[("MQCCDTURL", &http), ("MQSSLKEYR", &stem)],
    );
    assert_eq!((code, out.as_str()), (0, "no more messages\n"), "{err}");
    assert!(err.contains("connected to QM1 over APP.SVRCONN"), "{err}");

    // runmqsc -c: the same channel; MCAUSER('app') has DSP on the queue manager, not CHG.
    let (code, out, err) = mqtls_env(&["mqsc", "-c", "QM1"], "DISPLAY QLOCAL(APP.Q) CURDEPTH\n", &env);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.starts_with("Starting MQSC for queue manager QM1.") && out.contains("QUEUE(APP.Q)"), "{out}");
    let (code, _, err) = mqtls_env(&["mqsc", "-c", "QM1"], "DEFINE QLOCAL(MORE.Q)\n", &env);
    assert_eq!(code, 20);
    assert!(err.contains("reason code 2035") && err.contains("AUTHADD(CHG)"), "{err}");
}

#[test]
fn without_a_key_repository_the_client_says_which_setting_is_missing() {
    let (dir, port, _qm) = tls_qmgr("cli-putget-nokey");
    std::fs::write(dir.join("ccdt.json"), ccdt(port)).unwrap();
    let url = format!("file://{}", dir.join("ccdt.json").display());
    let (code, _, err) = mqtls_env(&["put", "APP.Q", "-m", "QM1"], "x\n", &[("MQCCDTURL", &url)]);
    assert_eq!(code, 20);
    assert!(err.contains("reason code 2381") && err.contains("set MQSSLKEYR"), "{err}");
    let (code, _, err) = mqtls_env(&["put", "APP.Q", "-m", "QM2"], "x\n", &[("MQCCDTURL", &url)]);
    assert_eq!(code, 20);
    assert!(err.contains("QM2"), "no channel serves QM2: {err}");
}
