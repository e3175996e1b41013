//! The client side of `mqtls doctor --client`: the channel an MQ client in this
//! environment would choose for the queue manager (MQSERVER, mqclient.ini, the CCDT, with
//! MQ's precedence), the traps of that choice, and each chosen entry against the queue
//! manager's definition and certificates: TLS on one end only, no CipherSpec in common,
//! SSLCAUTH(REQUIRED) with no client certificate, the client's SSLPEER against the queue
//! manager's DN, each side's trust in the other's chain, the queue manager's SSLPEER
//! against the client's DN, and CHLAUTH's verdict on the client from a given address (the
//! listener's own channel-start check, run on what the client will present).

use std::collections::HashSet;
use std::net::IpAddr;

use mqtls_channel::frame::ChannelStart;
use mqtls_channel::start::Negotiated;

use mqtls_client::{ClientChannel, Environment};
use mqtls_dn::{CertNames, PeerFilter};
use mqtls_model::{Channel, ObjectType, SslCauth, Store};
use mqtls_pki::{CertFacts, Crls, Entry, KeyKind, Keystore, Role, UnknownStatus};

use super::{finding, Finding, Severity};

/// Every finding of the client side.
pub(super) fn check(
    store: &Store,
    qm_ks: &Keystore,
    env: &Environment,
    (address, warn_days): (IpAddr, i64),
) -> Vec<Finding> {
    let qmgr = store.qmgr().name().to_owned();
    let plan = match mqtls_client::plan(&qmgr, env) {
        Ok(plan) => plan,
        Err(e) => {
            let why = format!("the client finds no channel for {qmgr}: {e}");
            return vec![finding(
                "client.configuration",
                Severity::Error,
                "client".into(),
                "configuration",
                why,
                "see mqtls ccdt resolve QM --explain".into(),
            )];
        }
    };
    let mut out: Vec<Finding> = plan
        .traps
        .iter()
        .map(|t| {
            let attribute = t
                .text
                .split_whitespace()
                .find(|w| w.chars().all(|c| c.is_ascii_uppercase() || c == '_'))
                .unwrap_or("");
            let (what, fix) =
                t.text.rsplit_once(": ").unwrap_or((t.text.as_str(), "see mqtls ccdt resolve QM --explain"));
            finding(
                "client.resolution-trap",
                Severity::Warning,
                "client".into(),
                attribute,
                what.to_owned(),
                fix.to_owned(),
            )
        })
        .collect();
    let key_repository = plan.resolution.key_repository.as_ref().map(|s| s.value.clone());
    let client_ks = match key_repository.as_deref().map(mqtls_client::open_key_repository) {
        Some(Ok(ks)) => {
            // The labels this client presents: its entries', MQCERTLABL / CertificateLabel's,
            // MQ's default for this user.
            let mut used: std::collections::BTreeSet<String> =
                plan.order.iter().map(|(c, _)| c.cert_label.clone()).filter(|l| !l.is_empty()).collect();
            used.extend(plan.resolution.cert_label.as_ref().map(|s| s.value.clone()));
            used.insert(format!("ibmwebspheremq{}", mqtls_client::login_user().to_lowercase()));
            let fix = "renew it and import the new one into the key repository; the client reads it at its next connection";
            out.extend(super::files::certificates(&ks, warn_days, Some(&used), fix).into_iter().map(
                |mut f| {
                    f.object = format!("client {}", f.object);
                    f
                },
            ));
            Some(ks)
        }
        Some(Err(e)) => {
            out.push(finding(
                "client.key-repository",
                Severity::Error,
                "client".into(),
                "MQSSLKEYR",
                format!("the key repository cannot be opened: {e}; every TLS channel fails"),
                "fix MQSSLKEYR or mqclient.ini SSL:SSLKeyRepository".into(),
            ));
            None
        }
        None => None,
    };
    let configured_label = plan.resolution.cert_label.as_ref().map(|s| (s.value.clone(), s.from));
    let mut seen = HashSet::new();
    let mut entries = Vec::new();
    for (entry, _) in &plan.order {
        if seen.insert(entry.name.clone()) {
            let client = (client_ks.as_ref(), configured_label.as_ref().map(|(l, from)| (l.as_str(), *from)));
            entries.push((entry.name.clone(), entry_against_qmgr(entry, store, qm_ks, client, address)));
        }
    }
    // The client tries every entry in turn and connects through the first that works: an
    // entry's errors only fail the client when no entry works.
    let works =
        entries.iter().find(|(_, f)| f.iter().all(|f| f.severity != Severity::Error)).map(|(n, _)| n.clone());
    for (name, findings) in entries {
        out.extend(findings.into_iter().map(|mut f| {
            if let (Some(ok), Severity::Error) = (&works, f.severity) {
                if *ok != name {
                    f.severity = Severity::Warning;
                    f.handshake = format!(
                        "the client connects through {ok} instead, but this entry fails: {}",
                        f.handshake
                    );
                }
            }
            f
        }));
    }
    out
}

