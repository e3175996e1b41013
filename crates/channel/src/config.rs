//! rustls configurations from a channel definition and a keystore: the suites SSLCIPH
//! allows (and only those), the certificate CERTLABL names (checked against the
//! CipherSpec's key type before any handshake), the client-certificate policy of SSLCAUTH,
//! and the trust anchors of the keystore.
//!
//! MQ checks no host names: a partner's identity is its certificate DN, checked by SSLPEER
//! and CHLAUTH after the handshake. The client side therefore validates the queue
//! manager's chain (with `mqtls_pki::validate`) but not a name: the SNI carries the channel.

use std::sync::Arc;

use mqtls_cipherspec::{CipherSpecName, KeyType, Protocol};
use mqtls_model::{Channel, SslCauth};
use mqtls_pki::{CertFacts, Crls, Entry, KeyKind, Keystore, Role, UnknownStatus};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{ring, CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::server::WebPkiClientVerifier;
use rustls::{
    ClientConfig, DigitallySignedStruct, RootCertStore, ServerConfig, SignatureScheme, SupportedCipherSuite,
};
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName, UnixTime};

use crate::error::ChannelError;

/// The rustls suites and protocol versions an SSLCIPH allows.
pub fn suites(
    channel: &str,
    ciph: &CipherSpecName,
) -> Result<(Vec<SupportedCipherSuite>, Vec<&'static rustls::SupportedProtocolVersion>), ChannelError> {
    let specs =
        ciph.allowed().map_err(|source| ChannelError::CipherSpec { name: channel.to_owned(), source })?;
    let suites: Vec<SupportedCipherSuite> = specs
        .iter()
        .filter_map(|spec| {
            ring::ALL_CIPHER_SUITES.iter().find(|s| u16::from(s.suite()) == spec.suite.0).copied()
        })
        .collect();
    let suites = by_speed(suites, aes_hardware());
    let mut versions = Vec::new();
    if specs.iter().any(|s| s.protocol == Protocol::Tls13) {
        versions.push(&rustls::version::TLS13);
    }
    if specs.iter().any(|s| s.protocol == Protocol::Tls12) {
        versions.push(&rustls::version::TLS12);
    }
    Ok((suites, versions))
}

/// Whether this CPU runs AES-GCM in hardware (AES-NI with carry-less multiplication, or
/// ARMv8's AES and PMULL): there ring's AES-GCM encrypts several times faster than
/// ChaCha20-Poly1305 (BENCHMARKS.md, "Record encryption per suite").
pub fn aes_hardware() -> bool {
    #[cfg(target_arch = "x86_64")]
    return std::arch::is_x86_feature_detected!("aes") && std::arch::is_x86_feature_detected!("pclmulqdq");
    #[cfg(target_arch = "aarch64")]
    return std::arch::is_aarch64_feature_detected!("aes")
        && std::arch::is_aarch64_feature_detected!("pmull");
    #[allow(unreachable_code)]
    false
}

/// The suites in the order to prefer them: MQ's catalog order (ChaCha20 first), with the
/// ChaCha20 suites moved after the AES-GCM ones when `aes_hardware`. The set is unchanged:
/// only which one a handshake settles on when both ends allow several.
fn by_speed(mut suites: Vec<SupportedCipherSuite>, aes_hardware: bool) -> Vec<SupportedCipherSuite> {
    // TLS_CHACHA20_POLY1305_SHA256 and ECDHE_{RSA,ECDSA}_CHACHA20_POLY1305_SHA256.
    let chacha = |s: &SupportedCipherSuite| matches!(u16::from(s.suite()), 0x1303 | 0xCCA8 | 0xCCA9);
    suites.sort_by_key(|s| aes_hardware && chacha(s));
    suites
}

fn provider(suites: Vec<SupportedCipherSuite>) -> Arc<CryptoProvider> {
    Arc::new(CryptoProvider { cipher_suites: suites, ..ring::default_provider() })
}

fn tls(name: &str) -> impl Fn(rustls::Error) -> ChannelError + '_ {
    move |source| ChannelError::Tls { name: name.to_owned(), source }
}

/// The certificate and key for `label`, checked against the CipherSpec's key type.
fn identity(
    name: &str,
    ciph: &CipherSpecName,
    ks: &Keystore,
    label: &str,
) -> Result<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>), ChannelError> {
    let pki = |source| ChannelError::Pki { name: name.to_owned(), source };
    let Entry::Personal { key, chain } = ks.get(label).map_err(pki)? else {
        return Err(pki(mqtls_pki::PkiError::Invalid {
            subject: label.to_owned(),
            reason: "is a CA certificate, not a personal certificate with a key".into(),
        }));
    };
    let facts = CertFacts::from_der(&chain[0]).map_err(pki)?;
    let cert_type = if matches!(facts.key, KeyKind::Rsa(_)) { KeyType::Rsa } else { KeyType::Ec };
    if !ciph.key_type().admits(cert_type) {
        return Err(ChannelError::KeyTypeMismatch {
            name: name.to_owned(),
            label: label.to_owned(),
            key: facts.key.to_string(),
            cipherspec: ciph.to_string(),
            needs: if ciph.key_type() == KeyType::Rsa { "RSA" } else { "EC" },
        });
    }
    let chain = chain.iter().map(|c| CertificateDer::from(c.clone())).collect();
    Ok((chain, PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.clone()))))
}

