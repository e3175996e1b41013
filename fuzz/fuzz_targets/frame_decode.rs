//! Wire frames: decoding never panics, and a decoded frame encodes back to the same bytes.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mqtls_channel::fuzzing::frame_roundtrip(data));
