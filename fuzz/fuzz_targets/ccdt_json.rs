//! JSON CCDT: strict and lenient readers agree; what is read writes and reads back equal.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mqtls_ccdt::fuzzing::json_roundtrip(data));
