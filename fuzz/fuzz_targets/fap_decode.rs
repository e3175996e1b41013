//! IBM MQ segments and initial data: decoding never panics, and what decodes encodes back.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mqtls_channel::fuzzing::fap_roundtrip(data));
