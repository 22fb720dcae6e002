//! The ingest pipeline: a complete file in the drop folder becomes a catalogued
//! product (archived, hashed, announced) or a rejection (kept with its reason,
//! announced). Nothing a provider sent is ever deleted, except a byte-identical
//! copy of a product already archived.
//!
//! Files are taken by a single task, so two notifications for the same file
//! cannot race: the second finds the file gone and does nothing. What is
//! queued when the task looks is taken together (a model run's leads arrive
//! together): each file checked and moved into the archive in turn, then all
//! of them catalogued in one transaction, their folders synced once
//! ([`together`]), and announced only then.

mod file;
mod outcome;
mod queue;
mod sidecar;
mod together;

pub use outcome::Outcome;
pub use queue::{Inbox, IngestError, Upload, Uploads};

use std::path::{Path, PathBuf};

use catalogue::store::{move_file, DataDir};
use model::sidecar::sidecar_target;
use model::{NameRules, Policy, ProductMeta, ProductName};
use outcome::log_outcome;
use tokio::sync::{oneshot, watch};

use crate::faults::TestHooks;
use crate::hub::Hub;
use crate::previews::Previews;
use crate::supervisor::{panic_message, TaskHandle};
use file::{Archived, Taken};

/// Pause after a catalogue write failed, before the next file.
const STORAGE_BACKOFF: std::time::Duration = std::time::Duration::from_secs(1);
/// Most files taken together. Small files take a millisecond or less each,
/// so a stop that comes during them waits a fraction of a second; a stop
/// also ends the taking between two files.
const MAX_TOGETHER: usize = 256;

/// A file to take, and where its outcome goes (an upload's answer).
struct Item {
    path: PathBuf,
    provider: Option<String>,
    reply: Option<oneshot::Sender<Result<Outcome, IngestError>>>,
}

impl Item {
    fn dropped(path: PathBuf) -> Self {
        Self {
            path,
            provider: None,
            reply: None,
        }
    }

    fn uploaded(upload: Upload) -> Self {
        Self {
            path: upload.path,
            provider: Some(upload.provider),
            reply: Some(upload.reply),
        }
    }

    /// Logs the outcome and answers the uploader, if any.
    fn finish(self, outcome: Result<Outcome, IngestError>) {
        log_outcome(&self.path, &outcome);
        if let Some(reply) = self.reply {
            // The uploader may have gone; the outcome is logged anyway.
            let _ = reply.send(outcome);
        }
    }
}

/// The pipeline and what it needs.
#[derive(Clone)]
pub struct Ingest {
    data: DataDir,
    rules: NameRules,
    hub: Hub,
    /// Where new product files are sent for thumbnails (none: not made now).
    previews: Option<Previews>,
    /// Where the task says which file it is on (for health).
    task: TaskHandle,
    hooks: TestHooks,
    /// Which products only participants may see.
    policy: Policy,
}

impl Ingest {
    pub fn new(
        data: DataDir,
        rules: NameRules,
        hub: Hub,
        previews: Option<Previews>,
        task: TaskHandle,
        hooks: TestHooks,
        policy: Policy,
    ) -> Self {
        Self {
            data,
            rules,
            hub,
            previews,
            task,
            hooks,
            policy,
        }
    }

    /// `meta` with its restriction decided by the campaign's rules, the
    /// sidecar and the uploading provider's default.
    async fn restrict(
        &self,
        name: &ProductName,
        uploader: Option<&str>,
        meta: ProductMeta,
    ) -> Result<ProductMeta, IngestError> {
        let provider_restricts = match uploader {
            Some(provider) => self.hub.catalogue().provider_restricts(provider).await?,
            None => false,
        };
        Ok(self
            .policy
            .apply(&name.category, &name.platform, provider_restricts, meta))
    }

    /// Takes dropped files and uploads from `inbox` until shutdown is
    /// signalled or both channels close: what is queued when the task looks
    /// is taken together. The files in hand when shutdown comes are
    /// finished; queued drops stay in the drop folder for the next start,
    /// queued uploads are answered "stopping".
    pub async fn run(&self, inbox: &mut Inbox, mut shutdown: watch::Receiver<bool>) {
        loop {
            let first = tokio::select! {
                biased;
                _ = shutdown.wait_for(|stopping| *stopping) => return,
                Some(path) = inbox.ready.recv() => Item::dropped(path),
                Some(upload) = inbox.uploads.recv() => Item::uploaded(upload),
                else => return,
            };
            let mut items = vec![first];
            while items.len() < MAX_TOGETHER {
                if let Ok(path) = inbox.ready.try_recv() {
                    items.push(Item::dropped(path));
                } else if let Ok(upload) = inbox.uploads.try_recv() {
                    items.push(Item::uploaded(upload));
                } else {
                    break;
                }
            }
            if self.take_together(items, &shutdown).await {
                // The catalogue is in trouble (full disk, locked): give it a
                // moment rather than fail every file in the queue at once.
                tokio::time::sleep(STORAGE_BACKOFF).await;
            }
        }
    }

