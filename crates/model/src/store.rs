//! An in-memory object store with MQ's DEFINE / ALTER / DELETE / SET semantics.
//! The queue manager persists it; the MQSC shell and tests use it directly.

use std::collections::{BTreeMap, BTreeSet};

use crate::attrs::AttrSet;
use crate::chlauth::{AuthRec, ChlauthAction, ChlauthRecord, ChlauthType, Entity};
use crate::error::ModelError;
use crate::object::{check_name, Object, Stamp};
use crate::value::Value;
use crate::{Channel, ChannelType, ObjectType};

/// MQ's default certificate label for a queue manager (or client user): `ibmwebspheremq`
/// and the name in lowercase.
pub fn default_cert_label(name: &str) -> String {
    format!("ibmwebspheremq{}", name.to_ascii_lowercase())
}

/// Whether `name` matches an MQ generic pattern: `*` alone, a prefix ending in `*`, or exact.
pub fn generic_match(pattern: &str, name: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => name.starts_with(prefix),
        None => pattern == name,
    }
}

/// Queues share one namespace; every other type has its own.
fn namespace(otype: ObjectType) -> ObjectType {
    if otype.is_queue() {
        ObjectType::Qlocal
    } else {
        otype
    }
}

/// All definitions of one queue manager.
#[derive(Clone, Debug)]
pub struct Store {
    qmgr: Object,
    objects: BTreeMap<(ObjectType, String), Object>,
    chlauth: Vec<ChlauthRecord>,
    authrecs: Vec<AuthRec>,
}

impl Store {
    /// An empty store for queue manager `qmgr`.
    pub fn new(qmgr: &str, created: Stamp) -> Result<Self, ModelError> {
        let qmgr = Object::new(ObjectType::Qmgr, qmgr, AttrSet::default(), created)?;
        Ok(Self { qmgr, objects: BTreeMap::new(), chlauth: Vec::new(), authrecs: Vec::new() })
    }

    /// The queue manager object.
    pub fn qmgr(&self) -> &Object {
        &self.qmgr
    }

    /// The label of the certificate `channel` presents: its CERTLABL, else the queue
    /// manager's CERTLABL, else MQ's default label (see [`default_cert_label`]).
    pub fn certificate_label(&self, channel: &Channel<'_>) -> String {
        channel
            .cert_label()
            .or_else(|| Some(self.qmgr.str("CERTLABL")).filter(|l| !l.is_empty()))
            .unwrap_or_else(|| default_cert_label(self.qmgr.name()))
    }

    /// ALTER QMGR.
    pub fn alter_qmgr(&mut self, attrs: AttrSet, stamp: Stamp) {
        self.qmgr.update(attrs, stamp);
    }

    /// DEFINE: `like` names the object to copy unspecified attributes from; without it
    /// they come from MQ's `SYSTEM.DEF.*` object of the type when that exists.
    pub fn define(
        &mut self,
        otype: ObjectType,
        name: &str,
        attrs: AttrSet,
        like: Option<&str>,
        replace: bool,
        stamp: Stamp,
    ) -> Result<(), ModelError> {
        check_name(otype, name)?;
        let existing = self.objects.get(&(namespace(otype), name.to_owned()));
        if let Some(old) = existing {
            if old.object_type() != otype {
                return Err(ModelError::WrongQueueType {
                    name: name.to_owned(),
                    existing: old.object_type(),
                });
            }
            if !replace {
                return Err(ModelError::AlreadyExists { object: otype, name: name.to_owned() });
            }
        }
        let given_type = attrs.get("CHLTYPE").and_then(Value::as_str).and_then(ChannelType::from_keyword);
        if let (Some(old), Some(given)) = (existing.and_then(Object::channel_type), given_type) {
            if old != given {
                return Err(ModelError::WrongChannelType { name: name.to_owned(), existing: old, given });
            }
        }
        let base = match like {
            Some(like) => Some(
                self.get(otype, like)
                    .ok_or_else(|| ModelError::NotFound { object: otype, name: like.into() })?,
            ),
            None => {
                let default = match (otype, given_type) {
                    (ObjectType::Channel, Some(t)) => Some(t.default_object().to_owned()),
                    (ObjectType::Channel, None) => None,
                    (t, _) => Some(format!("SYSTEM.DEFAULT.{}", t.keyword())),
                };
                default.and_then(|d| self.get(otype, &d))
            }
        };
        let mut merged = base.map(|b| b.given().clone()).unwrap_or_default();
        merged.merge(attrs);
        let object = Object::new(otype, name, merged, stamp)?;
        check_required(&object)?;
        self.objects.insert((namespace(otype), name.to_owned()), object);
        Ok(())
    }

