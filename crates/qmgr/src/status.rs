//! The channel status table: one row per running channel instance, as DISPLAY CHSTATUS
//! shows it.

use std::sync::Mutex;

use mqtls_model::{ChannelType, Stamp};

/// One running channel instance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChannelStatus {
    /// CHANNEL.
    pub channel: String,
    /// CHLTYPE.
    pub chltype: ChannelType,
    /// CONNAME: the partner's address.
    pub conname: String,
    /// STATUS (RUNNING while the connection lives).
    pub status: &'static str,
    /// MCAUSER the instance runs as.
    pub mcauser: String,
    /// SECPROT: TLSV12, TLSV13 or blank.
    pub secprot: &'static str,
    /// SSLCIPH: the CipherSpec negotiated, or blank.
    pub sslciph: &'static str,
    /// SSLPEER: the partner's subject, with its serial.
    pub sslpeer: String,
    /// SSLCERTI: the partner's issuer.
    pub sslcerti: String,
    /// CHSTADA and CHSTATI: when the channel started.
    pub started: Stamp,
    /// MAXMSGL negotiated.
    pub maxmsgl: u32,
    /// MAXSHCNV: SHARECNV negotiated.
    pub maxshcnv: u16,
    /// HBINT negotiated, seconds.
    pub hbint: u32,
    /// An id unique within the queue manager's run, to remove the row when it ends.
    pub id: u64,
}

impl ChannelStatus {
    /// The `KEYWORD`, value pairs DISPLAY CHSTATUS shows, in its order.
    pub fn items(&self) -> Vec<(String, String)> {
        let blank = |s: &str| if s.is_empty() { " ".to_owned() } else { s.to_owned() };
        [
            ("CHANNEL", self.channel.clone()),
            ("CHLTYPE", self.chltype.to_string()),
            ("CONNAME", self.conname.clone()),
            ("CURRENT", String::new()),
            ("STATUS", self.status.to_owned()),
            ("CHSTADA", self.started.date.clone()),
            ("CHSTATI", self.started.time.clone()),
            ("HBINT", self.hbint.to_string()),
            ("MAXMSGL", self.maxmsgl.to_string()),
            ("MAXSHCNV", self.maxshcnv.to_string()),
            ("MCAUSER", blank(&self.mcauser)),
            ("SECPROT", if self.secprot.is_empty() { "NONE".to_owned() } else { self.secprot.to_owned() }),
            ("SSLCIPH", blank(self.sslciph)),
            ("SSLPEER", blank(&self.sslpeer)),
            ("SSLCERTI", blank(&self.sslcerti)),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect()
    }
}

/// The table, shared by every connection.
#[derive(Debug, Default)]
pub struct StatusTable {
    rows: Mutex<Vec<ChannelStatus>>,
}

impl StatusTable {
    /// Adds a running instance.
    pub fn insert(&self, row: ChannelStatus) {
        self.rows.lock().expect("status lock").push(row);
    }

    /// Removes an instance when its connection ends.
    pub fn remove(&self, id: u64) {
        self.rows.lock().expect("status lock").retain(|r| r.id != id);
    }

    /// The instances of channels matching a generic name (`*`, `APP.*`, exact).
    pub fn matching(&self, pattern: &str) -> Vec<ChannelStatus> {
        let rows = self.rows.lock().expect("status lock");
        rows.iter().filter(|r| mqtls_model::generic_match(pattern, &r.channel)).cloned().collect()
    }
}
