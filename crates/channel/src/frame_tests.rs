use super::*;

fn start() -> Frame {
    Frame::ChannelStart(ChannelStart {
        channel: "APP.SVRCONN".into(),
        chltype: 6,
        qmgr: String::new(),
        user: "app".into(),
        max_msg_len: 4_194_304,
        sharecnv: 10,
        heartbeat: 300,
    })
}

#[test]
fn every_kind_round_trips() {
    let frames = [
        start(),
        Frame::StartAck { max_msg_len: 1024, sharecnv: 1, heartbeat: 60 },
        Frame::Refuse { reason: 2035, text: "SSLPEER does not match: CN=eve".into() },
        Frame::Heartbeat,
        Frame::Data { conversation: 3, payload: vec![1, 2, 3] },
        Frame::Close { reason: 0 },
    ];
    for f in frames {
        let bytes = encode(&f);
        assert_eq!(f.encoded_len(), bytes.len(), "{f:?}");
        assert_eq!(decode(&bytes, 1 << 20).unwrap(), Some((f.clone(), bytes.len())), "{f:?}");
    }
}

#[test]
fn partial_input_asks_for_more() {
    let bytes = encode(&start());
    for cut in 0..bytes.len() {
        assert_eq!(decode(&bytes[..cut], 1 << 20).unwrap(), None, "cut at {cut}");
    }
    let two = [bytes.clone(), encode(&Frame::Heartbeat)].concat();
    assert_eq!(decode(&two, 1 << 20).unwrap().unwrap().1, bytes.len(), "one frame at a time");
}

#[test]
fn hostile_frames_are_named() {
    assert_eq!(decode(b"\x16\x03\x01", 100), Err(FrameError::BadMagic), "a TLS record on a plain socket");
    assert_eq!(decode(b"GET / HTTP/1.1", 100), Err(FrameError::BadMagic));
    let mut v2 = encode(&Frame::Heartbeat);
    v2[3] = 2;
    assert_eq!(decode(&v2, 100), Err(FrameError::Version(2)));
    let mut kind = encode(&Frame::Heartbeat);
    kind[4] = 99;
    assert_eq!(decode(&kind, 100), Err(FrameError::UnknownKind(99)));
    let mut flagged = encode(&Frame::Heartbeat);
    flagged[5] = 1;
    assert_eq!(decode(&flagged, 100), Err(FrameError::Reserved));
    let big = encode(&Frame::Data { conversation: 0, payload: vec![0; 200] });
    assert_eq!(decode(&big, 100), Err(FrameError::TooLarge { len: 202, max: 100 }));
    let mut lying = encode(&Frame::Refuse { reason: 1, text: "abc".into() });
    lying[13 + 4] = 0xFF; // the text claims 0xFF03 bytes
    assert!(matches!(decode(&lying, 1 << 20), Err(FrameError::BadText(_) | FrameError::Truncated(_))));
    let mut trailing = encode(&Frame::Close { reason: 0 });
    trailing.push(0);
    trailing[11] += 1;
    assert_eq!(decode(&trailing, 100), Err(FrameError::Trailing("close")));
}

proptest::proptest! {
    #[test]
    fn decoding_never_panics(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..64)) {
        let mut framed = MAGIC.to_vec();
        framed.extend(bytes);
        let _ = decode(&framed, 1 << 16);
    }

    #[test]
    fn data_round_trips(conversation: u16, payload in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..512)) {
        let f = Frame::Data { conversation, payload };
        let bytes = encode(&f);
        proptest::prop_assert_eq!(decode(&bytes, 1 << 16).unwrap(), Some((f, bytes.len())));
    }
}
