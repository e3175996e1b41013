//! SET CHLAUTH and SET AUTHREC.

use mqtls_model::{
    authority, authrec_objtype, ChlauthAction, ChlauthRecord, ChlauthType, Entity, ModelError,
};

use super::Cx;
use crate::command::{Command, SetAuthrec, SetChlauth};
use crate::error::MqscError;
use crate::syntax::Param;

const TYPES: [(&str, ChlauthType); 6] = [
    ("BLOCKUSER", ChlauthType::BlockUser),
    ("BLOCKADDR", ChlauthType::BlockAddr),
    ("SSLPEERMAP", ChlauthType::SslPeerMap),
    ("ADDRESSMAP", ChlauthType::AddressMap),
    ("USERMAP", ChlauthType::UserMap),
    ("QMGRMAP", ChlauthType::QmgrMap),
];

const ACTIONS: [(&str, ChlauthAction); 4] = [
    ("ADD", ChlauthAction::Add),
    ("REPLACE", ChlauthAction::Replace),
    ("REMOVE", ChlauthAction::Remove),
    ("REMOVEALL", ChlauthAction::RemoveAll),
];

impl Cx<'_> {
    pub(crate) fn set_chlauth(&mut self, noun: &Param, rest: &[Param]) -> Option<Command> {
        let mut profile = self.name(noun, "CHLAUTH");
        if let (Some(p), Some(v)) = (&profile, noun.values.as_deref().and_then(<[_]>::first)) {
            if let Err(e) = mqtls_model::check_chlauth_profile(p) {
                profile = None;
                self.report(v.span, e.into());
            }
        }
        let mut rtype = None;
        let mut action = ChlauthAction::Add;
        let mut others = Vec::new();
        for p in rest {
            match p.keyword.text.as_str() {
                "TYPE" => {
                    let v = self.single(p)?;
                    rtype = Some(self.word_of(p, "TYPE", &v, &TYPES)?);
                }
                "ACTION" => {
                    let v = self.single(p)?;
                    action = self.word_of(p, "ACTION", &v, &ACTIONS)?;
                }
                _ => others.push(p.clone()),
            }
        }
        let Some(rtype) = rtype else {
            return self
                .fail(noun.span, ModelError::Missing { keyword: "TYPE", context: "for SET CHLAUTH" }.into());
        };
        let values: Vec<_> = others.iter().map(Param::value_texts).collect();
        let params = self.model_params(&others, &values);
        let (attrs, findings) = ChlauthRecord::parse_params(rtype, &params);
        for f in findings {
            let span = self.finding_span(&others[f.index], &f.error);
            self.report(span, f.error.into());
        }
        let given = others.iter().any(|p| p.keyword.text == rtype.identity());
        if action != ChlauthAction::RemoveAll && !given {
            let error = ModelError::Missing { keyword: rtype.identity(), context: "for this CHLAUTH TYPE" };
            self.report(noun.span, error.into());
        }
        Some(Command::SetChlauth(SetChlauth { profile: profile?, rtype, action, attrs }))
    }

    /// SET AUTHREC, or DELETE AUTHREC (IBM MQ 9.4 "DELETE AUTHREC on Multiplatforms":
    /// PROFILE, OBJTYPE, PRINCIPAL or GROUP, IGNSTATE; no authority lists).
    pub(crate) fn set_authrec(&mut self, noun: &Param, rest: &[Param]) -> Option<Command> {
        self.authrec(noun, rest, false)
    }

    pub(crate) fn delete_authrec(&mut self, noun: &Param, rest: &[Param]) -> Option<Command> {
        self.authrec(noun, rest, true)
    }

    fn authrec(&mut self, noun: &Param, rest: &[Param], delete: bool) -> Option<Command> {
        let command = if delete { "DELETE AUTHREC" } else { "SET AUTHREC" };
        if noun.values.is_some() {
            let error = MqscError::BadParameter {
                keyword: "AUTHREC".into(),
                value: self.cmd.raw(noun.span).into(),
                why: "name the profile with PROFILE(...)",
            };
            return self.fail(noun.span, error);
        }
        let mut known = vec![("PROFILE", true), ("OBJTYPE", true), ("PRINCIPAL", true), ("GROUP", true)];
        let own: &[_] = if delete { &[("IGNSTATE", true)] } else { &[("AUTHADD", true), ("AUTHRMV", true)] };
        known.extend_from_slice(own);
        known.push(("SERVCOMP", true));
        let lists = |p: &Param| !delete && (p.keyword.text == "AUTHADD" || p.keyword.text == "AUTHRMV");
        let single: Vec<Param> = rest.iter().filter(|p| !lists(p)).cloned().collect();
        let values: Vec<_> = rest.iter().map(Param::value_texts).collect();
        self.model_params(rest, &values);
        let got = self.params(&single, command, &known)?;
        let value = |i: usize| got[i].clone().flatten();
        let Some(objtype) = value(1) else {
            return self.fail(
                noun.span,
                ModelError::Missing { keyword: "OBJTYPE", context: "for an AUTHREC" }.into(),
            );
        };
        let at = |kw: &str| rest.iter().find(|p| p.keyword.text == kw).map_or(noun.span, |p| p.span);
        let objtype = match authrec_objtype(&objtype) {
            Ok(t) => t,
            Err(e) => return self.fail(at("OBJTYPE"), e.into()),
        };
        let profile = value(0).unwrap_or_default();
        if profile.is_empty() && objtype != "QMGR" {
            return self.fail(
                noun.span,
                ModelError::Missing { keyword: "PROFILE", context: "unless OBJTYPE(QMGR)" }.into(),
            );
        }
        let entity = match (value(2), value(3)) {
            (Some(p), None) => Entity::Principal(p),
            (None, Some(g)) => Entity::Group(g),
            (Some(_), Some(_)) => {
                return self
                    .fail(at("GROUP"), ModelError::Conflict { first: "PRINCIPAL", second: "GROUP" }.into())
            }
            (None, None) => {
                return self.fail(
                    noun.span,
                    ModelError::Missing { keyword: "PRINCIPAL", context: "or GROUP for an AUTHREC" }.into(),
                )
            }
        };
        if delete {
            return Some(Command::DeleteAuthrec { profile, objtype, entity });
        }
        let mut add = Vec::new();
        let mut remove = Vec::new();
        for p in rest.iter().filter(|p| lists(p)) {
            let target = if p.keyword.text == "AUTHADD" { &mut add } else { &mut remove };
            for token in p.values.iter().flatten() {
                match authority(&token.text) {
                    Ok(a) => target.push(a),
                    Err(e) => self.report(token.span, e.into()),
                }
            }
        }
        if add.is_empty() && remove.is_empty() {
            return self.fail(
                noun.span,
                ModelError::Missing { keyword: "AUTHADD", context: "or AUTHRMV for SET AUTHREC" }.into(),
            );
        }
        Some(Command::SetAuthrec(SetAuthrec { profile, objtype, entity, add, remove }))
    }
}