    /// ALTER: changes only the attributes given. A channel's CHLTYPE must match.
    pub fn alter(
        &mut self,
        otype: ObjectType,
        name: &str,
        attrs: AttrSet,
        stamp: Stamp,
    ) -> Result<(), ModelError> {
        let object = self.get_mut(otype, name)?;
        let given = attrs.get("CHLTYPE").and_then(Value::as_str).and_then(ChannelType::from_keyword);
        if let (Some(old), Some(given)) = (object.channel_type(), given) {
            if old != given {
                return Err(ModelError::WrongChannelType { name: name.to_owned(), existing: old, given });
            }
        }
        let mut altered = object.clone();
        altered.update(attrs, stamp);
        check_required(&altered)?;
        *object = altered;
        Ok(())
    }

    /// DELETE.
    pub fn delete(&mut self, otype: ObjectType, name: &str) -> Result<Object, ModelError> {
        self.get_mut(otype, name)?;
        Ok(self.objects.remove(&(namespace(otype), name.to_owned())).expect("checked above"))
    }

    /// One object by type and exact name.
    pub fn get(&self, otype: ObjectType, name: &str) -> Option<&Object> {
        self.objects.get(&(namespace(otype), name.to_owned())).filter(|o| o.object_type() == otype)
    }

    fn get_mut(&mut self, otype: ObjectType, name: &str) -> Result<&mut Object, ModelError> {
        match self.objects.get_mut(&(namespace(otype), name.to_owned())) {
            Some(o) if o.object_type() == otype => Ok(o),
            Some(o) => Err(ModelError::WrongQueueType { name: name.to_owned(), existing: o.object_type() }),
            None => Err(ModelError::NotFound { object: otype, name: name.to_owned() }),
        }
    }

