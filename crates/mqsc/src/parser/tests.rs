use super::*;
use crate::lines::{assemble, Item};

fn parse(text: &str) -> Result<SyntaxCommand, (usize, MqscError)> {
    let Item::Command(logical) = assemble(text).remove(0) else { panic!("not a command") };
    parse_command(logical)
}

/// Each parameter: keyword and (value, quoted) pairs.
type Shape = Vec<(String, Option<Vec<(String, bool)>>)>;

fn shape(text: &str) -> Shape {
    parse(text)
        .unwrap()
        .params
        .into_iter()
        .map(|p| (p.keyword.text, p.values.map(|v| v.into_iter().map(|t| (t.text, t.quoted)).collect())))
        .collect()
}

fn v(items: &[(&str, bool)]) -> Option<Vec<(String, bool)>> {
    Some(items.iter().map(|(s, q)| (s.to_string(), *q)).collect())
}

#[test]
fn keywords_and_bare_values_are_uppercased() {
    assert_eq!(
        shape("def ql(orders) descr(x)"),
        vec![
            ("DEF".into(), None),
            ("QL".into(), v(&[("ORDERS", false)])),
            ("DESCR".into(), v(&[("X", false)])),
        ]
    );
}

#[test]
fn quoted_strings_keep_case_and_undouble_quotes() {
    assert_eq!(shape("X DESCR('It''s mine')")[1].1, v(&[("It's mine", true)]));
    assert_eq!(shape("X SSLCIPH('')")[1].1, v(&[("", true)]));
    assert_eq!(shape("X D('a,b (c)')")[1].1, v(&[("a,b (c)", true)]));
}

#[test]
fn blanks_and_commas_separate() {
    assert_eq!(shape("A,B  C")[1].0, "B");
    assert_eq!(shape("X AUTHADD(PUT,GET , INQ)")[1].1, v(&[("PUT", false), ("GET", false), ("INQ", false)]));
    assert_eq!(
        shape("ALTER QLOCAL ('Account' )      TRIGDPTH ( 1)"),
        vec![
            ("ALTER".into(), None),
            ("QLOCAL".into(), v(&[("Account", true)])),
            ("TRIGDPTH".into(), v(&[("1", false)])),
        ]
    );
}

/// IBM MQ "Rules for using MQSC commands": strings holding special characters, parentheses
/// among them, are enclosed in single quotation marks.
#[test]
fn bare_values_hold_no_parentheses() {
    for text in ["X CONNAME(host(1414))", "SET CHLAUTH(CHLTYPE(SVRCONN)) TYPE(BLOCKUSER)"] {
        let e = parse(text).unwrap_err();
        assert!(matches!(e.1, MqscError::NestedParen { .. }), "{text}: {e:?}");
        assert!(e.1.to_string().contains("quote"), "{}", e.1);
    }
    assert_eq!(shape("X CONNAME('host(1414)')")[1].1, v(&[("host(1414)", true)]));
}

/// A `+` continues a command only as the last non-blank character of a line (IBM MQ "Rules
/// for using MQSC commands"); inside a line it is an error, not a keyword.
#[test]
fn plus_inside_a_line_is_an_error() {
    for text in ["DEFINE QLOCAL(C) DESCR('a') + MAXDEPTH(3)", "DEFINE QLOCAL(C) - MAXDEPTH(3)"] {
        let e = parse(text).unwrap_err();
        assert!(matches!(e.1, MqscError::MidLineContinuation { .. }), "{text}: {e:?}");
    }
    assert_eq!(shape("X DESCR('a + b')")[1].1, v(&[("a + b", true)]));
}

#[test]
fn empty_parentheses() {
    assert_eq!(shape("X DESCR()")[1].1, Some(vec![]));
    assert_eq!(shape("X DESCR( )")[1].1, Some(vec![]));
}

#[test]
fn generic_names() {
    assert_eq!(shape("DIS Q(ORDER*)")[1].1, v(&[("ORDER*", false)]));
    assert_eq!(shape("SET AUTHREC PROFILE('**')")[2].1, v(&[("**", true)]));
}

#[test]
fn errors_point_at_the_fault() {
    let err = |t: &str| parse(t).unwrap_err();
    assert_eq!(err("X DESCR('abc"), (8, MqscError::UnterminatedString));
    assert_eq!(err("X DESCR(abc"), (7, MqscError::UnclosedParen));
    assert_eq!(err("X DESCR(a(b)"), (9, MqscError::NestedParen { value: "a".into() }));
    assert_eq!(err("X ) Y"), (2, MqscError::UnexpectedParen));
    assert_eq!(err("X 'q'"), (2, MqscError::ExpectedKeyword { found: "a quoted string".into() }));
}

#[test]
fn spans_cover_the_raw_text() {
    let cmd = parse("define qlocal('Q1') descr( 'd' )").unwrap();
    assert_eq!(cmd.raw(cmd.params[1].span), "qlocal('Q1')");
    assert_eq!(cmd.raw(cmd.params[2].keyword.span), "descr");
    assert_eq!(cmd.raw(cmd.params[2].values.as_ref().unwrap()[0].span), "'d'");
}

#[test]
fn parameter_count_is_bounded() {
    let many = format!("X {}", "A ".repeat(MAX_PARAMS + 1));
    assert!(parse(&many).is_err());
}
