use proptest::prelude::*;

use super::*;

fn message() -> Message {
    Message { persistent: true, priority: 7, correl_id: [3; 24], ..Message::text("payload") }
}

fn requests() -> Vec<Request> {
    let get = GetOptions {
        mode: GetMode::BrowseNext,
        syncpoint: true,
        wait_ms: 2500,
        msg_id: Some([1; 24]),
        correl_id: Some([2; 24]),
    };
    vec![
        Request::Connect { qmgr: "QM1".into(), application: "amqsput".into() },
        Request::Connect { qmgr: String::new(), application: String::new() },
        Request::Open { queue: "APP.Q".into(), options: OPEN_INPUT | OPEN_OUTPUT },
        Request::Put { handle: 7, syncpoint: true, message: message() },
        Request::Get { handle: 7, options: get },
        Request::Get { handle: 7, options: GetOptions { correl_id: Some([9; 24]), ..GetOptions::default() } },
        Request::Depth { handle: 7 },
        Request::Commit,
        Request::Backout,
        Request::Close { handle: 7 },
        Request::Disconnect,
        Request::Mqsc { script: "DISPLAY QMGR\n".repeat(200) },
    ]
}

fn replies() -> Vec<Reply> {
    vec![
        Reply::Ok,
        Reply::Connected { qmgr: "QM1".into() },
        Reply::Opened { handle: 1 },
        Reply::Put { msg_id: [5; 24] },
        Reply::Message(message()),
        Reply::Depth(42),
        Reply::Failed { reason: 2033, text: "no message".into() },
        Reply::Mqsc { code: 10, report: "AMQ8408I: Display Queue Manager details.\n".into() },
    ]
}

#[test]
fn every_request_and_reply_round_trips_with_its_id() {
    for (i, req) in requests().into_iter().enumerate() {
        let id = 1000 + i as u32;
        assert_eq!(Request::decode(&req.encode(id)).unwrap(), (id, req));
    }
    for (i, reply) in replies().into_iter().enumerate() {
        let id = 2000 + i as u32;
        assert_eq!(Reply::decode(&reply.encode(id)).unwrap(), (id, reply));
    }
}

#[test]
fn truncations_and_trailing_bytes_are_refused() {
    for req in requests() {
        let bytes = req.encode(1);
        for cut in 0..bytes.len() {
            match (&req, Request::decode(&bytes[..cut])) {
                // Cut right after the queue manager: an earlier client's MQCONN, read as such.
                (Request::Connect { qmgr, .. }, Ok((_, Request::Connect { application, .. })))
                    if cut == 4 + 1 + 2 + qmgr.len() && application.is_empty() => {}
                (_, decoded) => assert!(decoded.is_err(), "{req:?} cut at {cut}"),
            }
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(Request::decode(&longer).is_err(), "{req:?} with a trailing byte");
    }
    for reply in replies() {
        let bytes = reply.encode(1);
        for cut in 0..bytes.len() {
            assert!(Reply::decode(&bytes[..cut]).is_err(), "{reply:?} cut at {cut}");
        }
    }
}

#[test]
fn unknown_kinds_name_themselves_and_keep_the_request_id() {
    let payload = [0, 0, 0, 9, 200];
    let err = Request::decode(&payload).unwrap_err();
    assert_eq!(err.to_string(), "unknown request kind 200");
    assert_eq!(request_id(&payload), Some(9));
    let mut get = Request::Get { handle: 1, options: GetOptions::default() }.encode(3);
    get[9] = 5;
    assert_eq!(Request::decode(&get).unwrap_err().to_string(), "unknown get mode kind 5");
    let mut put = Request::Put { handle: 1, syncpoint: true, message: message() }.encode(3);
    put[9] = 2;
    assert!(Request::decode(&put).is_err(), "put options other than 0 and 1 are refused");
    let mut get = Request::Get { handle: 1, options: GetOptions::default() }.encode(3);
    get[10] = 0x80;
    assert!(Request::decode(&get).is_err(), "undefined get flags are refused");
}

proptest! {
    #[test]
    fn decoding_any_bytes_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let _ = Request::decode(&bytes);
        let _ = Reply::decode(&bytes);
    }

    #[test]
    fn puts_round_trip(payload in prop::collection::vec(any::<u8>(), 0..2000), priority in 0u8..10, handle: u32, id: u32) {
        let message = Message { priority, payload, ..Message::default() };
        let req = Request::Put { handle, syncpoint: false, message };
        prop_assert_eq!(Request::decode(&req.encode(id)).unwrap(), (id, req));
    }
}

#[test]
fn a_connect_without_the_application_name_reads_as_blank() {
    // What clients of earlier releases send: id, kind 1, the queue manager and no more.
    let mut payload = 9u32.to_be_bytes().to_vec();
    payload.push(1);
    payload.extend_from_slice(&3u16.to_be_bytes());
    payload.extend_from_slice(b"QM1");
    let (id, request) = Request::decode(&payload).unwrap();
    assert_eq!((id, request), (9, Request::Connect { qmgr: "QM1".into(), application: String::new() }));
    payload.push(0);
    assert!(Request::decode(&payload).is_err(), "a broken application name is not ignored");
}
