//! Phase two: a syntax tree to a typed [`Command`], checked against the object model.
//! Every problem becomes a [`Diagnostic`] at the token at fault.

mod display;
pub(crate) use display::QMGR_FIXED;
pub use display::{selectable, CHSTATUS_ATTRS};
mod not_provided;
mod objects;
mod security;

use mqtls_model::schema::closest;
use mqtls_model::Severity;

use crate::command::{Command, Control, ControlTarget, RefreshType};
use crate::error::{Diagnostic, MqscError};
use crate::keywords::{nouns_for, Noun, Verb};
use crate::syntax::{Param, Span, SyntaxCommand};

/// A `+NAME+` insertion variable or a `%NAME%` placeholder inside a value, as an error.
pub(crate) fn template_variable(text: &str) -> Option<MqscError> {
    for (delim, insertion) in [('+', true), ('%', false)] {
        let mut parts = text.split(delim);
        parts.next();
        let inner: Vec<&str> = parts.collect();
        // An odd split leaves the last part outside the delimiters.
        for name in inner.iter().take(inner.len().saturating_sub(1)) {
            let ident = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if ident && name.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) {
                let token = format!("{delim}{name}{delim}");
                return Some(if insertion {
                    MqscError::Insertion { token }
                } else {
                    MqscError::Placeholder { token }
                });
            }
        }
    }
    None
}

/// The outcome of checking one command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checked {
    /// The command, unless an error rejected it.
    pub command: Option<Command>,
    /// Every finding, errors and warnings, in source order.
    pub diagnostics: Vec<Diagnostic>,
}

/// Checks one parsed command.
pub fn convert(cmd: &SyntaxCommand) -> Checked {
    let mut cx = Cx { cmd, diags: Vec::new() };
    let command = cx.command();
    let failed = cx.diags.iter().any(|d| d.severity() == Severity::Error);
    cx.diags.sort_by_key(|d| d.pos);
    Checked { command: if failed { None } else { command }, diagnostics: cx.diags }
}

/// The conversion context: the command and the findings so far.
pub(crate) struct Cx<'a> {
    pub(crate) cmd: &'a SyntaxCommand,
    pub(crate) diags: Vec<Diagnostic>,
}

impl<'a> Cx<'a> {
    pub(crate) fn report(&mut self, span: Span, error: MqscError) {
        let token = self.cmd.raw(span).to_owned();
        self.diags.push(Diagnostic { pos: self.cmd.pos(span), token, error });
    }

    /// Reports and returns `None`, for use with `?`.
    pub(crate) fn fail<T>(&mut self, span: Span, error: MqscError) -> Option<T> {
        self.report(span, error);
        None
    }

    fn command(&mut self) -> Option<Command> {
        let cmd = self.cmd;
        let verb_param = cmd.params.first()?;
        if let Some(noun) = cmd.params.get(1) {
            let word = verb_param.keyword.text.as_str();
            let verb_word: &str = Verb::from_word(word).map_or(word, |v| v.word());
            if verb_param.values.is_none() && not_provided::has_form(verb_word, &noun.keyword.text) {
                return self.not_provided(verb_word, noun, &cmd.params[2..]);
            }
        }
        let verb = self.verb(verb_param)?;
        if verb == Verb::End {
            self.no_more(&cmd.params[1..], "END")?;
            return Some(Command::End);
        }
        let Some(noun_param) = cmd.params.get(1) else {
            let example = match nouns_for(verb).first() {
                Some(n) if verb == Verb::Refresh => n,
                _ => "CHANNEL(name)",
            };
            let example = if verb == Verb::Refresh { "SECURITY TYPE(SSL)" } else { example };
            return self.fail(verb_param.span, MqscError::MissingObject { verb: verb.word(), example });
        };
        let noun = self.noun(verb, noun_param)?;
        let rest = &cmd.params[2..];
        match (verb, noun) {
            (Verb::Define, Noun::Object(t)) => self.define(t, noun_param, rest),
            (Verb::Alter, Noun::Object(t)) => self.alter(t, noun_param, rest),
            (Verb::Delete, Noun::Object(t)) => self.delete(t, noun_param, rest),
            (Verb::Display, _) => self.display(noun, noun_param, rest),
            (Verb::Set, Noun::Chlauth) => self.set_chlauth(noun_param, rest),
            (Verb::Set, Noun::Authrec) => self.set_authrec(noun_param, rest),
            (Verb::Delete, Noun::Authrec) => self.delete_authrec(noun_param, rest),
            (Verb::Refresh, Noun::Security) => self.refresh(rest),
            (Verb::Stop, Noun::Conn) => {
                let conn = self.name(noun_param, "CONN")?;
                self.params(rest, "STOP CONN", &[])?;
                Some(Command::StopConn { conn: conn.to_ascii_uppercase() })
            }
            (Verb::Start | Verb::Stop, Noun::Object(t)) => self.control(verb, t, noun_param, rest),
            (Verb::Reset | Verb::Ping | Verb::Resolve, _) => self.channel_op(verb, noun_param, rest),
            (Verb::Clear, _) => {
                let name = self.name(noun_param, "QLOCAL")?;
                self.params(rest, "CLEAR QLOCAL", &[("TYPE", true)])?;
                Some(Command::ClearQlocal { name })
            }
            _ => self.fail(
                noun_param.span,
                MqscError::Unsupported { verb: verb.word(), object: noun_param.keyword.text.clone() },
            ),
        }
    }

