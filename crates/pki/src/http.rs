//! Plain-HTTP exchanges for revocation data (CRL distribution points, OCSP responders),
//! each with a timeout and a bound on the answer's size.

use std::io::Read;
use std::time::Duration;

use crate::error::PkiError;

/// GETs `url` (a CRL, a CCDT at an http: MQCCDTURL), within `timeout`, refusing an
/// answer over `max` bytes.
pub fn get(url: &str, timeout: Duration, max: u64) -> Result<Vec<u8>, PkiError> {
    let request = ureq::AgentBuilder::new().timeout(timeout).build().get(url);
    read_bounded(url, request.call(), max)
}

/// POSTs `body` of `content_type` to `url` (an OCSP request).
pub(crate) fn post(
    url: &str,
    content_type: &str,
    body: &[u8],
    timeout: Duration,
    max: u64,
) -> Result<Vec<u8>, PkiError> {
    let request =
        ureq::AgentBuilder::new().timeout(timeout).build().post(url).set("Content-Type", content_type);
    read_bounded(url, request.send_bytes(body), max)
}

fn read_bounded(
    url: &str,
    response: Result<ureq::Response, ureq::Error>,
    max: u64,
) -> Result<Vec<u8>, PkiError> {
    let fail = |detail: String| PkiError::Network { url: url.to_owned(), detail };
    let mut bytes = Vec::new();
    response
        .map_err(|e| fail(e.to_string()))?
        .into_reader()
        .take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| fail(e.to_string()))?;
    if bytes.len() as u64 > max {
        return Err(fail(format!("answer larger than {max} bytes")));
    }
    Ok(bytes)
}