fn entry_against_qmgr(
    entry: &ClientChannel,
    store: &Store,
    qm_ks: &Keystore,
    (client_ks, configured_label): (Option<&Keystore>, Option<(&str, &'static str)>),
    address: IpAddr,
) -> Vec<Finding> {
    let object = format!("client channel {}", entry.name);
    let err = |code: &'static str, attribute: &str, what: String, fix: String| {
        finding(code, Severity::Error, object.clone(), attribute, what, fix)
    };
    let Some(def) = store.get(ObjectType::Channel, &entry.name) else {
        return vec![err(
            "client.no-channel",
            "CHANNEL",
            format!("the queue manager has no channel {}: the start is refused (2540)", entry.name),
            format!("DEFINE CHANNEL({}) CHLTYPE(SVRCONN) on the queue manager, or fix the CCDT", entry.name),
        )];
    };
    let server = Channel::new(def).expect("channels have a type");
    let ours = server.ssl_ciph();
    let mut out = Vec::new();
    match (entry.uses_tls(), &ours) {
        (true, None) => out.push(err(
            "client.tls-at-one-end",
            "SSLCIPH",
            "the client uses TLS but the queue manager's channel has no SSLCIPH: refused (2393)".into(),
            format!("give CHANNEL({}) an SSLCIPH", entry.name),
        )),
        (false, Some(c)) => out.push(err(
            "client.tls-at-other-end",
            "SSLCIPH",
            format!("the client connects without TLS to a channel with SSLCIPH({c}): refused (2393)"),
            "give the CCDT entry a cipherSpecification".into(),
        )),
        _ => {}
    }
    let (Some(ours), true) = (ours, entry.uses_tls()) else { return out };
    // What fails the queue manager's channel for every partner fails this client too.
    if let Err(e) = ours.allowed() {
        out.push(err(
            "client.qmgr-channel-broken",
            "SSLCIPH",
            format!("CHANNEL({}) on the queue manager refuses every TLS handshake: {e} (2393)", entry.name),
            format!(
                "ALTER CHANNEL({}) CHLTYPE(SVRCONN) SSLCIPH(ANY_TLS12_OR_HIGHER) on the queue manager",
                entry.name
            ),
        ));
    }
    for broken in super::certificate::presented(store, &server, &ours, qm_ks) {
        if broken.severity == Severity::Error {
            out.push(err(
                "client.qmgr-channel-broken",
                &broken.attribute,
                format!(
                    "CHANNEL({}) on the queue manager fails every partner: {}",
                    entry.name, broken.handshake
                ),
                broken.fix,
            ));
        }
    }
    let theirs = mqtls_cipherspec::CipherSpecName::new(&entry.cipher_spec);
    if let Err(e) = theirs.allowed() {
        out.push(err(
            "client.cipherspec-refused",
            "SSLCIPH",
            format!("the client refuses its own CipherSpec and connects to nothing: {e} (2393)"),
            format!("set the CCDT entry's cipherSpecification to one both ends allow, such as {ours}"),
        ));
        return out;
    }
    // The queue manager's certificate, as the client will see it.
    let label = store.certificate_label(&server);
    let qm_chain = match qm_ks.get(&label) {
        Ok(Entry::Personal { chain, .. }) => Some(chain.clone()),
        _ => None,
    };
    let qm_key =
        qm_chain.as_ref().and_then(|c| c.first()).and_then(|d| CertFacts::from_der(d).ok()).map(|f| {
            let rsa = matches!(f.key, KeyKind::Rsa(_));
            (f.key, if rsa { mqtls_cipherspec::KeyType::Rsa } else { mqtls_cipherspec::KeyType::Ec })
        });
    let mut common = None;
    if let (Ok(a), Ok(b)) = (theirs.allowed(), ours.allowed()) {
        let both: Vec<_> = a.iter().filter(|x| b.iter().any(|y| x.suite == y.suite)).collect();
        // A TLS 1.2 suite also needs the queue manager's certificate to be of its key type.
        common =
            both.iter().find(|s| qm_key.as_ref().is_none_or(|(_, k)| s.key_type.admits(*k))).map(|s| s.suite);
        match (&qm_key, both.is_empty(), common) {
            (_, true, _) => out.push(err("client.no-cipherspec-in-common", "SSLCIPH", format!("no CipherSpec in common: the client offers {theirs}, the queue manager accepts {ours}; the handshake fails (2393)"), "use the same CipherSpec (or ANY_TLS13) at both ends".into())),
            (Some((key, _)), false, None) => out.push(err(
                "client.no-cipherspec-for-certificate",
                "SSLCIPH",
                format!("the CipherSpecs both ends allow ({theirs} and {ours}) need another key type than the queue manager's certificate '{label}' ({key}): the handshake fails (2393)"),
                format!("offer {} (or ANY_TLS13) at the client", super::certificate::serving(&theirs, matches!(key, KeyKind::Rsa(_)))),
            )),
            _ => {}
        }
    }
    let now =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
    if let (Some(chain), Some(ks)) = (&qm_chain, client_ks) {
        let anchors = ks.trusted();
        if let Err(e) =
            mqtls_pki::validate(chain, &anchors, Role::Server, now, &Crls::default(), UnknownStatus::Allow)
        {
            out.push(err(
                "client.untrusted-qmgr-certificate",
                "key repository",
                format!(
                    "the client does not trust the queue manager's certificate: {e}; the handshake fails (2393)"
                ),
                if e.to_string().contains("expired") {
                    "the queue manager's certificate must be renewed".into()
                } else {
                    "add the queue manager's CA to the client's key repository (mqtls keystore add-ca)".into()
                },
            ));
        }
    }
    if let (Some(chain), false) = (&qm_chain, entry.peer_name.is_empty()) {
        if let (Ok(filter), Some(names)) =
            (PeerFilter::parse(&entry.peer_name), chain.first().and_then(|c| CertNames::from_der(c).ok()))
        {
            if let Some(part) = filter.first_mismatch(&names.peer_with_serial()) {
                out.push(err("client.qmgr-sslpeer-mismatch", "SSLPEER", format!("the client refuses the queue manager: SSLPEER('{}') does not match {} (first difference: {part}): no connection (2398)", entry.peer_name, names.subject), "fix the CCDT entry's certificatePeerName".into()));
            }
        }
    }
    // The client's certificate, as the queue manager will see it.
    let user = mqtls_client::login_user();
    let default_label = format!("ibmwebspheremq{}", user.to_lowercase());
    let client_label = Some(entry.cert_label.clone())
        .filter(|l| !l.is_empty())
        .or_else(|| configured_label.map(|(l, _)| l.to_owned()));
    // Where the label comes from, for the fix: the CCDT entry, or MQCERTLABL / mqclient.ini.
    let label_fix = match configured_label.filter(|_| entry.cert_label.is_empty()) {
        Some((_, from)) => format!("the label comes from {from}: correct it there, or give the CCDT entry a certificateLabel"),
        None => "fix the CCDT entry's certificateLabel (labels are case-sensitive), or import the certificate with its key".to_owned(),
    };
    let client_chain = client_ks.and_then(|ks| {
        let label =
            client_label.clone().or_else(|| ks.get(&default_label).is_ok().then(|| default_label.clone()))?;
        match ks.get(&label) {
            Ok(Entry::Personal { chain, .. }) => Some(chain.clone()),
            _ => None,
        }
    });
    // The mqtls client refuses to connect when the label it is told to use is missing,
    // whatever SSLCAUTH says (a certificate store error).
    if let (Some(label), Some(ks)) = (&client_label, client_ks) {
        if !matches!(ks.get(label), Ok(Entry::Personal { .. })) {
            out.push(err(
                "client.label-missing",
                "certificateLabel",
                format!("the client's key repository has no certificate '{label}' with its key: the client refuses to connect (2402)"),
                label_fix.clone(),
            ));
        }
    }
    // The mqtls client checks its own certificate against its CipherSpec's key type.
    let client_key = client_chain.as_ref().and_then(|c| c.first()).and_then(|d| CertFacts::from_der(d).ok());
    if let Some(facts) = client_key {
        let is_rsa = matches!(facts.key, KeyKind::Rsa(_));
        let key = if is_rsa { mqtls_cipherspec::KeyType::Rsa } else { mqtls_cipherspec::KeyType::Ec };
        if !theirs.key_type().admits(key) {
            out.push(err(
                "client.key-type",
                "certificateLabel",
                format!("the client's certificate has an {} key, which its CipherSpec {theirs} cannot use: the client refuses to connect (2393)", facts.key),
                format!("set the CCDT entry's cipherSpecification to {}, or use a certificate with the other key type", super::certificate::serving(&theirs, is_rsa)),
            ));
        }
    }
    match (&client_chain, server.ssl_cauth()) {
        (None, SslCauth::Required) => out.push(err("client.no-client-certificate", "SSLCAUTH", format!("CHANNEL({}) has SSLCAUTH(REQUIRED) and the client has no certificate to send{}: refused (2393)", entry.name, client_label.as_ref().map(|l| format!(" (label '{l}' is not in its key repository)")).unwrap_or_default()), if client_label.is_some() { label_fix.clone() } else { "give the CCDT entry a certificateLabel that the client's key repository holds".into() })),
        (None, SslCauth::Optional) if server.ssl_peer().is_some() => out.push(err(
            "client.no-certificate-for-sslpeer",
            "SSLPEER",
            format!("CHANNEL({}) has SSLPEER('{}') and the client sends no certificate: refused (2035)", entry.name, server.ssl_peer().unwrap_or_default()),
            "give the CCDT entry a certificateLabel whose certificate SSLPEER names".into(),
        )),
        (Some(chain), _) => {
            let anchors = qm_ks.trusted();
            if let Err(e) = mqtls_pki::validate(chain, &anchors, Role::Client, now, &Crls::default(), UnknownStatus::Allow) {
                out.push(err("client.untrusted-client-certificate", "certificate", format!("the queue manager does not trust the client's certificate: {e}; refused (2393)"), "add the client's CA to the queue manager's keystore and REFRESH SECURITY TYPE(SSL)".into()));
            }
            if let (Some(filter), Some(names)) = (server.ssl_peer(), chain.first().and_then(|c| CertNames::from_der(c).ok())) {
                if let Ok(Some(part)) = PeerFilter::parse(&filter).map(|f| f.first_mismatch(&names.peer_with_serial())) {
                    out.push(err("client.sslpeer-mismatch", "SSLPEER", format!("CHANNEL({}) SSLPEER('{filter}') does not match the client's {} (first difference: {part}): refused (2035)", entry.name, names.subject), format!("ALTER CHANNEL({}) CHLTYPE(SVRCONN) SSLPEER(...) or use the certificate it names", entry.name)));
                }
            }
        }
        _ => {}
    }
    // The channel start as the listener will judge it: CHLAUTH (blocks, mappings).
    if let Some(suite) = common {
        out.extend(chlauth(store, entry, suite, client_chain.as_deref(), address));
    }
    out
}

/// CHLAUTH's verdict on this client at `address`, with the certificate it will send.
fn chlauth(
    store: &Store,
    entry: &ClientChannel,
    suite: mqtls_cipherspec::SuiteId,
    chain: Option<&[Vec<u8>]>,
    address: IpAddr,
) -> Vec<Finding> {
    let sni = mqtls_channel::sni::encode(&entry.name);
    let tls = Negotiated { sni: Some(&sni), suite: Some(suite), peer_chain: chain };
    let start = ChannelStart::client(&entry.name, mqtls_client::login_user());
    let object = format!("client channel {}", entry.name);
    match mqtls_channel::start::check(store, &start, &tls, address, &mqtls_qmgr::Accounts::default()) {
        Err(refusal) if refusal.text.contains(" blocked by ") => vec![finding(
            "client.chlauth-blocked",
            Severity::Error,
            object,
            "CHLAUTH",
            format!("the channel start from {address} is refused ({}): {}", refusal.reason, refusal.text),
            format!("DISPLAY CHLAUTH({}) MATCH(RUNCHECK) ADDRESS('{address}') shows the deciding rule: change or remove it", entry.name),
        )],
        Ok(admitted) => admitted
            .warnings
            .into_iter()
            .map(|w| finding("client.chlauth-warn", Severity::Warning, object.clone(), "CHLAUTH", format!("a WARN(YES) rule would refuse this client: {w}"), "the rule only warns now; fix the client or the rule before it is enforced".into()))
            .collect(),
        Err(_) => Vec::new(),
    }
}
