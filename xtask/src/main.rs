//! `cargo xtask bench [--quick | --report | --peers]`: runs every benchmark of the project, reads
//! criterion's estimates and the memory bench's table, and rewrites the measured part of
//! BENCHMARKS.md (between its `bench:begin` and `bench:end` markers): the machine, the
//! command, each figure with its rate and its ratio to the baseline measured in the same
//! run. The hand-written analysis around the markers is kept. `--quick` shortens each
//! measurement; `--report` runs nothing and writes the tables from the last run's results.
#![forbid(unsafe_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

mod peers;

/// The benches, in the order they run: package, bench target, what they measure.
const BENCHES: &[(&str, &str, &str)] = &[
    ("mqtls-mqsc", "parse", "MQSC parsing"),
    ("mqtls-dn", "filter", "SSLPEER matching and DN parsing"),
    ("mqtls-pki", "pki", "chain validation and OCSP"),
    ("mqtls-msgstore", "commit", "persistent writes, one writer vs eight at once (group commit)"),
    (
        "mqtls-channel",
        "handshake",
        "TLS handshakes in memory, mqtls configurations vs raw rustls; record encryption per suite",
    ),
    ("mqtls-qmgr", "channel_start", "channel starts through the listener vs a raw tokio-rustls server"),
    ("mqtls-qmgr", "messages", "messages through the queue manager, TLS vs plain"),
    ("mqtls-qmgr", "qm_to_qm", "QM1 to QM2 over a sender channel, TLS vs plain"),
];

/// How a figure's baseline is named in its group: (text in the figure's id, text in the
/// baseline's id).
const BASELINES: &[(&str, &str)] = &[
    ("mqtls_", "raw_rustls_"),
    ("mqtls_", "raw_tokio_rustls_"),
    ("mqtls_validate", "webpki_raw"),
    ("tls13", "plain"),
    ("mqtls_ec_tls13", "mqtls_plain"),
    ("persistent_fsync", "nonpersistent"),
    ("compiled_match", "parse_and_match"),
    ("typed", "syntax"),
    ("cache_hit", "verify_response"),
    ("aes_", "chacha20_"),
    ("8_writers", "1_writers"),
];

const BEGIN: &str = "<!-- bench:begin (written by `cargo xtask bench`; edit outside the markers) -->";
const END: &str = "<!-- bench:end -->";

