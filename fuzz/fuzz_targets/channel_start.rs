//! The channel-start exchange: a hostile ChannelStart frame checked against a queue
//! manager's channels and CHLAUTH rules never panics, is admitted only where it may be,
//! and a refusal carries a reason code and why.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mqtls_channel::fuzzing::channel_start(data));