    /// Objects whose type is in `types` and whose name matches the generic `pattern`,
    /// in name order.
    pub fn matching<'a>(
        &'a self,
        types: &'a [ObjectType],
        pattern: &'a str,
    ) -> impl Iterator<Item = &'a Object> + 'a {
        self.objects
            .values()
            .filter(move |o| types.contains(&o.object_type()) && generic_match(pattern, o.name()))
    }

    /// Every channel, as typed views.
    pub fn channels(&self) -> impl Iterator<Item = Channel<'_>> + '_ {
        self.objects.values().filter_map(Channel::new)
    }

    /// SET CHLAUTH.
    pub fn set_chlauth(&mut self, record: ChlauthRecord, action: ChlauthAction) -> Result<(), ModelError> {
        let (profile, rtype) = (record.profile.clone(), record.rtype);
        let same = |r: &ChlauthRecord| r.profile == profile && r.rtype == rtype;
        let err = |why| ModelError::Chlauth { profile: profile.clone(), rtype: rtype.keyword(), why };
        let block = matches!(rtype, ChlauthType::BlockUser | ChlauthType::BlockAddr);
        let position =
            self.chlauth.iter().position(|r| same(r) && (block || r.identity() == record.identity()));
        match action {
            ChlauthAction::RemoveAll => {
                let before = self.chlauth.len();
                self.chlauth.retain(|r| !same(r));
                if before == self.chlauth.len() {
                    return Err(err("has no records to remove"));
                }
            }
            ChlauthAction::Remove => {
                let i = position.ok_or_else(|| err("not found"))?;
                if block {
                    let list = rtype.identity();
                    let drop: BTreeSet<String> = list_of(&record, list).into_iter().collect();
                    let mut kept = list_of(&self.chlauth[i], list);
                    kept.retain(|x| !drop.contains(x));
                    if kept.is_empty() {
                        self.chlauth.remove(i);
                    } else {
                        self.chlauth[i].attrs.insert(list, Value::List(kept));
                    }
                } else {
                    self.chlauth.remove(i);
                }
            }
            ChlauthAction::Add if block && position.is_some() => {
                record.check_complete()?;
                let list = rtype.identity();
                let i = position.expect("checked");
                let mut items = list_of(&self.chlauth[i], list);
                items.extend(
                    list_of(&record, list).into_iter().filter(|x| !items.contains(x)).collect::<Vec<_>>(),
                );
                self.chlauth[i].attrs.insert(list, Value::List(items));
            }
            ChlauthAction::Add | ChlauthAction::Replace => {
                record.check_complete()?;
                match position {
                    Some(_) if action == ChlauthAction::Add => {
                        return Err(err("already exists; use ACTION(REPLACE)"))
                    }
                    Some(i) => self.chlauth[i] = record,
                    None => self.chlauth.push(record),
                }
            }
        }
        Ok(())
    }

    /// Every CHLAUTH record, in the order they were added.
    pub fn chlauth(&self) -> &[ChlauthRecord] {
        &self.chlauth
    }

    /// SET AUTHREC: grants `add` and revokes `remove` for `entity` on `profile`.
    pub fn set_authrec(
        &mut self,
        profile: &str,
        objtype: &'static str,
        entity: Entity,
        add: &[&'static str],
        remove: &[&'static str],
    ) {
        let index = self.authrec_index(profile, objtype, &entity).unwrap_or_else(|| {
            let authorities = BTreeSet::new();
            self.authrecs.push(AuthRec { profile: profile.to_owned(), objtype, entity, authorities });
            self.authrecs.len() - 1
        });
        let rec = &mut self.authrecs[index];
        rec.authorities.extend(add.iter().copied());
        for r in remove {
            if *r == "ALL" {
                rec.authorities.clear();
            }
            rec.authorities.remove(r);
        }
        if rec.authorities.is_empty() {
            self.authrecs.remove(index);
        }
    }

    /// DELETE AUTHREC: removes `entity`'s record on `profile`, or says there is none.
    pub fn delete_authrec(
        &mut self,
        profile: &str,
        objtype: &str,
        entity: &Entity,
    ) -> Result<(), ModelError> {
        match self.authrec_index(profile, objtype, entity) {
            Some(i) => {
                self.authrecs.remove(i);
                Ok(())
            }
            None => Err(ModelError::NoAuthrec { profile: profile.to_owned(), objtype: objtype.to_owned() }),
        }
    }

    fn authrec_index(&self, profile: &str, objtype: &str, entity: &Entity) -> Option<usize> {
        self.authrecs.iter().position(|r| r.profile == profile && r.objtype == objtype && r.entity == *entity)
    }

    /// Every authority record.
    pub fn authrecs(&self) -> &[AuthRec] {
        &self.authrecs
    }
}

fn list_of(record: &ChlauthRecord, keyword: &str) -> Vec<String> {
    match record.attrs.get(keyword) {
        Some(Value::List(items)) => items.clone(),
        _ => Vec::new(),
    }
}

/// MQ's default objects (SYSTEM.DEF.SENDER, SYSTEM.DEFAULT.TOPIC, ...) and the base topic,
/// which crtmqm creates with the required attributes blank; they are templates for LIKE.
fn is_default_object(name: &str) -> bool {
    name.starts_with("SYSTEM.DEF.")
        || name.starts_with("SYSTEM.DEFAULT.")
        || name.starts_with("SYSTEM.AUTO.")
        || name == "SYSTEM.BASE.TOPIC"
}

/// The attributes MQ requires before an object can exist.
fn check_required(object: &Object) -> Result<(), ModelError> {
    if is_default_object(object.name()) {
        return Ok(());
    }
    let need = |keyword, context| {
        let present =
            object.given().get(keyword).and_then(Value::as_str).is_some_and(|s| !s.trim().is_empty());
        if present {
            Ok(())
        } else {
            Err(ModelError::Missing { keyword, context })
        }
    };
    match (object.object_type(), object.channel_type()) {
        (ObjectType::Channel, Some(ChannelType::Sdr)) => {
            need("CONNAME", "for CHLTYPE(SDR)")?;
            need("XMITQ", "for CHLTYPE(SDR)")
        }
        (ObjectType::Channel, Some(ChannelType::Svr)) => need("XMITQ", "for CHLTYPE(SVR)"),
        (ObjectType::Channel, Some(ChannelType::Rqstr)) => need("CONNAME", "for CHLTYPE(RQSTR)"),
        (ObjectType::Channel, Some(ChannelType::Clntconn)) => need("CONNAME", "for CHLTYPE(CLNTCONN)"),
        (ObjectType::Channel, Some(ChannelType::Clussdr)) => need("CONNAME", "for CHLTYPE(CLUSSDR)"),
        (ObjectType::Listener, _) => need("TRPTYPE", "to define a listener"),
        (ObjectType::Topic, _) => need("TOPICSTR", "to define a topic"),
        (ObjectType::Authinfo, _) => {
            need("AUTHTYPE", "to define AUTHINFO")?;
            match object.str("AUTHTYPE").as_str() {
                "OCSP" => need("OCSPURL", "for AUTHTYPE(OCSP)"),
                "CRLLDAP" | "IDPWLDAP" => need("CONNAME", "for an LDAP AUTHINFO"),
                _ => Ok(()),
            }
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
#[path = "store_tests.rs"]
mod tests;