struct Figure {
    group: String,
    id: String,
    median_ns: f64,
    elements: Option<f64>,
    bytes: Option<f64>,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("bench") => {
            let quick = args.iter().any(|a| a == "--quick");
            let report_only = args.iter().any(|a| a == "--report");
            let done = if args.iter().any(|a| a == "--peers") {
                peers::bench_peers(&root(), quick)
            } else {
                bench(quick, report_only)
            };
            if let Err(e) = done {
                eprintln!("xtask bench: {e}");
                std::process::exit(1);
            }
        }
        _ => {
            eprintln!("usage: cargo xtask bench [--quick | --report | --peers [--quick]]   (runs the benchmarks, rewrites BENCHMARKS.md)");
            std::process::exit(2);
        }
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn bench(quick: bool, report_only: bool) -> Result<(), String> {
    let root = root();
    let timing: &[&str] = if quick { &["--warm-up-time", "1", "--measurement-time", "2"] } else { &[] };
    let mut sections = Vec::new();
    for (package, target, what) in BENCHES {
        if !report_only {
            let status = Command::new("cargo")
                .args(["bench", "-p", package, "--bench", target, "--"])
                .args(timing)
                .current_dir(&root)
                .status()
                .map_err(|e| format!("cargo bench: {e}"))?;
            if !status.success() {
                return Err(format!("cargo bench -p {package} --bench {target} failed"));
            }
        }
        let figures = read_figures(&root.join("target/criterion"), target)?;
        sections.push(section(package, target, what, &figures));
    }
    let saved = root.join("target/xtask-idle-memory.txt");
    if !report_only {
        let memory = Command::new("cargo")
            .args(["bench", "-p", "mqtls-cli", "--bench", "idle_memory"])
            .current_dir(&root)
            .output()
            .map_err(|e| format!("cargo bench idle_memory: {e}"))?;
        if !memory.status.success() {
            return Err("cargo bench -p mqtls-cli --bench idle_memory failed".into());
        }
        std::fs::write(&saved, &memory.stdout).map_err(|e| format!("{}: {e}", saved.display()))?;
    }
    let memory = std::fs::read_to_string(&saved).map_err(|e| format!("{}: {e}", saved.display()))?;
    sections.push(memory_section(&memory));
    let command = if quick { "cargo xtask bench --quick" } else { "cargo xtask bench" };
    let generated = format!(
        "{BEGIN}\n## Latest full run\n\n{}\nCommand: `{command}`.\n\n{}{END}",
        machine(),
        sections.join("\n")
    );
    splice(&root.join("BENCHMARKS.md"), BEGIN, END, &generated)?;
    println!("BENCHMARKS.md written ({} sections)", sections.len());
    Ok(())
}

/// Replaces the part of `path` from `begin` to `end` (the markers included) with
/// `generated`, or appends it when the markers are not there.
fn splice(path: &Path, begin: &str, end: &str, generated: &str) -> Result<(), String> {
    let old = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let new = match (old.find(begin), old.find(end)) {
        (Some(a), Some(b)) if a < b => format!("{}{generated}{}", &old[..a], &old[b + end.len()..]),
        _ => format!("{}\n\n{generated}\n", old.trim_end()),
    };
    std::fs::write(path, new).map_err(|e| format!("{}: {e}", path.display()))
}

/// The idle-memory table, with TLS per channel against plain per channel at each count.
fn memory_section(output: &str) -> String {
    let rows: Vec<&str> = output.lines().filter(|l| l.starts_with('|')).collect();
    let per_channel = |count: &str, kind: &str| -> Option<f64> {
        let row = rows.iter().find(|r| r.starts_with(&format!("| {count} | {kind}")))?;
        row.split('|').nth(5)?.split_whitespace().next()?.parse().ok()
    };
    let mut ratios = Vec::new();
    for count in ["1000", "10000"] {
        if let (Some(tls), Some(plain)) = (per_channel(count, "TLS"), per_channel(count, "plain")) {
            ratios.push(format!("{count}: TLS {tls:.1} KiB = {:.2} × plain {plain:.1} KiB", tls / plain));
        }
    }
    format!(
        "### Memory per idle channel\n\n`cargo bench -p mqtls-cli --bench idle_memory` (baseline: plain channels in the same run)\n\n{}\n\nPer channel, {}.\n",
        rows.join("\n"),
        ratios.join("; ")
    )
}

/// CPU, cores, memory, rustc and date, as one line.
fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name").map(|v| v.trim_start_matches([' ', '\t', ':']).to_owned()))
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let mem_gib = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |kib| kib / 1024.0 / 1024.0);
    let rustc = Command::new("rustc")
        .arg("-V")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    let date = Command::new("date")
        .arg("-u")
        .arg("+%Y-%m-%d")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    format!("Machine: {model}, {cores} cores, {mem_gib:.0} GiB; {rustc}; {date}.\n")
}

