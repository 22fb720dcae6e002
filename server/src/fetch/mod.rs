//! The sources' poller: for each source of `sources.toml`, the files its
//! schedule says are due are asked for every `poll` until they come (and,
//! once fetched, again with their validators until their deadline, so that
//! a file the centre replaces becomes a new version); a listing's page is
//! read every `poll` for new files ([`listing`]); an index source fetches
//! only its fields ([`parts`]). Each file fetched goes through the ingest
//! exactly as an upload, with a sidecar saying where it came from. What was
//! fetched is kept in the catalogue: a restart fetches only what is missing.
//! A stop drops the fetch in hand; its partial file is in `uploads/`, which
//! the next start sweeps.

mod credential;
pub mod hosts;
pub mod http;
mod listing;
mod parts;
pub mod poll_now;
pub mod report;
mod run;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use catalogue::source_fetches::SourceFetch;
use catalogue::store::DataDir;
use catalogue::Catalogue;
use chrono::{DateTime, Duration, Utc};
use futures_util::StreamExt;
use sources::schedule::MISSED_AFTER;
use sources::{Kind, Slot, Source};
use tokio::sync::Mutex;

use crate::ingest::{Outcome, Uploads};
use credential::credential;
use http::{Answer, Client, FetchError, Request};
use poll_now::PollNow;
use report::{Reports, SourceError};

/// Files of one source in hand at once; how many of them are requested at
/// once is the host's limit ([`hosts::Hosts`]).
const IN_HAND_PER_SOURCE: usize = 8;
/// The first pause after a failed fetch; it doubles with each failure, up
/// to the source's poll interval.
const FIRST_BACKOFF: Duration = Duration::seconds(2);

/// A URL that failed: how often, and when it may be tried again.
#[derive(Clone, Copy)]
struct Backoff {
    failures: u32,
    retry_at: DateTime<Utc>,
}

/// The URLs that failed, by URL.
type Backoffs = Mutex<HashMap<String, Backoff>>;

/// One file a source publishes, to fetch.
struct Wanted {
    /// The file's URL: its key in what the source fetched.
    url: String,
    naming: Naming,
}

/// How a fetched file is named on the board.
enum Naming {
    /// From the source's fields and the slot (run, lead, valid time).
    Slot(Slot),
    /// Made by a listing's pattern, whole.
    Listed(String),
}

/// What the poller needs; cheap to clone.
#[derive(Clone)]
pub struct Poller {
    pub client: Client,
    pub catalogue: Catalogue,
    pub uploads: Uploads,
    pub data: DataDir,
    pub reports: Reports,
    /// Admins' "poll now".
    pub poll_now: PollNow,
    /// What each listing's page said last, with its validators.
    pub listings: listing::Pages,
}

impl Poller {
    /// Asks for everything of `source` that is due at `now`; when to poll
    /// it next.
    async fn poll(&self, source: &Source, now: DateTime<Utc>, backoff: &Backoffs) -> DateTime<Utc> {
        self.reports
            .update(&source.name, |r| r.last_poll = Some(now));
        match &source.kind {
            Kind::Listing(listing) => self.poll_listing(source, listing, now, backoff).await,
            _ => self.poll_slots(source, now, backoff).await,
        }
    }

    /// The files of the slots due at `now`.
    async fn poll_slots(
        &self,
        source: &Source,
        now: DateTime<Utc>,
        backoff: &Backoffs,
    ) -> DateTime<Utc> {
        let Some(schedule) = &source.schedule else {
            return now + source.poll;
        };
        let fetched = match self.catalogue.source_fetches(&source.name).await {
            Ok(fetched) => fetched,
            Err(error) => {
                tracing::error!(%error, source = %source.name, "reading what the source fetched");
                return now + source.poll;
            }
        };
        let wanted: Vec<Wanted> = schedule
            .slots(now)
            .into_iter()
            .filter(|s| s.due_at <= now && now < s.deadline_at + MISSED_AFTER)
            // Fetched: asked again (with validators) until the deadline only.
            .filter(|s| !fetched.contains_key(&source.url_of(s)) || now < s.deadline_at)
            .map(|s| Wanted {
                url: source.url_of(&s),
                naming: Naming::Slot(s),
            })
            .collect();
        let next = if wanted.is_empty() {
            schedule.next_due(now)
        } else {
            now + source.poll
        };
        let retry = self.fetch_all(source, wanted, &fetched, now, backoff).await;
        retry.map_or(next, |r| next.min(r.max(now)))
    }

