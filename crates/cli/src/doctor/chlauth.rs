//! CHLAUTH rules that block or shadow a channel. For each channel a partner starts and
//! each mapping rule whose profile covers it, the doctor builds a partner the rule is
//! meant for (its address, certificate DN, user or queue manager, with wildcards filled
//! in) and asks the evaluator the listener uses which rule decides: when another one
//! does, the rule is shadowed — it never applies to that channel. A channel for which no
//! rule admits anybody and a catch-all rule refuses is blocked for every partner.

use std::net::{IpAddr, Ipv4Addr};

use mqtls_dn::{evaluate, Dn, Outcome, Partner, Rule, RuleKind, UserSrc};
use mqtls_model::{ChannelType, Store};

use super::{finding, Finding, Severity};

/// Every finding of the queue manager's CHLAUTH rules.
pub(super) fn check(store: &Store) -> Vec<Finding> {
    if store.qmgr().str("CHLAUTH") == "DISABLED" {
        return Vec::new();
    }
    let compiled: Vec<(Rule, String)> = store
        .chlauth()
        .iter()
        .filter_map(|r| {
            Some((
                r.to_rule().ok()?,
                r.get("ADDRESS").and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default(),
            ))
        })
        .collect();
    let rules: Vec<Rule> = compiled.iter().map(|(r, _)| r.clone()).collect();
    let mut out = Vec::new();
    for chl in store.channels() {
        let client = match chl.channel_type() {
            ChannelType::Svrconn => true,
            ChannelType::Rcvr | ChannelType::Rqstr | ChannelType::Svr | ChannelType::Clusrcvr => false,
            _ => continue,
        };
        let mcauser = chl.mcauser();
        let base = Partner {
            channel: chl.name(),
            client,
            address: IpAddr::V4(Ipv4Addr::new(203, 0, 113, 9)),
            host: None,
            peer: None,
            issuer: None,
            remote_qmgr: None,
            client_user: None,
            channel_mcauser: &mcauser,
            privileged: &mqtls_qmgr::Accounts::default(),
        };
        let covering: Vec<&(Rule, String)> =
            compiled.iter().filter(|(r, _)| mqtls_dn::profile_matches(&r.profile, chl.name())).collect();
        let maps = |r: &Rule| !matches!(r.kind, RuleKind::BlockUser(_) | RuleKind::BlockAddr(_));
        // Blocked: some mapping rule covers it, none admits, and a stranger is refused.
        let admits_someone = covering.iter().any(|(r, _)| maps(r) && r.usersrc != UserSrc::NoAccess);
        let stranger = evaluate(&rules, &base);
        // SYSTEM.* channels are blocked on purpose by MQ's back-stop rule.
        let system = chl.name().starts_with("SYSTEM.");
        if !system
            && !admits_someone
            && covering.iter().any(|(r, _)| maps(r))
            && stranger.outcome == Outcome::Refuse
        {
            out.push(finding(
                "chlauth.blocks-everyone",
                Severity::Error,
                format!("CHANNEL({})", chl.name()),
                "CHLAUTH",
                format!("no CHLAUTH rule admits anybody on this channel and {} refuses every partner (2035)", stranger.rule.unwrap_or_else(|| "a rule".into())),
                format!("SET CHLAUTH({}) with a mapping rule that admits its partners (SSLPEERMAP, ADDRESSMAP, ...)", chl.name()),
            ));
        }
        for (rule, address_text) in covering.iter().filter(|(r, _)| maps(r)) {
            let Some(decided) = meant_for(rule, address_text, base, |p| evaluate(&rules, p).rule) else {
                continue;
            };
            if decided.as_deref() != Some(rule.label.as_str()) {
                let by = decided.unwrap_or_else(|| "no rule".into());
                out.push(finding(
                    "chlauth.rule-shadowed",
                    Severity::Warning,
                    rule.label.clone(),
                    &format!("CHANNEL({})", chl.name()),
                    format!("the rule never decides for this channel: a partner it is meant for is decided by {by} first"),
                    format!("remove it, or make it more specific than {by}"),
                ));
            }
        }
    }
    out
}

/// The deciding rule for a partner `rule` is meant for, or None when none can be built.
fn meant_for(
    rule: &Rule,
    address_text: &str,
    base: Partner<'_>,
    decide: impl Fn(&Partner<'_>) -> Option<String>,
) -> Option<Option<String>> {
    let mut partner = base;
    if let Some(pattern) = &rule.address {
        let candidate = address_text.replace('*', "1");
        let candidate = candidate.split('-').next().unwrap_or("").to_owned();
        let ip = candidate.parse::<IpAddr>().ok().filter(|ip| pattern.matches(*ip, None)).or_else(|| {
            let fallback = IpAddr::V4(Ipv4Addr::new(203, 0, 113, 9));
            pattern.matches(fallback, None).then_some(fallback)
        })?;
        partner.address = ip;
    }
    let dn;
    let user;
    let qmgr;
    match &rule.kind {
        RuleKind::SslPeerMap { peer, .. } => {
            dn = Dn::parse(&peer.to_string().replace('*', "x")).ok().filter(|d| peer.matches(d))?;
            partner.peer = Some(&dn);
        }
        RuleKind::UserMap(u) if partner.client => {
            user = u.clone();
            partner.client_user = Some(&user);
        }
        RuleKind::QmgrMap(q) if !partner.client => {
            qmgr = q.replace('*', "X");
            partner.remote_qmgr = Some(&qmgr);
        }
        RuleKind::AddressMap => {}
        _ => return None,
    }
    Some(decide(&partner))
}
