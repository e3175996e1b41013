//! MQSC: parse, print canonical MQSC, parse again, compare.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mqtls_mqsc::fuzzing::parse_print_reparse(data));
