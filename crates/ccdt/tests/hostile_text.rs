//! A bad CCDT value is echoed as a bounded excerpt, not whole.

#[test]
fn a_huge_bad_ccdt_channel_name_is_echoed_as_a_short_excerpt() {
    let name = "A b".repeat(16_000_000);
    let json = format!(
        r#"{{"channel":[{{"name":"{name}","type":"clientConnection","clientConnection":{{"connection":[{{"host":"h","port":1414}}]}}}}]}}"#
    );
    let err = mqtls_ccdt::read_json(&json, mqtls_ccdt::Mode::Strict).unwrap_err().to_string();
    assert!(err.len() < 2_000, "{} bytes: {}", err.len(), &err[..200]);
}