/// Every benchmark criterion recorded in `target`'s last run.
fn read_figures(dir: &Path, target: &str) -> Result<Vec<Figure>, String> {
    let mut found = Vec::new();
    let groups = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for group in groups.flatten() {
        for entry in walk(&group.path()) {
            let bench: serde_json::Value = read_json(&entry.join("benchmark.json"))?;
            if !belongs(target, bench["group_id"].as_str().unwrap_or("")) {
                continue;
            }
            let estimates: serde_json::Value = read_json(&entry.join("estimates.json"))?;
            let modified = std::fs::metadata(entry.join("estimates.json"))
                .and_then(|m| m.modified())
                .unwrap_or(std::time::UNIX_EPOCH);
            let id = bench["function_id"]
                .as_str()
                .or_else(|| bench["value_str"].as_str())
                .unwrap_or_default()
                .to_owned();
            let figure = Figure {
                group: bench["group_id"].as_str().unwrap_or_default().to_owned(),
                id,
                median_ns: estimates["median"]["point_estimate"].as_f64().unwrap_or(f64::NAN),
                elements: bench["throughput"]["Elements"].as_f64(),
                bytes: bench["throughput"]["Bytes"].as_f64(),
            };
            found.push((modified, figure));
        }
    }
    // The target's last run: what was written within an hour of its newest result
    // (results of benchmarks since renamed or removed are older and left out).
    let newest = found.iter().map(|(m, _)| *m).max().unwrap_or(std::time::UNIX_EPOCH);
    let since = newest.checked_sub(std::time::Duration::from_secs(3600)).unwrap_or(std::time::UNIX_EPOCH);
    let mut out: Vec<Figure> = found.into_iter().filter(|(m, _)| *m >= since).map(|(_, f)| f).collect();
    out.sort_by(|a, b| (&a.group, &a.id).cmp(&(&b.group, &b.id)));
    Ok(out)
}

/// The benchmark directories (those holding `new/estimates.json`) under `dir`.
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if dir.join("new/estimates.json").exists() {
        out.push(dir.join("new"));
    }
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() && p.file_name().is_some_and(|n| n != "new" && n != "base" && n != "report") {
                out.extend(walk(&p));
            }
        }
    }
    out
}

fn read_json(path: &Path) -> Result<serde_json::Value, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Which criterion groups each bench target writes.
fn belongs(target: &str, group: &str) -> bool {
    match target {
        "parse" => group == "mqsc",
        "filter" => group == "sslpeer" || group == "dn",
        "pki" => group == "chain" || group == "ocsp",
        "commit" => group == "persistent_put" || group == "uow_commit",
        "handshake" => group == "handshake" || group == "records_64k",
        "channel_start" => group == "start" || group.starts_with("heartbeats"),
        "messages" => {
            group.starts_with("roundtrip") || group.starts_with("pipelined") || group.starts_with("put_")
        }
        "qm_to_qm" => group.starts_with("qm_to_qm"),
        _ => false,
    }
}

fn section(package: &str, target: &str, what: &str, figures: &[Figure]) -> String {
    let mut s = format!(
        "### {what}\n\n`cargo bench -p {package} --bench {target}`\n\n| figure | median | rate | vs. baseline |\n|---|---|---|---|\n"
    );
    for f in figures {
        // The first rule (in BASELINES order) whose baseline ran in the same group.
        let baseline = BASELINES.iter().find_map(|(ours, theirs)| {
            let wanted = f.id.contains(ours).then(|| f.id.replacen(ours, theirs, 1))?;
            figures.iter().find(|b| b.group == f.group && b.id == wanted && b.id != f.id)
        });
        let ratio = match baseline {
            Some(b) => format!("{:.2} × `{}`", b.median_ns / f.median_ns, b.id),
            None => "baseline".into(),
        };
        s.push_str(&format!(
            "| `{}/{}` | {} | {} | {ratio} |\n",
            f.group,
            f.id,
            duration(f.median_ns),
            rate(f)
        ));
    }
    s
}

fn duration(ns: f64) -> String {
    match ns {
        n if n >= 1e9 => format!("{:.2} s", n / 1e9),
        n if n >= 1e6 => format!("{:.2} ms", n / 1e6),
        n if n >= 1e3 => format!("{:.2} µs", n / 1e3),
        n => format!("{n:.0} ns"),
    }
}

fn rate(f: &Figure) -> String {
    let per_second = 1e9 / f.median_ns;
    match (f.elements, f.bytes) {
        (Some(n), _) => scaled(n * per_second, "/s"),
        (_, Some(b)) => format!("{:.1} MiB/s", b * per_second / 1024.0 / 1024.0),
        _ => scaled(per_second, "/s"),
    }
}

fn scaled(v: f64, unit: &str) -> String {
    match v {
        v if v >= 1e6 => format!("{:.2} M{unit}", v / 1e6),
        v if v >= 1e3 => format!("{:.1} k{unit}", v / 1e3),
        v => format!("{v:.1}{unit}"),
    }
}
