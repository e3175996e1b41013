//! The security matrix: every way a partner might be wrongly admitted, each tried for
//! real over loopback against a queue manager configured to refuse it, with a control
//! case that must be admitted. The matrix is printed with counts
//! (`cargo test -p mqtls-qmgr --test security_matrix -- --nocapture`).

mod common;

use std::path::Path;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use mqtls_client::{Address, ClientChannel, ClientError, ConnectOptions, Connection};
use mqtls_pki::{CertAuthority, Entry, KeySpec, Keystore};
use mqtls_qmgr::{run_mqsc, Accounts, Limits, QueueManager};
use mqtls_test_support::{
    ca_and_leaf, ca_database, keystore as pem_keystore, openssl, scratch, serve_file, sign, OcspResponder,
};
use tokio::io::AsyncWriteExt;

const DAY: i64 = 86_400;
const ORG: &str = "mqtls test";
const CHANNELS: &str = "ALTER QMGR CERTLABL('qm1')
DEFINE CHANNEL(TLS.SVRCONN) CHLTYPE(SVRCONN) SSLCIPH(ANY_TLS12_OR_HIGHER) SSLCAUTH(REQUIRED) SSLPEER('CN=app1,O=mqtls test')
DEFINE CHANNEL(TLS13.SVRCONN) CHLTYPE(SVRCONN) SSLCIPH(ANY_TLS13) SSLCAUTH(REQUIRED)
DEFINE CHANNEL(GCM256.SVRCONN) CHLTYPE(SVRCONN) SSLCIPH(ECDHE_ECDSA_AES_256_GCM_SHA384) SSLCAUTH(REQUIRED)
DEFINE CHANNEL(USER.SVRCONN) CHLTYPE(SVRCONN) SSLCIPH(ANY_TLS12_OR_HIGHER) SSLCAUTH(REQUIRED) MCAUSER('nobody')
DEFINE CHANNEL(HALTED.SVRCONN) CHLTYPE(SVRCONN) SSLCIPH(ANY_TLS12_OR_HIGHER) SSLCAUTH(REQUIRED)
DEFINE CHANNEL(OPEN.SVRCONN) CHLTYPE(SVRCONN) SSLCIPH(ANY_TLS12_OR_HIGHER) SSLCAUTH(REQUIRED)
SET CHLAUTH('*') TYPE(BLOCKUSER) USERLIST('nobody') ACTION(REPLACE)
SET CHLAUTH('OPEN.SVRCONN') TYPE(BLOCKUSER) USERLIST('*MQADMIN')
SET AUTHREC OBJTYPE(QMGR) PRINCIPAL('app1') AUTHADD(CONNECT)
";

/// This machine's accounts plus `mqadm`, a member of the `mqm` group (its listed
/// members), and `ops`, whose primary group is `mqm`, in account files of the test's own.
fn accounts() -> Accounts {
    let dir = scratch("security-matrix-accounts");
    let (passwd, group) = (dir.join("passwd"), dir.join("group"));
    let system = |f: &str| std::fs::read_to_string(f).unwrap_or_default();
    let passwd_text = format!(
        "{}mqadm:x:2001:2001::/nonexistent:/bin/false\nops:x:2002:2990::/:/bin/false\n",
        system("/etc/passwd")
    );
    let group_text = format!("{}mqadm:x:2001:\nmqm:x:2990:mqadm\n", system("/etc/group"));
    std::fs::write(&passwd, passwd_text).unwrap();
    std::fs::write(&group, group_text).unwrap();
    Accounts::from_files(passwd, group)
}

fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64
}

async fn queue_manager(mqsc: &str, keystore: Keystore, cdp: bool) -> (u16, Arc<QueueManager>) {
    let qm = QueueManager::new(common::definitions(mqsc), keystore, Limits::default());
    common::serve(qm.with_cdp_check(cdp).with_accounts(accounts())).await
}

/// A keystore holding `cn`'s certificate from `ca` (issued at `issued`, valid one day)
/// as `label`, trusting `trusts`.
fn ca_keystore(ca: &CertAuthority, label: &str, cn: &str, issued: i64, trusts: &CertAuthority) -> Keystore {
    let mut ks = Keystore::new();
    ks.add(label, ca.issue(KeySpec::EcP256, cn, ORG, &[], issued, 1).unwrap()).unwrap();
    ks.add("ca", Entry::Trusted { cert: trusts.certificate().to_vec() }).unwrap();
    ks
}

