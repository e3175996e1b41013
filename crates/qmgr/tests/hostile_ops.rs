//! Hostile and broken conversations on a plain channel, frame by frame: requests that do
//! not decode, requests before MQCONN, conversations past SHARECNV, more requests in
//! flight than allowed, messages over the negotiated MAXMSGL. Each gets its reason code,
//! and the queue manager goes on serving.

mod common;

use std::sync::Arc;
use std::time::Duration;

use mqtls_channel::frame::{encode, ChannelStart, Frame};
use mqtls_channel::ops::{GetOptions, Reply, Request, OPEN_INPUT, OPEN_OUTPUT, WAIT_UNLIMITED};
use mqtls_model::Message;
use mqtls_qmgr::{read_frame, Limits, QueueManager};
use mqtls_test_support::{ca_and_leaf, keystore, scratch};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

const MQSC: &str = "DEFINE CHANNEL(PLAIN.SVRCONN) CHLTYPE(SVRCONN) SHARECNV(2)\nDEFINE QLOCAL(Q)\n\
    SET AUTHREC OBJTYPE(QMGR) PRINCIPAL('app') AUTHADD(CONNECT)\n\
    SET AUTHREC PROFILE('Q') OBJTYPE(QUEUE) PRINCIPAL('app') AUTHADD(PUT,GET,INQ)\n";

async fn listen() -> (u16, Arc<QueueManager>) {
    let dir = scratch("hostile-ops");
    ca_and_leaf(&dir, "qm1", "ec");
    common::serve(QueueManager::new(
        common::definitions(MQSC),
        keystore(&dir, Some("qm1")),
        Limits::default(),
    ))
    .await
}

struct Raw {
    sock: TcpStream,
    buf: Vec<u8>,
}

impl Raw {
    async fn start(port: u16, max_msg_len: u32) -> Self {
        let mut sock = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
        let start = ChannelStart {
            channel: "PLAIN.SVRCONN".into(),
            chltype: 6,
            qmgr: String::new(),
            user: "app".into(),
            max_msg_len,
            sharecnv: 10,
            heartbeat: 300,
        };
        sock.write_all(&encode(&Frame::ChannelStart(start))).await.unwrap();
        let mut raw = Self { sock, buf: Vec::new() };
        assert!(matches!(raw.frame().await, Frame::StartAck { sharecnv: 2, .. }), "SHARECNV(2) wins");
        raw
    }

    async fn send(&mut self, conversation: u16, payload: Vec<u8>) {
        self.sock.write_all(&encode(&Frame::Data { conversation, payload })).await.unwrap();
    }

    async fn request(&mut self, conversation: u16, id: u32, request: &Request) {
        self.send(conversation, request.encode(id)).await;
    }

    async fn frame(&mut self) -> Frame {
        let read = read_frame(&mut self.sock, &mut self.buf, 1 << 20);
        tokio::time::timeout(Duration::from_secs(10), read).await.expect("an answer within 10s").unwrap()
    }

    async fn reply(&mut self) -> (u32, Reply) {
        match self.frame().await {
            Frame::Data { payload, .. } => Reply::decode(&payload).unwrap(),
            other => panic!("expected a reply, got {other:?}"),
        }
    }
}

fn failed(reply: (u32, Reply)) -> (u32, u32) {
    match reply {
        (id, Reply::Failed { reason, .. }) => (id, reason),
        other => panic!("expected a failure, got {other:?}"),
    }
}

