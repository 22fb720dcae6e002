//! A sidecar taken: checked, archived beside the products of its file, kept
//! for that file, and applied to it if it is catalogued already.

use std::path::Path;

use catalogue::store::{read_regular_file, TakeError};
use model::sidecar::{Timing, MAX_SIDECAR_BYTES};
use model::{ProductName, Sidecar};

use super::file::Sync;
use super::{with_uploader, Ingest, IngestError, Outcome};

impl Ingest {
    /// Takes a sidecar: checks it, archives it beside the products of its
    /// file, keeps it for that file, and applies it if the file is already
    /// catalogued. A bad sidecar is rejected alone; its file is unaffected.
    pub(super) async fn ingest_sidecar(
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
        if let Err(swapped) = self.archive(path, &to, identity, Sync::Now).await? {
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
        let replot =
            meta.plot != current.product.meta.plot || meta.fields != current.product.meta.fields;
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

    /// An archive path for a file of which earlier copies may exist (sidecars
    /// sent again): the first version number that is free.
    fn free_archive_path(&self, name: &ProductName, file_name: &str) -> std::path::PathBuf {
        (1..)
            .map(|version| self.data.archive_path(name, file_name, version))
            .find(|rel| self.data.root().join(rel).symlink_metadata().is_err())
            .unwrap_or_default()
    }
}