    fn verb(&mut self, p: &Param) -> Option<Verb> {
        let word = &p.keyword.text;
        if let Some(verb) = Verb::from_word(word) {
            if p.values.is_some() {
                return self.fail(p.span, MqscError::ExpectedKeyword { found: format!("{word}(...)") });
            }
            return Some(verb);
        }
        if Verb::is_other_mq_verb(word) {
            return self.fail(p.span, MqscError::Unsupported { verb: "", object: word.clone() });
        }
        if word.contains("{{") || word.starts_with('$') {
            return self.fail(p.span, MqscError::Placeholder { token: self.cmd.raw(p.span).to_owned() });
        }
        let suggestion = closest(Verb::words(), word);
        self.fail(p.keyword.span, MqscError::UnknownVerb { verb: word.clone(), suggestion })
    }

    fn noun(&mut self, verb: Verb, p: &Param) -> Option<Noun> {
        let word = &p.keyword.text;
        let allowed = nouns_for(verb);
        match Noun::from_word(word) {
            Some(noun) if allowed.contains(&noun.word()) => Some(noun),
            _ if Noun::is_other_mq_noun(word) => {
                self.fail(p.keyword.span, MqscError::Unsupported { verb: verb.word(), object: word.clone() })
            }
            _ => {
                let suggestion = closest(allowed.iter().copied(), word);
                self.fail(
                    p.keyword.span,
                    MqscError::UnknownObject { verb: verb.word(), word: word.clone(), suggestion },
                )
            }
        }
    }

    /// The single name inside `OBJECT(name)`.
    pub(crate) fn name(&mut self, p: &Param, object: &'static str) -> Option<String> {
        match p.values.as_deref() {
            Some([one]) if !one.text.is_empty() => match template_variable(&one.text) {
                Some(error) => self.fail(one.span, error),
                None => Some(one.text.clone()),
            },
            Some([_, second, ..]) => self.fail(
                second.span,
                MqscError::BadParameter {
                    keyword: object.into(),
                    value: second.text.clone(),
                    why: "only one name is allowed",
                },
            ),
            _ => self.fail(p.span, MqscError::MissingName { object }),
        }
    }

    /// Checks that nothing follows.
    fn no_more(&mut self, rest: &[Param], command: &str) -> Option<()> {
        match rest.first() {
            Some(p) => self.fail(
                p.span,
                MqscError::UnknownParameter {
                    keyword: p.keyword.text.clone(),
                    command: command.into(),
                    suggestion: None,
                },
            ),
            None => Some(()),
        }
    }