#[tokio::test]
async fn undecodable_and_premature_requests_are_answered_and_the_conversation_goes_on() {
    let (port, _qm) = listen().await;
    let mut c = Raw::start(port, 1 << 20).await;
    c.send(0, vec![0, 0, 0, 7, 99]).await;
    assert_eq!(failed(c.reply().await), (7, 2298), "an unknown request kind");
    c.send(0, vec![0, 0, 0, 8, 2, 0]).await;
    assert_eq!(failed(c.reply().await), (8, 2009), "a truncated MQOPEN");
    c.send(0, vec![1]).await;
    assert_eq!(failed(c.reply().await), (0, 2009), "no request id at all");
    c.request(0, 9, &Request::Open { queue: "Q".into(), options: OPEN_OUTPUT }).await;
    assert_eq!(failed(c.reply().await), (9, 2018), "MQOPEN before MQCONN");
    c.request(0, 10, &Request::Connect { qmgr: String::new(), application: String::new() }).await;
    assert_eq!(c.reply().await, (10, Reply::Connected { qmgr: "QM1".into() }));
    c.request(0, 11, &Request::Connect { qmgr: String::new(), application: String::new() }).await;
    assert_eq!(failed(c.reply().await), (11, 2002));
    c.request(0, 12, &Request::Close { handle: 42 }).await;
    assert_eq!(failed(c.reply().await), (12, 2019));
}

#[tokio::test]
async fn a_message_over_the_negotiated_maxmsgl_is_refused_with_2218() {
    let (port, qm) = listen().await;
    let mut c = Raw::start(port, 1024).await;
    c.request(1, 1, &Request::Connect { qmgr: "QM1".into(), application: String::new() }).await;
    assert!(matches!(c.reply().await, (1, Reply::Connected { .. })));
    c.request(1, 2, &Request::Open { queue: "Q".into(), options: OPEN_OUTPUT }).await;
    let (_, Reply::Opened { handle }) = c.reply().await else { panic!("opened") };
    let message = Message { payload: vec![1; 2000], ..Message::default() };
    c.request(1, 3, &Request::Put { handle, syncpoint: false, message }).await;
    assert_eq!(failed(c.reply().await), (3, 2218));
    assert_eq!(qm.queues.store().depth("Q"), 0);
}

#[tokio::test]
async fn a_conversation_past_sharecnv_ends_the_connection_with_2009() {
    let (port, _qm) = listen().await;
    let mut c = Raw::start(port, 1 << 20).await;
    c.request(2, 1, &Request::Connect { qmgr: String::new(), application: String::new() }).await;
    match c.frame().await {
        Frame::Refuse { reason, text } => {
            assert_eq!(reason, 2009);
            assert!(text.contains("beyond the negotiated SHARECNV(2)"), "{text}");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    // The queue manager still serves others.
    let mut d = Raw::start(port, 1 << 20).await;
    d.request(0, 1, &Request::Connect { qmgr: String::new(), application: String::new() }).await;
    assert!(matches!(d.reply().await, (1, Reply::Connected { .. })));
}

#[tokio::test]
async fn more_requests_in_flight_than_allowed_end_the_connection_and_back_out() {
    let (port, qm) = listen().await;
    let mut c = Raw::start(port, 1 << 20).await;
    c.request(0, 1, &Request::Connect { qmgr: String::new(), application: String::new() }).await;
    c.request(0, 2, &Request::Open { queue: "Q".into(), options: OPEN_INPUT | OPEN_OUTPUT }).await;
    c.reply().await;
    let (_, Reply::Opened { handle }) = c.reply().await else { panic!("opened") };
    c.request(0, 3, &Request::Put { handle, syncpoint: true, message: Message::text("held") }).await;
    assert!(matches!(c.reply().await, (3, Reply::Put { .. })));
    // A get that waits for ever holds the conversation; then a flood behind it.
    let wait = GetOptions { wait_ms: WAIT_UNLIMITED, ..GetOptions::default() };
    c.request(0, 4, &Request::Get { handle, options: wait }).await;
    for id in 5..40 {
        c.request(0, id, &Request::Depth { handle }).await;
    }
    match c.frame().await {
        Frame::Refuse { reason: 2009, text } => {
            assert!(text.contains("more than 16 requests waiting"), "{text}")
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(qm.queues.store().depth("Q"), 0, "the uncommitted put was backed out");
    assert!(qm.status.matching("*").is_empty(), "the channel ended");
}
