//! Message operations inside Data frames: decoding a request or a reply never panics, and
//! what decodes encodes back to the same bytes (no two encodings of one request).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mqtls_channel::fuzzing::ops_roundtrip(data));
