//! `mqtls doctor --partner-mqsc FILE --partner-keystore KS`: each channel this queue
//! manager starts (SDR, SVR with a CONNAME, RQSTR) against the partner's channel of the
//! same name — a CipherSpec in common, each side's trust in the other's chain, this end's
//! SSLPEER against the partner's DN, and then the partner's own channel-start check (the
//! listener's `start::check`: the channel exists, the types pair, TLS on both ends,
//! SSLCAUTH, the partner's SSLPEER, CHLAUTH with this queue manager's name) run on what
//! this end will present. The partner's channel presents a certificate it can use (the
//! checks of `certificate`, from the partner's side).

use std::net::IpAddr;

use mqtls_channel::frame::ChannelStart;
use mqtls_channel::start::{check, mqcht, Negotiated};
use mqtls_cipherspec::KeyType;
use mqtls_dn::{CertNames, PeerFilter};
use mqtls_model::{Channel, ChannelType, ObjectType, Store};
use mqtls_pki::{CertFacts, Crls, Entry, KeyKind, Keystore, Role, UnknownStatus};

use super::{finding, Finding, Severity};

/// One queue manager's definitions and keystore.
pub(super) struct Side<'a> {
    pub(super) store: &'a Store,
    pub(super) ks: &'a Keystore,
}

impl Side<'_> {
    /// The certificate chain `chl` presents, if its label holds one.
    fn chain(&self, chl: &Channel<'_>) -> Option<Vec<Vec<u8>>> {
        self.chain_of(&self.store.certificate_label(chl))
    }

    /// The chain the listener presents for a channel it does not have: the queue
    /// manager's CERTLABL, else MQ's default label.
    fn queue_manager_chain(&self) -> Option<Vec<Vec<u8>>> {
        let qmgr = self.store.qmgr();
        let label = Some(qmgr.str("CERTLABL"))
            .filter(|l| !l.is_empty())
            .unwrap_or_else(|| mqtls_model::default_cert_label(qmgr.name()));
        self.chain_of(&label)
    }

    fn chain_of(&self, label: &str) -> Option<Vec<Vec<u8>>> {
        match self.ks.get(label) {
            Ok(Entry::Personal { chain, .. }) => Some(chain.clone()),
            _ => None,
        }
    }
}

/// This end's SSLPEER against the certificate the partner presents (2398 when it differs).
fn sslpeer_mismatch(chl: &Channel<'_>, chain: &[Vec<u8>], object: &str) -> Option<Finding> {
    let filter = chl.ssl_peer()?;
    let names = chain.first().and_then(|c| CertNames::from_der(c).ok())?;
    let part = PeerFilter::parse(&filter).ok()?.first_mismatch(&names.peer_with_serial())?;
    Some(finding(
        "partner.sslpeer-mismatch",
        Severity::Error,
        object.to_owned(),
        "SSLPEER",
        format!("SSLPEER('{filter}') does not match the partner's {} (first difference: {part}): this end refuses it (2398)", names.subject),
        format!("fix SSLPEER on CHANNEL({})", chl.name()),
    ))
}

