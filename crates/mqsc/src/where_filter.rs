//! WHERE(keyword op value) of DISPLAY: against a stored object's attribute, and against
//! the items of a status row (CHSTATUS, LSSTATUS, CONN), as IBM MQ's DISPLAY pages
//! describe the filter condition (filter-keyword, operator, filter-value: numbers compare
//! as numbers, LK / NL take a generic value, CT / EX look inside lists and CTG / EXG match
//! their items generically) and IBM's "Examples
//! of using SQL-like operands in the WHERE clause in the runmqsc DISPLAY command"
//! (`DISPLAY CONN(*) WHERE(CHANNEL NE '')`).

use std::cmp::Ordering;

use mqtls_model::{generic_match, Object, Value};

use crate::command::{Where, WhereOp};
use crate::layout::shown;

/// The value of an attribute for DISPLAY and WHERE, including ALTDATE / ALTTIME.
pub(crate) fn value_of(object: &Object, keyword: &str) -> Option<Value> {
    match keyword {
        "ALTDATE" => Some(Value::Str(object.altered().date.clone())),
        "ALTTIME" => Some(Value::Str(object.altered().time.clone())),
        _ => object.get(keyword),
    }
}

/// Whether `object` passes `w`; an object without the attribute does not.
pub(crate) fn object_matches(object: &Object, w: &Where) -> bool {
    let Some(value) = value_of(object, &w.keyword) else { return false };
    let text = shown(&value).trim().to_owned();
    let number = match value {
        Value::Int(n) => Some(n),
        _ => None,
    };
    let list = match &value {
        Value::List(items) => items.clone(),
        _ => vec![text.clone()],
    };
    holds(w, &text, number, &list)
}

/// Whether a status row's items pass `w`; a row without the keyword does not. A value
/// that reads as a number compares as one when the WHERE value does.
pub fn items_match(items: &[(String, String)], w: &Where) -> bool {
    let Some((_, value)) = items.iter().find(|(k, _)| *k == w.keyword) else { return false };
    let text = value.trim();
    let list: Vec<String> = text.split(',').map(|s| s.trim().to_owned()).collect();
    holds(w, text, text.parse().ok(), &list)
}

fn holds(w: &Where, text: &str, number: Option<i64>, list: &[String]) -> bool {
    let ord = match (number, w.value.parse::<i64>()) {
        (Some(a), Ok(b)) => a.cmp(&b),
        _ => text.cmp(w.value.as_str()),
    };
    match w.op {
        WhereOp::Eq => ord == Ordering::Equal,
        WhereOp::Ne => ord != Ordering::Equal,
        WhereOp::Lt => ord.is_lt(),
        WhereOp::Gt => ord.is_gt(),
        WhereOp::Le => ord.is_le(),
        WhereOp::Ge => ord.is_ge(),
        WhereOp::Lk => generic_match(&w.value, text),
        WhereOp::Nl => !generic_match(&w.value, text),
        WhereOp::Ct => list.contains(&w.value),
        WhereOp::Ex => !list.contains(&w.value),
        WhereOp::Ctg => list.iter().any(|i| generic_match(&w.value, i)),
        WhereOp::Exg => !list.iter().any(|i| generic_match(&w.value, i)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(keyword: &str, op: WhereOp, value: &str) -> Where {
        Where { keyword: keyword.into(), op, value: value.into() }
    }

    #[test]
    fn status_items_compare_as_numbers_text_and_lists() {
        let row: Vec<(String, String)> = [("MSGS", "9"), ("STATUS", "RETRYING"), ("COMPHDR", "NONE,NONE")]
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        // 9 < 10 as numbers, though "9" > "10" as text.
        assert!(items_match(&row, &w("MSGS", WhereOp::Lt, "10")));
        assert!(!items_match(&row, &w("MSGS", WhereOp::Gt, "10")));
        assert!(items_match(&row, &w("STATUS", WhereOp::Eq, "RETRYING")));
        assert!(!items_match(&row, &w("STATUS", WhereOp::Eq, "RUNNING")));
        assert!(items_match(&row, &w("STATUS", WhereOp::Lk, "RETRY*")));
        assert!(items_match(&row, &w("COMPHDR", WhereOp::Ct, "NONE")));
        assert!(items_match(&row, &w("COMPHDR", WhereOp::Ex, "SYSTEM")));
        // IBM's NL is "not like"; LE / GE are the inclusive comparisons.
        assert!(items_match(&row, &w("STATUS", WhereOp::Nl, "RUN*")));
        assert!(!items_match(&row, &w("STATUS", WhereOp::Nl, "RETRY*")));
        assert!(
            items_match(&row, &w("MSGS", WhereOp::Le, "9"))
                && !items_match(&row, &w("MSGS", WhereOp::Ge, "10"))
        );
        assert!(items_match(&row, &w("COMPHDR", WhereOp::Ctg, "NO*")));
        assert!(items_match(&row, &w("COMPHDR", WhereOp::Exg, "SYS*")));
        assert!(!items_match(&row, &w("SSLPEER", WhereOp::Ne, "x")), "a row without the keyword fails");
    }
}
