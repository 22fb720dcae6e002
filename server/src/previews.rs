//! Thumbnails and previews, made after their product has been announced (so
//! they never delay `product.added`), off the async runtime, a few at a time,
//! and announced with `product.updated` when ready, or with the reason there
//! are none (`preview_error`).
//!
//! Each job has a time limit and the renderer a memory budget, so no file can
//! hold a worker for good; a job that panics is recorded as failed; an I/O
//! failure (a full disk), in the renderer or in recording its result, is not
//! the file's fault and is tried again later rather than stored as the
//! product's error.

use crate::config::PreviewLimitArgs;
use clap::Args;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use catalogue::store::DataDir;
use media::preview::{has_preview, render_with, PreviewError, PreviewLimits, Renditions};
use model::media::{ext_of, is_model_file};
use model::Product;
use tokio::sync::{mpsc, watch, Mutex, Semaphore};
use tokio::task::JoinHandle;

use crate::faults::TestHooks;
use crate::hub::Hub;
use crate::supervisor::{panic_message, supervise, TaskHandle};

/// `opsboard thumbnail FILE… --out DIR`.
#[derive(Debug, Args)]
pub struct ThumbnailArgs {
    #[arg(required = true)]
    pub files: Vec<PathBuf>,

    /// Folder to write the renditions into.
    #[arg(long)]
    pub out: PathBuf,

    #[command(flatten)]
    pub limits: PreviewLimitArgs,
}

/// The longest one rendition job may take.
pub const JOB_TIME_LIMIT: Duration = Duration::from_secs(30);
/// Attempts of a job whose failures are the machine's (I/O), not the file's.
const ATTEMPTS: u32 = 3;
/// Pause before such a job is tried again.
const RETRY_AFTER: Duration = Duration::from_secs(20);

/// One product to render.
struct Job {
    id: i64,
    /// Relative to the data dir.
    stored_path: String,
    ext: String,
    /// What its sidecar asks to draw: the series variables to plot, or
    /// the model fields (GRIB2) to map.
    chosen: Vec<String>,
    attempt: u32,
}

/// The door to the preview workers. Cheap to clone.
#[derive(Clone)]
pub struct Previews {
    sender: mpsc::UnboundedSender<Job>,
}

/// What every job needs.
#[derive(Clone)]
struct Workers {
    data: DataDir,
    hub: Hub,
    limits: PreviewLimits,
    permits: Arc<Semaphore>,
    count: u32,
    task: TaskHandle,
    /// For jobs sent again after a temporary failure.
    retry: Previews,
    hooks: TestHooks,
}

impl Previews {
    /// Starts the workers; `workers` renditions are made at once at most.
    /// The returned task ends at `stop`, once the jobs in hand are done.
    pub fn start(
        data: DataDir,
        hub: Hub,
        limits: PreviewLimits,
        workers: usize,
        task: TaskHandle,
        stop: watch::Receiver<bool>,
        hooks: TestHooks,
    ) -> (Self, JoinHandle<()>) {
        let (sender, receiver) = mpsc::unbounded_channel();
        let previews = Self { sender };
        let count = workers.clamp(1, 64) as u32;
        let workers = Workers {
            data,
            hub,
            limits,
            permits: Arc::new(Semaphore::new(count as usize)),
            count,
            task: task.clone(),
            retry: previews.clone(),
            hooks,
        };
        let receiver = Arc::new(Mutex::new(receiver));
        let handle = supervise(task, move || {
            let (workers, receiver, stop) = (workers.clone(), receiver.clone(), stop.clone());
            async move { dispatch(&mut *receiver.lock().await, workers, stop).await }
        });
        (previews, handle)
    }

    /// Asks for the renditions of `product`, archived at `stored_path`
    /// (relative), if its kind has any; made again when asked again (its
    /// sidecar chose other variables to plot).
    pub fn request(&self, product: &Product, stored_path: &str) {
        let ext = ext_of(&product.file_name);
        if has_preview(ext) {
            let chosen = if is_model_file(ext) {
                &product.meta.fields
            } else {
                &product.meta.plot
            };
            let _ = self.sender.send(Job {
                id: product.id,
                stored_path: stored_path.to_string(),
                ext: ext.to_string(),
                chosen: chosen.clone().unwrap_or_default(),
                attempt: 1,
            });
        }
    }
}

