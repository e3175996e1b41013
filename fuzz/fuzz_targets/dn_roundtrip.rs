//! DN strings: parse, render, parse again, compare.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mqtls_dn::fuzzing::dn_roundtrip(data));
