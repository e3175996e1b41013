//! Reading and verifying an OCSP response (RFC 6960).

use ring::signature::{self, UnparsedPublicKey, VerificationAlgorithm};
use x509_parser::prelude::X509Certificate;

use super::{cert_id, delegated, malformed, parse_pair, CertStatus, OIDS};
use crate::der::{generalized_time, oid, tag, Reader, Tlv};
use crate::error::PkiError;

fn oid_is(t: &Tlv<'_>, dotted: &str) -> bool {
    t.tag == tag::OID && oid(dotted)[2..] == *t.content
}

fn refused(why: String) -> PkiError {
    PkiError::Invalid { subject: "OCSP response".into(), reason: why }
}

/// Verifies an OCSP response for `cert` (issued by `issuer`) at `now`, allowing `skew`
/// seconds of clock difference. Returns the status and nextUpdate, if any.
pub fn verify_response(
    bytes: &[u8],
    cert: &[u8],
    issuer: &[u8],
    nonce: Option<&[u8]>,
    now: i64,
    skew: i64,
) -> Result<(CertStatus, Option<i64>), PkiError> {
    let (c, i) = parse_pair(cert, issuer)?;
    let mut top = Reader::new(Reader::new(bytes).expect(tag::SEQUENCE, "OCSPResponse")?.content);
    let status = top.expect(tag::ENUMERATED, "responseStatus")?;
    if status.content != [0] {
        let name = match status.content {
            [1] => "malformedRequest",
            [2] => "internalError",
            [3] => "tryLater",
            [5] => "sigRequired",
            [6] => "unauthorized",
            _ => "an unknown status",
        };
        return Err(refused(format!("the responder answered {name}")));
    }
    let bytes_tlv = top.expect(0xA0, "responseBytes")?;
    let mut rb = Reader::new(Reader::new(bytes_tlv.content).expect(tag::SEQUENCE, "ResponseBytes")?.content);
    if !oid_is(&rb.expect(tag::OID, "responseType")?, OIDS.2) {
        return Err(refused("not a basic OCSP response".into()));
    }
    let basic = rb.expect(tag::OCTET_STRING, "response")?;
    let mut b = Reader::new(Reader::new(basic.content).expect(tag::SEQUENCE, "BasicOCSPResponse")?.content);
    let tbs = b.expect(tag::SEQUENCE, "tbsResponseData")?;
    let sig_alg = b.expect(tag::SEQUENCE, "signatureAlgorithm")?;
    let sig_oid = Reader::new(sig_alg.content).expect(tag::OID, "signature algorithm")?;
    let sig = b.expect(tag::BIT_STRING, "signature")?;
    let sig_bytes = sig.content.get(1..).ok_or_else(|| malformed("empty signature"))?;
    let mut certs = Vec::new();
    if let Some(list) = b.optional(0xA0)? {
        let mut r = Reader::new(Reader::new(list.content).expect(tag::SEQUENCE, "certs")?.content);
        while !r.is_empty() {
            certs.push(r.expect(tag::SEQUENCE, "certificate")?.raw);
        }
    }
    // Signed by the issuer, or by a responder the issuer delegated to.
    let by_issuer = signed_by(&i, &sig_oid, tbs.raw, sig_bytes);
    let by_delegate = !by_issuer
        && certs.iter().any(|r| {
            x509_parser::parse_x509_certificate(r)
                .is_ok_and(|(_, rc)| signed_by(&rc, &sig_oid, tbs.raw, sig_bytes))
                && delegated(r, issuer, now)
        });
    if !by_issuer && !by_delegate {
        return Err(refused(
            "not signed by the issuer nor by a responder certificate the issuer authorised (OCSP-signing EKU)".into(),
        ));
    }
    let mut t = Reader::new(tbs.content);
    t.optional(0xA0)?;
    let responder = t.any()?;
    if responder.tag != 0xA1 && responder.tag != 0xA2 {
        return Err(malformed("bad responderID"));
    }
    t.expect(tag::GENERALIZED_TIME, "producedAt")?;
    let responses = t.expect(tag::SEQUENCE, "responses")?;
    if let Some(exts) = t.optional(0xA1)? {
        check_nonce(exts, nonce)?;
    }
    let (_, key_hash, serial) = cert_id(&c, &i);
    let name_hash = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, c.issuer().as_raw());
    let mut list = Reader::new(responses.content);
    while !list.is_empty() {
        let single = list.expect(tag::SEQUENCE, "SingleResponse")?;
        let mut s = Reader::new(single.content);
        let id = s.expect(tag::SEQUENCE, "CertID")?;
        let mut idr = Reader::new(id.content);
        let alg = idr.expect(tag::SEQUENCE, "hashAlgorithm")?;
        let alg_oid = Reader::new(alg.content).expect(tag::OID, "hash OID")?;
        let (nh, kh, sn) = (
            idr.expect(tag::OCTET_STRING, "issuerNameHash")?,
            idr.expect(tag::OCTET_STRING, "issuerKeyHash")?,
            idr.expect(tag::INTEGER, "serialNumber")?,
        );
        if !oid_is(&alg_oid, OIDS.0)
            || nh.content != name_hash.as_ref()
            || kh.content != key_hash.as_slice()
            || sn.content != serial.as_slice()
        {
            continue;
        }
        let status_tlv = s.any()?;
        let status = match status_tlv.tag {
            0x80 => CertStatus::Good,
            0xA1 => {
                let at = Reader::new(status_tlv.content).expect(tag::GENERALIZED_TIME, "revocationTime")?;
                CertStatus::Revoked { at: generalized_time(at.content)? }
            }
            0x82 => CertStatus::Unknown,
            _ => return Err(malformed("bad certStatus")),
        };
        let this_update = generalized_time(s.expect(tag::GENERALIZED_TIME, "thisUpdate")?.content)?;
        let next_update = match s.optional(0xA0)? {
            Some(n) => Some(generalized_time(
                Reader::new(n.content).expect(tag::GENERALIZED_TIME, "nextUpdate")?.content,
            )?),
            None => None,
        };
        if this_update > now + skew {
            return Err(refused(format!(
                "thisUpdate {} is in the future; check the clocks",
                crate::utc(this_update)
            )));
        }
        if let Some(next) = next_update {
            if next < now - skew {
                return Err(refused(format!("the response expired at {} (nextUpdate)", crate::utc(next))));
            }
        }
        return Ok((status, next_update));
    }
    Err(refused("the response does not answer for this certificate (no matching CertID)".into()))
}

