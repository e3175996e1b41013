//! The servers under test as child processes: each in a process group of its own, so that
//! its memory is the sum over the group (RabbitMQ's Erlang VM and its helpers, Java's
//! one process, mqtls's one) and stopping it stops everything it started.

use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

/// A running server: killed with its process group when dropped.
#[derive(Debug)]
pub(crate) struct Server {
    /// Where it listens on loopback.
    pub(crate) port: u16,
    child: Child,
}

impl Server {
    /// Starts `command` in a new process group, its output in `log`, and waits up to
    /// `ready` for `port` to accept connections.
    pub(crate) fn start(
        name: &'static str,
        mut command: Command,
        port: u16,
        log: &Path,
        ready: Duration,
    ) -> Result<Self> {
        let out = std::fs::File::create(log).with_context(|| format!("{}", log.display()))?;
        let err = out.try_clone()?;
        command.stdin(Stdio::null()).stdout(out).stderr(err).process_group(0);
        let child = command.spawn().with_context(|| format!("starting {name}"))?;
        let mut server = Self { port, child };
        let deadline = Instant::now() + ready;
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Some(status) = server.child.try_wait()? {
                let tail = std::fs::read_to_string(log).unwrap_or_default();
                let tail: String = tail
                    .lines()
                    .rev()
                    .take(15)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect::<Vec<_>>()
                    .join("\n");
                bail!(
                    "{name} exited ({status}) before listening on {port}; its log {}:\n{tail}",
                    log.display()
                );
            }
            if Instant::now() > deadline {
                bail!("{name} did not listen on 127.0.0.1:{port} within {ready:?}; see {}", log.display());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Ok(server)
    }

    /// The resident memory of the server's process group, KiB.
    pub(crate) fn rss_kib(&self) -> u64 {
        let group = self.child.id();
        let Ok(entries) = std::fs::read_dir("/proc") else { return 0 };
        entries
            .flatten()
            .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
            .filter(|pid| process_group(*pid) == Some(group))
            .map(vm_rss)
            .sum()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.child.wait();
    }
}

/// The process group of `pid` (the fifth field of /proc/PID/stat, after the command).
fn process_group(pid: u32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after = &stat[stat.rfind(')')? + 2..];
    after.split_whitespace().nth(2)?.parse().ok()
}

fn vm_rss(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap_or("VmRSS: 0 kB");
    line.split_whitespace().nth(1).and_then(|n| n.parse().ok()).unwrap_or(0)
}

/// An empty directory `dir/name` for a server's configuration and data.
pub(crate) fn fresh_dir(dir: &Path, name: &str) -> Result<std::path::PathBuf> {
    let base = dir.join(name);
    let _ = std::fs::remove_dir_all(&base);
    std::fs::create_dir_all(&base).with_context(|| format!("{}", base.display()))?;
    Ok(base)
}

/// Where the bench stops opening idle connections: its own clients' memory, GiB.
const CLIENT_MEMORY_GIB: f64 = 8.0;

/// This process's resident memory, GiB.
pub(crate) fn own_rss_gib() -> f64 {
    vm_rss(std::process::id()) as f64 / 1024.0 / 1024.0
}

/// Opens `n` connections with `open`, 64 at a time (within the listen backlogs), and
/// stops with an error if the bench's own clients outgrow [`CLIENT_MEMORY_GIB`].
pub(crate) async fn open_many<T, F, Fut>(n: usize, open: F) -> Result<Vec<T>>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<T>>,
{
    let mut held = Vec::with_capacity(n);
    while held.len() < n {
        let opening: Vec<_> = (0..64.min(n - held.len())).map(|_| open()).collect();
        for c in futures_util::future::join_all(opening).await {
            held.push(c?);
        }
        if own_rss_gib() > CLIENT_MEMORY_GIB {
            bail!(
                "after {} connections the bench's own clients hold over {CLIENT_MEMORY_GIB} GiB",
                held.len()
            );
        }
    }
    Ok(held)
}
