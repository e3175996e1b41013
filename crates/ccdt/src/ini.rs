//! `mqclient.ini`: stanzas (`CHANNELS:`, `SSL:`, ...) of `Key=Value` lines.

use std::collections::BTreeMap;

/// A parsed `mqclient.ini`: stanza name (uppercase) to keys (as written) and values.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClientIni {
    stanzas: BTreeMap<String, BTreeMap<String, String>>,
}

impl ClientIni {
    /// Parses the file text. Lines starting with `#` or `;` are comments; a line ending
    /// in `:` opens a stanza; keys are matched without regard to case, as MQ does.
    pub fn parse(text: &str) -> Self {
        let mut ini = Self::default();
        let mut stanza = String::new();
        for line in text.lines().map(str::trim) {
            if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
                continue;
            }
            if let Some(name) = line.strip_suffix(':') {
                stanza = name.trim().to_ascii_uppercase();
                ini.stanzas.entry(stanza.clone()).or_default();
            } else if let Some((k, v)) = line.split_once('=') {
                ini.stanzas
                    .entry(stanza.clone())
                    .or_default()
                    .insert(k.trim().to_ascii_uppercase(), v.trim().to_owned());
            }
        }
        ini
    }

    /// A value, by stanza and key (any case).
    pub fn get(&self, stanza: &str, key: &str) -> Option<&str> {
        self.stanzas.get(&stanza.to_ascii_uppercase())?.get(&key.to_ascii_uppercase()).map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stanzas_and_keys() {
        let ini = ClientIni::parse(
            "# client config\nCHANNELS:\n  ChannelDefinitionDirectory=/opt/ccdt\n  ChannelDefinitionFile = app.json\nSSL:\n  SSLKeyRepository=/opt/keys/client\n",
        );
        assert_eq!(ini.get("CHANNELS", "channeldefinitiondirectory"), Some("/opt/ccdt"));
        assert_eq!(ini.get("channels", "ChannelDefinitionFile"), Some("app.json"));
        assert_eq!(ini.get("SSL", "SSLKeyRepository"), Some("/opt/keys/client"));
        assert_eq!(ini.get("SSL", "CertificateLabel"), None);
    }
}
