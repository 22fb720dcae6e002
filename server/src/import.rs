//! `opsboard import DIR`: a past campaign's files through the same pipeline as
//! the drop folder, with a progress bar and a summary of what was refused and
//! why. Sources are copied into the data dir first, so the folder imported
//! from is left exactly as it was.

use clap::Args;
use std::path::Path;
use std::path::PathBuf;

use anyhow::Context;
use catalogue::store::DataDir;
use catalogue::EventLog;
use indicatif::{ProgressBar, ProgressStyle};

use crate::config::name_rules;
use crate::faults::TestHooks;
use crate::hub::Hub;
use crate::ingest::{Ingest, Outcome};
use crate::supervisor::Tasks;
use crate::watcher::list_files;

/// `opsboard import DIR`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Folder to import, recursively.
    pub dir: PathBuf,

    /// Data directory to import into (as for `serve`).
    #[arg(long, env = "OPSBOARD_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,

    /// Accepted categories, comma-separated (default: the Field Catalog list).
    #[arg(long, env = "OPSBOARD_CATEGORIES", value_delimiter = ',')]
    pub categories: Vec<String>,

    /// The server's `--restrict` rules, so imported products are restricted alike.
    #[arg(long = "restrict", env = "OPSBOARD_RESTRICT", value_delimiter = ',')]
    pub restrict: Vec<model::RestrictRule>,
}

/// What an import did.
#[derive(Debug, Default)]
pub struct Summary {
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub sidecars_kept: usize,
    /// File and reason, in the order met.
    pub rejected: Vec<(String, String)>,
    /// Files that could not be read or stored (not the file's fault).
    pub failed: Vec<(String, String)>,
}

pub async fn run(args: ImportArgs) -> anyhow::Result<()> {
    let summary = import(&args).await?;
    println!(
        "imported {} ({} new versions or metadata updates), {} unchanged, {} sidecars waiting for their file, {} rejected, {} failed",
        summary.added + summary.updated,
        summary.updated,
        summary.unchanged,
        summary.sidecars_kept,
        summary.rejected.len(),
        summary.failed.len()
    );
    for (file, reason) in &summary.rejected {
        println!("  rejected {file}: {reason}");
    }
    for (file, error) in &summary.failed {
        println!("  failed {file}: {error}");
    }
    if summary.failed.is_empty() {
        Ok(())
    } else {
        anyhow::bail!("{} files could not be imported", summary.failed.len())
    }
}

/// Imports every file below `args.dir`.
pub async fn import(args: &ImportArgs) -> anyhow::Result<Summary> {
    anyhow::ensure!(args.dir.is_dir(), "{} is not a folder", args.dir.display());
    let data = DataDir::new(&args.data_dir);
    data.create_all()
        .with_context(|| format!("creating the data dir {}", args.data_dir.display()))?;
    // Not while a server runs on this data dir: the two would each repair
    // what the other is doing. Held until the import ends.
    let _lock = data.lock()?;
    let (log, catalogue) = EventLog::open(&data.database()).await?;
    let ingest = Ingest::new(
        data.clone(),
        name_rules(&args.categories),
        // Nothing renders pages here: an empty in-memory index is enough.
        Hub::new(log, catalogue.clone(), catalogue::Current::default()),
        // Renditions are made by the server at its next start.
        None,
        Tasks::default().register("import"),
        TestHooks::default(),
        model::Policy {
            rules: args.restrict.clone(),
        },
    );
    let staging = data
        .uploads()
        .join(format!("import-{}", chrono::Utc::now().timestamp_millis()));
    std::fs::create_dir_all(&staging)?;

    let source = args.dir.clone();
    let files = tokio::task::spawn_blocking(move || list_files(&source)).await?;
    let bar = ProgressBar::new(files.len() as u64).with_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut summary = Summary::default();
    for file in &files {
        let shown = file
            .strip_prefix(&args.dir)
            .unwrap_or(file)
            .display()
            .to_string();
        bar.set_message(shown.clone());
        match import_one(&ingest, file, &staging).await {
            Ok(Outcome::Added { .. }) => summary.added += 1,
            Ok(Outcome::Updated { .. }) => summary.updated += 1,
            Ok(Outcome::Unchanged { .. }) => summary.unchanged += 1,
            Ok(Outcome::SidecarKept) => summary.sidecars_kept += 1,
            Ok(Outcome::Rejected { rejection, .. }) => {
                summary.rejected.push((shown, rejection.reason))
            }
            Ok(Outcome::Skipped) => {}
            Err(error) => summary.failed.push((shown, format!("{error:#}"))),
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    let _ = std::fs::remove_dir(&staging);
    catalogue.close().await;
    Ok(summary)
}

/// Copies one source file in, then ingests the copy. Symbolic links are
/// refused like in the drop folder (they are not followed).
async fn import_one(ingest: &Ingest, file: &Path, staging: &Path) -> anyhow::Result<Outcome> {
    let name = file.file_name().context("no file name")?;
    let staged = staging.join(name);
    let is_link = std::fs::symlink_metadata(file)?.file_type().is_symlink();
    if is_link {
        #[cfg(unix)]
        std::os::unix::fs::symlink(std::fs::read_link(file)?, &staged)?;
        #[cfg(not(unix))]
        return Ok(Outcome::Skipped);
    } else {
        let (from, to) = (file.to_path_buf(), staged.clone());
        tokio::task::spawn_blocking(move || std::fs::copy(from, to)).await??;
    }
    let outcome = ingest.ingest_file(&staged, None).await?;
    if matches!(outcome, Outcome::Skipped) {
        let _ = std::fs::remove_file(&staged);
    }
    Ok(outcome)
}
