//! An in-memory object store with MQ's DEFINE / ALTER / DELETE / SET semantics.
//! The queue manager persists it; the MQSC shell and tests use it directly.

use std::collections::BTreeMap;

use crate::attrs::AttrSet;
use crate::chlauth::{AuthRec, ChlauthRecord};
use crate::error::ModelError;
use crate::object::{check_name, Object, Stamp};
use crate::value::Value;
use crate::{Channel, ChannelTable, ChannelType, ObjectType};

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

/// Where a name must be unique (MQ's namespaces): the four queue types share one; channels
/// have two, the queue manager's channel table and the client channel table (CLNTCONN);
/// every other type has its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Space {
    Of(ObjectType),
    ClientChannels,
}

fn space(otype: ObjectType, table: ChannelTable) -> Space {
    match otype {
        t if t.is_queue() => Space::Of(ObjectType::Qlocal),
        ObjectType::Channel if table == ChannelTable::Client => Space::ClientChannels,
        t => Space::Of(t),
    }
}

/// The table a channel's attributes (their CHLTYPE) place it in.
fn table_of(attrs: &AttrSet) -> ChannelTable {
    attrs
        .get("CHLTYPE")
        .and_then(Value::as_str)
        .and_then(ChannelType::from_keyword)
        .map_or(ChannelTable::Qmgr, ChannelType::table)
}

/// All definitions of one queue manager.
#[derive(Clone, Debug)]
pub struct Store {
    qmgr: Object,
    objects: BTreeMap<(Space, String), Object>,
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
    /// they come from MQ's `SYSTEM.DEF.*` object of the type when that exists. A channel
    /// goes to the table its CHLTYPE belongs to, where LIKE and the default are looked up.
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
        let table = table_of(&attrs);
        let key = (space(otype, table), name.to_owned());
        let existing = self.objects.get(&key);
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
                self.get_in(otype, table, like)
                    .ok_or_else(|| ModelError::NotFound { object: otype, name: like.into() })?,
            ),
            None => {
                let default = match (otype, given_type) {
                    (ObjectType::Channel, Some(t)) => t.default_object().map(str::to_owned),
                    (ObjectType::Channel, None) => None,
                    (t, _) => Some(format!("SYSTEM.DEFAULT.{}", t.keyword())),
                };
                default.and_then(|d| self.get_in(otype, table, &d))
            }
        };
        let mut merged = base.map(|b| b.given().clone()).unwrap_or_default();
        merged.merge(attrs);
        let object = Object::new(otype, name, merged, stamp)?;
        check_required(&object)?;
        self.objects.insert(key, object);
        Ok(())
    }

    /// ALTER: changes only the attributes given. A channel's CHLTYPE must match; it also
    /// says which channel table to look in.
    pub fn alter(
        &mut self,
        otype: ObjectType,
        name: &str,
        attrs: AttrSet,
        stamp: Stamp,
    ) -> Result<(), ModelError> {
        let given = attrs.get("CHLTYPE").and_then(Value::as_str).and_then(ChannelType::from_keyword);
        let table = table_of(&attrs);
        if let (Some(given), None) = (given, self.get_in(otype, table, name)) {
            // ALTER CHANNEL(X) CHLTYPE(CLNTCONN) of a SVRCONN X, or the reverse.
            let other = self.channels().find(|c| c.name() == name).map(|c| c.channel_type());
            if let Some(existing) = other {
                return Err(ModelError::WrongChannelType { name: name.to_owned(), existing, given });
            }
        }
        let object = self.get_mut(otype, table, name)?;
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

    /// DELETE (a channel from the queue manager's table; see [`Self::delete_channel`]).
    pub fn delete(&mut self, otype: ObjectType, name: &str) -> Result<Object, ModelError> {
        self.delete_in(otype, ChannelTable::Qmgr, name)
    }

    /// DELETE CHANNEL CHLTABLE(table). A name only the other table holds is an error
    /// that says which CHLTABLE to name.
    pub fn delete_channel(&mut self, name: &str, table: ChannelTable) -> Result<Object, ModelError> {
        self.delete_in(ObjectType::Channel, table, name)
    }

    fn delete_in(
        &mut self,
        otype: ObjectType,
        table: ChannelTable,
        name: &str,
    ) -> Result<Object, ModelError> {
        if let Err(ModelError::NotFound { .. }) = self.get_mut(otype, table, name) {
            let other = match table {
                ChannelTable::Qmgr => ChannelTable::Client,
                ChannelTable::Client => ChannelTable::Qmgr,
            };
            if otype == ObjectType::Channel && self.get_in(otype, other, name).is_some() {
                let (looked, holds) = (table.keyword(), other.keyword());
                return Err(ModelError::OtherChannelTable { name: name.to_owned(), looked, holds });
            }
        }
        self.get_mut(otype, table, name)?;
        Ok(self.objects.remove(&(space(otype, table), name.to_owned())).expect("checked above"))
    }

    /// One object by type and exact name; for channels, from the queue manager's channel
    /// table (every type but CLNTCONN: what partners and clients connect to).
    pub fn get(&self, otype: ObjectType, name: &str) -> Option<&Object> {
        self.get_in(otype, ChannelTable::Qmgr, name)
    }

    /// The CLNTCONN channel `name` (the client channel table).
    pub fn client_channel(&self, name: &str) -> Option<&Object> {
        self.get_in(ObjectType::Channel, ChannelTable::Client, name)
    }

    fn get_in(&self, otype: ObjectType, table: ChannelTable, name: &str) -> Option<&Object> {
        self.objects.get(&(space(otype, table), name.to_owned())).filter(|o| o.object_type() == otype)
    }

    fn get_mut(
        &mut self,
        otype: ObjectType,
        table: ChannelTable,
        name: &str,
    ) -> Result<&mut Object, ModelError> {
        match self.objects.get_mut(&(space(otype, table), name.to_owned())) {
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
        // The client channel table is a key space of its own: merged back into name order.
        let mut found: Vec<&Object> = self
            .objects
            .values()
            .filter(|o| types.contains(&o.object_type()) && generic_match(pattern, o.name()))
            .collect();
        let order = |o: &Object| (space(o.object_type(), ChannelTable::Qmgr), o.name().to_owned());
        found.sort_by_key(|o| order(o));
        found.into_iter()
    }

    /// Every channel, as typed views.
    pub fn channels(&self) -> impl Iterator<Item = Channel<'_>> + '_ {
        self.objects.values().filter_map(Channel::new)
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

#[path = "store_records.rs"]
mod records;

#[cfg(test)]
#[path = "store_tests.rs"]
mod tests;
