//! Message operations inside Data frames: decoding a request or a reply never panics, and
//! what decodes encodes back to the same bytes (no two encodings of one request).
#![no_main]

use mqtls_channel::ops::{Reply, Request};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok((id, request)) = Request::decode(data) {
        assert_eq!(request.encode(id), data, "request re-encoding differs");
    }
    if let Ok((id, reply)) = Reply::decode(data) {
        assert_eq!(reply.encode(id), data, "reply re-encoding differs");
    }
});