fn check_nonce(exts: Tlv<'_>, sent: Option<&[u8]>) -> Result<(), PkiError> {
    let mut list = Reader::new(Reader::new(exts.content).expect(tag::SEQUENCE, "Extensions")?.content);
    while !list.is_empty() {
        let ext = list.expect(tag::SEQUENCE, "Extension")?;
        let mut e = Reader::new(ext.content);
        let id = e.expect(tag::OID, "extnID")?;
        if !oid_is(&id, OIDS.1) {
            continue;
        }
        let mut value = e.any()?;
        if value.tag == 0x01 {
            value = e.any()?;
        }
        let inner = Reader::new(value.content).any().map(|t| t.content).unwrap_or(value.content);
        if sent.is_some_and(|n| n != inner) {
            return Err(refused("the nonce does not match the request's (a replayed response?)".into()));
        }
    }
    Ok(())
}

/// Whether `signer`'s key verifies `sig` over `data` with the algorithm named by `alg`.
fn signed_by(signer: &X509Certificate<'_>, alg: &Tlv<'_>, data: &[u8], sig: &[u8]) -> bool {
    let spki = signer.public_key();
    let key = &spki.subject_public_key.data;
    let curve = spki.algorithm.parameters.as_ref().and_then(|p| p.as_oid().ok()).map(|o| o.to_id_string());
    let p384 = curve.as_deref() == Some("1.3.132.0.34");
    let algorithm: &dyn VerificationAlgorithm = if oid_is(alg, "1.2.840.113549.1.1.11") {
        &signature::RSA_PKCS1_2048_8192_SHA256
    } else if oid_is(alg, "1.2.840.113549.1.1.12") {
        &signature::RSA_PKCS1_2048_8192_SHA384
    } else if oid_is(alg, "1.2.840.113549.1.1.13") {
        &signature::RSA_PKCS1_2048_8192_SHA512
    } else if oid_is(alg, "1.2.840.113549.1.1.5") {
        &signature::RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY
    } else if oid_is(alg, "1.2.840.10045.4.3.2") {
        if p384 {
            &signature::ECDSA_P384_SHA256_ASN1
        } else {
            &signature::ECDSA_P256_SHA256_ASN1
        }
    } else if oid_is(alg, "1.2.840.10045.4.3.3") {
        if p384 {
            &signature::ECDSA_P384_SHA384_ASN1
        } else {
            &signature::ECDSA_P256_SHA384_ASN1
        }
    } else {
        return false;
    };
    UnparsedPublicKey::new(algorithm, key).verify(data, sig).is_ok()
}
