//! Binary CCDT: read, write, read again, compare.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mqtls_ccdt::fuzzing::binary_roundtrip(data));
