//! The checks after the handshake, in MQ's order, on the channel-start frame: the channel
//! named matches the SNI, exists and pairs with the partner's type; TLS is used exactly
//! when SSLCIPH is set; the negotiated suite satisfies SSLCIPH; SSLCAUTH; SSLPEER; CHLAUTH
//! (BLOCKADDR first, then the mapping rules, then BLOCKUSER), giving the MCAUSER. A refusal
//! carries the reason code for the partner and a line naming the rule and the fix.

use std::net::IpAddr;

use mqtls_cipherspec::{find_suite, Protocol, SuiteId};
use mqtls_dn::{evaluate, Administrators, CertNames, Outcome, Partner, PeerFilter};
use mqtls_model::{Channel, ChannelType, ChlauthRecord, Excerpt, ObjectType, SslCauth, Store};

use crate::error::reason;
use crate::frame::ChannelStart;
use crate::sni;

/// The longest user id a partner may assert: MQ's MQ_USER_ID_LENGTH (12). IBM MQ docs:
/// "for IBM MQ on other platforms, user names can contain a maximum of only 12
/// characters" (Authorizing users to configure IBM MQ).
pub const MAX_USER_ID: usize = 12;

/// The MQCHT value of a channel type, as the start frame carries it.
pub fn mqcht(t: ChannelType) -> u8 {
    match t {
        ChannelType::Sdr => 1,
        ChannelType::Svr => 2,
        ChannelType::Rcvr => 3,
        ChannelType::Rqstr => 4,
        ChannelType::Clntconn => 6,
        ChannelType::Svrconn => 7,
        ChannelType::Clusrcvr => 8,
        ChannelType::Clussdr => 9,
        ChannelType::Mqtt => 10,
        ChannelType::Amqp => 11,
    }
}

/// What the TLS layer established (nothing, for a plain connection).
#[derive(Clone, Copy, Debug, Default)]
pub struct Negotiated<'a> {
    /// The SNI the client sent.
    pub sni: Option<&'a str>,
    /// The negotiated suite.
    pub suite: Option<SuiteId>,
    /// The partner's certificate chain, end entity first (DER).
    pub peer_chain: Option<&'a [Vec<u8>]>,
}

/// An admitted channel start: what DISPLAY CHSTATUS shows of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Admitted {
    /// The channel.
    pub channel: String,
    /// Its type here.
    pub chltype: ChannelType,
    /// The user the channel runs as.
    pub mcauser: String,
    /// SECPROT: `TLSV12`, `TLSV13`, or empty.
    pub secprot: &'static str,
    /// SSLCIPH: the CipherSpec actually negotiated, or empty.
    pub sslciph: &'static str,
    /// SSLPEER: the partner's subject (with its serial), or empty.
    pub sslpeer: String,
    /// SSLCERTI: the partner's issuer, or empty.
    pub sslcerti: String,
    /// CHLAUTH warnings (WARN(YES) rules that would have refused).
    pub warnings: Vec<String>,
}

/// A refused start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    /// The MQ reason code the partner is told.
    pub reason: u32,
    /// Which rule refused and the fix, for the log.
    pub text: String,
    /// The STATUS code an IBM MQ partner is answered with ([`crate::fap::status`]).
    pub status: u32,
}

impl Refusal {
    /// A refusal with `reason`, answered to an MQ partner with that reason's status.
    pub fn new(reason: u32, text: String) -> Self {
        Self { reason, text, status: crate::fap::status::for_reason(reason) }
    }

    fn status(self, status: u32) -> Self {
        Self { status, ..self }
    }
}

fn refuse(reason: u32, text: String) -> Refusal {
    Refusal::new(reason, text)
}

