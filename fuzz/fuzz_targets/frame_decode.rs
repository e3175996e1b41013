//! Wire frames: decoding never panics, and what decodes encodes back to the same bytes.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(Some((frame, used))) = mqtls_channel::frame::decode(data, 1 << 20) {
        assert_eq!(mqtls_channel::frame::encode(&frame), data[..used], "re-encoding differs");
    }
});
