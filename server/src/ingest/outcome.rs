//! What became of one file, typed: callers (the upload answer, the import
//! summary, the log) match on what can happen and nothing else.

use std::path::Path;

use model::{Event, EventKind, Product, Rejection};

use super::IngestError;

/// What became of one file.
#[derive(Debug)]
pub enum Outcome {
    /// A new product, announced as `product.added` with `seq`.
    Added { seq: i64, product: Product },
    /// A new version, metadata from a sidecar, or bytes restored
    /// (`product.updated`).
    Updated { seq: i64, product: Product },
    /// The same bytes are already the current version of this product.
    Unchanged { product_id: i64 },
    /// Refused, announced as `product.rejected` with the reason.
    Rejected { seq: i64, rejection: Rejection },
    /// A valid sidecar whose file has not arrived yet; it applies when the file does.
    SidecarKept,
    /// Not a file to take (gone already, a folder, or still being written).
    Skipped,
}

impl From<Event> for Outcome {
    /// The outcome an event recorded by the hub announces.
    fn from(event: Event) -> Self {
        let seq = event.seq;
        match event.kind {
            EventKind::ProductAdded { product } => Outcome::Added { seq, product },
            EventKind::ProductUpdated { product, .. } => Outcome::Updated { seq, product },
            EventKind::ProductRejected { rejection } => Outcome::Rejected { seq, rejection },
            // The hub's product methods announce nothing else.
            _ => Outcome::Skipped,
        }
    }
}

impl Outcome {
    /// The product catalogued, if one was.
    pub fn product(&self) -> Option<&Product> {
        match self {
            Outcome::Added { product, .. } | Outcome::Updated { product, .. } => Some(product),
            _ => None,
        }
    }

    /// What became of the file, in one word (a provider's last upload on the admin page).
    pub fn word(&self) -> &'static str {
        match self {
            Outcome::Added { .. } => "added",
            Outcome::Updated { .. } => "updated",
            Outcome::Unchanged { .. } => "unchanged",
            Outcome::Rejected { .. } => "rejected",
            Outcome::SidecarKept => "kept",
            Outcome::Skipped => "skipped",
        }
    }
}

pub(super) fn log_outcome(path: &Path, outcome: &Result<Outcome, IngestError>) {
    match outcome {
        Ok(Outcome::Added { seq, .. } | Outcome::Updated { seq, .. }) => {
            tracing::info!(seq, path = %path.display(), "catalogued")
        }
        Ok(Outcome::Unchanged { product_id }) => {
            tracing::info!(product_id, path = %path.display(), "identical to the current version; copy removed")
        }
        Ok(Outcome::SidecarKept) => {
            tracing::info!(path = %path.display(), "sidecar kept until its file arrives")
        }
        Ok(Outcome::Rejected { .. }) | Ok(Outcome::Skipped) => {}
        Err(error) => {
            tracing::error!(%error, path = %path.display(), "ingest failed; the file stays where it is")
        }
    }
}
