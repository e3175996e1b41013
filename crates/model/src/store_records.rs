//! The CHLAUTH and AUTHREC records of a [`Store`]: SET CHLAUTH's ACTION semantics, SET
//! and DELETE AUTHREC.

use std::collections::BTreeSet;

use super::Store;
use crate::chlauth::{AuthRec, ChlauthAction, ChlauthRecord, ChlauthType, Entity};
use crate::error::ModelError;
use crate::value::Value;

impl Store {
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
