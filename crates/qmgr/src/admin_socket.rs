//! The admin socket: `mqtls mqsc QM --socket PATH` sends a script over a Unix domain
//! socket; the answer is the exit code on the first line, then the runmqsc report.
//!
//! Only the queue manager's owner may use it, checked twice: the socket is owner-only
//! from the moment it has its name (bound inside a fresh owner-only directory, made
//! 0600 there, then renamed into place, so no umask opens a window), and every
//! connection's peer user id (SO_PEERCRED) must be the owner's; others are refused and
//! logged.

use std::io;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
use std::path::Path;
use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::UnixListener;

use crate::admin::run_mqsc;
use crate::state::QueueManager;

/// Largest script accepted over the socket.
const MAX_SCRIPT: u64 = 1024 * 1024;

/// A bound admin socket and the user id allowed to use it.
#[derive(Debug)]
pub struct AdminListener {
    listener: UnixListener,
    owner: u32,
}

impl AdminListener {
    /// The user id connections must have: the owner of the socket (this process's).
    pub fn owner(&self) -> u32 {
        self.owner
    }
}

/// Binds the admin socket at `path` (refused if something is there), owner-only from the
/// start. Must be called inside a tokio runtime.
pub fn bind_admin(path: &Path) -> io::Result<AdminListener> {
    if path.symlink_metadata().is_ok() {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("{} exists: is the queue manager already running? If not, remove it", path.display()),
        ));
    }
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or_else(|| Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("admin.sock");
    let private = parent.join(format!(".{name}.{}.bind", std::process::id()));
    std::fs::DirBuilder::new().mode(0o700).create(&private)?;
    let inner = private.join("s");
    let bound = (|| -> io::Result<UnixListener> {
        let listener = UnixListener::bind(&inner)?;
        std::fs::set_permissions(&inner, std::fs::Permissions::from_mode(0o600))?;
        std::fs::rename(&inner, path)?;
        Ok(listener)
    })();
    let _ = std::fs::remove_file(&inner);
    let _ = std::fs::remove_dir(&private);
    let listener = bound?;
    let owner = path.symlink_metadata()?.uid();
    Ok(AdminListener { listener, owner })
}

/// Serves admin connections: one script each from the owner, answered, then closed.
pub async fn serve_admin(admin: AdminListener, qm: Arc<QueueManager>) -> io::Result<()> {
    loop {
        let (mut sock, _) = admin.listener.accept().await?;
        let peer = sock.peer_cred().map(|c| (c.uid(), c.pid()));
        if !matches!(peer, Ok((uid, _)) if uid == admin.owner) {
            let who = match peer {
                Ok((uid, pid)) => {
                    format!("user id {uid} (pid {})", pid.map_or_else(|| "?".into(), |p| p.to_string()))
                }
                Err(e) => format!("a peer whose user id cannot be read ({e})"),
            };
            tracing::warn!(peer = %who, owner = admin.owner, "admin connection refused: not the queue manager's owner");
            let answer = format!(
                "20\nmqtls: refused: {who} is not the queue manager's owner (user id {})\n",
                admin.owner
            );
            tokio::spawn(async move {
                // Read what was sent (unrun, bounded) so closing does not reset the answer.
                let mut unrun = Vec::new();
                let mut limited = (&mut sock).take(MAX_SCRIPT);
                let drain = limited.read_to_end(&mut unrun);
                let _ = tokio::time::timeout(std::time::Duration::from_secs(5), drain).await;
                let _ = sock.write_all(answer.as_bytes()).await;
            });
            continue;
        }
        let qm = qm.clone();
        tokio::spawn(async move {
            let mut bytes = Vec::new();
            let read = (&mut sock).take(MAX_SCRIPT + 1).read_to_end(&mut bytes).await;
            let answer = match read {
                Err(e) => format!("20\nmqtls: reading the script: {e}\n"),
                Ok(_) if bytes.len() as u64 > MAX_SCRIPT => {
                    "20\nmqtls: the script is over 1 MiB\n".to_owned()
                }
                Ok(_) => {
                    let (code, report) = run_mqsc(&qm, &String::from_utf8_lossy(&bytes));
                    format!("{code}\n{report}")
                }
            };
            let _ = sock.write_all(answer.as_bytes()).await;
        });
    }
}
