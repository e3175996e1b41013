//! The message store through its public API, on real files.

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;

use mqtls_model::Message;
use mqtls_msgstore::{MessageStore, Select, StoreError};
use proptest::prelude::*;

const DEPTH: usize = 5000;

fn msg(body: &str, priority: u8, persistent: bool) -> Message {
    Message { priority, persistent, ..Message::text(body) }
}

fn body(m: Option<std::sync::Arc<Message>>) -> String {
    String::from_utf8(m.expect("a message").payload.clone()).unwrap()
}

fn file(name: &str) -> PathBuf {
    mqtls_test_support::scratch(name).join("messages.redb")
}

#[test]
fn priority_first_then_arrival_order() {
    let store = MessageStore::in_memory().unwrap();
    for (b, p) in [("a", 0), ("b", 5), ("c", 0), ("d", 9), ("e", 5)] {
        store.put("Q", msg(b, p, false), None, DEPTH).unwrap();
    }
    let got: Vec<String> = (0..5).map(|_| body(store.get("Q", None, &Select::ANY).unwrap())).collect();
    assert_eq!(got, ["d", "b", "e", "a", "c"]);
    assert!(store.get("Q", None, &Select::ANY).unwrap().is_none());
}

#[test]
fn a_unit_of_work_shows_its_puts_only_at_commit_and_returns_its_gets_at_backout() {
    let store = MessageStore::in_memory().unwrap();
    store.put("Q", msg("first", 0, false), None, DEPTH).unwrap();
    let uow = store.begin();
    store.put("Q", msg("staged", 0, false), Some(uow), DEPTH).unwrap();
    assert_eq!(store.depth("Q"), 2, "CURDEPTH counts uncommitted puts");
    assert_eq!(body(store.get("Q", Some(uow), &Select::ANY).unwrap()), "first");
    assert!(store.get("Q", None, &Select::ANY).unwrap().is_none(), "the staged put is invisible");
    assert_eq!(store.uncommitted("Q"), 2);
    assert_eq!(store.backout(uow), ["Q"]);
    assert_eq!(store.depth("Q"), 1, "the staged put is gone");
    let back = store.get("Q", None, &Select::ANY).unwrap().unwrap();
    assert_eq!((back.payload.as_slice(), back.backout_count), (&b"first"[..], 1));

    let uow = store.begin();
    store.put("Q", msg("kept", 0, false), Some(uow), DEPTH).unwrap();
    assert_eq!(store.commit(uow).unwrap(), ["Q"]);
    assert_eq!(body(store.get("Q", None, &Select::ANY).unwrap()), "kept");
    assert!(matches!(store.commit(uow), Err(StoreError::NoUnitOfWork(_))), "a unit of work ends once");
    assert!(matches!(store.put("Q", msg("x", 0, false), Some(uow), DEPTH), Err(StoreError::NoUnitOfWork(_))));
}

#[test]
fn maxdepth_counts_uncommitted_messages_and_refuses_with_the_queue_named() {
    let store = MessageStore::in_memory().unwrap();
    let uow = store.begin();
    store.put("Q", msg("1", 0, false), Some(uow), 2).unwrap();
    store.put("Q", msg("2", 0, false), None, 2).unwrap();
    let err = store.put("Q", msg("3", 0, false), None, 2).unwrap_err();
    assert_eq!(err.to_string(), "queue Q is full: it holds MAXDEPTH(2) messages");
    assert_eq!(store.depth("Q"), 2, "the refused put changed nothing");
}

#[test]
fn selection_by_ids_and_browsing_leave_other_messages_alone() {
    let store = MessageStore::in_memory().unwrap();
    let mut ids = Vec::new();
    for i in 0..4u8 {
        let m = Message { correl_id: [i % 2; 24], ..msg(&i.to_string(), 0, false) };
        ids.push(store.put("Q", m, None, DEPTH).unwrap());
    }
    assert_ne!(ids[0], ids[1], "generated MsgIds are unique");
    assert_eq!(&ids[0][..4], b"AMQ ");
    let mut seen = Vec::new();
    let mut cursor = None;
    while let Some((c, m)) = store.browse("Q", cursor, &Select { correl_id: Some([1; 24]), ..Select::ANY }) {
        seen.push(String::from_utf8(m.payload.clone()).unwrap());
        cursor = Some(c);
    }
    assert_eq!(seen, ["1", "3"]);
    assert_eq!(store.depth("Q"), 4, "browsing removes nothing");
    let by_id = Select { msg_id: Some(ids[2]), ..Select::ANY };
    assert_eq!(body(store.get("Q", None, &by_id).unwrap()), "2");
    assert!(store.get("Q", None, &by_id).unwrap().is_none());
    assert_eq!(store.clear("Q").unwrap(), 3);
    assert_eq!(store.depth("Q"), 0);
}

