//! The certificate each TLS channel presents, as the doctor checks it.

use mqtls_cipherspec::CipherSpecName;
use mqtls_model::{Channel, Store};
use mqtls_pki::{CertFacts, Entry, KeyKind, Keystore};

use super::{finding, Finding, Severity};

/// Which setting chose the certificate label `store.certificate_label` gives `chl`.
fn label_setting(store: &Store, chl: &Channel<'_>) -> &'static str {
    if chl.cert_label().is_some() {
        "CERTLABL"
    } else if !store.qmgr().str("CERTLABL").is_empty() {
        "QMGR CERTLABL"
    } else {
        "CERTLABL (MQ's default label)"
    }
}

/// The certificate a channel presents: it exists (else the closest label), it has its key,
/// it has not expired, a partner can build its chain, and its key type serves the
/// CipherSpec.
pub(super) fn presented(
    store: &Store,
    chl: &Channel<'_>,
    ciph: &CipherSpecName,
    ks: &Keystore,
) -> Vec<Finding> {
    let object = format!("CHANNEL({})", chl.name());
    let (label, attribute) = (store.certificate_label(chl), label_setting(store, chl));
    let Ok(entry) = ks.get(&label) else {
        let labels: Vec<&str> = ks.labels().collect();
        let case = labels.iter().find(|l| l.eq_ignore_ascii_case(&label));
        let near =
            case.copied().or_else(|| labels.iter().min_by_key(|l| strsim::levenshtein(l, &label)).copied());
        let hint = match (case, near) {
            (Some(l), _) => format!("the keystore has '{l}', which differs only in case (labels are case-sensitive; quote CERTLABL in MQSC)"),
            (None, Some(l)) => format!("the closest label is '{l}'"),
            (None, None) => "the keystore has no labels".into(),
        };
        return vec![finding(
            "channel.label-missing",
            Severity::Error,
            object,
            attribute,
            format!("the channel cannot present a certificate: label '{label}' is not in the keystore; every handshake fails (2393)"),
            hint,
        )];
    };
    let Entry::Personal { chain, .. } = entry else {
        return vec![finding(
            "channel.label-without-key",
            Severity::Error,
            object,
            attribute,
            format!("label '{label}' is a CA certificate with no key: every handshake fails"),
            "import the certificate with its key: mqtls keystore import".into(),
        )];
    };
    let Some(facts) = chain.first().and_then(|c| CertFacts::from_der(c).ok()) else { return Vec::new() };
    let now =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
    if facts.days_left(now) < 0 {
        return vec![finding(
            "channel.certificate-expired",
            Severity::Error,
            object,
            attribute,
            format!("the channel presents certificate '{label}', which expired {} days ago: every partner refuses it (2393)", -facts.days_left(now)),
            "renew it and import the new one; REFRESH SECURITY TYPE(SSL) picks it up".into(),
        )];
    }
    // GSKit sends the chain it can build from the keystore; a partner trusting only the
    // root cannot check a leaf whose issuer is missing here.
    let issuer = facts.names.issuer.to_string();
    let issuer_here = ks
        .trusted()
        .iter()
        .any(|der| CertFacts::from_der(der).is_ok_and(|ca| ca.names.subject.to_string() == issuer))
        || chain.len() > 1;
    if !issuer_here && issuer != facts.names.subject.to_string() {
        return vec![finding(
            "channel.issuer-missing",
            Severity::Error,
            object,
            attribute,
            format!("certificate '{label}' was issued by {issuer}, which is not in this keystore: the queue manager sends the certificate alone, and partners that trust only the root cannot build its chain (2393 at the partner)"),
            format!("add the issuing CA: mqtls keystore add-ca KEYSTORE LABEL ca.pem (the certificate of {issuer}), then REFRESH SECURITY TYPE(SSL)"),
        )];
    }
    let is_rsa = matches!(facts.key, KeyKind::Rsa(_));
    let admits = ciph.key_type().admits(if is_rsa {
        mqtls_cipherspec::KeyType::Rsa
    } else {
        mqtls_cipherspec::KeyType::Ec
    });
    if admits {
        return Vec::new();
    }
    vec![finding(
        "channel.key-type",
        Severity::Error,
        object,
        "SSLCIPH / CERTLABL",
        format!("certificate '{label}' has an {} key but {ciph} needs {}: no suite can be agreed, every handshake fails (2393)", facts.key, if is_rsa { "an EC certificate" } else { "an RSA certificate" }),
        key_type_fix(chl, ciph, is_rsa),
    )]
}

/// The fix for a certificate whose key type cannot serve the channel's CipherSpec: the
/// same protocol and cipher for this key type when the catalog has it, else ANY_TLS13
/// (whose suites serve either key), or another certificate.
fn key_type_fix(chl: &Channel<'_>, ciph: &CipherSpecName, is_rsa: bool) -> String {
    let spec = serving(ciph, is_rsa);
    let other = if is_rsa { "an EC" } else { "an RSA" };
    format!(
        "ALTER CHANNEL({}) CHLTYPE({}) SSLCIPH({spec}) (it serves this certificate's key), or give the channel a certificate with {other} key",
        chl.name(),
        chl.channel_type()
    )
}

/// A CipherSpec a certificate of this key type serves: `ciph`'s twin for it (ECDHE_RSA_* ↔
/// ECDHE_ECDSA_*, same protocol and cipher) when the catalog supports one, else ANY_TLS13.
pub(super) fn serving(ciph: &CipherSpecName, is_rsa: bool) -> &'static str {
    let (from, to) = if is_rsa { ("ECDHE_ECDSA_", "ECDHE_RSA_") } else { ("ECDHE_RSA_", "ECDHE_ECDSA_") };
    let twin = mqtls_cipherspec::find(&ciph.as_str().replace(from, to)).filter(|s| s.is_supported());
    twin.map_or("ANY_TLS13", |s| s.name)
}
