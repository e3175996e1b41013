//! What the probe's TLS client records while it handshakes: the chain the listener shows
//! (accepted whatever it is, so it can be shown; the handshake signatures are still
//! checked) and whether a client certificate was asked for, from which CAs.

use std::sync::{Arc, Mutex};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::ResolvesClientCert;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::sign::CertifiedKey;
use rustls::{DigitallySignedStruct, SignatureScheme};

/// Accepts any chain, recording it; checks the handshake's signatures as rustls would.
#[derive(Debug)]
pub(crate) struct Recorder {
    pub(crate) seen: Arc<Mutex<Vec<Vec<u8>>>>,
    pub(crate) provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for Recorder {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let mut seen = self.seen.lock().expect("probe lock");
        seen.push(end_entity.to_vec());
        seen.extend(intermediates.iter().map(|c| c.to_vec()));
        Ok(ServerCertVerified::assertion())
    }
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }
    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider.signature_verification_algorithms.supported_schemes()
    }
}

/// Records whether the server asked for a client certificate, and from which CAs.
#[derive(Debug)]
pub(crate) struct Asked {
    pub(crate) requested: Arc<Mutex<Option<Vec<String>>>>,
    pub(crate) key: Option<Arc<CertifiedKey>>,
}

impl ResolvesClientCert for Asked {
    fn resolve(&self, hints: &[&[u8]], _schemes: &[SignatureScheme]) -> Option<Arc<CertifiedKey>> {
        let names = hints
            .iter()
            .map(|h| mqtls_dn::Dn::from_name_der(h).map_or_else(|_| "?".into(), |d| d.to_string()))
            .collect();
        *self.requested.lock().expect("probe lock") = Some(names);
        self.key.clone()
    }
    fn has_certs(&self) -> bool {
        true
    }
}