/// Hands jobs to free workers until `stop`, then waits for the jobs in hand.
/// Jobs still queued are left: the catalogue lists them at the next start.
async fn dispatch(
    jobs: &mut mpsc::UnboundedReceiver<Job>,
    workers: Workers,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        let job = tokio::select! {
            biased;
            _ = stop.wait_for(|stopping| *stopping) => break,
            job = jobs.recv() => match job {
                Some(job) => job,
                None => break,
            },
        };
        let permit = tokio::select! {
            biased;
            _ = stop.wait_for(|stopping| *stopping) => break,
            permit = workers.permits.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
        };
        let workers = workers.clone();
        tokio::spawn(async move {
            make(job, &workers).await;
            drop(permit);
        });
    }
    let _ = workers.permits.acquire_many(workers.count).await;
}

/// What became of one job.
enum Made {
    Done(String, String),
    /// The file's fault (or its kind's): stored as the product's reason.
    Failed(String),
    /// The machine's fault: try again later.
    Temporary(String),
    NotSupported,
}

async fn make(job: Job, workers: &Workers) {
    let _busy = workers.task.busy(format!("product {}", job.id));
    let made = render_job(&job, workers).await;
    let (thumbnail, preview, error) = match made {
        Made::Done(t, p) => (Some(t), Some(p), None),
        Made::NotSupported => return,
        Made::Temporary(reason) if job.attempt < ATTEMPTS => {
            tracing::warn!(id = job.id, %reason, attempt = job.attempt, "preview failed for now; trying again later");
            workers.retry_later(job);
            return;
        }
        Made::Temporary(reason) | Made::Failed(reason) => {
            tracing::warn!(id = job.id, %reason, "no preview");
            (None, None, Some(reason))
        }
    };
    let recorded = match workers.hooks.renditions_write_fault(&job.stored_path) {
        Some(fault) => Err(fault),
        None => {
            workers
                .hub
                .set_renditions(
                    job.id,
                    thumbnail.as_deref(),
                    preview.as_deref(),
                    error.as_deref(),
                )
                .await
        }
    };
    // Not recording is the machine's fault too (a full disk): the job is made
    // again later rather than leaving the product with neither renditions nor
    // a reason until the next start.
    match recorded {
        Ok(_) => {}
        Err(error) if job.attempt < ATTEMPTS => {
            tracing::warn!(id = job.id, %error, attempt = job.attempt, "could not record the renditions; trying again later");
            workers.retry_later(job);
        }
        Err(error) => {
            tracing::error!(id = job.id, %error, "could not record the renditions; made again at the next start")
        }
    }
}

impl Workers {
    /// Sends `job` again after [`RETRY_AFTER`], as its next attempt.
    fn retry_later(&self, job: Job) {
        let retry = self.retry.sender.clone();
        let after = self.hooks.preview_retry_after.unwrap_or(RETRY_AFTER);
        tokio::spawn(async move {
            tokio::time::sleep(after).await;
            let _ = retry.send(Job {
                attempt: job.attempt + 1,
                ..job
            });
        });
    }
}

