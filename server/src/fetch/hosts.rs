//! At most so many requests at once to one host (`per_host` in
//! `sources.toml`, 2 unless said): a centre's server is shared by every
//! campaign that polls it, and sources on the same host share its limit.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Cheap to clone: every source's requests go through one.
#[derive(Clone, Debug)]
pub struct Hosts {
    limit: Arc<AtomicUsize>,
    by_host: Arc<Mutex<HashMap<String, Arc<Semaphore>>>>,
}

impl Hosts {
    pub fn new(limit: usize) -> Self {
        Self {
            limit: Arc::new(AtomicUsize::new(limit.max(1))),
            by_host: Arc::default(),
        }
    }

    /// A new limit: requests under way finish under the old one, the next
    /// ones wait under the new.
    pub fn set_limit(&self, limit: usize) {
        let limit = limit.max(1);
        if self.limit.swap(limit, Ordering::Relaxed) != limit {
            let mut hosts = self.by_host.lock().unwrap_or_else(PoisonError::into_inner);
            hosts.clear();
        }
    }

    /// Waits for a turn on `url`'s host (host and port); the turn lasts
    /// as long as the permit is held.
    pub async fn turn(&self, url: &str) -> Option<OwnedSemaphorePermit> {
        let host = reqwest::Url::parse(url)
            .ok()
            .map(|u| {
                let port = u.port_or_known_default().unwrap_or(0);
                format!("{}:{port}", u.host_str().unwrap_or_default())
            })
            .unwrap_or_default();
        let semaphore = {
            let mut hosts = self.by_host.lock().unwrap_or_else(PoisonError::into_inner);
            let limit = self.limit.load(Ordering::Relaxed);
            hosts
                .entry(host)
                .or_insert_with(|| Arc::new(Semaphore::new(limit)))
                .clone()
        };
        // Never closed: an error cannot happen, and would only mean no wait.
        semaphore.acquire_owned().await.ok()
    }
}
