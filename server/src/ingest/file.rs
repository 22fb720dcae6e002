//! One file taken: a product file checked, hashed, versioned and moved into
//! the archive (catalogued with the files that came with it, by
//! [`Ingest::catalogue_together`]); a refused one moved to `rejected/` with
//! its reason; missing bytes sent again restored.

use std::path::{Path, PathBuf};

use catalogue::store::{hash_regular_file, move_unsynced, FileIdentity, Hashed, TakeError};
use catalogue::NewProduct;
use model::media::media_type_for;
use model::name::is_in_progress;
use model::sidecar::{sidecar_target, Timing};
use model::Rejection;

use super::{move_blocking, snapshot, with_uploader, Ingest, IngestError, Outcome};
use crate::positions::track_file::extent_of_file;

/// What taking one file came to.
pub(super) enum Taken {
    /// Finished: refused, unchanged, skipped, a sidecar, restored bytes.
    Done(Outcome),
    /// In the archive, to be catalogued with the files that came with it.
    Archived(Archived),
}

/// A product file moved into the archive, not yet catalogued.
pub(super) struct Archived {
    pub new: NewProduct,
    /// Where it was taken from: where it goes back if it cannot be
    /// catalogued (a drop is then tried again).
    pub from: PathBuf,
    pub to: PathBuf,
}

/// When a move into the archive is synced to disk.
#[derive(Clone, Copy)]
pub(super) enum Sync {
    /// At once (a file that is catalogued alone).
    Now,
    /// With the other files taken together, before they are catalogued.
    Later,
}

impl Ingest {
    /// Takes one file (from the drop folder, or uploaded by `provider`): a
    /// product file is archived and left for [`Ingest::catalogue_together`];
    /// anything else is finished here.
    pub(super) async fn take_file(
        &self,
        path: &Path,
        provider: Option<&str>,
    ) -> Result<Taken, IngestError> {
        let Some(os_name) = path.file_name() else {
            return Ok(Taken::Done(Outcome::Skipped));
        };
        let lossy_name = os_name.to_string_lossy().into_owned();
        if is_in_progress(&lossy_name) {
            return Ok(Taken::Done(Outcome::Skipped));
        }
        self.hooks.before_ingest(&lossy_name).await;
        let meta = match tokio::fs::symlink_metadata(path).await {
            Ok(meta) => meta,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Taken::Done(Outcome::Skipped))
            }
            Err(e) => return Err(e.into()),
        };
        if meta.is_dir() {
            return Ok(Taken::Done(Outcome::Skipped));
        }
        if meta.file_type().is_symlink() {
            return self
                .reject(
                    path,
                    provider,
                    &lossy_name,
                    "symbolic links are not accepted: drop the file itself".into(),
                )
                .await
                .map(Taken::Done);
        }
        if !meta.is_file() {
            return self
                .reject(path, provider, &lossy_name, "not a regular file".into())
                .await
                .map(Taken::Done);
        }
        let Some(file_name) = os_name.to_str() else {
            return self
                .reject(
                    path,
                    provider,
                    &lossy_name,
                    "the name is not valid UTF-8".into(),
                )
                .await
                .map(Taken::Done);
        };
        if let Some(target) = sidecar_target(file_name) {
            return self
                .ingest_sidecar(path, provider, file_name, target, meta.len())
                .await
                .map(Taken::Done);
        }
        let name = match self.rules.parse(file_name) {
            Ok(name) => name,
            Err(error) => {
                return self
                    .reject(path, provider, file_name, error.to_string())
                    .await
                    .map(Taken::Done)
            }
        };
        if meta.len() == 0 {
            return self
                .reject(path, provider, file_name, "the file is empty".into())
                .await
                .map(Taken::Done);
        }

        let to_hash = path.to_path_buf();
        let hashed = match tokio::task::spawn_blocking(move || hash_regular_file(&to_hash)).await? {
            Ok(hashed) => hashed,
            Err(TakeError::NotRegular) => {
                let reason = TakeError::NotRegular.to_string();
                return self
                    .reject(path, provider, file_name, reason)
                    .await
                    .map(Taken::Done);
            }
            Err(TakeError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Taken::Done(Outcome::Skipped))
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
            return Ok(Taken::Done(Outcome::Skipped));
        }
        let sidecar = self.hub.catalogue().sidecar(file_name).await?;
        let timing = match Timing::resolve(&name, sidecar.as_ref()) {
            Ok(timing) => timing,
            Err(error) => {
                return self
                    .reject(path, provider, file_name, error.to_string())
                    .await
                    .map(Taken::Done)
            }
        };
        let latest = self.hub.catalogue().latest_version(name.key()).await?;
        let version = match latest {
            Some(latest) if latest.sha256 == sha256 && latest.missing => {
                return self.restore(path, identity, latest).await.map(Taken::Done);
            }
            Some(latest) if latest.sha256 == sha256 => {
                tokio::fs::remove_file(path).await?;
                return Ok(Taken::Done(Outcome::Unchanged {
                    product_id: latest.id,
                }));
            }
            Some(latest) => latest.version + 1,
            None => 1,
        };

        let stored_path = self.data.archive_path(&name, file_name, version);
        let (from, to) = (path.to_path_buf(), self.data.root().join(&stored_path));
        // Synced with the files that came with it, before any is catalogued.
        if let Err(swapped) = self.archive(&from, &to, identity, Sync::Later).await? {
            return self
                .reject(&to, provider, file_name, swapped)
                .await
                .map(Taken::Done);
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
        Ok(Taken::Archived(Archived { new, from, to }))
    }

    /// The bytes of a product marked missing, sent again: they go back where
    /// the catalogue expects them and the product is whole again.
    pub(super) async fn restore(
        &self,
        path: &Path,
        identity: FileIdentity,
        latest: catalogue::LatestVersion,
    ) -> Result<Outcome, IngestError> {
        let Some(to) = self.data.resolve(Path::new(&latest.stored_path)) else {
            return Ok(Outcome::Skipped);
        };
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        if let Err(swapped) = self.archive(path, &to, identity, Sync::Now).await? {
            return self.reject(&to, None, &name, swapped).await;
        }
        tracing::info!(id = latest.id, path = %to.display(), "missing bytes restored");
        let event = self.hub.set_missing(latest.id, false).await?;
        Ok(event.into())
    }

    /// Moves the file taken as `identity` from `from` into the archive at
    /// `to`, and checks that what arrived is that file: one swapped in at the
    /// last moment (a symbolic link to a secret, say) is never catalogued and
    /// never served. `Ok(Err(reason))`: it was swapped, and lies at `to`.
    pub(super) async fn archive(
        &self,
        from: &Path,
        to: &Path,
        identity: FileIdentity,
        sync: Sync,
    ) -> Result<Result<(), String>, IngestError> {
        self.hooks.before_archive(from);
        match sync {
            Sync::Now => move_blocking(from, to).await?,
            Sync::Later => {
                let (from, to) = (from.to_path_buf(), to.to_path_buf());
                tokio::task::spawn_blocking(move || move_unsynced(&from, &to)).await??;
            }
        }
        if identity.is_at(to) {
            return Ok(Ok(()));
        }
        tracing::error!(path = %from.display(), "the file was replaced while it was being taken");
        Ok(Err(
            "the file was replaced (by another file or a symbolic link) while it was being taken"
                .into(),
        ))
    }

    /// Moves a refused file to `rejected/` with its reason and announces it.
    pub(super) async fn reject(
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
