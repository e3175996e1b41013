//! OCSP at channel start through SSLCRLNL → NAMELIST → AUTHINFO(OCSP), against a real
//! `openssl ocsp` responder on loopback: good admitted, revoked refused with 2401, a
//! responder that is down refuses (OCSPAuthentication REQUIRED), CRLLDAP is named.

use std::path::Path;
use std::sync::Arc;

use mqtls_channel::config::client_config;
use mqtls_channel::frame::{encode, ChannelStart, Frame};
use mqtls_channel::sni;
use mqtls_model::{AttrSet, Channel, Object, ObjectType, Stamp, Store, Value};
use mqtls_qmgr::{read_frame, serve, Limits, QueueManager};
use mqtls_test_support::{ca_and_leaf, ca_database, free_port, keystore, openssl, scratch, OcspResponder};
use rustls::pki_types::ServerName;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsConnector;

async fn listen(dir: &Path, authinfo: &str) -> u16 {
    let mqsc = format!(
        "{authinfo}\nDEFINE NAMELIST(REVOCATION) NAMES(CHECK)\nALTER QMGR SSLCRLNL(REVOCATION) CERTLABL('qm1')\n\
         DEFINE CHANNEL(APP.SVRCONN) CHLTYPE(SVRCONN) SSLCIPH(ANY_TLS13) SSLCAUTH(REQUIRED)\n"
    );
    let mut store = Store::new("QM1", Stamp::default()).unwrap();
    let entries = mqtls_mqsc::script::run(&mqsc, &mut store, &Stamp::default());
    assert_eq!(
        mqtls_mqsc::script::exit_code(&entries),
        0,
        "{}",
        mqtls_mqsc::script::report(&mqsc, &entries, true)
    );
    let qm = Arc::new(QueueManager::new(store, keystore(dir, Some("qm1")), Limits::default()));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(serve(listener, qm));
    port
}

async fn start_as(dir: &Path, port: u16, label: &str) -> Frame {
    let values =
        vec![("CHLTYPE", Value::Word("CLNTCONN".into())), ("SSLCIPH", Value::Str("ANY_TLS13".into()))];
    let attrs = AttrSet::from_values(ObjectType::Channel, values).unwrap();
    let object = Object::new(ObjectType::Channel, "APP.SVRCONN", attrs, Stamp::default()).unwrap();
    let config =
        client_config(&Channel::new(&object).unwrap(), Some(label), &keystore(dir, Some(label))).unwrap();
    let sock = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let name = ServerName::try_from(sni::encode("APP.SVRCONN")).unwrap();
    let mut tls = TlsConnector::from(config).connect(name, sock).await.unwrap();
    let start = ChannelStart {
        channel: "APP.SVRCONN".into(),
        chltype: 6,
        qmgr: String::new(),
        user: "app".into(),
        max_msg_len: 65_536,
        sharecnv: 1,
        heartbeat: 30,
    };
    tls.write_all(&encode(&Frame::ChannelStart(start))).await.unwrap();
    let mut buf = Vec::new();
    let read =
        tokio::time::timeout(std::time::Duration::from_secs(20), read_frame(&mut tls, &mut buf, 65_536));
    read.await.unwrap().unwrap()
}

fn pki(name: &str) -> std::path::PathBuf {
    let dir = scratch(name);
    for leaf in ["qm1", "good", "revoked"] {
        ca_and_leaf(&dir, leaf, "ec");
    }
    ca_database(&dir);
    openssl(&dir, &["ca", "-config", "ca.cnf", "-valid", "good.pem"]);
    openssl(&dir, &["ca", "-config", "ca.cnf", "-revoke", "revoked.pem"]);
    dir
}

#[tokio::test]
async fn ocsp_admits_good_and_refuses_revoked_certificates() {
    let dir = pki("qm-ocsp");
    let responder = OcspResponder::start(&dir, "ca.pem", "ca.key");
    let port =
        listen(&dir, &format!("DEFINE AUTHINFO(CHECK) AUTHTYPE(OCSP) OCSPURL('{}')", responder.url())).await;
    assert!(matches!(start_as(&dir, port, "good").await, Frame::StartAck { .. }));
    match start_as(&dir, port, "revoked").await {
        Frame::Refuse { reason, text } => {
            assert_eq!(reason, 2401, "{text}");
            assert!(text.contains("CN=revoked") && text.contains("revoked"), "{text}");
        }
        other => panic!("a revoked certificate must be refused, got {other:?}"),
    }
}

#[tokio::test]
async fn an_unreachable_responder_or_crlldap_refuses_rather_than_passes() {
    let dir = pki("qm-ocsp-down");
    let down = format!("DEFINE AUTHINFO(CHECK) AUTHTYPE(OCSP) OCSPURL('http://127.0.0.1:{}')", free_port());
    let port = listen(&dir, &down).await;
    match start_as(&dir, port, "good").await {
        Frame::Refuse { reason, text } => assert_eq!(reason, 2393, "{text}"),
        other => panic!("REQUIRED without an answer must refuse, got {other:?}"),
    }
    let port = listen(&dir, "DEFINE AUTHINFO(CHECK) AUTHTYPE(CRLLDAP) CONNAME('ldap.example(389)')").await;
    match start_as(&dir, port, "good").await {
        Frame::Refuse { reason, text } => {
            assert_eq!(reason, 2393, "{text}");
            assert!(
                text.contains("AUTHINFO(CHECK) is AUTHTYPE(CRLLDAP), which mqtls cannot check"),
                "{text}"
            );
        }
        other => panic!("an uncheckable AUTHINFO must refuse, got {other:?}"),
    }
}
