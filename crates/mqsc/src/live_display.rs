//! DISPLAY of what runs on a queue manager: QMSTATUS, LSSTATUS and CONN, from the
//! [`Live`] view a running queue manager gives. In memory nothing runs: no listener or
//! connection is found; QMSTATUS needs a running queue manager.

use mqtls_model::{generic_match, ObjectType, Store};

use crate::command::{Display, DisplayTarget};
use crate::error::MqscError;
use crate::exec::Live;
use crate::layout::layout;
use crate::where_filter::items_match;

/// Keyword, value pairs of one status row.
pub type Items = Vec<(String, String)>;

/// One connection for DISPLAY CONN: its identifier (16 hexadecimal digits), its
/// TYPE(CONN) pairs and one list of pairs per open handle.
#[derive(Clone, Debug)]
pub struct ConnRow {
    /// The CONN identifier.
    pub conn: String,
    /// The connection's attributes.
    pub items: Items,
    /// The open handles' attributes.
    pub handles: Vec<Items>,
}

/// The lines of DISPLAY QMSTATUS, LSSTATUS or CONN.
pub(crate) fn display(store: &Store, d: &Display, live: &dyn Live) -> Result<Vec<String>, MqscError> {
    let needs =
        || MqscError::NeedsQueueManager { command: crate::command::Command::Display(d.clone()).to_string() };
    // WHERE's keyword is shown with the rest, as IBM MQ shows it.
    let where_kw = d.where_.as_ref().map(|w| w.keyword.as_str());
    let wanted = |k: &str, always: &[&str]| {
        d.all
            || d.select.is_empty()
            || always.contains(&k)
            || where_kw == Some(k)
            || d.select.iter().any(|s| s == k)
    };
    let passes = |items: &Items| d.where_.as_ref().is_none_or(|w| items_match(items, w));
    let pick = |items: &Items, always: &[&str]| -> Items {
        items.iter().filter(|(k, _)| wanted(k, always)).cloned().collect()
    };
    let mut out = Vec::new();
    match d.target {
        DisplayTarget::Qmstatus => {
            let mut items = vec![("QMNAME".to_owned(), store.qmgr().name().to_owned())];
            items.extend(live.qmstatus().ok_or_else(needs)?);
            out.extend(layout("AMQ8705I: Display Queue Manager Status Details.", &pick(&items, &["QMNAME"])));
        }
        DisplayTarget::Lsstatus => {
            let rows = match live.listener_status() {
                Some(rows) => rows,
                None if live.in_memory() => Vec::new(),
                None => return Err(needs()),
            };
            for (name, items) in rows.iter().filter(|(n, _)| generic_match(&d.name, n)) {
                let mut items = items.clone();
                if let Some(def) = store.get(ObjectType::Listener, name) {
                    for kw in ["DESCR", "TRPTYPE", "CONTROL", "BACKLOG"] {
                        items.push((kw.to_owned(), def.str(kw)));
                    }
                }
                let mut shown = vec![("LISTENER".to_owned(), name.clone())];
                if !passes(&items) {
                    continue;
                }
                shown.extend(pick(&items, &[]));
                out.extend(layout("AMQ8631I: Display listener status details.", &shown));
            }
            if out.is_empty() {
                out.push(format!("No running listener matches LSSTATUS({}).", d.name));
            }
        }
        DisplayTarget::Conn => {
            let rows = match live.connections() {
                Some(rows) => rows,
                None if live.in_memory() => Vec::new(),
                None => return Err(needs()),
            };
            let kind = d.filters.iter().find(|(k, _)| k == "TYPE").map_or("CONN", |(_, v)| v.as_str());
            let (conns, handles) = match kind.to_ascii_uppercase().as_str() {
                "HANDLE" => (false, true),
                "ALL" | "*" => (true, true),
                _ => (true, false),
            };
            // Without ALL or a selection DISPLAY CONN shows the identifiers only.
            let summary = d.select.is_empty() && !d.all;
            let select = |items: &Items| -> Items {
                items
                    .iter()
                    .filter(|(k, _)| {
                        ["CONN", "TYPE"].contains(&k.as_str())
                            || where_kw == Some(k.as_str())
                            || (!summary && (d.all || d.select.iter().any(|s| s == k)))
                    })
                    .cloned()
                    .collect()
            };
            for row in rows.iter().filter(|r| generic_match(&d.name.to_ascii_uppercase(), &r.conn)) {
                // A WHERE on a connection attribute chooses connections; on a handle
                // attribute, the handles (and the connections holding one that passes).
                let on_handle =
                    d.where_.as_ref().is_some_and(|w| !row.items.iter().any(|(k, _)| *k == w.keyword));
                let chosen: Vec<&Items> = row.handles.iter().filter(|h| !on_handle || passes(h)).collect();
                if !(if on_handle { !chosen.is_empty() } else { passes(&row.items) }) {
                    continue;
                }
                if conns {
                    out.extend(layout("AMQ8276I: Display Connection details.", &select(&row.items)));
                }
                for h in chosen.into_iter().filter(|_| handles) {
                    out.extend(layout("AMQ8276I: Display Connection details.", &select(h)));
                }
            }
            if out.is_empty() {
                out.push(format!("No connection matches CONN({}).", d.name));
            }
        }
        _ => unreachable!("not a status of what runs"),
    }
    Ok(out)
}
