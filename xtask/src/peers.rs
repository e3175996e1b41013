//! `cargo xtask bench --peers [--quick]`: installs the peers Debian packages when missing
//! (rabbitmq-server, nats-server, activemq; openssl and keytool for the PKI), builds
//! `mqtls` and `mqtls-peerbench` in release, runs the peer bench with a raised
//! open-file limit (10,000 idle connections) and writes its report into BENCHMARKS.md
//! between the peer markers.

use std::path::Path;
use std::process::Command;

/// The report's place in BENCHMARKS.md.
const BEGIN: &str = "<!-- peers:begin (written by `cargo xtask bench --peers`; edit outside the markers) -->";
const END: &str = "<!-- peers:end -->";

/// Debian packages the peers and the PKI need: (a file each installs, the package).
const PACKAGES: &[(&str, &str)] = &[
    ("/usr/lib/rabbitmq/bin/rabbitmq-server", "rabbitmq-server"),
    ("/usr/sbin/nats-server", "nats-server"),
    ("/usr/share/activemq/bin/activemq.jar", "activemq"),
    ("/usr/bin/openssl", "openssl"),
    ("/usr/bin/keytool", "openjdk-17-jre-headless"),
];

/// Runs the peer bench and rewrites its BENCHMARKS.md section.
pub(crate) fn bench_peers(root: &Path, quick: bool) -> Result<(), String> {
    install_missing()?;
    let built = Command::new("cargo")
        .args(["build", "--release", "--locked", "-p", "mqtls-cli", "-p", "mqtls-peerbench"])
        .current_dir(root)
        .status()
        .map_err(|e| format!("cargo build: {e}"))?;
    if !built.success() {
        return Err("cargo build --release -p mqtls-cli -p mqtls-peerbench failed".into());
    }
    let report = root.join("target/peerbench.md");
    let command = if quick { "cargo xtask bench --peers --quick" } else { "cargo xtask bench --peers" };
    let quick = if quick { " --quick" } else { "" };
    // 10,000 idle connections need more descriptors than the usual soft limit of 1,024.
    let script = format!(
        "ulimit -n $(ulimit -Hn) 2>/dev/null; exec target/release/mqtls-peerbench{quick} --out {}",
        report.display()
    );
    let ran = Command::new("sh")
        .args(["-c", &script])
        .current_dir(root)
        .status()
        .map_err(|e| format!("sh: {e}"))?;
    if !ran.success() {
        return Err("mqtls-peerbench failed".into());
    }
    let text = std::fs::read_to_string(&report).map_err(|e| format!("{}: {e}", report.display()))?;
    let generated = format!("{BEGIN}\n{}Command: `{command}`.\n\n{text}{END}", crate::machine());
    crate::splice(&root.join("BENCHMARKS.md"), BEGIN, END, &generated)?;
    println!("BENCHMARKS.md: the peer section written");
    Ok(())
}

fn install_missing() -> Result<(), String> {
    let missing: Vec<&str> =
        PACKAGES.iter().filter(|(file, _)| !Path::new(file).exists()).map(|(_, package)| *package).collect();
    if missing.is_empty() {
        return Ok(());
    }
    eprintln!("xtask: installing {}", missing.join(" "));
    // Services stay stopped: the bench starts its own instances in a temporary directory.
    let script = format!(
        "set -e; export DEBIAN_FRONTEND=noninteractive; \
         if [ ! -e /usr/sbin/policy-rc.d ]; then printf '#!/bin/sh\\nexit 101\\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; fi; \
         apt-get update -qq; apt-get install -y -qq {}",
        missing.join(" ")
    );
    let sudo = if Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0")) {
        ""
    } else {
        "sudo "
    };
    let status = Command::new("sh")
        .args(["-c", &format!("{sudo}sh -c \"{}\"", script.replace('"', "\\\""))])
        .status()
        .map_err(|e| format!("apt-get: {e}"))?;
    if !status.success() {
        return Err(format!(
            "could not install {}: install them with apt-get and run again",
            missing.join(" ")
        ));
    }
    Ok(())
}
