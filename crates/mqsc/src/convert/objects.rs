//! DEFINE, ALTER and DELETE.

use mqtls_model::{AttrSet, ChannelTable, ChannelType, ModelError, ObjectType};

use super::{template_variable, Cx};
use crate::command::{Alter, Command, Define, Delete};
use crate::error::MqscError;
use crate::syntax::{Param, Span};

/// Attributes whose values are case-sensitive: an unquoted value there is almost
/// certainly a mistake, because MQSC folds it to uppercase.
const CASE_SENSITIVE: &[&str] = &[
    "APPLICID",
    "BASEDNG",
    "BASEDNU",
    "CERTLABL",
    "CLNTUSER",
    "GROUP",
    "LDAPPWD",
    "LDAPUSER",
    "MCAUSER",
    "OCSPURL",
    "PASSWORD",
    "PRINCIPAL",
    "SSLCRYP",
    "SSLKEYR",
    "STARTARG",
    "STARTCMD",
    "STDERR",
    "STDOUT",
    "STOPARG",
    "STOPCMD",
    "TOPICSTR",
    "USERID",
];

impl Cx<'_> {
    /// Warns about unquoted values that were folded where case matters (or that look
    /// like paths), and returns the params as model parameters.
    pub(crate) fn model_params<'p>(
        &mut self,
        rest: &'p [Param],
        values: &'p [Option<Vec<String>>],
    ) -> Vec<mqtls_model::Param<'p>> {
        for p in rest {
            for token in p.values.iter().flatten() {
                let raw = self.cmd.raw(token.span);
                let folded = raw != token.text;
                let sensitive = CASE_SENSITIVE.contains(&p.keyword.text.as_str()) || raw.contains('/');
                if !token.quoted && folded && sensitive {
                    let error = MqscError::Uppercased {
                        keyword: p.keyword.text.clone(),
                        raw: raw.to_owned(),
                        folded: token.text.clone(),
                    };
                    self.report(token.span, error);
                }
            }
        }
        rest.iter()
            .zip(values)
            .map(|(p, v)| mqtls_model::Param { keyword: &p.keyword.text, values: v.as_deref() })
            .collect()
    }

    /// Checks attributes, reporting each finding at its parameter.
    pub(crate) fn attrs(
        &mut self,
        otype: ObjectType,
        chltype: Option<ChannelType>,
        rest: &[Param],
    ) -> AttrSet {
        let values: Vec<_> = rest.iter().map(Param::value_texts).collect();
        let params = self.model_params(rest, &values);
        let (set, findings) = AttrSet::build(otype, chltype, &params);
        for f in findings {
            let p = &rest[f.index];
            let variable =
                p.values.iter().flatten().find_map(|t| template_variable(&t.text).map(|e| (t.span, e)));
            if let Some((span, error)) = variable {
                self.report(span, error);
                continue;
            }
            let span = self.finding_span(p, &f.error);
            self.report(span, f.error.into());
        }
        set
    }

    /// Where a model finding about parameter `p` points: the keyword for unknown
    /// keywords, the character at fault inside a DN filter or address, else the value.
    pub(crate) fn finding_span(&self, p: &Param, error: &ModelError) -> Span {
        match (error, p.values.as_deref()) {
            (ModelError::Misspelt { .. } | ModelError::Unknown { .. }, _) => p.keyword.span,
            (ModelError::Dn { source, .. }, Some([first, ..])) => {
                let start = (first.span.start + usize::from(first.quoted) + source.at)
                    .min(first.span.end.saturating_sub(1));
                let end = (start + 1).max(first.span.start).min(first.span.end);
                Span { start, end: self.char_end(start, end) }
            }
            (_, Some([first, ..])) => first.span,
            _ => p.span,
        }
    }

    /// Widens `end` to a character boundary of the command text.
    fn char_end(&self, start: usize, end: usize) -> usize {
        let text = &self.cmd.source.text;
        let mut end = end.max(start);
        while end < text.len() && !text.is_char_boundary(end) {
            end += 1;
        }
        end
    }

    /// The CHLTYPE among a channel's parameters; `required` names the command for the error.
    fn chltype(&mut self, noun: &Param, rest: &[Param], required: &'static str) -> Option<ChannelType> {
        let Some(p) = rest.iter().find(|p| p.keyword.text == "CHLTYPE") else {
            return self
                .fail(noun.span, ModelError::Missing { keyword: "CHLTYPE", context: required }.into());
        };
        match p.values.as_deref() {
            Some([v]) => match ChannelType::from_keyword(&v.text.to_ascii_uppercase()) {
                Some(t) => Some(t),
                None => self.fail(v.span, MqscError::BadParameter { keyword: "CHLTYPE".into(), value: v.text.clone(), why: "not a channel type (SDR, SVR, RCVR, RQSTR, CLNTCONN, SVRCONN, CLUSSDR, CLUSRCVR, AMQP, MQTT)" }),
            },
            _ => self.fail(p.span, ModelError::ValueRequired { keyword: "CHLTYPE" }.into()),
        }
    }

    pub(crate) fn define(&mut self, otype: ObjectType, noun: &Param, rest: &[Param]) -> Option<Command> {
        if otype == ObjectType::Qmgr {
            return self.fail(noun.span, MqscError::Unsupported { verb: "DEFINE", object: "QMGR".into() });
        }
        let name = self.name(noun, otype.keyword());
        let mut like = None;
        let mut replace = None;
        let mut others = Vec::new();
        for p in rest {
            match p.keyword.text.as_str() {
                "LIKE" => like = self.single(p),
                "REPLACE" | "NOREPLACE" => {
                    if replace.is_some() {
                        self.report(
                            p.span,
                            ModelError::Conflict { first: "REPLACE", second: "NOREPLACE" }.into(),
                        );
                    }
                    replace = Some(p.keyword.text == "REPLACE");
                    self.bare(p);
                }
                _ => others.push(p.clone()),
            }
        }
        let chltype = if otype == ObjectType::Channel {
            Some(self.chltype(noun, rest, "to define a channel")?)
        } else {
            None
        };
        let attrs = self.attrs(otype, chltype, &others);
        if let Some(name) = &name {
            if let Err(e) = mqtls_model::check_name(otype, name) {
                self.report(noun.span, e.into());
            } else if otype == ObjectType::Channel && !mqtls_model::sni_is_host_name(name) {
                self.report(noun.span, MqscError::SniNotHostName { channel: name.clone() });
            }
        }
        Some(Command::Define(Define { otype, name: name?, like, replace: replace.unwrap_or(false), attrs }))
    }

    pub(crate) fn alter(&mut self, otype: ObjectType, noun: &Param, rest: &[Param]) -> Option<Command> {
        let name = if otype == ObjectType::Qmgr {
            if noun.values.is_some() {
                self.report(
                    noun.span,
                    MqscError::BadParameter {
                        keyword: "QMGR".into(),
                        value: self.cmd.raw(noun.span).into(),
                        why: "ALTER QMGR takes no name",
                    },
                );
            }
            Some(String::new())
        } else {
            self.name(noun, otype.keyword())
        };
        let mut force = false;
        let mut others = Vec::new();
        for p in rest {
            match p.keyword.text.as_str() {
                "FORCE" => {
                    force = true;
                    self.bare(p);
                }
                _ => others.push(p.clone()),
            }
        }
        let chltype = if otype == ObjectType::Channel {
            Some(self.chltype(noun, rest, "to alter a channel")?)
        } else {
            None
        };
        let attrs = self.attrs(otype, chltype, &others);
        Some(Command::Alter(Alter { otype, name: name?, force, attrs }))
    }

    pub(crate) fn delete(&mut self, otype: ObjectType, noun: &Param, rest: &[Param]) -> Option<Command> {
        let name = self.name(noun, otype.keyword())?;
        let command = format!("DELETE {}", otype.keyword());
        let known: &[(&str, bool)] = match otype {
            ObjectType::Qlocal => &[("PURGE", false), ("NOPURGE", false)],
            ObjectType::Channel => &[("CHLTABLE", true)],
            ObjectType::Listener | ObjectType::Service => &[("IGNSTATE", true)],
            _ => &[],
        };
        let got = self.params(rest, &command, known)?;
        let purge = otype == ObjectType::Qlocal && got[0].is_some();
        let chltable = match (otype, got.first().cloned().flatten().flatten()) {
            (ObjectType::Channel, Some(v)) => match ChannelTable::from_keyword(&v.to_ascii_uppercase()) {
                Some(t) => Some(t),
                None => {
                    let at = rest.iter().find(|p| p.keyword.text == "CHLTABLE").map_or(noun.span, |p| p.span);
                    let why = "not a channel table (QMGRTBL, CLNTTBL)";
                    return self
                        .fail(at, MqscError::BadParameter { keyword: "CHLTABLE".into(), value: v, why });
                }
            },
            _ => None,
        };
        Some(Command::Delete(Delete { otype, name, purge, chltable }))
    }

    /// The one value of `KEYWORD(value)`.
    pub(crate) fn single(&mut self, p: &Param) -> Option<String> {
        match p.values.as_deref() {
            Some([v]) => Some(v.text.clone()),
            _ => {
                let keyword = p.keyword.text.clone();
                self.fail(
                    p.span,
                    MqscError::BadParameter {
                        keyword,
                        value: self.cmd.raw(p.span).into(),
                        why: "needs exactly one value",
                    },
                )
            }
        }
    }

    /// Reports a value on a keyword that takes none.
    pub(crate) fn bare(&mut self, p: &Param) {
        if p.values.is_some() {
            let error = MqscError::BadParameter {
                keyword: p.keyword.text.clone(),
                value: self.cmd.raw(p.span).into(),
                why: "takes no value",
            };
            self.report(p.span, error);
        }
    }
}
