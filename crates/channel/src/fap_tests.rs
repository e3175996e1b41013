use super::*;
use crate::initial_data::{caps, InitialData};

/// A client's first segment as an IBM MQ 9 C client lays it out (the dissector's field
/// list): little-endian TSH, INITIAL_DATA with confirm-request, FAP level 13.
fn client_hello() -> Vec<u8> {
    let mut id = vec![0u8; 240];
    id[..4].copy_from_slice(b"ID  ");
    id[4] = 13;
    id[5] = caps::MQREQUEST | caps::SPLIT_MESSAGE | caps::CONVERSION_CAPABLE;
    id[10..12].copy_from_slice(&50u16.to_le_bytes());
    id[12..16].copy_from_slice(&32_748u32.to_le_bytes());
    id[16..20].copy_from_slice(&(4u32 << 20).to_le_bytes());
    id[24..44].copy_from_slice(b"SYSTEM.DEF.SVRCONN  ");
    id[46..48].copy_from_slice(&819u16.to_le_bytes());
    id[48..96].copy_from_slice(format!("{:<48}", "QM1").as_bytes());
    id[96..100].copy_from_slice(&300u32.to_le_bytes());
    id[148..160].copy_from_slice(b"MQCC09030000");
    let mut seg = b"TSH ".to_vec();
    seg.extend_from_slice(&((28 + id.len()) as u32).to_be_bytes());
    seg.extend_from_slice(&[2, 0x01, 0x01, 0]);
    seg.extend_from_slice(&[0; 8]);
    seg.extend_from_slice(&0x222u32.to_le_bytes());
    seg.extend_from_slice(&437u16.to_le_bytes());
    seg.extend_from_slice(&[0, 0]);
    seg.extend_from_slice(&id);
    seg
}

#[test]
fn a_clients_initial_data_reads_as_the_dissector_lays_it_out() {
    let bytes = client_hello();
    assert!(is_mq(&bytes));
    let (seg, used) = Segment::decode(&bytes, 65_536).unwrap().unwrap();
    assert_eq!(used, bytes.len());
    assert_eq!(
        (seg.multiplexed, seg.little_endian, seg.kind, seg.encoding, seg.ccsid),
        (None, true, 1, 0x222, 437)
    );
    let id = InitialData::decode(&seg.body, seg.little_endian).unwrap();
    assert_eq!(id.fap_level, 13);
    assert_eq!(id.channel, "SYSTEM.DEF.SVRCONN");
    assert_eq!(id.qmgr, "QM1");
    assert_eq!(
        (id.max_batch, id.max_transmission, id.max_msg_size, id.heartbeat),
        (50, 32_748, 4 << 20, 300)
    );
    assert_eq!(id.partner_type(), 6, "MQREQUEST: a client");
    assert_eq!(id.product_and_version(), ("MQCC".into(), "09030000".into()));
    // Our answer in the partner's format reads back the same.
    let answer = Segment::answer(&seg, segment::INITIAL_DATA, 0x30, id.encode(true));
    assert_eq!(Segment::decode(&answer.encode(), 65_536).unwrap().unwrap().0, answer);
    assert_eq!(InitialData::decode(&answer.body, true).unwrap(), id);
}

#[test]
fn segments_round_trip_in_both_byte_orders_and_multiplexed() {
    for (multiplexed, little_endian) in
        [(None, false), (None, true), (Some((1, 7)), false), (Some((0, 2)), true)]
    {
        let seg = Segment {
            multiplexed,
            little_endian,
            kind: segment::STATUS,
            flags: 0x02,
            encoding: 0x111,
            ccsid: 1208,
            body: status_body(little_endian, status::NO_CHANNEL),
        };
        let bytes = seg.encode();
        assert_eq!(bytes.len(), if multiplexed.is_some() { TSHM_LEN } else { TSH_LEN } + 8);
        let (back, used) = Segment::decode(&bytes, 1024).unwrap().unwrap();
        assert_eq!((back.clone(), used), (seg, bytes.len()));
        assert_eq!(back.status_code(), Some(status::NO_CHANNEL));
        // A code sent little-endian is its last four bytes, low byte first.
        if little_endian && multiplexed.is_none() {
            assert_eq!(&bytes[bytes.len() - 4..], &[1, 0, 0, 0]);
        }
    }
}

#[test]
fn incomplete_oversized_and_foreign_segments() {
    let bytes = client_hello();
    for cut in [0, 7, 8, 27, bytes.len() - 1] {
        assert_eq!(Segment::decode(&bytes[..cut], 65_536).unwrap(), None, "cut at {cut}");
    }
    assert!(matches!(Segment::decode(&bytes, 100), Err(FrameError::TooLarge { len: 268, max: 100 })));
    let mut order = bytes.clone();
    order[8] = 3;
    assert!(Segment::decode(&order, 65_536).unwrap_err().to_string().contains("byte order"));
    let mut short = bytes.clone();
    short[4..8].copy_from_slice(&12u32.to_be_bytes());
    assert!(matches!(Segment::decode(&short, 65_536), Err(FrameError::Truncated(_))));
    assert!(Segment::decode(b"\xE3\xE2\xC8\x40\0\0\0\x24", 65_536)
        .unwrap_err()
        .to_string()
        .contains("EBCDIC"));
    assert!(matches!(Segment::decode(b"MQT\x01\0\0\0\0\0\0\0\0", 65_536), Err(FrameError::BadMagic)));
    assert!(!is_mq(b"MQT\x01"));
    // Initial data: too short, not an ID, a name that is not ASCII text.
    assert!(InitialData::decode(&[0; 43], true).is_err());
    assert!(InitialData::decode(&[b'X'; 44], true).is_err());
    let (seg, _) = Segment::decode(&bytes, 65_536).unwrap().unwrap();
    let mut body = seg.body;
    body[30] = 0xC1;
    assert!(matches!(InitialData::decode(&body, true), Err(FrameError::BadText(_))));
}

#[test]
fn sizes_and_codes_follow_the_dissector() {
    assert_eq!([0, 3, 4, 8, 9, 10, 11, 13].map(InitialData::size), [44, 44, 102, 102, 208, 208, 240, 240]);
    use crate::reason as r;
    assert_eq!(status::for_reason(r::UNKNOWN_CHANNEL_NAME), status::NO_CHANNEL);
    assert_eq!(status::for_reason(r::CHANNEL_CONFIG_ERROR), status::CHANNEL_WRONG_TYPE);
    assert_eq!(status::for_reason(r::SSL_INITIALIZATION_ERROR), status::CIPHER_SPEC);
    assert_eq!(status::for_reason(r::NOT_AUTHORIZED), status::SECURITY_FAILURE);
    assert_eq!(segment::name(segment::USERID), "USERID_DATA");
}
