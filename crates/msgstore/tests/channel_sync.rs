//! Channel synchronisation records on a real file: a sender's batch in doubt survives a
//! crash holding its messages, and resolves to delivered (gone) or not (sent again).

use std::sync::Arc;

use mqtls_model::Message;
use mqtls_msgstore::{ChannelSync, InDoubt, MessageStore, Select, StoreError};

const DEPTH: usize = 5000;

fn persistent(body: &str) -> Message {
    Message { persistent: true, ..Message::text(body) }
}

fn bodies(msgs: &[Arc<Message>]) -> Vec<String> {
    msgs.iter().map(|m| String::from_utf8(m.payload.clone()).unwrap()).collect()
}

/// Puts a, b, c on XMITQ and leaves a batch of a and b in doubt, then "crashes".
fn crash_in_doubt(name: &str) -> std::path::PathBuf {
    let path = mqtls_test_support::scratch(name).join("messages.redb");
    let store = MessageStore::open(&path).unwrap();
    for b in ["a", "b", "c"] {
        store.put("XMITQ", persistent(b), None, DEPTH).unwrap();
    }
    let uow = store.begin();
    assert_eq!(bodies(&store.take("XMITQ", uow, 2, usize::MAX, true).unwrap()), ["a", "b"]);
    store.prepare(uow, "TO.QM2", 1, 2).unwrap();
    path
}

#[test]
fn a_batch_in_doubt_is_held_after_a_crash_and_commit_removes_it_for_good() {
    let path = crash_in_doubt("sync-commit");
    let store = MessageStore::open(&path).unwrap();
    let uow = store.in_doubt("TO.QM2").expect("still in doubt after the restart");
    assert_eq!(store.channel_sync("TO.QM2").in_doubt, Some(InDoubt { luwid: 1, seq: 2, messages: 2 }));
    assert_eq!(store.depth("XMITQ"), 3, "held messages still count in CURDEPTH");
    let next = store.begin();
    assert_eq!(bodies(&store.take("XMITQ", next, 10, usize::MAX, true).unwrap()), ["c"], "a and b are held");
    store.backout(next);
    let delivered = ChannelSync { seq: 2, luwid: 1, in_doubt: None, reset_pending: false };
    store.commit_channel(uow, "TO.QM2", &delivered).unwrap();
    assert!(store.in_doubt("TO.QM2").is_none());
    drop(store);
    let store = MessageStore::open(&path).unwrap();
    assert_eq!(store.channel_sync("TO.QM2"), delivered);
    assert_eq!(store.depth("XMITQ"), 1);
    assert_eq!(store.get("XMITQ", None, &Select::ANY).unwrap().unwrap().payload, b"c");
}

#[test]
fn a_batch_in_doubt_backed_out_is_sent_again_in_its_order() {
    let path = crash_in_doubt("sync-backout");
    let store = MessageStore::open(&path).unwrap();
    let uow = store.in_doubt("TO.QM2").unwrap();
    let err = store.reset_channel("TO.QM2", &ChannelSync::default()).unwrap_err();
    assert!(matches!(err, StoreError::ChannelState { .. }) && err.to_string().contains("RESOLVE"), "{err}");
    store.backout_channel(uow, "TO.QM2", &ChannelSync::default()).unwrap();
    drop(store);
    let store = MessageStore::open(&path).unwrap();
    assert!(store.in_doubt("TO.QM2").is_none());
    let again = store.begin();
    let batch = store.take("XMITQ", again, 10, usize::MAX, true).unwrap();
    assert_eq!(bodies(&batch), ["a", "b", "c"]);
}

#[test]
fn a_receivers_puts_and_its_record_commit_together() {
    let path = mqtls_test_support::scratch("sync-receiver").join("messages.redb");
    {
        let store = MessageStore::open(&path).unwrap();
        let uow = store.begin();
        store.put("APP.IN", persistent("x"), Some(uow), DEPTH).unwrap();
        store
            .commit_channel(
                uow,
                "TO.QM2@QM1",
                &ChannelSync { seq: 1, luwid: 1, in_doubt: None, reset_pending: false },
            )
            .unwrap();
        let uow = store.begin();
        store.put("APP.IN", persistent("y"), Some(uow), DEPTH).unwrap();
        // Crash before the second batch commits: neither its message nor its record stay.
    }
    let store = MessageStore::open(&path).unwrap();
    assert_eq!(
        store.channel_sync("TO.QM2@QM1"),
        ChannelSync { seq: 1, luwid: 1, in_doubt: None, reset_pending: false }
    );
    assert_eq!(store.depth("APP.IN"), 1);
}

#[test]
fn fast_nonpersistent_messages_leave_at_once_and_batches_respect_their_bounds() {
    let store = MessageStore::in_memory().unwrap();
    store.put("XQ", Message::text("np"), None, DEPTH).unwrap();
    store.put("XQ", persistent("p"), None, DEPTH).unwrap();
    store.put("XQ", Message { payload: vec![0; 100], ..persistent("") }, None, DEPTH).unwrap();
    store.put("XQ", persistent("last"), None, DEPTH).unwrap();
    let uow = store.begin();
    let batch = store.take("XQ", uow, 10, 50, true).unwrap();
    assert_eq!(batch.len(), 3, "stops once the byte bound is passed");
    store.backout(uow);
    assert_eq!(store.depth("XQ"), 3, "the NPMSPEED(FAST) message did not come back");
    let uow = store.begin();
    assert_eq!(store.take("XQ", uow, 1, usize::MAX, false).unwrap().len(), 1, "BATCHSZ bound");
}