    /// Fetches `wanted` (those not waiting out a failure), as many at once
    /// as the hosts allow; the earliest time one that failed may be tried
    /// again.
    async fn fetch_all(
        &self,
        source: &Source,
        wanted: Vec<Wanted>,
        fetched: &HashMap<String, SourceFetch>,
        now: DateTime<Utc>,
        backoff: &Backoffs,
    ) -> Option<DateTime<Utc>> {
        let waiting = backoff.lock().await.clone();
        let urls: Vec<String> = wanted.iter().map(|w| w.url.clone()).collect();
        futures_util::stream::iter(wanted)
            .filter(|w| {
                let ready = waiting.get(&w.url).is_none_or(|b| b.retry_at <= now);
                async move { ready }
            })
            .for_each_concurrent(IN_HAND_PER_SOURCE, |wanted| async move {
                let result = self.one(source, &wanted, fetched.get(&wanted.url)).await;
                let mut backoff = backoff.lock().await;
                match result {
                    Ok(()) => {
                        backoff.remove(&wanted.url);
                    }
                    Err(error) => {
                        let failures = backoff.get(&wanted.url).map_or(1, |b| b.failures + 1);
                        let pause =
                            (FIRST_BACKOFF * 2i32.pow(failures.min(16) - 1)).min(source.poll);
                        backoff.insert(
                            wanted.url.clone(),
                            Backoff {
                                failures,
                                retry_at: Utc::now() + jitter(pause),
                            },
                        );
                        self.failed(source, &error);
                    }
                }
            })
            .await;
        let backoff = backoff.lock().await;
        urls.iter()
            .filter_map(|url| backoff.get(url).map(|b| b.retry_at))
            .min()
    }

    /// Asks for one file and hands it to the ingest if it came.
    async fn one(
        &self,
        source: &Source,
        wanted: &Wanted,
        prior: Option<&SourceFetch>,
    ) -> Result<(), FetchError> {
        let dir = Folder::new(&self.data, &source.name).await?;
        self.fetch_into(source, wanted, prior, &dir.0).await
    }