    /// Reads parameters from a fixed list `(keyword, takes_value)`; returns their values
    /// (`Some(None)` for bare keywords) in list order.
    pub(crate) fn params(
        &mut self,
        rest: &[Param],
        command: &str,
        known: &[(&'static str, bool)],
    ) -> Option<Vec<Option<Option<String>>>> {
        let mut out = vec![None; known.len()];
        let mut ok = true;
        for p in rest {
            let Some(i) = known.iter().position(|(k, _)| *k == p.keyword.text) else {
                let suggestion = closest(known.iter().map(|(k, _)| *k), &p.keyword.text);
                let keyword = p.keyword.text.clone();
                self.report(
                    p.keyword.span,
                    MqscError::UnknownParameter { keyword, command: command.into(), suggestion },
                );
                ok = false;
                continue;
            };
            let (keyword, takes_value) = known[i];
            let value = match (takes_value, p.values.as_deref()) {
                (true, Some([one])) => Some(one.text.clone()),
                (false, None) => None,
                (true, _) => {
                    self.report(
                        p.span,
                        MqscError::BadParameter {
                            keyword: keyword.into(),
                            value: self.cmd.raw(p.span).into(),
                            why: "needs exactly one value",
                        },
                    );
                    ok = false;
                    continue;
                }
                (false, Some(_)) => {
                    self.report(
                        p.span,
                        MqscError::BadParameter {
                            keyword: keyword.into(),
                            value: self.cmd.raw(p.span).into(),
                            why: "takes no value",
                        },
                    );
                    ok = false;
                    continue;
                }
            };
            if out[i].is_some() {
                self.report(p.span, mqtls_model::ModelError::Repeated { keyword }.into());
                ok = false;
            }
            out[i] = Some(value);
        }
        ok.then_some(out)
    }

    /// Picks a word from a fixed list, or reports it.
    pub(crate) fn word_of<T: Copy>(
        &mut self,
        p: &Param,
        keyword: &'static str,
        value: &str,
        words: &[(&'static str, T)],
    ) -> Option<T> {
        match words.iter().find(|(w, _)| *w == value) {
            Some((_, t)) => Some(*t),
            None => self.fail(
                p.span,
                MqscError::BadParameter {
                    keyword: keyword.into(),
                    value: value.into(),
                    why: "not one of the accepted values",
                },
            ),
        }
    }

    fn refresh(&mut self, rest: &[Param]) -> Option<Command> {
        let got = self.params(rest, "REFRESH SECURITY", &[("TYPE", true)])?;
        let Some(Some(word)) = got[0].clone() else {
            return Some(Command::RefreshSecurity(RefreshType::Authserv));
        };
        let p = rest.iter().find(|p| p.keyword.text == "TYPE").expect("given");
        self.word_of(p, "TYPE", &word, &RefreshType::ALL).map(Command::RefreshSecurity)
    }

    fn control(
        &mut self,
        verb: Verb,
        otype: mqtls_model::ObjectType,
        noun: &Param,
        rest: &[Param],
    ) -> Option<Command> {
        use mqtls_model::ObjectType as T;
        let target = match otype {
            T::Channel => ControlTarget::Channel,
            T::Listener => ControlTarget::Listener,
            _ => ControlTarget::Service,
        };
        let name = self.name(noun, otype.keyword())?;
        let command = format!("{} {}", verb.word(), otype.keyword());
        let stop = if verb == Verb::Stop && target == ControlTarget::Channel {
            let got = self.params(
                rest,
                &command,
                &[("MODE", true), ("STATUS", true), ("CONNAME", true), ("QMNAME", true)],
            )?;
            let pick = |cx: &mut Self,
                        i: usize,
                        kw: &'static str,
                        words: &[(&'static str, &'static str)]|
             -> Option<Option<&'static str>> {
                match got[i].clone().flatten() {
                    None => Some(None),
                    Some(v) => {
                        let p = rest.iter().find(|p| p.keyword.text == kw).expect("given");
                        cx.word_of(p, kw, &v, words).map(Some)
                    }
                }
            };
            let modes = [("QUIESCE", "QUIESCE"), ("FORCE", "FORCE"), ("TERMINATE", "TERMINATE")];
            let mode = pick(self, 0, "MODE", &modes)?;
            let status = pick(self, 1, "STATUS", &[("STOPPED", "STOPPED"), ("INACTIVE", "INACTIVE")])?;
            (mode, status, got[2].clone().flatten(), got[3].clone().flatten())
        } else {
            let known: &[(&str, bool)] =
                if target == ControlTarget::Listener { &[("IGNSTATE", true)] } else { &[] };
            self.params(rest, &command, known)?;
            (None, None, None, None)
        };
        let (mode, status, conname, qmname) = stop;
        let control = Control { target, name, mode, status, conname, qmname };
        Some(if verb == Verb::Start { Command::Start(control) } else { Command::Stop(control) })
    }

    fn channel_op(&mut self, verb: Verb, noun: &Param, rest: &[Param]) -> Option<Command> {
        let name = self.name(noun, "CHANNEL")?;
        let command = format!("{} CHANNEL", verb.word());
        let number = |cx: &mut Self, kw: &'static str, v: Option<String>, max: i64| -> Option<Option<i64>> {
            let Some(v) = v else { return Some(None) };
            match v.parse::<i64>() {
                Ok(n) if (0..=max).contains(&n) => Some(Some(n)),
                _ => {
                    let span = rest.iter().find(|p| p.keyword.text == kw).map_or(noun.span, |p| p.span);
                    cx.fail(
                        span,
                        MqscError::BadParameter {
                            keyword: kw.into(),
                            value: v,
                            why: "not a number in range",
                        },
                    )
                }
            }
        };
        match verb {
            Verb::Reset => {
                let got = self.params(rest, &command, &[("SEQNUM", true)])?;
                let seqnum = number(self, "SEQNUM", got[0].clone().flatten(), 999_999_999)?;
                Some(Command::ResetChannel { name, seqnum })
            }
            Verb::Ping => {
                let got = self.params(rest, &command, &[("DATALEN", true)])?;
                let datalen = number(self, "DATALEN", got[0].clone().flatten(), 32_768)?;
                Some(Command::PingChannel { name, datalen })
            }
            _ => {
                let got = self.params(rest, &command, &[("ACTION", true)])?;
                let Some(Some(action)) = got[0].clone() else {
                    return self.fail(
                        noun.span,
                        mqtls_model::ModelError::Missing {
                            keyword: "ACTION",
                            context: "for RESOLVE CHANNEL",
                        }
                        .into(),
                    );
                };
                let p = rest.iter().find(|p| p.keyword.text == "ACTION").expect("given");
                let commit = self.word_of(p, "ACTION", &action, &[("COMMIT", true), ("BACKOUT", false)])?;
                Some(Command::ResolveChannel { name, commit })
            }
        }
    }
}

#[cfg(test)]
mod tests;
