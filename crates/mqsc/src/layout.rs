//! runmqsc's DISPLAY layout: a message line, then `KEYWORD(value)` items two to a line
//! in 40-column cells, three blanks in; an item too wide for its cell takes a line.

use mqtls_model::Value;

/// Width of one cell.
const CELL: usize = 40;

/// The text shown inside the parentheses: strings unquoted, blanks as one space.
pub(crate) fn shown(value: &Value) -> String {
    let text = match value {
        Value::Str(s) | Value::Word(s) => s.clone(),
        Value::Int(i) => i.to_string(),
        Value::List(items) => items.join(","),
        Value::Flag(_) => String::new(),
    };
    if text.is_empty() {
        " ".to_owned()
    } else {
        text
    }
}

/// Lays out one object's items under `heading`.
pub fn layout(heading: &str, items: &[(String, String)]) -> Vec<String> {
    let mut out = vec![heading.to_owned()];
    let mut line = String::new();
    for (kw, value) in items {
        let item = if value.is_empty() { kw.clone() } else { format!("{kw}({value})") };
        if line.is_empty() {
            line = format!("   {item}");
            if item.chars().count() >= CELL {
                out.push(std::mem::take(&mut line));
            }
        } else {
            let pad = (3 + CELL).saturating_sub(line.chars().count());
            line.push_str(&" ".repeat(pad));
            line.push_str(&item);
            out.push(std::mem::take(&mut line));
        }
    }
    if !line.is_empty() {
        out.push(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_items_a_line_in_forty_column_cells() {
        let items: Vec<(String, String)> = [("CHANNEL", "APP"), ("CHLTYPE", "SVRCONN"), ("DESCR", " ")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert_eq!(
            layout("AMQ8414I: Display Channel details.", &items),
            vec![
                "AMQ8414I: Display Channel details.",
                "   CHANNEL(APP)                            CHLTYPE(SVRCONN)",
                "   DESCR( )",
            ]
        );
    }

    #[test]
    fn wide_items_take_their_own_line() {
        let long = "x".repeat(50);
        let items = vec![("DESCR".to_string(), long.clone()), ("HBINT".into(), "300".into())];
        assert_eq!(
            layout("H", &items),
            vec!["H".to_string(), format!("   DESCR({long})"), "   HBINT(300)".into()]
        );
    }

    #[test]
    fn blank_values_show_as_a_space() {
        assert_eq!(shown(&Value::Str(String::new())), " ");
        assert_eq!(shown(&Value::List(vec!["A".into(), "B".into()])), "A,B");
    }
}
