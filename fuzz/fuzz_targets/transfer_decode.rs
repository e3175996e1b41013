//! The sender / receiver exchange inside Data frames: decoding what a partner sends or
//! answers never panics, and what decodes encodes back to the same bytes.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mqtls_channel::fuzzing::transfer_roundtrip(data));
