//! Start-up reconciliation of the archive with the catalogue.
//!
//! A file is archived (renamed into `archive/`) before its catalogue row is
//! written, so a crash between the two leaves an archived file the catalogue
//! does not know. At start such files are moved back into the drop folder and
//! go through the pipeline again; nothing is catalogued twice, because the
//! pipeline decides versions from the catalogue. Conversely, products whose
//! bytes have vanished are marked missing (and unmarked if they come back),
//! never silently dropped.
//!
//! Sidecars are archived at every sending (`~v2`, `~v3`…) but only the newest
//! is the catalogue's: older copies are history, left in place, and only a
//! copy newer than the catalogue's (sent just before a crash) is taken again.

use std::collections::HashMap;
use std::path::Path;

use anyhow::Context;
use catalogue::store::{move_file, DataDir};
use model::sidecar::sidecar_target;

use crate::hub::Hub;
use crate::watcher::list_files;

/// What reconciliation found.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// Archived files unknown to the catalogue, sent through ingest again.
    pub recovered: usize,
    /// Products whose bytes are gone, newly marked missing.
    pub missing: usize,
    /// Products marked missing whose bytes are back.
    pub found_again: usize,
}

/// Runs before the drop folder is watched, so recovered files are taken with
/// the rest of the backlog.
pub async fn reconcile(data: &DataDir, hub: &Hub) -> anyhow::Result<Report> {
    let mut report = Report::default();
    let known = hub.catalogue().stored_paths().await?;
    let sidecars = hub.catalogue().sidecar_paths().await?;
    let archive = data.archive();
    let files = tokio::task::spawn_blocking(move || list_files(&archive)).await?;
    let stamp = chrono::Utc::now().timestamp_millis();
    for (n, file) in files.iter().enumerate() {
        let Ok(relative) = file.strip_prefix(data.root()) else {
            continue;
        };
        if known.contains(relative.to_string_lossy().as_ref()) {
            continue;
        }
        let archived = file.file_name().unwrap_or_default().to_string_lossy();
        let name = DataDir::original_name(&archived);
        if is_older_sidecar(name, &archived, &sidecars) {
            continue;
        }
        let mut target = data.incoming().join(name);
        if target.symlink_metadata().is_ok() {
            target = data
                .incoming()
                .join(".recovered")
                .join(format!("{stamp}-{n}"))
                .join(name);
        }
        tracing::warn!(file = %file.display(), "archived but not catalogued (interrupted ingest); taking it again");
        move_file(file, &target)
            .with_context(|| format!("moving {} back to the drop folder", file.display()))?;
        report.recovered += 1;
    }

    for (id, stored, was_missing) in hub.catalogue().product_locations().await? {
        let present = data
            .resolve(Path::new(&stored))
            .is_some_and(|p| p.is_file());
        if present != was_missing {
            continue;
        }
        if present {
            report.found_again += 1;
        } else {
            tracing::warn!(id, path = %stored, "the bytes of a catalogued product are missing");
            report.missing += 1;
        }
        hub.set_missing(id, !present).await?;
    }
    Ok(report)
}

/// Whether `archived` is a copy of the sidecar `name` older than (or the
/// same as) the newest one the catalogue holds (`newest` is keyed by the
/// name of the file a sidecar describes).
fn is_older_sidecar(name: &str, archived: &str, newest: &HashMap<String, String>) -> bool {
    sidecar_target(name)
        .and_then(|target| newest.get(target))
        .is_some_and(|known| {
            let known_name = Path::new(known)
                .file_name()
                .unwrap_or_default()
                .to_string_lossy();
            DataDir::archived_version(archived) <= DataDir::archived_version(&known_name)
        })
}

/// Restricts what `--restrict` rules given since reach, through the hub (a
/// `product.updated` each, which open pages of the public receive as a skip
/// marker): a rule covers the products catalogued before it, not only the
/// new ones. Returns how many were restricted.
pub async fn apply_rules(hub: &Hub, policy: &model::Policy) -> anyhow::Result<usize> {
    let mut restricted = 0;
    for rule in &policy.rules {
        for id in hub.catalogue().open_under(rule).await? {
            hub.restrict(id)
                .await
                .with_context(|| format!("restricting product {id} under --restrict {rule}"))?;
            restricted += 1;
        }
    }
    Ok(restricted)
}