/// Renders and writes one job's renditions, within [`JOB_TIME_LIMIT`].
async fn render_job(job: &Job, workers: &Workers) -> Made {
    let Some(source) = workers.data.resolve(Path::new(&job.stored_path)) else {
        return Made::Failed("the stored path is not inside the data dir".into());
    };
    let folder = Path::new("previews").join(job.id.to_string());
    let (root, out, ext, limits, chosen) = (
        workers.data.root().to_path_buf(),
        folder.clone(),
        job.ext.clone(),
        workers.limits,
        job.chosen.clone(),
    );
    let work = tokio::task::spawn_blocking(move || -> Result<(PathBuf, PathBuf), PreviewError> {
        let renditions = rendered(&source, &ext, &limits, &chosen)?;
        write_renditions(&root.join(&out), &renditions).map(|(t, p)| (out.join(t), out.join(p)))
    });
    // A job over the limit is abandoned: its thread ends on its own (the
    // renderer's own caps bound how long), the worker slot is free now.
    match tokio::time::timeout(JOB_TIME_LIMIT, work).await {
        Ok(Ok(Ok((t, p)))) => Made::Done(
            t.to_string_lossy().into_owned(),
            p.to_string_lossy().into_owned(),
        ),
        Ok(Ok(Err(PreviewError::NotSupported))) => Made::NotSupported,
        Ok(Ok(Err(PreviewError::Io(error)))) => {
            Made::Temporary(format!("reading or writing: {error}"))
        }
        Ok(Ok(Err(error))) => Made::Failed(error.to_string()),
        Ok(Err(error)) if error.is_panic() => {
            let cause = panic_message(error.into_panic());
            tracing::error!(id = job.id, %cause, "the preview maker panicked");
            Made::Failed(format!("the preview maker failed on this file ({cause})"))
        }
        Ok(Err(error)) => Made::Temporary(error.to_string()),
        Err(_) => Made::Failed(format!(
            "making the preview took longer than {} s",
            JOB_TIME_LIMIT.as_secs()
        )),
    }
}

/// The renditions of the file at `source`: a model field drawn with the
/// basemap's coasts and borders over it, anything else as `media` draws it.
fn rendered(
    source: &Path,
    ext: &str,
    limits: &PreviewLimits,
    chosen: &[String],
) -> Result<Renditions, PreviewError> {
    if !is_model_file(ext) {
        return render_with(source, ext, limits, chosen);
    }
    let overlay = |bbox: [f64; 4], width: u32| -> Vec<Vec<[f64; 2]>> {
        let tolerance = (bbox[2] - bbox[0]) / f64::from(width.max(1));
        crate::map::basemap::basemap()
            .map(|map| {
                let lines = map.lines_in(bbox, tolerance);
                lines.coast.into_iter().chain(lines.borders).collect()
            })
            .unwrap_or_default()
    };
    media::preview::field::renditions(source, limits, chosen, &overlay)
}

/// Writes `thumbnail.<ext>` and `preview.<ext>` into `folder`; returns their
/// names. Each is written to a temporary file, synced, then renamed, so a
/// crash leaves either the whole rendition or none.
pub fn write_renditions(
    folder: &Path,
    renditions: &Renditions,
) -> Result<(String, String), PreviewError> {
    std::fs::create_dir_all(folder)?;
    // Narrower thumbnails drawn from an earlier one (lite mode) go with it.
    for entry in std::fs::read_dir(folder)?.flatten() {
        if entry
            .file_name()
            .to_string_lossy()
            .starts_with("thumbnail-w")
        {
            std::fs::remove_file(entry.path())?;
        }
    }
    let thumbnail = format!("thumbnail.{}", renditions.thumbnail.ext);
    let preview = format!("preview.{}", renditions.preview.ext);
    for (name, bytes) in [
        (&thumbnail, &renditions.thumbnail.bytes),
        (&preview, &renditions.preview.bytes),
    ] {
        let mut file = tempfile::NamedTempFile::new_in(folder)?;
        file.write_all(bytes)?;
        file.as_file().sync_all()?;
        file.persist(folder.join(name)).map_err(|e| e.error)?;
    }
    std::fs::File::open(folder)?.sync_all()?;
    Ok((thumbnail, preview))
}

/// `opsboard thumbnail`: the server's renditions of each file, written to
/// `--out`, with the time each took.
pub fn thumbnail_command(args: ThumbnailArgs) -> anyhow::Result<()> {
    let limits = args.limits.limits();
    std::fs::create_dir_all(&args.out)?;
    let mut failed = 0;
    for file in &args.files {
        let name = file
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let ext = ext_of(&name).to_string();
        let started = std::time::Instant::now();
        match rendered(file, &ext, &limits, &[]) {
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
