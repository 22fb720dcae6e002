//! The drop-folder watcher: turns file-system notifications into "this file is
//! complete" signals for the ingest pipeline.
//!
//! A file is complete when its writer closed it (inotify's close-write) or when
//! it was renamed into place (how careful uploaders publish: write `x.part`,
//! rename to `x`). On platforms that report no close event, a file is taken once
//! its size and mtime have been stable for the settle time. notify reports many
//! events per file; the ingest pipeline makes that harmless, because a file that
//! was already taken is no longer in the drop folder.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use notify::event::{AccessKind, AccessMode, CreateKind, ModifyKind, RenameMode};
use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tokio::time::Instant;

use crate::supervisor::{supervise, TaskHandle};

/// Whether this platform's watcher reports when a writer closes a file. Where it
/// does, nothing is taken on a timer: a slow writer is never cut short.
const REPORTS_CLOSE_WRITE: bool = cfg!(any(target_os = "linux", target_os = "android"));

/// How the watcher decides that a file is complete.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Completion {
    /// Close-write where the platform reports it, stability elsewhere.
    Auto,
    /// Always stability (size and mtime unchanged for the settle time): for
    /// drop folders whose writers' close events are not seen, such as
    /// shares written from other machines.
    Settle,
}

impl Completion {
    fn uses_close_write(self) -> bool {
        self == Completion::Auto && REPORTS_CLOSE_WRITE
    }
}

/// Keeps the OS watch alive; dropping it stops watching.
pub struct DropWatcher {
    _watcher: RecommendedWatcher,
}

/// Starts watching `incoming` recursively; complete files are sent on `ready`
/// until `stop` turns true. The loop runs supervised: a new one (after a
/// panic) first rescans the folder, as the events in flight are lost.
pub fn spawn(
    incoming: PathBuf,
    completion: Completion,
    settle: Duration,
    ready: mpsc::Sender<PathBuf>,
    task: TaskHandle,
    stop: watch::Receiver<bool>,
) -> notify::Result<(DropWatcher, JoinHandle<()>)> {
    let (raw_tx, raw_rx) = mpsc::unbounded_channel();
    let mut watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        // The receiver only goes away at shutdown.
        let _ = raw_tx.send(res);
    })?;
    watcher.watch(&incoming, RecursiveMode::Recursive)?;
    let raw = Arc::new(tokio::sync::Mutex::new(raw_rx));
    let mut restarted = false;
    let task = supervise(task, move || {
        let (incoming, raw, ready, stop) =
            (incoming.clone(), raw.clone(), ready.clone(), stop.clone());
        let rescan = std::mem::replace(&mut restarted, true);
        async move {
            let mut raw = raw.lock().await;
            if rescan {
                for path in list_files(&incoming) {
                    if ready.send(path).await.is_err() {
                        return;
                    }
                }
            }
            settle_loop(incoming, &mut raw, completion, settle, ready, stop).await
        }
    });
    Ok((DropWatcher { _watcher: watcher }, task))
}

/// What a notification means for the file it names.
enum Signal {
    /// The file is complete now.
    Complete(PathBuf),
    /// The file changed; take it once it has been stable for the settle time.
    Changed(PathBuf),
    /// A folder appeared: files may have landed in it before it was watched.
    NewFolder(PathBuf),
    /// The OS dropped events: look at everything again.
    Rescan,
}

fn classify(event: notify::Event, close_write: bool) -> Vec<Signal> {
    if event.need_rescan() {
        return vec![Signal::Rescan];
    }
    let mut paths = event.paths;
    match event.kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) if close_write => {
            paths.into_iter().map(Signal::Complete).collect()
        }
        // Both: [from, to]; only the destination matters.
        EventKind::Modify(ModifyKind::Name(RenameMode::Both)) => {
            paths.pop().map(Signal::Complete).into_iter().collect()
        }
        EventKind::Modify(ModifyKind::Name(RenameMode::To | RenameMode::Any)) => {
            paths.into_iter().map(Signal::Complete).collect()
        }
        EventKind::Create(CreateKind::Folder) => paths.into_iter().map(Signal::NewFolder).collect(),
        // A symlink is whole the moment it exists (and ingest refuses it with a reason).
        EventKind::Create(_) if paths.iter().all(|p| is_symlink(p)) => {
            paths.into_iter().map(Signal::Complete).collect()
        }
        EventKind::Create(_) | EventKind::Modify(_) if !close_write => {
            paths.into_iter().map(Signal::Changed).collect()
        }
        _ => Vec::new(),
    }
}

/// A file waiting to be stable: when to look again and what it looked like.
struct Pending {
    due: Instant,
    seen: Option<(u64, SystemTime)>,
}

async fn settle_loop(
    incoming: PathBuf,
    raw: &mut mpsc::UnboundedReceiver<notify::Result<notify::Event>>,
    completion: Completion,
    settle: Duration,
    ready: mpsc::Sender<PathBuf>,
    mut stop: watch::Receiver<bool>,
) {
    let mut pending: HashMap<PathBuf, Pending> = HashMap::new();
    loop {
        let next_due = pending.values().map(|p| p.due).min();
        let due = async move {
            match next_due {
                Some(due) => tokio::time::sleep_until(due).await,
                None => std::future::pending().await,
            }
        };
        let received = tokio::select! {
            biased;
            _ = stop.wait_for(|stopping| *stopping) => return,
            r = raw.recv() => Some(r),
            _ = due => None,
        };
        match received {
            Some(None) => return,
            Some(Some(Err(error))) => tracing::warn!(%error, "drop-folder watch error"),
            Some(Some(Ok(event))) => {
                for signal in classify(event, completion.uses_close_write()) {
                    let paths = match signal {
                        Signal::Complete(path) => {
                            pending.remove(&path);
                            vec![path]
                        }
                        Signal::Changed(path) => {
                            pending.insert(
                                path,
                                Pending {
                                    due: Instant::now() + settle,
                                    seen: None,
                                },
                            );
                            continue;
                        }
                        Signal::NewFolder(dir) => list_files(&dir),
                        Signal::Rescan => {
                            tracing::warn!("drop-folder events were lost; rescanning");
                            list_files(&incoming)
                        }
                    };
                    for path in paths {
                        if ready.send(path).await.is_err() {
                            return;
                        }
                    }
                }
            }
            None => {
                let now = Instant::now();
                let due: Vec<PathBuf> = pending
                    .iter()
                    .filter(|(_, p)| p.due <= now)
                    .map(|(path, _)| path.clone())
                    .collect();
                for path in due {
                    let current = std::fs::metadata(&path)
                        .ok()
                        .and_then(|m| Some((m.len(), m.modified().ok()?)));
                    let Some(entry) = pending.get_mut(&path) else {
                        continue;
                    };
                    if current.is_some() && current == entry.seen {
                        pending.remove(&path);
                        if ready.send(path).await.is_err() {
                            return;
                        }
                    } else if current.is_none() {
                        pending.remove(&path);
                    } else {
                        entry.seen = current;
                        entry.due = now + settle;
                    }
                }
            }
        }
    }
}

fn is_symlink(path: &Path) -> bool {
    path.symlink_metadata()
        .is_ok_and(|m| m.file_type().is_symlink())
}

/// Every file below `dir`, symlinks included (ingest refuses them with a
/// reason) but not followed.
pub fn list_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            match entry.file_type() {
                Ok(t) if t.is_dir() => stack.push(entry.path()),
                Ok(_) => files.push(entry.path()),
                Err(_) => {}
            }
        }
    }
    files.sort();
    files
}
