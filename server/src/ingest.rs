//! The ingest pipeline: a complete file in the drop folder becomes a catalogued
//! product (archived, hashed, announced) or a rejection (kept with its reason,
//! announced). Nothing a provider sent is ever deleted, except a byte-identical
//! copy of a product already archived.
//!
//! Files are taken one at a time by a single task, so two notifications for the
//! same file cannot race: the second finds the file gone and does nothing.

use std::path::{Path, PathBuf};

use products::catalogue::{CatalogueError, NewProduct};
use products::media::media_type_for;
use products::name::is_in_progress;
use products::store::{hash_file, move_file, DataDir};
use products::{Event, NameRules, Rejection};
use tokio::sync::mpsc;

use crate::hub::Hub;

/// What became of one file.
#[derive(Debug)]
pub enum Outcome {
    /// Catalogued (`product.added` or `product.updated`).
    Catalogued(Event),
    /// The same bytes are already the current version of this product.
    Unchanged { product_id: i64 },
    /// Refused; the event carries the reason.
    Rejected(Event),
    /// Not a file to take (gone already, a folder, or still being written).
    Skipped,
}

#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("catalogue: {0}")]
    Catalogue(#[from] CatalogueError),
    #[error("file system: {0}")]
    Io(#[from] std::io::Error),
    #[error("worker thread failed: {0}")]
    Join(#[from] tokio::task::JoinError),
}

/// The pipeline and what it needs.
#[derive(Clone)]
pub struct Ingest {
    data: DataDir,
    rules: NameRules,
    hub: Hub,
}

impl Ingest {
    pub fn new(data: DataDir, rules: NameRules, hub: Hub) -> Self {
        Self { data, rules, hub }
    }

    /// Takes files from `ready` until the channel closes. Failures are logged
    /// and the file is left where it is, to be retried at the next start.
    pub async fn run(self, mut ready: mpsc::Receiver<PathBuf>) {
        while let Some(path) = ready.recv().await {
            match self.ingest_file(&path).await {
                Ok(Outcome::Catalogued(event)) => {
                    tracing::info!(seq = event.seq, path = %path.display(), "catalogued")
                }
                Ok(Outcome::Unchanged { product_id }) => {
                    tracing::info!(product_id, path = %path.display(), "identical to the current version; dropped copy removed")
                }
                Ok(Outcome::Rejected(_)) | Ok(Outcome::Skipped) => {}
                Err(error) => {
                    tracing::error!(%error, path = %path.display(), "ingest failed; the file stays in the drop folder")
                }
            }
        }
    }

    /// Takes one file from the drop folder.
    pub async fn ingest_file(&self, path: &Path) -> Result<Outcome, IngestError> {
        let Some(os_name) = path.file_name() else {
            return Ok(Outcome::Skipped);
        };
        let lossy_name = os_name.to_string_lossy().into_owned();
        if is_in_progress(&lossy_name) {
            return Ok(Outcome::Skipped);
        }
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
                    &lossy_name,
                    "symbolic links are not accepted: drop the file itself".into(),
                )
                .await;
        }
        if !meta.is_file() {
            return self
                .reject(path, &lossy_name, "not a regular file".into())
                .await;
        }
        let Some(file_name) = os_name.to_str() else {
            return self
                .reject(path, &lossy_name, "the name is not valid UTF-8".into())
                .await;
        };
        let name = match self.rules.parse(file_name) {
            Ok(name) => name,
            Err(error) => return self.reject(path, file_name, error.to_string()).await,
        };
        if meta.len() == 0 {
            return self
                .reject(path, file_name, "the file is empty".into())
                .await;
        }

        let to_hash = path.to_path_buf();
        let (size, sha256) = tokio::task::spawn_blocking(move || hash_file(&to_hash)).await??;
        let latest = self.hub.catalogue().latest_version(&name).await?;
        let version = match latest {
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
        let from = path.to_path_buf();
        let to = self.data.root().join(&stored_path);
        tokio::task::spawn_blocking(move || move_file(&from, &to)).await??;

        let new = NewProduct {
            media_type: media_type_for(&name.ext).to_string(),
            name,
            file_name: file_name.to_string(),
            size,
            sha256,
            version,
            stored_path: stored_path.to_string_lossy().into_owned(),
        };
        let event = self
            .hub
            .record(|catalogue| async move { catalogue.insert_product(&new).await })
            .await?;
        Ok(Outcome::Catalogued(event))
    }

    /// Moves a refused file to `rejected/` with its reason and announces it.
    async fn reject(
        &self,
        path: &Path,
        file_name: &str,
        reason: String,
    ) -> Result<Outcome, IngestError> {
        tracing::warn!(file = file_name, %reason, "rejected");
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
        };
        let event = self
            .hub
            .record(|catalogue| async move {
                catalogue
                    .insert_rejection(&rejection, stored_path.as_deref())
                    .await
            })
            .await?;
        Ok(Outcome::Rejected(event))
    }
}
