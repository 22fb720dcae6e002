//! The ingest pipeline: a complete file in the drop folder becomes a catalogued
//! product (archived, hashed, announced) or a rejection (kept with its reason,
//! announced). Nothing a provider sent is ever deleted, except a byte-identical
//! copy of a product already archived.
//!
//! Files are taken one at a time by a single task, so two notifications for the
//! same file cannot race: the second finds the file gone and does nothing.

mod outcome;
mod queue;

pub use outcome::Outcome;
pub use queue::{Inbox, IngestError, Upload, Uploads};

use std::path::Path;

use catalogue::store::{
    hash_regular_file, move_file, read_regular_file, DataDir, FileIdentity, Hashed, TakeError,
};
use catalogue::NewProduct;
use model::media::media_type_for;
use model::name::is_in_progress;
use model::sidecar::{sidecar_target, Timing, MAX_SIDECAR_BYTES};
use model::{NameRules, Policy, ProductMeta, ProductName, Rejection, Sidecar};
use outcome::log_outcome;
use tokio::sync::watch;

use crate::faults::TestHooks;
use crate::hub::Hub;
use crate::positions::track_file::extent_of_file;
use crate::previews::Previews;
use crate::supervisor::{panic_message, TaskHandle};

/// Pause after a catalogue write failed, before the next file.
const STORAGE_BACKOFF: std::time::Duration = std::time::Duration::from_secs(1);

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

    /// Takes dropped files and uploads from `inbox`, one at a time, until
    /// shutdown is signalled or both channels close. The file in hand when
    /// shutdown comes is finished; queued drops stay in the drop folder for the
    /// next start, queued uploads are answered "stopping".
    pub async fn run(&self, inbox: &mut Inbox, mut shutdown: watch::Receiver<bool>) {
        loop {
            let (path, provider, reply) = tokio::select! {
                biased;
                _ = shutdown.wait_for(|stopping| *stopping) => return,
                Some(path) = inbox.ready.recv() => (path, None, None),
                Some(upload) = inbox.uploads.recv() => {
                    (upload.path, Some(upload.provider), Some(upload.reply))
                }
                else => return,
            };
            let outcome = self.take(&path, provider).await;
            log_outcome(&path, &outcome);
            let storage_failed = matches!(outcome, Err(IngestError::Catalogue(_)));
            if let Some(reply) = reply {
                // The uploader may have gone; the outcome is logged anyway.
                let _ = reply.send(outcome);
            }
            if storage_failed {
                // The catalogue is in trouble (full disk, locked): give it a
                // moment rather than fail every file in the queue at once.
                tokio::time::sleep(STORAGE_BACKOFF).await;
            }
        }
    }

    /// One file, in a task of its own: a panic on it (a bug meeting an input
    /// nobody foresaw) refuses that file with the reason and the pipeline
    /// goes on with the next one.
    async fn take(&self, path: &Path, provider: Option<String>) -> Result<Outcome, IngestError> {
        let _busy = self.task.busy(path.display().to_string());
        let (this, file, sender) = (self.clone(), path.to_path_buf(), provider.clone());
        let handled =
            tokio::spawn(async move { this.ingest_file(&file, sender.as_deref()).await }).await;
        match handled {
            Ok(outcome) => outcome,
            Err(error) if error.is_panic() => {
                let cause = panic_message(error.into_panic());
                tracing::error!(path = %path.display(), %cause, "ingest panicked on a file");
                let name = path.file_name().unwrap_or_default().to_string_lossy();
                let reason = format!(
                    "opsboard failed on this file (internal error: {cause}); it is kept for the operators"
                );
                self.reject(path, provider.as_deref(), &name, reason).await
            }
            Err(error) => Err(error.into()),
        }
    }

    /// Takes one file (from the drop folder, or uploaded by `provider`).
    pub async fn ingest_file(
        &self,
        path: &Path,
        provider: Option<&str>,
    ) -> Result<Outcome, IngestError> {
        let Some(os_name) = path.file_name() else {
            return Ok(Outcome::Skipped);
        };
        let lossy_name = os_name.to_string_lossy().into_owned();
        if is_in_progress(&lossy_name) {
            return Ok(Outcome::Skipped);
        }
        self.hooks.before_ingest(&lossy_name).await;
        let meta = match tokio::fs::symlink_metadata(path).await {
            Ok(meta) => meta,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Outcome::Skipped),
            Err(e) => return Err(e.into()),
        };
        if meta.is_dir() {
            return Ok(Outcome::Skipped);
        }
        if meta.file_type().is_symlink() {
            return self
                .reject(
                    path,
                    provider,
                    &lossy_name,
                    "symbolic links are not accepted: drop the file itself".into(),
                )
                .await;
        }
        if !meta.is_file() {
            return self
                .reject(path, provider, &lossy_name, "not a regular file".into())
                .await;
        }
        let Some(file_name) = os_name.to_str() else {
            return self
                .reject(
                    path,
                    provider,
                    &lossy_name,
                    "the name is not valid UTF-8".into(),
                )
                .await;
        };
        if let Some(target) = sidecar_target(file_name) {
            return self
                .ingest_sidecar(path, provider, file_name, target, meta.len())
                .await;
        }
        let name = match self.rules.parse(file_name) {
            Ok(name) => name,
            Err(error) => {
                return self
                    .reject(path, provider, file_name, error.to_string())
                    .await
            }
        };
        if meta.len() == 0 {
            return self
                .reject(path, provider, file_name, "the file is empty".into())
                .await;
        }

        let to_hash = path.to_path_buf();
        let hashed = match tokio::task::spawn_blocking(move || hash_regular_file(&to_hash)).await? {
            Ok(hashed) => hashed,
            Err(TakeError::NotRegular) => {
                let reason = TakeError::NotRegular.to_string();
                return self.reject(path, provider, file_name, reason).await;
            }
            Err(TakeError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Outcome::Skipped)
            }
            Err(TakeError::Io(e)) => return Err(e.into()),
        };
        let Hashed {
            identity,
            size,
            sha256,
        } = hashed;
        // Another writer may have reopened the file (the same name dropped
        // twice at once): if it changed while it was read, wait for that
        // writer's close, which brings the file back here.
        if snapshot(path).await != Some((meta.len(), meta.modified().ok())) || !identity.is_at(path)
        {
            return Ok(Outcome::Skipped);
        }
        let sidecar = self.hub.catalogue().sidecar(file_name).await?;
        let timing = match Timing::resolve(&name, sidecar.as_ref()) {
            Ok(timing) => timing,
            Err(error) => {
                return self
                    .reject(path, provider, file_name, error.to_string())
                    .await
            }
        };
        let latest = self.hub.catalogue().latest_version(name.key()).await?;
        let version = match latest {
            Some(latest) if latest.sha256 == sha256 && latest.missing => {
                return self.restore(path, identity, latest).await;
            }
            Some(latest) if latest.sha256 == sha256 => {
                tokio::fs::remove_file(path).await?;
                return Ok(Outcome::Unchanged {
                    product_id: latest.id,
                });
            }
            Some(latest) => latest.version + 1,
            None => 1,
        };

        let stored_path = self.data.archive_path(&name, file_name, version);
        let (from, to) = (path.to_path_buf(), self.data.root().join(&stored_path));
        if let Err(swapped) = self.archive(&from, &to, identity).await? {
            return self.reject(&to, provider, file_name, swapped).await;
        }
        let mut meta = with_uploader(sidecar.map(|s| s.meta()).unwrap_or_default(), provider);
        if meta.bbox.is_none() {
            meta.bbox = extent_of_file(&to, file_name, timing.valid_time).await;
        }
        let new = NewProduct {
            timing,
            meta: self.restrict(&name, provider, meta).await?,
            media_type: media_type_for(&name.ext).to_string(),
            name,
            file_name: file_name.to_string(),
            size,
            sha256,
            version,
            stored_path: stored_path.to_string_lossy().into_owned(),
        };
        let recorded = match self.hooks.catalogue_write_fault(file_name) {
            Some(fault) => Err(fault),
            None => self.hub.add_product(&new).await,
        };
        let event = match recorded {
            Ok(event) => event,
            Err(error) => {
                // Out of the archive again, so the name is not blocked: a
                // drop goes back to the drop folder (and is tried again), an
                // upload is answered with the error and sent again.
                if let Err(undo) = move_blocking(&to, &from).await {
                    tracing::error!(%undo, file = %to.display(), "could not take back an uncatalogued file; it is recovered at the next start");
                }
                return Err(error.into());
            }
        };
        let outcome = Outcome::from(event);
        if let (Some(previews), Some(product)) = (&self.previews, outcome.product()) {
            previews.request(product, &stored_path.to_string_lossy());
        }
        Ok(outcome)
    }

    /// The bytes of a product marked missing, sent again: they go back where
    /// the catalogue expects them and the product is whole again.
    async fn restore(
        &self,
        path: &Path,
        identity: FileIdentity,
        latest: catalogue::LatestVersion,
    ) -> Result<Outcome, IngestError> {
        let Some(to) = self.data.resolve(Path::new(&latest.stored_path)) else {
            return Ok(Outcome::Skipped);
        };
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        if let Err(swapped) = self.archive(path, &to, identity).await? {
            return self.reject(&to, None, &name, swapped).await;
        }
        tracing::info!(id = latest.id, path = %to.display(), "missing bytes restored");
        let event = self.hub.set_missing(latest.id, false).await?;
        Ok(event.into())
    }

    /// Takes a sidecar: checks it, archives it beside the products of its
    /// file, keeps it for that file, and applies it if the file is already
    /// catalogued. A bad sidecar is rejected alone; its file is unaffected.
    async fn ingest_sidecar(
        &self,
        path: &Path,
        provider: Option<&str>,
        file_name: &str,
        target: &str,
        size: u64,
    ) -> Result<Outcome, IngestError> {
        let name = match self.rules.parse(target) {
            Ok(name) => name,
            Err(error) => {
                let reason = format!(
                    "this sidecar describes {target:?}, which is not a valid product name: {error}"
                );
                return self.reject(path, provider, file_name, reason).await;
            }
        };
        if size > MAX_SIDECAR_BYTES {
            let reason =
                format!("the sidecar is {size} bytes; at most {MAX_SIDECAR_BYTES} are accepted");
            return self.reject(path, provider, file_name, reason).await;
        }
        let to_read = path.to_path_buf();
        let read =
            tokio::task::spawn_blocking(move || read_regular_file(&to_read, MAX_SIDECAR_BYTES));
        let (bytes, identity) = match read.await? {
            Ok(read) => read,
            Err(TakeError::Io(e)) => return Err(e.into()),
            Err(not_regular) => {
                return self
                    .reject(path, provider, file_name, not_regular.to_string())
                    .await
            }
        };
        let sidecar = match Sidecar::parse(&bytes) {
            Ok(sidecar) => sidecar,
            Err(error) => {
                return self
                    .reject(path, provider, file_name, error.to_string())
                    .await
            }
        };
        let timing = match Timing::resolve(&name, Some(&sidecar)) {
            Ok(timing) => timing,
            Err(error) => {
                return self
                    .reject(path, provider, file_name, error.to_string())
                    .await
            }
        };
        let stored_path = self.free_archive_path(&name, file_name);
        let to = self.data.root().join(&stored_path);
        if let Err(swapped) = self.archive(path, &to, identity).await? {
            return self.reject(&to, provider, file_name, swapped).await;
        }
        let catalogue = self.hub.catalogue();
        catalogue
            .save_sidecar(target, &sidecar, &stored_path.to_string_lossy())
            .await?;
        let Some(current) = catalogue.current_product(name.key()).await? else {
            return Ok(Outcome::SidecarKept);
        };
        // The product keeps the provider it was uploaded by.
        let uploader = current.product.meta.provider.as_deref().or(provider);
        let mut meta = with_uploader(sidecar.meta(), uploader);
        // A box read from the product's own track stays unless the sidecar gives one.
        meta.bbox = meta.bbox.or(current.product.meta.bbox);
        let meta = self.restrict(&name, uploader, meta).await?;
        let replot = meta.plot != current.product.meta.plot;
        let event = self
            .hub
            .update_metadata(current.product.id, &timing, &meta)
            .await?;
        let outcome = Outcome::from(event);
        // Other variables chosen: the plot is drawn again.
        if let (true, Some(previews), Some(product)) = (replot, &self.previews, outcome.product()) {
            previews.request(product, &current.stored_path);
        }
        Ok(outcome)
    }

    /// Moves the file taken as `identity` from `from` into the archive at
    /// `to`, and checks that what arrived is that file: one swapped in at the
    /// last moment (a symbolic link to a secret, say) is never catalogued and
    /// never served. `Ok(Err(reason))`: it was swapped, and lies at `to`.
    async fn archive(
        &self,
        from: &Path,
        to: &Path,
        identity: FileIdentity,
    ) -> Result<Result<(), String>, IngestError> {
        self.hooks.before_archive(from);
        move_blocking(from, to).await?;
        if identity.is_at(to) {
            return Ok(Ok(()));
        }
        tracing::error!(path = %from.display(), "the file was replaced while it was being taken");
        Ok(Err(
            "the file was replaced (by another file or a symbolic link) while it was being taken"
                .into(),
        ))
    }

    /// An archive path for a file of which earlier copies may exist (sidecars
    /// sent again): the first version number that is free.
    fn free_archive_path(&self, name: &ProductName, file_name: &str) -> std::path::PathBuf {
        (1..)
            .map(|version| self.data.archive_path(name, file_name, version))
            .find(|rel| self.data.root().join(rel).symlink_metadata().is_err())
            .unwrap_or_default()
    }

    /// Moves a refused file to `rejected/` with its reason and announces it.
    async fn reject(
        &self,
        path: &Path,
        provider: Option<&str>,
        file_name: &str,
        reason: String,
    ) -> Result<Outcome, IngestError> {
        tracing::warn!(file = file_name, %reason, "rejected");
        let size = tokio::fs::symlink_metadata(path)
            .await
            .map_or(0, |meta| meta.len());
        let data = self.data.clone();
        let (from, why) = (path.to_path_buf(), reason.clone());
        let stored = tokio::task::spawn_blocking(move || data.reject(&from, &why)).await?;
        let stored_path = match stored {
            Ok(p) => p
                .strip_prefix(self.data.root())
                .map(|rel| rel.to_string_lossy().into_owned())
                .ok(),
            Err(error) => {
                tracing::error!(%error, file = file_name, "could not move the rejected file; it stays in the drop folder");
                None
            }
        };
        let rejection = Rejection {
            file_name: file_name.to_string(),
            reason,
            rejected_at: chrono::Utc::now(),
            provider: provider.map(str::to_string),
        };
        let event = self
            .hub
            .reject(&rejection, stored_path.as_deref(), size)
            .await?;
        Ok(event.into())
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