async fn attempt(
    port: u16,
    channel: &str,
    ciph: &str,
    keystore: Keystore,
    label: Option<&str>,
) -> Result<(), ClientError> {
    attempt_as("app1", port, channel, ciph, keystore, label).await
}

/// [`attempt`] asserting `user`.
async fn attempt_as(
    user: &str,
    port: u16,
    channel: &str,
    ciph: &str,
    keystore: Keystore,
    label: Option<&str>,
) -> Result<(), ClientError> {
    let mut chl = ClientChannel::new(channel);
    chl.cipher_spec = ciph.into();
    chl.cert_label = label.unwrap_or_default().into();
    let address = Address { host: "127.0.0.1".into(), port: Some(port) };
    let opts = ConnectOptions { user: user.into(), keystore: Some(keystore), ..ConnectOptions::default() };
    Connection::open(&chl, &address, &opts).await.map(drop)
}

/// An openssl PKI: qm1, app1 and revoked (both with a CRL distribution point; revoked on the OCSP
/// and CRL lists).
fn openssl_pki(dir: &Path, crl_port: u16) {
    ca_and_leaf(dir, "qm1", "ec");
    let ext = format!(
        "crlDistributionPoints=URI:http://127.0.0.1:{crl_port}/ca.crl\nextendedKeyUsage=clientAuth\n"
    );
    sign(dir, "app1", "/O=mqtls test/CN=app1", &ext);
    sign(dir, "revoked", "/O=mqtls test/CN=revoked", &ext);
    // One name vouching for another: CN repeated, in both orders, and in one RDN.
    let client = "extendedKeyUsage=clientAuth\n";
    sign(dir, "evilfirst", "/O=mqtls test/CN=evil/CN=app1", client);
    sign(dir, "evillast", "/O=mqtls test/CN=app1/CN=evil", client);
    sign(dir, "evilrdn", "/O=mqtls test/CN=evil+CN=app1", client);
    ca_database(dir);
    openssl(dir, &["ca", "-config", "ca.cnf", "-valid", "app1.pem"]);
    openssl(dir, &["ca", "-config", "ca.cnf", "-revoke", "revoked.pem"]);
    openssl(dir, &["ca", "-config", "ca.cnf", "-gencrl", "-out", "crl.pem"]);
    openssl(dir, &["crl", "-in", "crl.pem", "-outform", "DER", "-out", "crl.der"]);
}

