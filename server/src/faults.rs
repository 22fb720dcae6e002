//! What the integration tests inject to prove that opsboard survives a bug,
//! a stall or a failed write: no flag or variable reaches these, only a
//! test that builds its `ServeArgs` and sets `hooks`.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use catalogue::CatalogueError;

/// What the integration tests inject to prove that opsboard survives a bug,
/// a stall or a failed write. All off unless a test sets them; there is no
/// flag or variable for them.
#[derive(Clone, Debug, Default)]
pub struct TestHooks {
    /// Ingest panics on a file whose name contains this text.
    pub panic_on: Option<String>,
    /// Ingest spends this long on a file whose name contains the text.
    pub stall_on: Option<(String, Duration)>,
    /// The next catalogue writes of products whose name contains the text fail
    /// (as a full disk would), as many times as the counter says.
    pub fail_writes_on: Option<(String, Arc<AtomicU32>)>,
    /// The same for the records of their thumbnails and previews.
    pub fail_renditions_on: Option<(String, Arc<AtomicU32>)>,
    /// How long a preview job that failed for the machine's reasons waits
    /// before it is tried again (default 20 s).
    pub preview_retry_after: Option<Duration>,
    /// How long an item may be in hand before health says stuck
    /// (default [`crate::supervisor::STUCK_AFTER`]).
    pub stuck_after: Option<Duration>,
    /// Just before ingest moves a file whose name contains the text into the
    /// archive, the file is replaced by a symbolic link to the path given.
    pub swap_before_archive: Option<(String, PathBuf)>,
    /// How long a source's request or body may send nothing (default 30 s).
    pub fetch_stall: Option<Duration>,
}

impl TestHooks {
    /// Called by ingest on each file before anything else.
    pub async fn before_ingest(&self, file_name: &str) {
        if let Some(text) = &self.panic_on {
            assert!(
                !file_name.contains(text.as_str()),
                "test fault on {file_name}"
            );
        }
        if let Some((text, stall)) = &self.stall_on {
            if file_name.contains(text.as_str()) {
                tokio::time::sleep(*stall).await;
            }
        }
    }

    /// Called by ingest just before it moves a file into the archive.
    pub fn before_archive(&self, path: &std::path::Path) {
        let Some((text, target)) = &self.swap_before_archive else {
            return;
        };
        let named = path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().contains(text.as_str()));
        #[cfg(unix)]
        if named {
            let swapped =
                std::fs::remove_file(path).and_then(|()| std::os::unix::fs::symlink(target, path));
            assert!(swapped.is_ok(), "test fault: could not swap {path:?}");
        }
    }

    /// A failure to use in place of the catalogue write of `file_name`, if one is due.
    pub fn catalogue_write_fault(&self, file_name: &str) -> Option<CatalogueError> {
        fault_due(&self.fail_writes_on, file_name)
    }

    /// A failure to use in place of recording the renditions of the product
    /// stored at `stored_path`, if one is due.
    pub fn renditions_write_fault(&self, stored_path: &str) -> Option<CatalogueError> {
        fault_due(&self.fail_renditions_on, stored_path)
    }
}

/// A write failure if `hook` names `name` and has failures left (one is used).
fn fault_due(hook: &Option<(String, Arc<AtomicU32>)>, name: &str) -> Option<CatalogueError> {
    let (text, left) = hook.as_ref()?;
    let due = name.contains(text.as_str())
        && left
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok();
    // What a catalogue too busy or too full to take a write answers.
    due.then_some(CatalogueError::Database(catalogue::SqlxError::PoolTimedOut))
}
