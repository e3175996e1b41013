//! Channel names in the TLS SNI, as IBM MQ sends them, so a listener can pick the
//! channel's certificate (CERTLABL) from the ClientHello and a real MQ client is served.
//!
//! IBM MQ's mapping ("How IBM MQ provides multiple certificates capability",
//! <https://www.ibm.com/docs/en/ibm-mq/latest?topic=requirements-how-mq-provides-multiple-certificates-capability>):
//! `A`-`Z` fold to lower case, `0`-`9` stay, every other byte (lower-case letters
//! included) becomes its two lower-case hex digits and `-`, then [`SUFFIX`]:
//! `TO.QMGR1` is `to2e-qmgr1.chl.mq.ibm.com`, `to.qmgr1` is
//! `74-6f-2e-71-6d-67-72-1.chl.mq.ibm.com`. The mapping is reversible: `-` only ever
//! follows an escape, so a decoder that takes `xx-` as an escape wherever it sees one
//! reads back the name exactly.
//!
//! mqtls's own earlier form (the name's bytes in hex under [`LEGACY_SUFFIX`]) is still
//! read for one release; it is no longer sent.

use crate::error::ChannelError;

/// The DNS suffix under which IBM MQ sends channel names.
pub const SUFFIX: &str = ".chl.mq.ibm.com";

/// mqtls 0.x's suffix (hex of the name's bytes), read but no longer sent.
pub const LEGACY_SUFFIX: &str = ".chl.mqtls";

/// The SNI host name IBM MQ sends for `channel`.
pub fn encode(channel: &str) -> String {
    let mut out = String::with_capacity(channel.len() * 3 + SUFFIX.len());
    for b in channel.bytes() {
        match b {
            b'A'..=b'Z' => out.push(char::from(b.to_ascii_lowercase())),
            b'0'..=b'9' => out.push(char::from(b)),
            _ => out.push_str(&format!("{b:02x}-")),
        }
    }
    out.push_str(SUFFIX);
    out
}

/// Whether `sni` claims to name a channel (either suffix): such an SNI must decode, a
/// host name (or none) gets the queue manager's certificate.
pub fn names_channel(sni: &str) -> bool {
    let lower = sni.to_ascii_lowercase();
    lower.ends_with(SUFFIX) || lower.ends_with(LEGACY_SUFFIX)
}

/// What a client or sending channel puts in the SNI: mqclient.ini's SSL `OutboundSNI`
/// (`MQOUTBOUND_SNI`), qm.ini's for a queue manager. IBM: "If you set an environment
/// variable that is not valid, or provide a value that is not valid in the mqclient.ini
/// file, the default value of CHANNEL" is used ("OutboundSNI property",
/// <https://www.ibm.com/docs/en/ibm-mq/9.3?topic=applications-outboundsni-property>).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Outbound {
    /// The channel's SNI (MQ's default): a channel with CERTLABL can be chosen.
    #[default]
    Channel,
    /// The host name of the CONNAME (no SNI for an IP address): the partner shows its
    /// queue manager's certificate.
    HostName,
}

impl Outbound {
    /// OutboundSNI's value (`CHANNEL`, `HOSTNAME`, any case); `None` for anything else.
    pub fn parse(value: &str) -> Option<Self> {
        match value.trim().to_ascii_uppercase().as_str() {
            "CHANNEL" => Some(Self::Channel),
            "HOSTNAME" => Some(Self::HostName),
            _ => None,
        }
    }

    /// The SNI to send for `channel` at `host`; `None` when it would not be a valid host
    /// name (a channel name ending in neither A-Z nor 0-9, an IP address): no SNI then.
    pub fn server_name(self, channel: &str, host: &str) -> Option<String> {
        match self {
            Self::Channel => Some(encode(channel)).filter(|_| mqtls_model::sni_is_host_name(channel)),
            Self::HostName => Some(host.to_owned()).filter(|h| {
                h.parse::<std::net::IpAddr>().is_err()
                    && rustls_pki_types::ServerName::try_from(h.as_str()).is_ok()
            }),
        }
    }
}

/// The channel a channel SNI names (IBM MQ's form, or mqtls's legacy form).
pub fn decode(sni: &str) -> Result<String, ChannelError> {
    let bad = || ChannelError::BadSni { sni: sni.chars().take(80).collect() };
    let lower = sni.to_ascii_lowercase();
    let bytes = if let Some(label) = lower.strip_suffix(SUFFIX) {
        decode_ibm(label).ok_or_else(bad)?
    } else if let Some(label) = lower.strip_suffix(LEGACY_SUFFIX) {
        decode_legacy(label).ok_or_else(bad)?
    } else {
        return Err(bad());
    };
    let name = String::from_utf8(bytes).map_err(|_| bad())?;
    mqtls_model::check_name(mqtls_model::ObjectType::Channel, &name).map_err(|_| bad())?;
    Ok(name)
}

