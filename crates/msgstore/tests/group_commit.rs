//! Writers on many threads at once (conversations committing together): every committed
//! persistent message is on disk once, none uncommitted is, and MAXDEPTH still counts the
//! messages being written.

use std::sync::Arc;

use mqtls_model::Message;
use mqtls_msgstore::{MessageStore, Select, StoreError};

fn persistent(body: String) -> Message {
    Message { persistent: true, ..Message::text(&body) }
}

#[test]
fn concurrent_commits_and_writes_outside_units_of_work_all_reach_the_disk_once() {
    let path = mqtls_test_support::scratch("group-commit").join("messages.redb");
    let store = Arc::new(MessageStore::open(&path).unwrap());
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let store = store.clone();
            std::thread::spawn(move || {
                for i in 0..25 {
                    // A unit of work of two, one backed out, and one put outside any.
                    let uow = store.begin();
                    store.put("APP.Q", persistent(format!("{t}-{i}-a")), Some(uow), 100_000).unwrap();
                    store.put("APP.Q", persistent(format!("{t}-{i}-b")), Some(uow), 100_000).unwrap();
                    store.commit(uow).unwrap();
                    let dropped = store.begin();
                    store.put("APP.Q", persistent(format!("{t}-{i}-x")), Some(dropped), 100_000).unwrap();
                    store.backout(dropped);
                    store.put("APP.Q", persistent(format!("{t}-{i}-c")), None, 100_000).unwrap();
                }
                // Half the thread's messages got back, under a unit of work and outside one.
                let uow = store.begin();
                for _ in 0..25 {
                    store.get("APP.Q", Some(uow), &Select::ANY).unwrap().expect("a message");
                }
                store.commit(uow).unwrap();
                for _ in 0..12 {
                    store.get("APP.Q", None, &Select::ANY).unwrap().expect("a message");
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let left = 8 * 75 - 8 * 37;
    assert_eq!(store.depth("APP.Q"), left);
    drop(store);
    let reopened = MessageStore::open(&path).unwrap();
    assert_eq!(reopened.depth("APP.Q"), left, "what is left is what the disk holds");
    let mut bodies = Vec::new();
    while let Some(m) = reopened.get("APP.Q", None, &Select::ANY).unwrap() {
        bodies.push(String::from_utf8(m.payload.clone()).unwrap());
    }
    assert!(bodies.iter().all(|b| !b.ends_with("-x")), "a backed-out put never reached the disk");
    let distinct: std::collections::HashSet<_> = bodies.iter().collect();
    assert_eq!(distinct.len(), bodies.len(), "none twice");
}

#[test]
fn a_put_being_written_counts_against_maxdepth() {
    let path = mqtls_test_support::scratch("group-depth").join("messages.redb");
    let store = Arc::new(MessageStore::open(&path).unwrap());
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let store = store.clone();
            std::thread::spawn(move || {
                (0..10)
                    .map(|i| store.put("APP.Q", persistent(format!("{t}-{i}")), None, 20))
                    .filter(|r| matches!(r, Err(StoreError::QueueFull { .. })))
                    .count()
            })
        })
        .collect();
    let refused: usize = threads.into_iter().map(|t| t.join().unwrap()).sum();
    assert_eq!((refused, store.depth("APP.Q")), (20, 20), "exactly MAXDEPTH(20) admitted of 40");
}