/// Every finding for the channels `ours` starts towards `theirs`, from `address`.
pub(super) fn check_pair(ours: &Side<'_>, theirs: &Side<'_>, address: IpAddr) -> Vec<Finding> {
    let now =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
    let mut out = Vec::new();
    for chl in ours.store.channels() {
        let calls = match chl.channel_type() {
            ChannelType::Sdr | ChannelType::Rqstr => true,
            ChannelType::Svr => !chl.conname().is_empty(),
            _ => false,
        };
        if !calls {
            continue;
        }
        let object = format!("CHANNEL({}) to {}", chl.name(), theirs.store.qmgr().name());
        let err = |code: &'static str, attribute: &str, what: String, fix: String| {
            finding(code, Severity::Error, object.clone(), attribute, what, fix)
        };
        let Some(partner_def) = theirs.store.get(ObjectType::Channel, chl.name()) else {
            // The partner's listener still completes the handshake, with the queue
            // manager's own certificate, so this end's SSLPEER is checked first.
            if chl.ssl_ciph().is_some() {
                if let Some(chain) = theirs.queue_manager_chain() {
                    out.extend(sslpeer_mismatch(&chl, &chain, &object));
                }
            }
            out.push(err(
                "partner.no-channel",
                "CHANNEL",
                format!("the partner has no channel {}: the start is refused (2540)", chl.name()),
                format!(
                    "DEFINE CHANNEL({}) on {} with a partnering CHLTYPE",
                    chl.name(),
                    theirs.store.qmgr().name()
                ),
            ));
            continue;
        };
        let partner = Channel::new(partner_def).expect("channels have a type");
        // The partner's listener cannot serve a channel whose own certificate is broken
        // (missing, expired, or of a key type its CipherSpec cannot use).
        let broken: Vec<Finding> = partner
            .ssl_ciph()
            .map(|ciph| super::certificate::presented(theirs.store, &partner, &ciph, theirs.ks))
            .unwrap_or_default()
            .into_iter()
            .filter(|f| f.severity == Severity::Error)
            .collect();
        for b in &broken {
            out.push(err(
                "partner.channel-broken",
                &b.attribute,
                format!("the partner's CHANNEL({}) fails every partner: {}", chl.name(), b.handshake),
                format!("on {}: {}", theirs.store.qmgr().name(), b.fix),
            ));
        }
        if !broken.is_empty() {
            continue;
        }
        let mut suite = None;
        // In TLS 1.2 the suite's key exchange must suit the certificate the partner (the
        // server of the handshake) presents.
        let their_chain = theirs.chain(&partner);
        let their_key = their_chain
            .as_ref()
            .and_then(|c| c.first().and_then(|der| CertFacts::from_der(der).ok()))
            .map(|f| if matches!(f.key, KeyKind::Rsa(_)) { KeyType::Rsa } else { KeyType::Ec });
        if let (Some(a), Some(b)) = (chl.ssl_ciph(), partner.ssl_ciph()) {
            if let (Ok(x), Ok(y)) = (a.allowed(), b.allowed()) {
                let common: Vec<_> = x.iter().filter(|s| y.iter().any(|t| t.suite == s.suite)).collect();
                suite =
                    common.iter().find(|s| their_key.is_none_or(|k| s.key_type.admits(k))).map(|s| s.suite);
                match (suite, their_key) {
                    (Some(_), _) => {}
                    (None, Some(key)) if !common.is_empty() => {
                        let (has, needs) =
                            if key == KeyType::Rsa { ("an RSA", "an EC") } else { ("an EC", "an RSA") };
                        out.push(err("partner.key-type", "SSLCIPH", format!("the CipherSpecs in common ({a} here, {b} at the partner) need {needs} certificate, and the partner's CHANNEL({}) presents {has} one: the handshake fails (2393)", chl.name()), format!("ALTER CHANNEL({}) CHLTYPE({}) SSLCIPH({}) here (the partner's certificate serves it)", chl.name(), chl.channel_type(), super::certificate::serving(&a, key == KeyType::Rsa))));
                        continue;
                    }
                    (None, _) => {
                        out.push(err("partner.no-cipherspec-in-common", "SSLCIPH", format!("no CipherSpec in common: this end {a}, the partner {b}; the handshake fails (2393)"), "use the same CipherSpec at both ends".into()));
                        continue;
                    }
                }
            }
        }
        let our_chain = ours.chain(&chl);
        if suite.is_some() {
            if let Some(chain) = &their_chain {
                if let Err(e) = mqtls_pki::validate(
                    chain,
                    &ours.ks.trusted(),
                    Role::Server,
                    now,
                    &Crls::default(),
                    UnknownStatus::Allow,
                ) {
                    out.push(err("partner.untrusted-partner-certificate", "keystore", format!("this queue manager does not trust the partner's certificate: {e}; the handshake fails"), "add the partner's CA to this keystore (mqtls keystore add-ca) and REFRESH SECURITY TYPE(SSL)".into()));
                }
                out.extend(sslpeer_mismatch(&chl, chain, &object));
            }
            if let Some(chain) = &our_chain {
                if let Err(e) = mqtls_pki::validate(
                    chain,
                    &theirs.ks.trusted(),
                    Role::Client,
                    now,
                    &Crls::default(),
                    UnknownStatus::Allow,
                ) {
                    out.push(err("partner.untrusted-certificate", "certificate", format!("the partner does not trust this queue manager's certificate: {e}; refused (2393)"), "add this queue manager's CA to the partner's keystore".into()));
                }
            }
        }
        // The partner's channel-start check, on what this end will present.
        let sni = mqtls_channel::sni::encode(chl.name());
        let tls = Negotiated {
            sni: suite.map(|_| sni.as_str()),
            suite,
            peer_chain: our_chain.as_deref().filter(|_| suite.is_some()),
        };
        let start = ChannelStart {
            channel: chl.name().to_owned(),
            chltype: mqcht(chl.channel_type()),
            qmgr: ours.store.qmgr().name().to_owned(),
            user: String::new(),
            max_msg_len: 4 * 1024 * 1024,
            sharecnv: 1,
            heartbeat: 300,
        };
        if let Err(refusal) = check(theirs.store, &start, &tls, address, &mqtls_qmgr::Accounts::default()) {
            out.push(err(
                "partner.start-refused",
                "channel start",
                format!("the partner refuses the start ({}): {}", refusal.reason, refusal.text),
                "change the partner's definition or this one as the reason says".into(),
            ));
        }
    }
    out
}
