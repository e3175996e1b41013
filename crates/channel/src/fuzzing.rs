//! Fuzz entry points (the `fuzz/` targets call these; `cargo test` replays them on stable
//! with mutated seeds): each decodes hostile bytes and checks a property, panicking when
//! it does not hold.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::OnceLock;

use mqtls_model::{AttrSet, ChlauthAction, ChlauthRecord, ChlauthType, ObjectType, Stamp, Store, Value};

use crate::frame::{decode, encode, Frame};
use crate::ops::{Reply, Request};
use crate::start::{check, mqcht, Negotiated};
use crate::transfer::{Answer, Send};

/// A frame decodes without panicking, and encodes back to the bytes it used.
pub fn frame_roundtrip(data: &[u8]) {
    if let Ok(Some((frame, used))) = decode(data, 1 << 20) {
        assert_eq!(encode(&frame), data[..used], "frame re-encoding differs");
    }
}

/// An IBM MQ segment (and initial data in it) decodes without panicking; a segment
/// encodes back to the bytes it used; initial data re-read from its encoding encodes the
/// same again.
pub fn fap_roundtrip(data: &[u8]) {
    use crate::fap::Segment;
    use crate::initial_data::InitialData;
    if let Ok(Some((seg, used))) = Segment::decode(data, 1 << 16) {
        // LUW id and reserved bytes are not kept: compare what the header carries.
        let again = seg.encode();
        assert_eq!(
            Segment::decode(&again, 1 << 16).ok().flatten(),
            Some((seg.clone(), used)),
            "segment re-encoding differs"
        );
        if let Ok(id) = InitialData::decode(&seg.body, seg.little_endian) {
            let bytes = id.encode(seg.little_endian);
            let back =
                InitialData::decode(&bytes, seg.little_endian).expect("encoded initial data reads back");
            assert_eq!(back.encode(seg.little_endian), bytes, "initial data re-encoding differs");
        }
    }
}

/// A request or reply of the message operations decodes without panicking, and encodes
/// back to the same bytes.
pub fn ops_roundtrip(data: &[u8]) {
    if let Ok((id, request)) = Request::decode(data) {
        let again = request.encode(id);
        // An earlier client's MQCONN (no application name) is the one second spelling:
        // it re-encodes with a blank name, which reads back the same.
        let legacy = matches!(&request, Request::Connect { application, .. } if application.is_empty())
            && again.len() == data.len() + 2
            && again.starts_with(data);
        if legacy {
            assert_eq!(Request::decode(&again).ok(), Some((id, request)), "legacy MQCONN reads back");
        } else {
            assert_eq!(again, data, "request re-encoding differs");
        }
    }
    if let Ok((id, reply)) = Reply::decode(data) {
        assert_eq!(reply.encode(id), data, "reply re-encoding differs");
    }
}

/// The sender / receiver exchange decodes without panicking, and encodes back the same.
pub fn transfer_roundtrip(data: &[u8]) {
    if let Ok(send) = Send::decode(data) {
        assert_eq!(send.encode(), data, "transfer re-encoding differs");
    }
    if let Ok(answer) = Answer::decode(data) {
        assert_eq!(answer.encode(), data, "answer re-encoding differs");
    }
}

/// The channel-start exchange: a decoded ChannelStart is checked against a queue manager
/// with a plain client channel, a TLS one and a receiver, behind CHLAUTH rules; it is
/// admitted only to a defined channel of a partnering type, on a plain connection only
/// to a plain channel, and a refusal always carries a reason code and why.
pub fn channel_start(data: &[u8]) {
    let Ok(Some((Frame::ChannelStart(start), _))) = decode(data, 1 << 16) else { return };
    let store = start_store();
    let address = IpAddr::V4(Ipv4Addr::new(10, 1, 2, u8::from(start.user.len() % 2 == 0)));
    match check(store, &start, &Negotiated::default(), address, &["mqm", "root"]) {
        Ok(admitted) => {
            let object =
                store.get(ObjectType::Channel, &start.channel).expect("admitted to a defined channel");
            let ours = object.channel_type().expect("a channel type");
            assert!(ours.partners().iter().any(|p| mqcht(*p) == start.chltype), "type pairing");
            assert!(object.str("SSLCIPH").is_empty(), "a plain connection admitted to a TLS channel");
            assert_eq!(admitted.secprot, "");
        }
        Err(refusal) => assert!(refusal.reason >= 2000 && !refusal.text.is_empty(), "{refusal:?}"),
    }
}

