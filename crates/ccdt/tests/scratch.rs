#[test]
fn scratch() {
    for e in std::fs::read_dir("../../../shared/corpus/ccdt-json").unwrap() {
        let p = e.unwrap().path();
        let t = std::fs::read_to_string(&p).unwrap();
        let s = mqtls_ccdt::read_json(&t, mqtls_ccdt::Mode::Strict);
        let l = mqtls_ccdt::read_json(&t, mqtls_ccdt::Mode::Lenient);
        println!(
            "{}\n  strict: {}\n  lenient: {}",
            p.file_name().unwrap().to_str().unwrap(),
            s.as_ref().map(|c| format!("{} channels", c.channels.len())).unwrap_or_else(|e| e.to_string()),
            l.as_ref()
                .map(|c| format!("{} channels {:?}", c.channels.len(), c.warnings))
                .unwrap_or_else(|e| e.to_string())
        );
    }
}
