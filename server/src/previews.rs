//! Thumbnails and previews, made after their product has been announced (so
//! they never delay `product.added`), off the async runtime, a few at a time,
//! and announced with `product.updated` when ready, or with the reason there
//! are none (`preview_error`).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use products::preview::{has_preview, render, PreviewError, PreviewLimits, Renditions};
use products::store::DataDir;
use tokio::sync::{mpsc, Semaphore};

use crate::hub::Hub;

/// One product to render.
struct Job {
    id: i64,
    /// Relative to the data dir.
    stored_path: String,
    ext: String,
}

/// The door to the preview workers. Cheap to clone.
#[derive(Clone)]
pub struct Previews {
    sender: mpsc::UnboundedSender<Job>,
}

impl Previews {
    /// Starts the workers; `workers` renditions are made at once at most.
    pub fn start(
        data: DataDir,
        hub: Hub,
        limits: PreviewLimits,
        workers: usize,
    ) -> (Self, tokio::task::JoinHandle<()>) {
        let (sender, receiver) = mpsc::unbounded_channel();
        let task = tokio::spawn(run(receiver, data, hub, limits, workers.max(1)));
        (Self { sender }, task)
    }

    /// Asks for the renditions of product `id`, archived at `stored_path`
    /// (relative), if its kind has any.
    pub fn request(&self, id: i64, stored_path: &str, file_name: &str) {
        let ext = file_name.rsplit('.').next().unwrap_or_default();
        if has_preview(ext) {
            let _ = self.sender.send(Job {
                id,
                stored_path: stored_path.to_string(),
                ext: ext.to_string(),
            });
        }
    }
}

async fn run(
    mut jobs: mpsc::UnboundedReceiver<Job>,
    data: DataDir,
    hub: Hub,
    limits: PreviewLimits,
    workers: usize,
) {
    let permits = Arc::new(Semaphore::new(workers));
    while let Some(job) = jobs.recv().await {
        let Ok(permit) = permits.clone().acquire_owned().await else {
            return;
        };
        let (data, hub) = (data.clone(), hub.clone());
        tokio::spawn(async move {
            make(job, &data, &hub, limits).await;
            drop(permit);
        });
    }
}

async fn make(job: Job, data: &DataDir, hub: &Hub, limits: PreviewLimits) {
    let Some(source) = data.resolve(Path::new(&job.stored_path)) else {
        return;
    };
    let folder = Path::new("previews").join(job.id.to_string());
    let root = data.root().to_path_buf();
    let out = folder.clone();
    let made = tokio::task::spawn_blocking(move || -> Result<(PathBuf, PathBuf), PreviewError> {
        let renditions = render(&source, &job.ext, &limits)?;
        write_renditions(&root.join(&out), &renditions).map(|(t, p)| (out.join(t), out.join(p)))
    })
    .await;
    let (thumbnail, preview, error) = match made {
        Ok(Ok((t, p))) => (
            Some(t.to_string_lossy().into_owned()),
            Some(p.to_string_lossy().into_owned()),
            None,
        ),
        Ok(Err(PreviewError::NotSupported)) => return,
        Ok(Err(error)) => {
            tracing::warn!(id = job.id, %error, "no preview");
            (None, None, Some(error.to_string()))
        }
        Err(error) => {
            tracing::error!(id = job.id, %error, "preview worker failed");
            return;
        }
    };
    let recorded = hub
        .record(|catalogue| async move {
            catalogue
                .set_renditions(
                    job.id,
                    thumbnail.as_deref(),
                    preview.as_deref(),
                    error.as_deref(),
                )
                .await
        })
        .await;
    if let Err(error) = recorded {
        tracing::error!(id = job.id, %error, "could not record the renditions");
    }
}

/// Writes `thumbnail.<ext>` and `preview.<ext>` into `folder`; returns their names.
pub fn write_renditions(
    folder: &Path,
    renditions: &Renditions,
) -> Result<(String, String), PreviewError> {
    std::fs::create_dir_all(folder)?;
    let thumbnail = format!("thumbnail.{}", renditions.thumbnail.ext);
    let preview = format!("preview.{}", renditions.preview.ext);
    std::fs::write(folder.join(&thumbnail), &renditions.thumbnail.bytes)?;
    std::fs::write(folder.join(&preview), &renditions.preview.bytes)?;
    Ok((thumbnail, preview))
}

/// `opsboard thumbnail`: the server's renditions of each file, written to
/// `--out`, with the time each took.
pub fn thumbnail_command(args: crate::config::ThumbnailArgs) -> anyhow::Result<()> {
    let limits = args.limits.limits();
    std::fs::create_dir_all(&args.out)?;
    let mut failed = 0;
    for file in &args.files {
        let name = file
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let ext = name.rsplit('.').next().unwrap_or_default().to_string();
        let started = std::time::Instant::now();
        match render(file, &ext, &limits) {
            Ok(r) => {
                let elapsed = started.elapsed();
                std::fs::write(
                    args.out
                        .join(format!("{name}.thumbnail.{}", r.thumbnail.ext)),
                    &r.thumbnail.bytes,
                )?;
                std::fs::write(
                    args.out.join(format!("{name}.preview.{}", r.preview.ext)),
                    &r.preview.bytes,
                )?;
                println!(
                    "{name}: thumbnail {}x{}, preview {}x{}, {:.1} ms",
                    r.thumbnail.width,
                    r.thumbnail.height,
                    r.preview.width,
                    r.preview.height,
                    elapsed.as_secs_f64() * 1000.0
                );
            }
            Err(error) => {
                failed += 1;
                println!("{name}: {error}");
            }
        }
    }
    anyhow::ensure!(
        failed == 0,
        "{failed} of {} files have no renditions",
        args.files.len()
    );
    Ok(())
}
