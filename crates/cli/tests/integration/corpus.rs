//! Every public MQSC script in ../shared/corpus/mqsc and every example in mqsc/ goes
//! through `mqtls mqsc -v`. Files a real runmqsc would also reject are listed here with
//! the reason; every other file must verify with no errors.

use std::fs;

use crate::{mqtls, root};

/// (file name, exit code, a phrase the first finding must contain, why runmqsc agrees).
const EXCEPTIONS: &[(&str, i32, &str, &str)] = &[
    ("ewiger__ibm-mq-mtls__20-config.mqsc", 20, "SSLPEER is not valid for CHLAUTH TYPE(ADDRESSMAP)",
        "SSLPEER belongs to TYPE(SSLPEERMAP); runmqsc rejects it on ADDRESSMAP"),
    ("ewiger__ibm-mq-mtls__scripts__20-config.mqsc", 10, "TLS_RSA_WITH_AES_256_CBC_SHA256 is refused",
        "valid MQSC; mqtls warns that it will not negotiate this CipherSpec"),
    ("ewiger__ibm-mq-mtls__scripts__client.mqsc", 10, "TLS_RSA_WITH_AES_256_CBC_SHA256 is refused",
        "valid MQSC; mqtls warns that it will not negotiate this CipherSpec"),
    ("ibm-messaging__mq-container__etc__mqm__15-tls.mqsc.tpl", 20, "'{{ .SSLKeyR }}' looks like an unrendered template",
        "a Go template: runmqsc sees '{{' as a syntax error"),
    ("ibm-messaging__mq-container__incubating__mqadvanced-server-dev__10-dev.mqsc.tpl", 20, "{{ .ChckClnt }}",
        "a Go template"),
    ("ibm-messaging__mq-container__incubating__mqadvanced-server-dev__dev.mqsc.tpl", 20, "{{ .ChckClnt }}",
        "a Go template"),
    ("ibm-messaging__mq-dev-patterns__amqp-qpid__add-dev.mqsc.tpl", 20, "{{ .ChckClnt }}", "a Go template"),
    ("ibm-messaging__mq-docker__10-dev.mqsc.tpl", 20, "{{ .ChckClnt }}", "a Go template"),
    ("ibm-messaging__mq-gitops-samples__queue-manager-deployment__queue-managers__uniform-cluster-01__uniform__static-uc.mqsc",
        20, "'+AUTOCL+' is a queue-manager insertion variable",
        "'+' is not a name character; only AutoConfig replaces +VAR+"),
    ("ibm-messaging__mq-openstack__ccdt__part1__CCDT_Setup.mqsc", 20, "'%PORT%' looks like an unrendered template",
        "PORT(%PORT%) is not a number"),
    ("ibm-messaging__mq-uniform-clusters__demo__Docker__QMConfig__dockerVolume__UniCluster.mqsc", 20,
        "'+QMNAME+' is a queue-manager insertion variable", "AutoConfig insertion"),
    ("ibm-messaging__mq-uniform-clusters__demo__Linux__QMConfig__UniCluster.mqsc", 20,
        "'+QMNAME+' is a queue-manager insertion variable", "AutoConfig insertion"),
    ("ibm-messaging__mq-uniform-clusters__pubsub__simple-admin__QMConfig__UniCluster.mqsc", 20,
        "'+QMNAME+' is a queue-manager insertion variable", "AutoConfig insertion"),
    ("ibm-messaging__mq-uniform-clusters__request-reply__QMConfig__UniCluster.mqsc", 20,
        "'+QMNAME+' is a queue-manager insertion variable", "AutoConfig insertion"),
];

#[test]
fn shared_corpus_verifies_or_fails_for_the_listed_reason() {
    let dir = root().join("../shared/corpus/mqsc");
    let entries = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e} (the corpus must sit beside the project)", dir.display()));
    let mut seen = 0;
    let mut failures = Vec::new();
    for entry in entries {
        let path = entry.expect("dir entry").path();
        let name = path.file_name().and_then(|n| n.to_str()).expect("file name").to_owned();
        let src = String::from_utf8_lossy(&fs::read(&path).expect("read corpus file")).into_owned();
        let (code, out, _) = mqtls(&["mqsc", "-v", "-e"], &src);
        seen += 1;
        let level = if code == 20 { "error:" } else { "warning:" };
        let first = out.lines().find(|l| l.starts_with(level)).unwrap_or("");
        match EXCEPTIONS.iter().find(|(f, ..)| *f == name) {
            Some((_, want, phrase, _)) if code == *want && first.contains(phrase) => {}
            Some((_, want, phrase, _)) => {
                failures.push(format!("{name}: want exit {want} with '{phrase}', got {code}: {first}"))
            }
            None if code == 0 => {}
            None => failures.push(format!("{name}: exit {code}: {first}")),
        }
    }
    assert!(seen >= 70, "only {seen} corpus files found in {}", dir.display());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    println!("{seen} corpus files verified, {} listed exceptions", EXCEPTIONS.len());
}

#[test]
fn every_exception_names_a_file_that_exists() {
    for (name, ..) in EXCEPTIONS {
        assert!(root().join("../shared/corpus/mqsc").join(name).exists(), "{name}");
    }
}

#[test]
fn project_examples_verify_cleanly() {
    for entry in fs::read_dir(root().join("mqsc")).expect("mqsc/") {
        let path = entry.expect("entry").path();
        let src = fs::read_to_string(&path).expect("read");
        let (code, out, _) = mqtls(&["mqsc", "-v", "-e"], &src);
        assert_eq!(code, 0, "{}:\n{out}", path.display());
    }
}
