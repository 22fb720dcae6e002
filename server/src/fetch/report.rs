//! What each source's polling did, for the admins (`GET /api/v1/sources`):
//! kept in memory, since the last start.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, Utc};
use serde::Serialize;

/// One source's figures.
#[derive(Clone, Debug, Default, Serialize)]
pub struct SourceReport {
    pub last_poll: Option<DateTime<Utc>>,
    pub last_success: Option<DateTime<Utc>>,
    pub next_poll: Option<DateTime<Utc>>,
    /// The last failure: when, the HTTP status if there was one, and why.
    pub last_error: Option<SourceError>,
    /// Files fetched and handed to the ingest.
    pub files: u64,
    pub bytes: u64,
    /// Re-polls answered 304.
    pub not_modified: u64,
    /// Requests made.
    pub requests: u64,
}

#[derive(Clone, Debug, Serialize)]
pub struct SourceError {
    pub at: DateTime<Utc>,
    pub status: Option<u16>,
    pub reason: String,
}

/// Every source's figures. Cheap to clone.
#[derive(Clone, Debug, Default)]
pub struct Reports(Arc<Mutex<HashMap<String, SourceReport>>>);

impl Reports {
    pub fn update(&self, source: &str, change: impl FnOnce(&mut SourceReport)) {
        let mut all = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        change(all.entry(source.to_string()).or_default());
    }

    pub fn of(&self, source: &str) -> SourceReport {
        let all = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        all.get(source).cloned().unwrap_or_default()
    }
}
