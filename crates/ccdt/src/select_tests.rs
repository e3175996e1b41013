use super::*;
use crate::channel::parse_conname;

fn ch(name: &str, qmgr: &str, weight: i32, affinity: Affinity, conname: &str) -> ClientChannel {
    let mut c = ClientChannel::new(name);
    c.qmgr = qmgr.into();
    c.client_weight = weight;
    c.affinity = affinity;
    c.connections = parse_conname(conname);
    c
}

const SEEDS: Seeds = Seeds { host: 1, connection: 2 };

fn names(s: &Selection<'_>) -> Vec<String> {
    s.order.iter().map(|(c, _)| c.name.clone()).collect()
}

#[test]
fn exact_group_and_blank_names() {
    let table = vec![
        ch("B", "QM1", 0, Affinity::Preferred, "b(1)"),
        ch("A", "QM1", 0, Affinity::Preferred, "a(1),a2(1)"),
        ch("C", "", 0, Affinity::Preferred, "c(1)"),
    ];
    let s = select(&table, "QM1", SEEDS).unwrap();
    assert_eq!((s.form, names(&s)), (NameForm::Exact, vec!["A".to_string(), "B".into()]));
    let addrs: Vec<String> = s.candidates.iter().map(|c| c.address.unwrap().to_string()).collect();
    assert_eq!(addrs, ["a(1)", "a2(1)", "b(1)"], "connection lists in order");
    assert_eq!(select(&table, "*QM1", SEEDS).unwrap().form, NameForm::Group);
    assert_eq!(names(&select(&table, "", SEEDS).unwrap()), ["C"]);
    assert_eq!(names(&select(&table, "*", SEEDS).unwrap()), ["C"]);
}

#[test]
fn bad_names_and_missing_entries() {
    let table = vec![ch("A", "QM1", 0, Affinity::Preferred, "a")];
    assert_eq!(select(&table, "QM*", SEEDS).unwrap_err(), CcdtError::QmgrName { name: "QM*".into() });
    assert_eq!(
        select(&table, "QM9", SEEDS).unwrap_err().to_string(),
        "no channel in the CCDT serves queue manager \"QM9\" (MQRC 2058); it has entries for QM1"
    );
}

#[test]
fn weight_zero_first_then_weighted() {
    let table = vec![
        ch("W1", "G", 50, Affinity::Preferred, "w1"),
        ch("Z", "G", 0, Affinity::Preferred, "z"),
        ch("W2", "G", 50, Affinity::Preferred, "w2"),
    ];
    let s = select(&table, "*G", SEEDS).unwrap();
    assert_eq!(s.order[0].0.name, "Z");
    assert!(s.order[1].1.contains("CLNTWGHT(50) of 100, AFFINITY(PREFERRED)"), "{}", s.order[1].1);
}

#[test]
fn preferred_is_stable_per_host_none_varies_per_connection() {
    let table: Vec<ClientChannel> =
        (0..6).map(|i| ch(&format!("C{i}"), "G", 10 + i, Affinity::Preferred, "x")).collect();
    let host = host_seed("app-host-1");
    let orders: Vec<Vec<String>> =
        (0..20).map(|n| names(&select(&table, "*G", Seeds { host, connection: n }).unwrap())).collect();
    assert!(orders.windows(2).all(|w| w[0] == w[1]), "PREFERRED ignores the connection seed");
    let none: Vec<ClientChannel> = table
        .iter()
        .cloned()
        .map(|mut c| {
            c.affinity = Affinity::None;
            c
        })
        .collect();
    let orders: std::collections::HashSet<Vec<String>> =
        (0..20).map(|n| names(&select(&none, "*G", Seeds { host, connection: n }).unwrap())).collect();
    assert!(orders.len() > 5, "NONE draws afresh: {} distinct orders", orders.len());
}

#[test]
fn heavier_entries_come_first_more_often() {
    let table = vec![ch("HEAVY", "G", 90, Affinity::None, "h"), ch("LIGHT", "G", 10, Affinity::None, "l")];
    let first_heavy = (0..2000)
        .filter(|n| {
            select(&table, "*G", Seeds { host: 0, connection: *n }).unwrap().order[0].0.name == "HEAVY"
        })
        .count();
    assert!((1600..=1990).contains(&first_heavy), "{first_heavy} of 2000");
}
