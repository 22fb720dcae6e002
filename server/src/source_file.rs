//! The campaign's `sources.toml`: read at start (a bad file stops the start,
//! with its line and reason), then looked at every few seconds; an edit that
//! reads well replaces the running set, a bad one is refused with its line
//! and reason, logged and kept for the admins to see, while the previous set
//! keeps running.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use anyhow::Context;
use sources::SourceSet;
use tokio::sync::watch;

/// How often the file is looked at.
const LOOK_EVERY: Duration = Duration::from_secs(2);

/// The running set and what became of the file's last edit.
#[derive(Clone, Debug, Default)]
pub struct Sources {
    pub set: Arc<SourceSet>,
    /// The file they came from.
    pub path: PathBuf,
    /// Why the file's last edit was refused, if it was (`line N: reason`).
    pub refused: Option<String>,
}

/// The file's size and time, to notice an edit without reading it.
fn stamp(path: &Path) -> Option<(u64, SystemTime)> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.len(), meta.modified().ok()?))
}

/// Reads `path`: no file is no source; a file too large is refused before
/// it is read whole.
fn read(path: &Path) -> anyhow::Result<SourceSet> {
    let Some((len, _)) = stamp(path) else {
        return Ok(SourceSet::default());
    };
    if len > sources::MAX_FILE_BYTES as u64 {
        anyhow::bail!(
            "line 1: the file is {len} bytes; at most {} are read",
            sources::MAX_FILE_BYTES
        );
    }
    let text = std::fs::read_to_string(path)?;
    Ok(SourceSet::parse(&text)?)
}

/// The set at start, or why the file is refused.
pub fn load(path: &Path) -> anyhow::Result<Sources> {
    let set = read(path).with_context(|| format!("reading {}", path.display()))?;
    if !set.sources.is_empty() || !set.expects.is_empty() {
        tracing::info!(
            path = %path.display(),
            sources = set.sources.len(),
            expected = set.expects.len(),
            "sources read"
        );
    }
    Ok(Sources {
        set: Arc::new(set),
        path: path.to_path_buf(),
        refused: None,
    })
}

/// Follows the file until `stop`: every edit read, the good replacing the
/// running set.
pub async fn follow(into: watch::Sender<Sources>, mut stop: watch::Receiver<bool>) {
    let path = into.borrow().path.clone();
    let mut seen = stamp(&path);
    let mut every = tokio::time::interval(LOOK_EVERY);
    loop {
        tokio::select! {
            _ = every.tick() => {}
            _ = stop.wait_for(|stopped| *stopped) => return,
        }
        let now = stamp(&path);
        if now == seen {
            continue;
        }
        seen = now;
        let read_path = path.clone();
        let read = tokio::task::spawn_blocking(move || read(&read_path)).await;
        match read {
            Ok(Ok(set)) => {
                tracing::info!(path = %path.display(), sources = set.sources.len(), "sources re-read");
                into.send_modify(|s| {
                    s.set = Arc::new(set);
                    s.refused = None;
                });
            }
            Ok(Err(error)) => {
                let reason = error.to_string();
                tracing::warn!(path = %path.display(), %reason, "the edit of the sources is refused; the previous ones go on");
                into.send_modify(|s| s.refused = Some(reason));
            }
            Err(error) => tracing::warn!(%error, "reading the sources failed"),
        }
    }
}

/// The sources as the admin page shows them: the file, why its last edit
/// was refused, and each source's polling since the start with what it has
/// late now.
pub fn admin_view(state: &crate::state::AppState) -> app::pages::admin_sources::SourcesView {
    use app::pages::admin_sources::{SourceRow, SourcesAdmin};
    let (sources, reports, current) = (
        state.sources.clone(),
        state.fetch_reports.clone(),
        state.hub.current().clone(),
    );
    app::pages::admin_sources::SourcesView(Arc::new(move || {
        let running = sources.borrow().clone();
        let text = match stamp(&running.path) {
            Some((len, _)) if len <= sources::MAX_FILE_BYTES as u64 => {
                std::fs::read_to_string(&running.path).unwrap_or_default()
            }
            _ => String::new(),
        };
        let expected = crate::api::expected::expected_now(
            &current,
            &running.set,
            chrono::Utc::now(),
            model::Visibility::Everything,
        );
        let rows = running
            .set
            .sources
            .iter()
            .map(|s| {
                let report = reports.of(&s.name);
                SourceRow {
                    name: s.name.clone(),
                    kind: s.kind.name().to_string(),
                    lane: format!("{}.{}", s.category, s.platform),
                    last_success: report.last_success,
                    next_poll: report.next_poll,
                    last_error: report.last_error.map(|e| e.reason),
                    files: report.files,
                    not_modified: report.not_modified,
                    late: expected
                        .iter()
                        .filter(|e| e.source == s.name && e.status.name() == "late")
                        .count(),
                }
            })
            .collect();
        SourcesAdmin {
            path: running.path.display().to_string(),
            text,
            refused: running.refused,
            sources: rows,
            expected: running
                .set
                .expects
                .iter()
                .map(|e| format!("{}.{}", e.category, e.platform))
                .collect(),
        }
    }))
}

/// Writes `text` as the sources file at `path` if it reads well (else the
/// line and the reason), whole or not at all: the server follows the file
/// and takes it up within seconds.
pub fn save(path: &Path, text: &str) -> Result<(), String> {
    if text.len() > sources::MAX_FILE_BYTES {
        return Err(format!(
            "the file is {} bytes; at most {} are read",
            text.len(),
            sources::MAX_FILE_BYTES
        ));
    }
    SourceSet::parse(text).map_err(|e| e.to_string())?;
    let part = path.with_extension("toml.part");
    std::fs::write(&part, text)
        .and_then(|()| std::fs::rename(&part, path))
        .map_err(|e| format!("{}: {e}", path.display()))
}