#[tokio::test]
async fn every_wrong_partner_is_refused_and_the_right_one_admitted() {
    let t = now();
    let ca = CertAuthority::new(KeySpec::EcP256, "Matrix CA", ORG, t - 10 * DAY, 30).unwrap();
    let qm_ks = || ca_keystore(&ca, "qm1", "QM1", t, &ca);
    let app = |cn: &str, issued: i64| ca_keystore(&ca, "app1", cn, issued, &ca);
    let (port, qm) = queue_manager(CHANNELS, qm_ks(), false).await;
    assert_eq!(run_mqsc(&qm, "STOP CHANNEL(HALTED.SVRCONN)\n").0, 0);
    let (blocked_port, _) = queue_manager(
        &format!("{CHANNELS}SET CHLAUTH('*') TYPE(BLOCKADDR) ADDRLIST('127.0.0.*')\n"),
        qm_ks(),
        false,
    )
    .await;

    // The controls: the right certificate on the right channel starts; a user who is not
    // an administrator passes the *MQADMIN rule.
    attempt(port, "TLS.SVRCONN", "ANY_TLS12_OR_HIGHER", app("app1", t), Some("app1"))
        .await
        .expect("admitted");
    attempt(port, "OPEN.SVRCONN", "ANY_TLS12_OR_HIGHER", app("app1", t), Some("app1"))
        .await
        .expect("a user outside the mqm group is admitted");

    let any = "ANY_TLS12_OR_HIGHER";
    let stranger = CertAuthority::new(KeySpec::EcP256, "Stranger CA", ORG, t - DAY, 30).unwrap();
    let mut rows: Vec<(&str, Option<u32>, Result<(), ClientError>)> = vec![
        (
            "untrusted CA",
            Some(2393),
            attempt(port, "TLS.SVRCONN", any, ca_keystore(&stranger, "app1", "app1", t, &ca), Some("app1"))
                .await,
        ),
        (
            "expired certificate",
            Some(2393),
            attempt(port, "TLS.SVRCONN", any, app("app1", t - 5 * DAY), Some("app1")).await,
        ),
        (
            "not-yet-valid certificate",
            Some(2393),
            attempt(port, "TLS.SVRCONN", any, app("app1", t + 2 * DAY), Some("app1")).await,
        ),
        (
            "no client certificate, SSLCAUTH(REQUIRED)",
            Some(2393),
            attempt(port, "TLS.SVRCONN", any, app("app1", t), None).await,
        ),
        (
            "SSLPEER does not match",
            Some(2035),
            attempt(port, "TLS.SVRCONN", any, app("mallory", t), Some("app1")).await,
        ),
        (
            "CHLAUTH BLOCKADDR",
            Some(2035),
            attempt(blocked_port, "TLS.SVRCONN", any, app("app1", t), Some("app1")).await,
        ),
        (
            "CHLAUTH BLOCKUSER (MCAUSER nobody)",
            Some(2035),
            attempt(port, "USER.SVRCONN", any, app("app1", t), Some("app1")).await,
        ),
        (
            "plain client to a TLS channel",
            Some(2393),
            attempt(port, "TLS.SVRCONN", "", app("app1", t), None).await,
        ),
        (
            "CipherSpec outside SSLCIPH",
            Some(2393),
            attempt(port, "GCM256.SVRCONN", "ECDHE_ECDSA_AES_128_GCM_SHA256", app("app1", t), Some("app1"))
                .await,
        ),
        (
            "TLS 1.2 to a TLS 1.3-only channel",
            Some(2393),
            attempt(port, "TLS13.SVRCONN", "ECDHE_ECDSA_AES_256_GCM_SHA384", app("app1", t), Some("app1"))
                .await,
        ),
        (
            "asserted user in the mqm group (*MQADMIN)",
            Some(2035),
            attempt_as("mqadm", port, "OPEN.SVRCONN", any, app("app1", t), Some("app1")).await,
        ),
        (
            "asserted user whose primary group is mqm",
            Some(2035),
            attempt_as("ops", port, "OPEN.SVRCONN", any, app("app1", t), Some("app1")).await,
        ),
        (
            "asserted user mqm with no account (*MQADMIN)",
            Some(2035),
            attempt_as("mqm", port, "OPEN.SVRCONN", any, app("app1", t), Some("app1")).await,
        ),
        (
            "asserted user id with a newline (log forging)",
            Some(2035),
            attempt_as("app1\nforged", port, "OPEN.SVRCONN", any, app("app1", t), Some("app1")).await,
        ),
        (
            "asserted user id with ESC (terminal control)",
            Some(2035),
            attempt_as("app\u{1b}[2J", port, "OPEN.SVRCONN", any, app("app1", t), Some("app1")).await,
        ),
        (
            "asserted user id over MQ's 12 characters",
            Some(2035),
            attempt_as("app1app1app1x", port, "OPEN.SVRCONN", any, app("app1", t), Some("app1")).await,
        ),
        (
            "STOPPED channel",
            Some(2537),
            attempt(port, "HALTED.SVRCONN", any, app("app1", t), Some("app1")).await,
        ),
    ];

    // SNI naming one channel, the start frame another (below the client library).
    let chl = common::clntconn("TLS13.SVRCONN", "ANY_TLS13");
    let mut tls = common::connect(port, "TLS13.SVRCONN", &chl, Some("app1"), &app("app1", t)).await.unwrap();
    tls.write_all(&common::start_frame("TLS.SVRCONN")).await.unwrap();
    let sni = match common::next_frame(&mut tls).await {
        Ok(mqtls_channel::frame::Frame::Refuse { reason, text }) => {
            Err(ClientError::Refused { channel: "TLS13.SVRCONN".into(), reason, text })
        }
        other => panic!("expected a refusal, got {other:?}"),
    };
    rows.push(("SNI names one channel, the start frame another", Some(2540), sni));

    // Revocation, from an openssl CA: by CRL distribution point, and by OCSP.
    let dir = scratch("security-matrix");
    let crl_port = serve_file(&dir.join("crl.der"));
    openssl_pki(&dir, crl_port);
    let (crl_qm, _) = queue_manager(CHANNELS, pem_keystore(&dir, Some("qm1")), true).await;
    attempt(crl_qm, "TLS13.SVRCONN", "ANY_TLS13", pem_keystore(&dir, Some("app1")), Some("app1"))
        .await
        .expect("not revoked: admitted");
    rows.push((
        "revoked (CRL distribution point)",
        Some(2401),
        attempt(crl_qm, "TLS13.SVRCONN", "ANY_TLS13", pem_keystore(&dir, Some("revoked")), Some("revoked"))
            .await,
    ));
    let (dn_qm, _) = queue_manager(CHANNELS, pem_keystore(&dir, Some("qm1")), false).await;
    let any = "ANY_TLS12_OR_HIGHER";
    attempt(dn_qm, "TLS.SVRCONN", any, pem_keystore(&dir, Some("app1")), Some("app1"))
        .await
        .expect("CN=app1,O=mqtls test: admitted");
    for (case, label) in [
        ("SSLPEER CN=app1 vs DN CN=evil,CN=app1", "evilfirst"),
        ("SSLPEER CN=app1 vs DN CN=app1,CN=evil", "evillast"),
        ("SSLPEER CN=app1 vs DN CN=evil+CN=app1 (one RDN)", "evilrdn"),
    ] {
        let outcome = attempt(dn_qm, "TLS.SVRCONN", any, pem_keystore(&dir, Some(label)), Some(label)).await;
        rows.push((case, Some(2035), outcome));
    }
    let responder = OcspResponder::start(&dir, "ca.pem", "ca.key");
    let ocsp = format!(
        "{CHANNELS}DEFINE AUTHINFO(OCSP) AUTHTYPE(OCSP) OCSPURL('{}')\nDEFINE NAMELIST(REV) NAMES(OCSP)\nALTER QMGR SSLCRLNL(REV)\n",
        responder.url()
    );
    let (ocsp_qm, _) = queue_manager(&ocsp, pem_keystore(&dir, Some("qm1")), false).await;
    attempt(ocsp_qm, "TLS13.SVRCONN", "ANY_TLS13", pem_keystore(&dir, Some("app1")), Some("app1"))
        .await
        .expect("good: admitted");
    rows.push((
        "revoked (OCSP)",
        Some(2401),
        attempt(ocsp_qm, "TLS13.SVRCONN", "ANY_TLS13", pem_keystore(&dir, Some("revoked")), Some("revoked"))
            .await,
    ));

    println!("\n{:<48} {:<8} {:<8} why", "wrongly admitted if...", "expected", "got");
    let mut refused = 0;
    for (case, expected, outcome) in &rows {
        let (got, why) = match outcome {
            Ok(()) => ("ADMITTED".to_owned(), String::new()),
            Err(e) => (e.reason().to_string(), e.to_string().chars().take(90).collect()),
        };
        let shown = expected.map_or_else(|| "refused".to_owned(), |c| c.to_string());
        println!("{case:<48} {shown:<8} {got:<8} {why}");
        refused += usize::from(outcome.is_err());
    }
    println!("{refused} of {} refused; the control cases were admitted.\n", rows.len());
    for (case, expected, outcome) in &rows {
        let err = outcome.as_ref().err().unwrap_or_else(|| panic!("{case}: admitted"));
        if let Some(code) = expected {
            assert_eq!(err.reason(), *code, "{case}: {err}");
        }
        // As in MQ, a refused partner learns the code, not the rule: no filter, no DN.
        let told = err.to_string();
        for secret in ["CN=", "SSLPEER", "BLOCKUSER", "BLOCKADDR", "mallory", "*MQADMIN"] {
            assert!(!told.contains(secret), "{case}: the partner was told {secret:?}: {told}");
        }
    }
}