/// Attribute values as `AttrSet` takes them.
type Values = Vec<(&'static str, Value)>;

fn start_store() -> &'static Store {
    static STORE: OnceLock<Store> = OnceLock::new();
    STORE.get_or_init(|| {
        let mut store = Store::new("QM1", Stamp::default()).expect("a queue manager name");
        let channels: [(&str, &str, Values); 3] = [
            ("PLAIN.SVRCONN", "SVRCONN", vec![("MCAUSER", Value::Str("app".into()))]),
            ("TLS.SVRCONN", "SVRCONN", vec![("SSLCIPH", Value::Str("ANY_TLS13".into()))]),
            ("QM2.TO.QM1", "RCVR", vec![]),
        ];
        for (name, chltype, mut values) in channels {
            values.push(("CHLTYPE", Value::Word(chltype.into())));
            let attrs = AttrSet::from_values(ObjectType::Channel, values).expect("channel attributes");
            store.define(ObjectType::Channel, name, attrs, None, false, Stamp::default()).expect("define");
        }
        let rules: [(&str, ChlauthType, Values); 2] = [
            ("*", ChlauthType::BlockAddr, vec![("ADDRLIST", Value::List(vec!["10.1.2.1".into()]))]),
            (
                "PLAIN.*",
                ChlauthType::UserMap,
                vec![("CLNTUSER", Value::Str("alice".into())), ("USERSRC", Value::Word("NOACCESS".into()))],
            ),
        ];
        for (profile, rtype, values) in rules {
            let attrs = AttrSet::from_chlauth_values(values).expect("CHLAUTH attributes");
            let record = ChlauthRecord { profile: profile.into(), rtype, attrs, altered: Stamp::default() };
            store.set_chlauth(record, ChlauthAction::Add).expect("SET CHLAUTH");
        }
        store
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::ChannelStart;

    fn start(channel: &str, chltype: u8, user: &str) -> Vec<u8> {
        let s = ChannelStart {
            channel: channel.into(),
            chltype,
            qmgr: "QM2".into(),
            user: user.into(),
            max_msg_len: 1024,
            sharecnv: 1,
            heartbeat: 60,
        };
        encode(&Frame::ChannelStart(s))
    }

    #[test]
    fn the_channel_start_property_holds_for_admitted_and_refused_starts() {
        for bytes in [
            start("PLAIN.SVRCONN", 6, "bob"),
            start("PLAIN.SVRCONN", 6, "alice"),
            start("TLS.SVRCONN", 6, "bob"),
            start("QM2.TO.QM1", 1, "x"),
            start("QM2.TO.QM1", 6, "x"),
            start("NOT.THERE", 6, "x"),
        ] {
            channel_start(&bytes);
        }
        let store = start_store();
        let plain = |user: &str| {
            let Ok(Some((Frame::ChannelStart(s), _))) = decode(&start("PLAIN.SVRCONN", 6, user), 1 << 16)
            else {
                panic!("a start frame")
            };
            check(store, &s, &Negotiated::default(), IpAddr::V4(Ipv4Addr::new(10, 1, 2, 0)), &["mqm", "root"])
        };
        assert!(plain("bob").is_ok(), "the store admits something, so the property is not vacuous");
        assert!(plain("alice").is_err(), "and refuses something");
    }
}