fn roots(name: &str, ks: &Keystore) -> Result<Arc<RootCertStore>, ChannelError> {
    let mut roots = RootCertStore::empty();
    for der in ks.trusted() {
        roots.add(CertificateDer::from(der.to_vec())).map_err(tls(name))?;
    }
    if roots.is_empty() {
        return Err(ChannelError::NoTrustedCa { name: name.to_owned() });
    }
    Ok(Arc::new(roots))
}

/// The SSLCIPH of a channel that must use TLS, and the provider and protocol versions
/// restricted to the suites it allows.
fn restricted(
    channel: &Channel<'_>,
) -> Result<(CipherSpecName, Arc<CryptoProvider>, Vec<&'static rustls::SupportedProtocolVersion>), ChannelError>
{
    let name = channel.name();
    let ciph = channel.ssl_ciph().ok_or_else(|| ChannelError::TlsMismatch {
        name: name.to_owned(),
        why: "the channel has no SSLCIPH",
    })?;
    let (suites, versions) = suites(name, &ciph)?;
    Ok((ciph, provider(suites), versions))
}

/// The listener's configuration for one channel. `label` is CERTLABL, else the queue
/// manager's CERTLABL, else MQ's default label (chosen by the caller).
pub fn server_config(
    channel: &Channel<'_>,
    label: &str,
    ks: &Keystore,
) -> Result<Arc<ServerConfig>, ChannelError> {
    let (ciph, provider, versions) = restricted(channel)?;
    serve(channel.name(), &ciph, provider, &versions, channel.ssl_cauth(), label, ks)
}

/// What [`queue_manager_config`]'s errors name in place of a channel.
pub const NO_CHANNEL_SNI: &str = "(TLS naming no channel)";

/// The listener's configuration for a TLS connection whose SNI names no channel (a host
/// name, or none), as IBM MQ serves it: the queue manager's certificate (`label`: its
/// CERTLABL, else MQ's default label), every suite of ANY_TLS12_OR_HIGHER, and a client
/// certificate asked for but not required. The channel's SSLCIPH, SSLCAUTH and CERTLABL
/// are checked once the partner names the channel.
pub fn queue_manager_config(label: &str, ks: &Keystore) -> Result<Arc<ServerConfig>, ChannelError> {
    let ciph = CipherSpecName::new("ANY_TLS12_OR_HIGHER");
    let (suites, versions) = suites(NO_CHANNEL_SNI, &ciph)?;
    serve(NO_CHANNEL_SNI, &ciph, provider(suites), &versions, SslCauth::Optional, label, ks)
}

fn serve(
    name: &str,
    ciph: &CipherSpecName,
    provider: Arc<CryptoProvider>,
    versions: &[&'static rustls::SupportedProtocolVersion],
    cauth: SslCauth,
    label: &str,
    ks: &Keystore,
) -> Result<Arc<ServerConfig>, ChannelError> {
    let (chain, key) = identity(name, ciph, ks, label)?;
    let builder = ServerConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(versions)
        .map_err(tls(name))?;
    let builder = match (cauth, roots(name, ks)) {
        (SslCauth::Optional, Err(_)) => builder.with_no_client_auth(),
        (cauth, roots) => {
            let mut verifier = WebPkiClientVerifier::builder_with_provider(roots?, provider);
            if cauth == SslCauth::Optional {
                verifier = verifier.allow_unauthenticated();
            }
            let verifier = verifier.build().map_err(|e| ChannelError::Tls {
                name: name.to_owned(),
                source: rustls::Error::General(e.to_string()),
            })?;
            builder.with_client_cert_verifier(verifier)
        }
    };
    let mut config = builder.with_single_cert(chain, key).map_err(tls(name))?;
    // The listener's order (the fastest suite on this CPU) decides among those both allow.
    config.ignore_client_order = true;
    Ok(Arc::new(config))
}

/// A client's (or sending channel's) configuration: the channel's suites, its certificate
/// if `label` names one, and the keystore's CAs to check the queue manager's chain.
pub fn client_config(
    channel: &Channel<'_>,
    label: Option<&str>,
    ks: &Keystore,
) -> Result<Arc<ClientConfig>, ChannelError> {
    let name = channel.name();
    let (ciph, provider, versions) = restricted(channel)?;
    let anchors: Vec<Vec<u8>> = ks.trusted().into_iter().map(<[u8]>::to_vec).collect();
    if anchors.is_empty() {
        return Err(ChannelError::NoTrustedCa { name: name.to_owned() });
    }
    let verifier = Arc::new(ChainOnly { anchors, algorithms: provider.signature_verification_algorithms });
    let builder = ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(&versions)
        .map_err(tls(name))?
        .dangerous()
        .with_custom_certificate_verifier(verifier);
    let config = match label {
        Some(label) => {
            let (chain, key) = identity(name, &ciph, ks, label)?;
            builder.with_client_auth_cert(chain, key).map_err(tls(name))?
        }
        None => builder.with_no_client_auth(),
    };
    Ok(Arc::new(config))
}

/// Checks the server's chain against the keystore's CAs, and no host name (MQ identifies
/// partners by DN, after the handshake).
#[derive(Debug)]
struct ChainOnly {
    anchors: Vec<Vec<u8>>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for ChainOnly {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let mut chain = vec![end_entity.to_vec()];
        chain.extend(intermediates.iter().map(|c| c.to_vec()));
        let anchors: Vec<&[u8]> = self.anchors.iter().map(Vec::as_slice).collect();
        mqtls_pki::validate(
            &chain,
            &anchors,
            Role::Server,
            now.as_secs() as i64,
            &Crls::default(),
            UnknownStatus::Allow,
        )
        .map(|_| ServerCertVerified::assertion())
        .map_err(|e| rustls::Error::General(e.to_string()))
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}