#[test]
fn persistent_messages_survive_reopening_and_nonpersistent_ones_do_not() {
    let path = file("msgstore-reopen");
    {
        let store = MessageStore::open(&path).unwrap();
        store.put("Q", msg("np", 0, false), None, DEPTH).unwrap();
        store.put("Q", msg("p1", 3, true), None, DEPTH).unwrap();
        store.put("Q", msg("p2", 3, true), None, DEPTH).unwrap();
        store.put("Q", msg("p3", 3, true), None, DEPTH).unwrap();
        store.put("R", msg("r", 0, true), None, DEPTH).unwrap();
        assert_eq!(body(store.get("Q", None, &Select::ANY).unwrap()), "p1", "got outside a unit of work");
        let uow = store.begin();
        assert_eq!(body(store.get("Q", Some(uow), &Select::ANY).unwrap()), "p2");
        let staged = store.begin();
        store.put("Q", msg("never committed", 9, true), Some(staged), DEPTH).unwrap();
        let done = store.begin();
        assert_eq!(body(store.get("R", Some(done), &Select::ANY).unwrap()), "r");
        store.commit(done).unwrap();
        // Dropped with `uow` and `staged` still open: a crash for them.
    }
    let store = MessageStore::open(&path).unwrap();
    let got: Vec<String> =
        std::iter::from_fn(|| store.get("Q", None, &Select::ANY).unwrap().map(|m| body(Some(m)))).collect();
    assert_eq!(got, ["p2", "p3"], "p2's get was never committed; p1's was; np was not persistent");
    assert!(store.get("R", None, &Select::ANY).unwrap().is_none());
    let id = store.put("Q", msg("after", 0, true), None, DEPTH).unwrap();
    assert_eq!(&id[..4], b"AMQ ");
}

#[test]
fn the_file_is_owner_only_and_one_process_at_a_time() {
    let path = file("msgstore-perms");
    let store = MessageStore::open(&path).unwrap();
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let err = MessageStore::open(&path).unwrap_err().to_string();
    assert!(err.contains("message store open"), "{err}");
    drop(store);
    MessageStore::open(&path).unwrap();
}

#[test]
fn a_file_that_is_not_a_store_is_refused_and_left_as_it_was() {
    let path = file("msgstore-garbage");
    std::fs::write(&path, vec![0x5a; 10_000]).unwrap();
    let err = MessageStore::open(&path).unwrap_err().to_string();
    assert!(err.starts_with("message store open:"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), vec![0x5a; 10_000]);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// Against a reference: gets return messages by priority, then in put order,
    /// whatever mix of direct puts, committed and backed-out units of work came first.
    #[test]
    fn gets_follow_priority_then_put_order(ops in prop::collection::vec((0u8..10, 0u8..3), 1..60)) {
        let store = MessageStore::in_memory().unwrap();
        let mut expected: Vec<(u8, usize)> = Vec::new();
        for (i, (priority, how)) in ops.iter().enumerate() {
            let m = msg(&i.to_string(), *priority, i % 2 == 0);
            match how {
                0 => { store.put("Q", m, None, DEPTH).unwrap(); expected.push((*priority, i)); }
                1 => { let u = store.begin(); store.put("Q", m, Some(u), DEPTH).unwrap(); store.commit(u).unwrap(); expected.push((*priority, i)); }
                _ => { let u = store.begin(); store.put("Q", m, Some(u), DEPTH).unwrap(); store.backout(u); }
            }
        }
        expected.sort_by_key(|(p, i)| (std::cmp::Reverse(*p), *i));
        for (_, i) in expected {
            prop_assert_eq!(body(store.get("Q", None, &Select::ANY).unwrap()), i.to_string());
        }
        prop_assert!(store.get("Q", None, &Select::ANY).unwrap().is_none());
    }
}
