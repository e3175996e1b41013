//! Bad input is echoed as a bounded, escaped excerpt: a bad name gets a one-line error
//! naming the rule, not the name whole.

use mqtls_model::{Stamp, Store};
use mqtls_mqsc::script;

#[test]
fn a_huge_bad_name_is_echoed_as_a_short_excerpt() {
    // Within MQ's 2048-character line, so the name itself is what is refused.
    let name = format!("{}\u{1b}[2J", "A b".repeat(600));
    let src = format!("DEFINE QLOCAL('{name}')\n");
    let mut store = Store::new("QM1", Stamp::default()).unwrap();
    let entries = script::run(&src, &mut store, &Stamp::default());
    assert_eq!(script::exit_code(&entries), 20);
    let report = script::report(&src, &entries, false);
    assert!(report.len() < 2_000, "{} bytes of report", report.len());
    assert!(report.contains("more characters"), "{report}");
    assert!(!report.contains('\u{1b}'), "{report}");
    assert_eq!(store.matching(&[mqtls_model::ObjectType::Qlocal], "*").count(), 0, "nothing defined");
    // A 50 MB line is refused by its length, also in a line or so.
    let src = format!("DEFINE QLOCAL('{}')\n", "A b".repeat(16_000_000));
    let entries = script::run(&src, &mut store, &Stamp::default());
    let report = script::report(&src, &entries, false);
    assert!(report.len() < 2_000 && report.contains("at most 2048"), "{report}");
}