    /// Takes `items` in turn and catalogues their products together; true
    /// if the catalogue failed.
    async fn take_together(&self, items: Vec<Item>, shutdown: &watch::Receiver<bool>) -> bool {
        let mut waiting: Vec<(Item, Archived)> = Vec::new();
        let mut storage_failed = false;
        let mut items = items.into_iter();
        while let Some(item) = items.next() {
            if *shutdown.borrow() {
                for left in std::iter::once(item).chain(items.by_ref()) {
                    // A drop stays in the drop folder for the next start.
                    if left.reply.is_some() {
                        left.finish(Err(IngestError::Stopped));
                    }
                }
                break;
            }
            if self.must_wait_for(&item, &waiting) {
                storage_failed |= self.catalogue_together(std::mem::take(&mut waiting)).await;
            }
            match self.take(&item.path, item.provider.clone()).await {
                Ok(Taken::Archived(archived)) => waiting.push((item, archived)),
                Ok(Taken::Done(outcome)) => item.finish(Ok(outcome)),
                Err(error) => {
                    storage_failed |= matches!(error, IngestError::Catalogue(_));
                    item.finish(Err(error));
                }
            }
        }
        storage_failed | self.catalogue_together(waiting).await
    }

    /// Whether the files waiting must be catalogued before `item` is taken:
    /// a sidecar applies to what is catalogued, and a second file of the
    /// same product is its next version.
    fn must_wait_for(&self, item: &Item, waiting: &[(Item, Archived)]) -> bool {
        if waiting.is_empty() {
            return false;
        }
        let Some(name) = item.path.file_name().and_then(|n| n.to_str()) else {
            return false;
        };
        if sidecar_target(name).is_some() {
            return true;
        }
        self.rules.parse(name).is_ok_and(|parsed| {
            waiting
                .iter()
                .any(|(_, archived)| archived.new.name.key() == parsed.key())
        })
    }

    /// Takes one file alone and catalogues it (a file an import staged).
    pub async fn ingest_file(
        &self,
        path: &Path,
        provider: Option<&str>,
    ) -> Result<Outcome, IngestError> {
        match self.take_file(path, provider).await? {
            Taken::Done(outcome) => Ok(outcome),
            Taken::Archived(archived) => {
                let (reply, answer) = oneshot::channel();
                let item = Item {
                    path: path.to_path_buf(),
                    provider: provider.map(str::to_string),
                    reply: Some(reply),
                };
                self.catalogue_together(vec![(item, archived)]).await;
                answer.await.map_err(|_| IngestError::Stopped)?
            }
        }
    }

    /// One file, in a task of its own: a panic on it (a bug meeting an input
    /// nobody foresaw) refuses that file with the reason and the pipeline
    /// goes on with the next one.
    async fn take(&self, path: &Path, provider: Option<String>) -> Result<Taken, IngestError> {
        let _busy = self.task.busy(path.display().to_string());
        let (this, file, sender) = (self.clone(), path.to_path_buf(), provider.clone());
        let handled =
            tokio::spawn(async move { this.take_file(&file, sender.as_deref()).await }).await;
        match handled {
            Ok(taken) => taken,
            Err(error) if error.is_panic() => {
                let cause = panic_message(error.into_panic());
                tracing::error!(path = %path.display(), %cause, "ingest panicked on a file");
                let name = path.file_name().unwrap_or_default().to_string_lossy();
                let reason = format!(
                    "opsboard failed on this file (internal error: {cause}); it is kept for the operators"
                );
                self.reject(path, provider.as_deref(), &name, reason)
                    .await
                    .map(Taken::Done)
            }
            Err(error) => Err(error.into()),
        }
    }
}

/// Size and mtime of a file, to notice a writer still at work.
async fn snapshot(path: &Path) -> Option<(u64, Option<std::time::SystemTime>)> {
    let meta = tokio::fs::symlink_metadata(path).await.ok()?;
    Some((meta.len(), meta.modified().ok()))
}

/// The authenticated uploader, which a sidecar's `provider` never overrides;
/// for files from the drop folder (no uploader), what the sidecar says.
fn with_uploader(mut meta: ProductMeta, uploader: Option<&str>) -> ProductMeta {
    if let Some(uploader) = uploader {
        meta.provider = Some(uploader.to_string());
    }
    meta
}

/// [`move_file`] off the async runtime (it syncs folders).
async fn move_blocking(from: &Path, to: &Path) -> Result<(), IngestError> {
    let (from, to) = (from.to_path_buf(), to.to_path_buf());
    Ok(tokio::task::spawn_blocking(move || move_file(&from, &to)).await??)
}
