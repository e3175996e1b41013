//! Channel names in the TLS SNI: a reversible, case-preserving encoding that is a valid
//! DNS name, so a listener can pick the channel's configuration from the ClientHello.
//! Each byte of the name becomes two lowercase hex digits in one label, under
//! [`SUFFIX`]: `APP.SVRCONN` is `4150502e535652434f4e4e.chl.mqtls`.

use crate::error::ChannelError;

/// The DNS suffix under which channel names travel.
pub const SUFFIX: &str = ".chl.mqtls";

/// The SNI host name for a channel.
pub fn encode(channel: &str) -> String {
    let mut out: String = channel.bytes().map(|b| format!("{b:02x}")).collect();
    out.push_str(SUFFIX);
    out
}

/// The channel a SNI host name names; `None` if it is not one of ours.
pub fn decode(sni: &str) -> Result<String, ChannelError> {
    let bad = || ChannelError::BadSni { sni: sni.chars().take(80).collect() };
    let label = sni.strip_suffix(SUFFIX).ok_or_else(bad)?;
    if label.is_empty() || label.len() % 2 == 1 || label.len() > 40 {
        return Err(bad());
    }
    let bytes = (0..label.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(label.get(i..i + 2).ok_or_else(bad)?, 16).map_err(|_| bad()))
        .collect::<Result<Vec<u8>, _>>()?;
    let name = String::from_utf8(bytes).map_err(|_| bad())?;
    mqtls_model::check_name(mqtls_model::ObjectType::Channel, &name).map_err(|_| bad())?;
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_case() {
        assert_eq!(encode("APP.SVRCONN"), "4150502e535652434f4e4e.chl.mqtls");
        assert_eq!(decode(&encode("APP.SVRCONN")).unwrap(), "APP.SVRCONN");
        assert_eq!(decode(&encode("app.svrconn")).unwrap(), "app.svrconn", "case is kept");
        assert!(rustls_pki_types::ServerName::try_from(encode("A/B_C%D.E12345678901").as_str()).is_ok());
    }

    #[test]
    fn foreign_or_hostile_names_are_refused() {
        for sni in [
            "example.com",
            ".chl.mqtls",
            "4.chl.mqtls",
            "zz.chl.mqtls",
            "2041.chl.mqtls",
            &format!("{}.chl.mqtls", "41".repeat(21)),
        ] {
            assert!(decode(sni).is_err(), "{sni}");
        }
    }
}
