//! The sender / receiver exchange inside Data frames: decoding what a partner sends or
//! answers never panics, and what decodes encodes back to the same bytes.
#![no_main]

use mqtls_channel::transfer::{Answer, Send};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(send) = Send::decode(data) {
        assert_eq!(send.encode(), data, "transfer re-encoding differs");
    }
    if let Ok(answer) = Answer::decode(data) {
        assert_eq!(answer.encode(), data, "answer re-encoding differs");
    }
});
