//! Subject and issuer DNs, and the serial number, read from a certificate.

use x509_parser::der_parser::asn1_rs::ToDer;
use x509_parser::prelude::{FromDer, X509Certificate, X509Name};

use crate::error::{DnError, ErrorKind};
use crate::name::{AttrKey, Ava, AvaValue, Dn, Rdn};

/// The names a certificate carries, as MQ shows them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertNames {
    /// The subject DN.
    pub subject: Dn,
    /// The issuer DN.
    pub issuer: Dn,
    /// The serial number as MQ shows it: uppercase hex bytes joined by `:`.
    pub serial: String,
}

impl CertNames {
    /// Reads a DER certificate.
    pub fn from_der(der: &[u8]) -> Result<Self, DnError> {
        let bad =
            || DnError { what: "certificate", input: String::new(), at: 0, kind: ErrorKind::BadCertificate };
        let (_, cert) = X509Certificate::from_der(der).map_err(|_| bad())?;
        let serial = cert.raw_serial().iter().map(|b| format!("{b:02X}")).collect::<Vec<_>>().join(":");
        Ok(Self { subject: from_name(cert.subject()), issuer: from_name(cert.issuer()), serial })
    }

    /// The subject with the certificate serial number in front, the form MQ shows in
    /// DISPLAY CHSTATUS SSLPEER and matches SSLPEER's SERIALNUMBER against.
    pub fn peer_with_serial(&self) -> Dn {
        let serial = Ava { key: AttrKey::from_oid("2.5.4.5"), value: AvaValue::Text(self.serial.clone()) };
        let mut dn = Dn(vec![Rdn(vec![serial])]);
        dn.0.extend(
            self.subject.0.iter().filter(|rdn| rdn.0.iter().all(|a| a.key.name() != "SERIALNUMBER")).cloned(),
        );
        dn
    }
}

impl Dn {
    /// Reads a DER-encoded X.509 Name, with or without its outer SEQUENCE (as a TLS
    /// CertificateRequest lists acceptable CAs).
    pub fn from_name_der(der: &[u8]) -> Result<Self, DnError> {
        let bad = || DnError {
            what: "distinguished name",
            input: String::new(),
            at: 0,
            kind: ErrorKind::BadCertificate,
        };
        if let Ok((rest, name)) = X509Name::from_der(der) {
            if rest.is_empty() {
                return Ok(from_name(&name));
            }
        }
        let mut wrapped = vec![0x30];
        match der.len() {
            n if n < 0x80 => wrapped.push(n as u8),
            n if n <= 0xff => wrapped.extend([0x81, n as u8]),
            n if n <= 0xffff => wrapped.extend([0x82, (n >> 8) as u8, n as u8]),
            _ => return Err(bad()),
        }
        wrapped.extend_from_slice(der);
        let (rest, name) = X509Name::from_der(&wrapped).map_err(|_| bad())?;
        if !rest.is_empty() {
            return Err(bad());
        }
        Ok(from_name(&name))
    }
}

/// Converts an X.509 name (DER order, root first) to a DN in string order.
fn from_name(name: &X509Name<'_>) -> Dn {
    let mut rdns: Vec<Rdn> = name
        .iter()
        .map(|rdn| {
            Rdn(rdn
                .iter()
                .map(|atv| {
                    let key = AttrKey::from_oid(&atv.attr_type().to_id_string());
                    let value = match (&key, atv.as_str()) {
                        (AttrKey::Known(_), Ok(s)) => AvaValue::Text(s.to_owned()),
                        _ => AvaValue::Der(atv.attr_value().to_der_vec().unwrap_or_default()),
                    };
                    Ava { key, value }
                })
                .collect())
        })
        .collect();
    rdns.reverse();
    Dn(rdns)
}
