//! Files taken together, catalogued together: their folders synced once
//! each (the moves into the archive are on disk before any row is), their
//! rows and events written in one transaction (one sync for all), and
//! announced only once that has committed. A model run's leads arrive
//! together: one fsync for many is what lets a burst through at a thousand
//! files a second, none of them announced before it is durable.

use std::collections::BTreeSet;
use std::path::PathBuf;

use catalogue::store::sync_dir;
use catalogue::NewProduct;

use super::file::Archived;
use super::{move_blocking, Ingest, IngestError, Item, Outcome};

impl Ingest {
    /// Catalogues the files `waiting` together; true if the catalogue failed
    /// for any of them (each such file is back where it came from).
    pub(super) async fn catalogue_together(&self, waiting: Vec<(Item, Archived)>) -> bool {
        let mut failed = false;
        let mut ready = Vec::with_capacity(waiting.len());
        for (item, archived) in waiting {
            // A test's write fault fails its own file alone.
            match self.hooks.catalogue_write_fault(&archived.new.file_name) {
                Some(fault) => {
                    self.take_back(&archived).await;
                    item.finish(Err(fault.into()));
                    failed = true;
                }
                None => ready.push((item, archived)),
            }
        }
        if ready.is_empty() {
            return failed;
        }
        let folders: BTreeSet<PathBuf> = ready
            .iter()
            .flat_map(|(_, a)| [a.to.parent(), a.from.parent()])
            .flatten()
            .map(PathBuf::from)
            .collect();
        let synced =
            tokio::task::spawn_blocking(move || folders.iter().try_for_each(|d| sync_dir(d)))
                .await
                .map_err(|e| std::io::Error::other(e.to_string()))
                .and_then(|r| r);
        if let Err(error) = synced {
            tracing::error!(%error, "the archive's folders could not be synced");
            for (item, archived) in ready {
                self.take_back(&archived).await;
                item.finish(Err(
                    std::io::Error::new(error.kind(), error.to_string()).into()
                ));
            }
            return true;
        }
        let news: Vec<NewProduct> = ready.iter().map(|(_, a)| a.new.clone()).collect();
        match self.hub.add_products(&news).await {
            Ok(events) => {
                for ((item, archived), event) in ready.into_iter().zip(events) {
                    self.announced(item, &archived, Outcome::from(event));
                }
                failed
            }
            Err(error) => {
                // One of them may be the cause: each alone, so that the
                // others are not held back by it.
                tracing::warn!(%error, files = ready.len(), "files taken together could not be catalogued together; each is tried alone");
                for (item, archived) in ready {
                    match self.hub.add_product(&archived.new).await {
                        Ok(event) => self.announced(item, &archived, Outcome::from(event)),
                        Err(error) => {
                            self.take_back(&archived).await;
                            item.finish(Err(IngestError::Catalogue(error)));
                            failed = true;
                        }
                    }
                }
                failed
            }
        }
    }

    /// A file catalogued: its preview asked for, its outcome given.
    fn announced(&self, item: Item, archived: &Archived, outcome: Outcome) {
        if let (Some(previews), Some(product)) = (&self.previews, outcome.product()) {
            previews.request(product, &archived.new.stored_path);
        }
        item.finish(Ok(outcome));
    }

    /// Out of the archive again, so the name is not blocked: a drop goes
    /// back to the drop folder (and is tried again), an upload is answered
    /// with the error and sent again.
    async fn take_back(&self, archived: &Archived) {
        if let Err(undo) = move_blocking(&archived.to, &archived.from).await {
            tracing::error!(%undo, file = %archived.to.display(), "could not take back an uncatalogued file; it is recovered at the next start");
        }
    }
}
