//! SSLPEER: the compiled filter against the reference matcher, on `filter\ndn` inputs.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mqtls_dn::fuzzing::sslpeer_differential(data));
