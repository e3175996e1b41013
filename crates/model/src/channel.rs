//! A typed view of a channel's security and connection attributes.

use mqtls_cipherspec::CipherSpecName;

use crate::object::Object;
use crate::ChannelType;

/// Whether IBM MQ's TLS SNI for the channel `name` is a valid DNS host name, which a TLS
/// client can send: only when the name ends in A-Z or 0-9 (every other character is
/// escaped as `xx-`, and a label may not end in `-`). A channel whose SNI is not has its
/// partners send none, so its CERTLABL can never be chosen.
pub fn sni_is_host_name(name: &str) -> bool {
    name.bytes().last().is_some_and(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// Whether a channel demands the partner's certificate (SSLCAUTH).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SslCauth {
    /// The partner must present a certificate (MQ's default).
    Required,
    /// A certificate is checked if presented.
    Optional,
}

/// How a client picks among CLNTCONN entries of equal weight (AFFINITY).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Affinity {
    /// Keep to the same order per client host.
    Preferred,
    /// Random order for every connection.
    None,
}

/// A channel definition read through its typed accessors.
#[derive(Clone, Copy, Debug)]
pub struct Channel<'a>(&'a Object);

impl<'a> Channel<'a> {
    /// Views `object` as a channel, if it is one.
    pub fn new(object: &'a Object) -> Option<Self> {
        object.channel_type().map(|_| Self(object))
    }

    /// The underlying object.
    pub fn object(&self) -> &'a Object {
        self.0
    }

    /// The channel name.
    pub fn name(&self) -> &'a str {
        self.0.name()
    }

    /// CHLTYPE.
    pub fn channel_type(&self) -> ChannelType {
        self.0.channel_type().expect("Channel views are made from channels only")
    }

    /// SSLCIPH; `None` when the channel does not use TLS.
    pub fn ssl_ciph(&self) -> Option<CipherSpecName> {
        let v = self.0.str("SSLCIPH");
        (!v.trim().is_empty()).then(|| CipherSpecName::new(v.trim()))
    }

    /// SSLCAUTH (not applicable to CLNTCONN, where it reads as required).
    pub fn ssl_cauth(&self) -> SslCauth {
        match self.0.str("SSLCAUTH").as_str() {
            "OPTIONAL" => SslCauth::Optional,
            _ => SslCauth::Required,
        }
    }

    /// SSLPEER, if set.
    pub fn ssl_peer(&self) -> Option<String> {
        Some(self.0.str("SSLPEER")).filter(|s| !s.trim().is_empty())
    }

    /// CERTLABL, if set.
    pub fn cert_label(&self) -> Option<String> {
        Some(self.0.str("CERTLABL")).filter(|s| !s.trim().is_empty())
    }

    /// CONNAME entries (`host(port)`), split on commas.
    pub fn conname(&self) -> Vec<String> {
        self.0.str("CONNAME").split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()
    }

    /// QMNAME (CLNTCONN).
    pub fn qmname(&self) -> String {
        self.0.str("QMNAME")
    }

    /// XMITQ (SDR, SVR).
    pub fn xmitq(&self) -> String {
        self.0.str("XMITQ")
    }

    /// MCAUSER.
    pub fn mcauser(&self) -> String {
        self.0.str("MCAUSER")
    }

    /// HBINT in seconds.
    pub fn hbint(&self) -> i64 {
        self.0.int("HBINT").unwrap_or(300)
    }

    /// MAXMSGL in bytes.
    pub fn maxmsgl(&self) -> i64 {
        self.0.int("MAXMSGL").unwrap_or(4_194_304)
    }

    /// SHARECNV (client channels).
    pub fn sharecnv(&self) -> i64 {
        self.0.int("SHARECNV").unwrap_or(10)
    }

    /// CLNTWGHT (CLNTCONN).
    pub fn clntwght(&self) -> i64 {
        self.0.int("CLNTWGHT").unwrap_or(0)
    }

    /// AFFINITY (CLNTCONN).
    pub fn affinity(&self) -> Affinity {
        match self.0.str("AFFINITY").as_str() {
            "NONE" => Affinity::None,
            _ => Affinity::Preferred,
        }
    }

    /// DESCR.
    pub fn descr(&self) -> String {
        self.0.str("DESCR")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{AttrSet, ObjectType, Stamp, Value};

    fn channel(values: Vec<(&'static str, Value)>) -> Object {
        let attrs = AttrSet::from_values(ObjectType::Channel, values).unwrap();
        Object::new(ObjectType::Channel, "C", attrs, Stamp::default()).unwrap()
    }

    #[test]
    fn typed_accessors() {
        let obj = channel(vec![
            ("CHLTYPE", Value::Word("CLNTCONN".into())),
            ("SSLCIPH", Value::Str("ANY_TLS12_OR_HIGHER".into())),
            ("CONNAME", Value::Str("a(1414), b(1415)".into())),
            ("AFFINITY", Value::Word("NONE".into())),
        ]);
        let chl = Channel::new(&obj).unwrap();
        assert_eq!(chl.channel_type(), ChannelType::Clntconn);
        assert_eq!(chl.ssl_ciph().unwrap().as_str(), "ANY_TLS12_OR_HIGHER");
        assert_eq!(chl.conname(), vec!["a(1414)", "b(1415)"]);
        assert_eq!(chl.affinity(), Affinity::None);
        assert_eq!(chl.ssl_peer(), None);
        assert_eq!(chl.sharecnv(), 10);
    }

    #[test]
    fn blank_sslciph_means_no_tls() {
        let obj =
            channel(vec![("CHLTYPE", Value::Word("SVRCONN".into())), ("SSLCIPH", Value::Str(" ".into()))]);
        assert!(Channel::new(&obj).unwrap().ssl_ciph().is_none());
        assert_eq!(Channel::new(&obj).unwrap().ssl_cauth(), SslCauth::Required);
    }
}