/// Runs every check on a channel start from `address`; `admins` are the users CHLAUTH's
/// `*MQADMIN` stands for.
pub fn check(
    store: &Store,
    start: &ChannelStart,
    tls: &Negotiated<'_>,
    address: IpAddr,
    admins: &dyn Administrators,
) -> Result<Admitted, Refusal> {
    let name = &start.channel;
    if let Err(e) = mqtls_model::check_name(ObjectType::Channel, name) {
        return Err(refuse(reason::UNKNOWN_CHANNEL_NAME, format!("the start frame names no channel: {e}")));
    }
    let user = &start.user;
    if user.chars().count() > MAX_USER_ID || mqtls_model::has_control(user) {
        return Err(refuse(
            reason::NOT_AUTHORIZED,
            format!(
                "channel {name}: the asserted user id '{}' is not one MQ allows (at most {MAX_USER_ID} characters, no control characters)",
                Excerpt::value(user)
            ),
        ));
    }
    let sni_channel = match tls.sni.filter(|s| sni::names_channel(s)) {
        Some(sni_name) => {
            Some(sni::decode(sni_name).map_err(|e| refuse(reason::UNKNOWN_CHANNEL_NAME, e.to_string()))?)
        }
        None => None,
    };
    if let Some(named) = &sni_channel {
        if named != name {
            return Err(refuse(
                reason::UNKNOWN_CHANNEL_NAME,
                format!("the TLS handshake named channel {named} but the start frame names {name}; connection closed"),
            ));
        }
    }
    let object = store
        .get(ObjectType::Channel, name)
        .ok_or_else(|| refuse(reason::UNKNOWN_CHANNEL_NAME, format!("channel {name} is not defined")))?;
    let channel = Channel::new(object).expect("channels have a type");
    let ours = channel.channel_type();
    if !ours.partners().iter().any(|p| mqcht(*p) == start.chltype) {
        return Err(refuse(
            reason::CHANNEL_CONFIG_ERROR,
            format!("channel {name} is CHLTYPE({ours}); a partner of type {} cannot start it", start.chltype),
        ));
    }
    // IBM MQ: "If a hostname, custom, or no SNI is used to connect to an IBM MQ channel
    // with a certificate label configured, the connecting application is rejected with an
    // MQRC_SSL_INITIALIZATION_ERROR, and an AMQ9673 message" ("How IBM MQ provides
    // multiple certificates capability"): the partner was shown the wrong certificate.
    if let (Some(label), Some(_), None) = (channel.cert_label(), tls.suite, &sni_channel) {
        return Err(refuse(
            reason::SSL_INITIALIZATION_ERROR,
            format!(
                "AMQ9673: channel {name} has CERTLABL('{label}') but the partner's TLS SNI did not name the channel (it sent {}), so it was shown the queue manager's certificate: the partner must send the channel SNI {} (mqclient.ini SSL OutboundSNI=CHANNEL)",
                tls.sni.map_or_else(|| "none".to_owned(), |s| format!("'{}'", Excerpt::value(s))),
                sni::encode(name)
            ),
        ));
    }
    let (secprot, sslciph) = match (channel.ssl_ciph(), tls.suite) {
        (None, None) => ("", ""),
        (Some(_), None) => {
            return Err(refuse(
                reason::SSL_INITIALIZATION_ERROR,
                format!("channel {name} has SSLCIPH but the partner connected without TLS"),
            ));
        }
        (None, Some(_)) => {
            return Err(refuse(
                reason::SSL_INITIALIZATION_ERROR,
                format!("channel {name} has no SSLCIPH but the partner used TLS: give both ends an SSLCIPH"),
            ));
        }
        (Some(ciph), Some(suite)) => {
            let spec = ciph
                .accepts(suite)
                .map_err(|e| refuse(reason::SSL_INITIALIZATION_ERROR, format!("channel {name}: {e}")))?;
            let proto = find_suite(suite).map_or(Protocol::Tls12, |s| s.protocol);
            (proto.secprot(), spec.name)
        }
    };
    let names = match tls.peer_chain.and_then(|c| c.first()) {
        Some(der) => Some(
            CertNames::from_der(der).map_err(|e| refuse(reason::SSL_INITIALIZATION_ERROR, e.to_string()))?,
        ),
        None => None,
    };
    if !sslciph.is_empty()
        && ours != ChannelType::Clntconn
        && channel.ssl_cauth() == SslCauth::Required
        && names.is_none()
    {
        return Err(refuse(
            reason::SSL_INITIALIZATION_ERROR,
            format!("channel {name} has SSLCAUTH(REQUIRED) and the partner sent no certificate"),
        )
        .status(crate::fap::status::SSL_CLIENT_CERTIFICATE));
    }
    let peer = names.as_ref().map(CertNames::peer_with_serial);
    if let Some(filter) = channel.ssl_peer().filter(|_| !sslciph.is_empty()) {
        let compiled =
            PeerFilter::parse(&filter).map_err(|e| refuse(reason::CHANNEL_CONFIG_ERROR, e.to_string()))?;
        let Some(peer) = &peer else {
            return Err(refuse(
                reason::NOT_AUTHORIZED,
                format!("channel {name} has SSLPEER('{filter}') and the partner sent no certificate"),
            )
            .status(crate::fap::status::PEER_NAME));
        };
        if let Some(part) = compiled.first_mismatch(peer) {
            return Err(refuse(
                reason::NOT_AUTHORIZED,
                format!("channel {name}: SSLPEER('{filter}') does not match the partner's DN {peer} (first difference: {part})"),
            )
            .status(crate::fap::status::PEER_NAME));
        }
    }
    let mut admitted = Admitted {
        channel: name.clone(),
        chltype: ours,
        mcauser: channel.mcauser(),
        secprot,
        sslciph,
        sslpeer: peer.as_ref().map(ToString::to_string).unwrap_or_default(),
        sslcerti: names.as_ref().map(|n| n.issuer.to_string()).unwrap_or_default(),
        warnings: Vec::new(),
    };
    if store.qmgr().str("CHLAUTH") != "DISABLED" {
        let rules = store
            .chlauth()
            .iter()
            .map(ChlauthRecord::to_rule)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| refuse(reason::CHANNEL_CONFIG_ERROR, e.to_string()))?;
        let mcauser = channel.mcauser();
        let partner = Partner {
            channel: name,
            client: ours == ChannelType::Svrconn,
            address,
            host: None,
            peer: peer.as_ref(),
            issuer: names.as_ref().map(|n| &n.issuer),
            remote_qmgr: Some(start.qmgr.as_str()).filter(|q| !q.is_empty()),
            client_user: Some(start.user.as_str()).filter(|u| !u.is_empty()),
            channel_mcauser: &mcauser,
            privileged: admins,
        };
        let decision = evaluate(&rules, &partner);
        admitted.warnings = decision.warnings;
        match decision.outcome {
            Outcome::Admit { mcauser } => admitted.mcauser = mcauser,
            Outcome::Refuse => {
                let rule = decision.rule.unwrap_or_else(|| "CHLAUTH".into());
                return Err(refuse(
                    reason::NOT_AUTHORIZED,
                    format!("channel {name} blocked by {rule}: {}", decision.why),
                ));
            }
        }
    }
    Ok(admitted)
}

#[cfg(test)]
#[path = "start_tests.rs"]
mod tests;
