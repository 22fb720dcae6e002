//! A listing source's poll: its page read (with its validators: a 304 and
//! the files it listed last are used again), the files it links to that
//! match the pattern and were not fetched yet fetched, newest first, up to
//! [`MAX_NEW_PER_POLL`] a poll and none older than the source's `max_age`.
//! A file fetched before whose line on the page changed (its date, size or
//! ETag) is asked again with its validators: replaced, it is a new version.

use std::cmp::Reverse;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, PoisonError};

use catalogue::source_fetches::SourceFetch;
use chrono::{DateTime, Utc};
use sources::listing::{entries, Entry, MAX_NEW_PER_POLL, MAX_PAGE_BYTES};
use sources::{Listing, Moment, Source};

use super::http::{Answer, FetchError, Request};
use super::{credential, Backoffs, Folder, Naming, Poller, Wanted};

/// What a listing's page said last, and its validators. Kept in memory only:
/// after a restart the page is read whole once, and the files it lists that
/// were fetched already are known from the catalogue.
#[derive(Clone, Debug, Default)]
pub struct Pages(Arc<Mutex<HashMap<String, Page>>>);

#[derive(Clone, Debug)]
struct Page {
    url: String,
    validators: SourceFetch,
    entries: Vec<Entry>,
}

impl Pages {
    fn get(&self, source: &str, url: &str) -> Option<Page> {
        let pages = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        pages.get(source).filter(|p| p.url == url).cloned()
    }

    fn put(&self, source: &str, page: Page) {
        let mut pages = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        pages.insert(source.to_string(), page);
    }
}

impl Poller {
    /// Reads `source`'s listing and fetches what is new; when to poll next.
    pub(super) async fn poll_listing(
        &self,
        source: &Source,
        listing: &Listing,
        now: DateTime<Utc>,
        backoff: &Backoffs,
    ) -> DateTime<Utc> {
        let next = now + source.poll;
        let fetched = match self.catalogue.source_fetches(&source.name).await {
            Ok(fetched) => fetched,
            Err(error) => {
                tracing::error!(%error, source = %source.name, "reading what the source fetched");
                return next;
            }
        };
        let (listed, changed) = match self.listing_page(source).await {
            Ok(read) => read,
            Err(error) => {
                self.failed(source, &error);
                return next;
            }
        };
        let oldest = now - listing.max_age;
        let mut new: Vec<(DateTime<Utc>, Wanted)> = listed
            .iter()
            .filter(|e| !fetched.contains_key(&e.url) || changed.contains(&e.url))
            .filter_map(|e| {
                let found = source.found(listing, &e.name)?;
                let wanted = Wanted {
                    url: e.url.clone(),
                    naming: Naming::Listed(found.file_name),
                };
                (found.time >= oldest).then_some((found.time, wanted))
            })
            .collect();
        new.sort_by_key(|(time, _)| Reverse(*time));
        new.truncate(MAX_NEW_PER_POLL);
        let wanted = new.into_iter().map(|(_, w)| w).collect();
        let retry = self.fetch_all(source, wanted, &fetched, now, backoff).await;
        retry.map_or(next, |r| next.min(r.max(now)))
    }

    /// The files the listing's page links to: read again, or as last read
    /// when the server says it has not changed; and those whose stamp
    /// changed since the page was last read.
    async fn listing_page(
        &self,
        source: &Source,
    ) -> Result<(Vec<Entry>, HashSet<String>), FetchError> {
        // The listing's URL names no field (checked when the file is read).
        let url = source.url.expand(&Moment {
            run: None,
            lead: None,
            valid: Utc::now(),
        });
        let base = reqwest::Url::parse(&url).map_err(|e| FetchError::Request(e.to_string()))?;
        let last = self.listings.get(&source.name, &url);
        let dir = Folder::new(&self.data, &source.name).await?;
        let page = dir.0.join("listing.part");
        let request = Request {
            url: &url,
            auth: credential(source.auth.as_ref())?,
            prior: last.as_ref().map(|p| &p.validators),
            max_bytes: MAX_PAGE_BYTES,
            into: &page,
        };
        self.reports.update(&source.name, |r| r.requests += 1);
        let answer = self.client.get(&request).await;
        let text = match &answer {
            Ok(Answer::Fetched(_)) => tokio::fs::read(&page).await.map(|b| {
                // A page in another encoding still gives its ASCII names.
                String::from_utf8_lossy(&b).into_owned()
            }),
            _ => Ok(String::new()),
        };
        drop(dir);
        match answer? {
            Answer::Fetched(got) => {
                let listed = entries(&text?, &base);
                let changed = last.map_or_else(HashSet::new, |last| {
                    let before: HashMap<&str, &str> = last
                        .entries
                        .iter()
                        .map(|e| (e.url.as_str(), e.stamp.as_str()))
                        .collect();
                    listed
                        .iter()
                        .filter(|e| before.get(e.url.as_str()).is_some_and(|s| *s != e.stamp))
                        .map(|e| e.url.clone())
                        .collect()
                });
                self.listings.put(
                    &source.name,
                    Page {
                        url: url.clone(),
                        validators: SourceFetch {
                            url,
                            etag: got.etag,
                            last_modified: got.last_modified,
                            fetched_at: Utc::now(),
                            bytes: got.bytes,
                            product_id: None,
                        },
                        entries: listed.clone(),
                    },
                );
                Ok((listed, changed))
            }
            Answer::NotModified => {
                self.reports.update(&source.name, |r| r.not_modified += 1);
                Ok((last.map(|p| p.entries).unwrap_or_default(), HashSet::new()))
            }
            Answer::NotThere => Err(FetchError::Status(404)),
        }
    }
}