    async fn fetch_into(
        &self,
        source: &Source,
        wanted: &Wanted,
        prior: Option<&SourceFetch>,
        dir: &Path,
    ) -> Result<(), FetchError> {
        let url = wanted.url.as_str();
        let part = http::part_path(dir);
        let request = Request {
            url,
            auth: credential(source.auth.as_ref())?,
            prior,
            max_bytes: source.max_bytes,
            into: &part,
        };
        self.reports.update(&source.name, |r| r.requests += 1);
        let answer = match (&source.kind, &wanted.naming) {
            (Kind::Index(index), Naming::Slot(slot)) => {
                let index_url = index.url.expand(&slot.moment);
                parts::fetch(
                    &self.client,
                    index,
                    &index_url,
                    &request,
                    &self.reports,
                    &source.name,
                )
                .await?
            }
            _ => self.client.get(&request).await?,
        };
        let fetched = match answer {
            Answer::Fetched(fetched) => fetched,
            Answer::NotModified => {
                self.reports.update(&source.name, |r| r.not_modified += 1);
                return Ok(());
            }
            Answer::NotThere => return Ok(()),
        };
        let ext = fetched
            .media_type
            .as_deref()
            .and_then(model::media::ext_for)
            .unwrap_or("bin");
        let name = match &wanted.naming {
            Naming::Slot(slot) => source.file_name(slot, ext),
            Naming::Listed(name) => name.clone(),
        };
        let file = dir.join(&name);
        tokio::fs::rename(&part, &file).await?;
        let fetched_at = Utc::now();
        let sidecar = serde_json::json!({
            "source": source.name,
            "source_url": url,
            "fetched_at": fetched_at,
            "etag": fetched.etag,
            "bbox": source.bbox,
        });
        let sidecar_path = dir.join(format!("{name}.json"));
        tokio::fs::write(&sidecar_path, sidecar.to_string()).await?;
        let uploader = format!("source:{}", source.name);
        let ingest = |path| self.uploads.submit(path, uploader.clone());
        let outcome = match ingest(sidecar_path).await {
            Ok(_) => ingest(file).await,
            Err(error) => Err(error),
        }
        .map_err(|e| FetchError::Ingest(e.to_string()))?;
        let product_id = match &outcome {
            Outcome::Added { product, .. } | Outcome::Updated { product, .. } => Some(product.id),
            Outcome::Unchanged { product_id } => Some(*product_id),
            Outcome::Rejected { rejection, .. } => {
                self.failed(
                    source,
                    &FetchError::Request(format!(
                        "the ingest refused {name}: {}",
                        rejection.reason
                    )),
                );
                None
            }
            Outcome::SidecarKept | Outcome::Skipped => None,
        };
        let record = SourceFetch {
            url: url.to_string(),
            etag: fetched.etag,
            last_modified: fetched.last_modified,
            fetched_at,
            bytes: fetched.bytes,
            product_id,
        };
        if let Err(error) = self
            .catalogue
            .record_source_fetch(&source.name, &record)
            .await
        {
            tracing::error!(%error, source = %source.name, "recording a fetch");
        }
        self.reports.update(&source.name, |r| {
            r.files += 1;
            r.bytes += fetched.bytes;
            r.last_success = Some(fetched_at);
        });
        tracing::info!(source = %source.name, %name, bytes = fetched.bytes, resumed = fetched.resumed, "fetched");
        Ok(())
    }

    fn failed(&self, source: &Source, error: &FetchError) {
        tracing::warn!(source = %source.name, %error, "a fetch failed");
        let status = match error {
            FetchError::Status(code) => Some(*code),
            _ => None,
        };
        self.reports.update(&source.name, |r| {
            r.last_error = Some(SourceError {
                at: Utc::now(),
                status,
                reason: error.to_string(),
            })
        });
    }
}

/// `pause` give or take a quarter, so that sources failing together do not
/// retry together.
fn jitter(pause: Duration) -> Duration {
    let nanos = Utc::now().timestamp_subsec_nanos();
    let quarter = pause.num_milliseconds() / 4;
    let shift = if quarter > 0 {
        i64::from(nanos) % (2 * quarter) - quarter
    } else {
        0
    };
    pause + Duration::milliseconds(shift)
}

/// A fetch's own folder under `uploads/`, which no other fetch or upload
/// uses; removed when dropped, so that a fetch given up (a stop, a source
/// changed under it) leaves nothing behind.
struct Folder(PathBuf);

impl Folder {
    async fn new(data: &DataDir, source: &str) -> std::io::Result<Self> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let now = Utc::now().timestamp_nanos_opt().unwrap_or_default();
        let name = format!(
            "fetch-{source}-{now}-{}",
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let path = data.uploads().join(name);
        tokio::fs::create_dir_all(&path).await?;
        Ok(Self(path))
    }
}

impl Drop for Folder {
    fn drop(&mut self) {
        if let Err(error) = std::fs::remove_dir_all(&self.0) {
            tracing::warn!(%error, dir = %self.0.display(), "a fetch's folder could not be removed");
        }
    }
}