fn decode_ibm(label: &str) -> Option<Vec<u8>> {
    // At most 20 characters, each at most 3 in the label.
    if label.is_empty() || label.len() > 60 {
        return None;
    }
    let s = label.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < s.len() {
        if s.get(i + 2) == Some(&b'-') {
            let hex = std::str::from_utf8(&s[i..i + 2]).ok()?;
            let byte = u8::from_str_radix(hex, 16).ok()?;
            // An upper-case letter or a digit is never escaped: a second spelling of a
            // name would let two SNIs name one channel.
            if byte.is_ascii_uppercase() || byte.is_ascii_digit() {
                return None;
            }
            out.push(byte);
            i += 3;
        } else {
            match s[i] {
                c @ b'a'..=b'z' => out.push(c.to_ascii_uppercase()),
                c @ b'0'..=b'9' => out.push(c),
                _ => return None,
            }
            i += 1;
        }
    }
    Some(out)
}

fn decode_legacy(label: &str) -> Option<Vec<u8>> {
    if label.is_empty() || label.len() % 2 == 1 || label.len() > 40 {
        return None;
    }
    (0..label.len()).step_by(2).map(|i| u8::from_str_radix(label.get(i..i + 2)?, 16).ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ibm_examples_are_the_test_vectors() {
        assert_eq!(encode("TO.QMGR1"), "to2e-qmgr1.chl.mq.ibm.com");
        assert_eq!(encode("to.qmgr1"), "74-6f-2e-71-6d-67-72-1.chl.mq.ibm.com");
        assert_eq!(encode("SYSTEM.ADMIN.SVRCONN"), "system2e-admin2e-svrconn.chl.mq.ibm.com");
        assert_eq!(decode("to2e-qmgr1.chl.mq.ibm.com").unwrap(), "TO.QMGR1");
        assert_eq!(decode("74-6f-2e-71-6d-67-72-1.chl.mq.ibm.com").unwrap(), "to.qmgr1");
        // Host names are case-insensitive: an upper-cased SNI names the same channel.
        assert_eq!(decode("TO2E-QMGR1.CHL.MQ.IBM.COM").unwrap(), "TO.QMGR1");
    }

    #[test]
    fn every_name_character_round_trips() {
        let chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._/%";
        for (i, c) in chars.chars().enumerate() {
            // The character alone, after and before others, so escapes meet literals.
            for name in [c.to_string(), format!("A{c}2"), format!("{c}E.{c}"), format!("1{c}{c}e")] {
                assert_eq!(decode(&encode(&name)).unwrap(), name, "#{i} {name}");
            }
        }
        let longest = "a.b/c%d_e.f/g%h_i.j/";
        assert_eq!(longest.len(), 20);
        assert_eq!(decode(&encode(longest)).unwrap(), longest);
    }

    proptest::proptest! {
        #[test]
        fn every_legal_channel_name_round_trips(name in "[A-Za-z0-9._/%]{1,20}") {
            let sni = encode(&name);
            proptest::prop_assert_eq!(decode(&sni).unwrap(), name.clone());
            proptest::prop_assert_eq!(
                rustls_pki_types::ServerName::try_from(sni.as_str()).is_ok(),
                mqtls_model::sni_is_host_name(&name)
            );
        }
    }

    #[test]
    fn host_name_validity_follows_the_last_character() {
        for (name, valid) in
            [("TO.QMGR1", true), ("APP.SVRCONN", true), ("APP.", false), ("A_", false), ("app.a", false)]
        {
            assert_eq!(mqtls_model::sni_is_host_name(name), valid, "{name}");
            let parsed = rustls_pki_types::ServerName::try_from(encode(name));
            assert_eq!(parsed.is_ok(), valid, "{name}: rustls agrees");
        }
    }

    #[test]
    fn outbound_sni_follows_the_setting() {
        assert_eq!(Outbound::parse(" hostname "), Some(Outbound::HostName));
        assert_eq!(Outbound::parse("*"), None);
        let channel = Outbound::Channel;
        assert_eq!(channel.server_name("TO.QMGR1", "mq.example.com").unwrap(), "to2e-qmgr1.chl.mq.ibm.com");
        assert_eq!(channel.server_name("TO.QMGR1.", "mq.example.com"), None, "not a host name: none");
        let host = Outbound::HostName;
        assert_eq!(host.server_name("TO.QMGR1", "mq.example.com").unwrap(), "mq.example.com");
        assert_eq!(host.server_name("TO.QMGR1", "127.0.0.1"), None, "an IP address: no SNI");
    }

    #[test]
    fn the_legacy_form_is_still_read() {
        assert_eq!(decode("4150502e535652434f4e4e.chl.mqtls").unwrap(), "APP.SVRCONN");
        assert!(names_channel("4150502e535652434f4e4e.chl.mqtls"));
        assert!(names_channel("to2e-qmgr1.chl.mq.ibm.com"));
        assert!(!names_channel("mq.example.com"));
    }

    #[test]
    fn foreign_or_hostile_names_are_refused() {
        for sni in [
            "example.com",
            ".chl.mq.ibm.com",
            "41-pp.chl.mq.ibm.com", // an escaped capital: a second spelling of "App"
            "zz-a.chl.mq.ibm.com",
            "a--b.chl.mq.ibm.com",
            "a.b.chl.mq.ibm.com",
            "20-.chl.mq.ibm.com", // a space is no channel-name character
            &format!("{}.chl.mq.ibm.com", "a".repeat(21)),
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
