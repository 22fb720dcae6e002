//! What each source fetched and with which validators: the poller's memory,
//! kept in the catalogue so that a restart fetches only what is missing.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sqlx::Row;

use super::{from_ms, Catalogue, Result};

/// A file a source fetched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceFetch {
    pub url: String,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub fetched_at: DateTime<Utc>,
    pub bytes: u64,
    /// The product it became (none if the ingest refused it).
    pub product_id: Option<i64>,
}

impl Catalogue {
    /// Every file `source` fetched, by URL.
    pub async fn source_fetches(&self, source: &str) -> Result<HashMap<String, SourceFetch>> {
        let rows = sqlx::query(
            "SELECT url, etag, last_modified, fetched_ms, bytes, product_id
               FROM source_fetches WHERE source = ?",
        )
        .bind(source)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|r| {
                let fetch = SourceFetch {
                    url: r.get("url"),
                    etag: r.get("etag"),
                    last_modified: r.get("last_modified"),
                    fetched_at: from_ms(r.get("fetched_ms")),
                    bytes: u64::try_from(r.get::<i64, _>("bytes")).unwrap_or(0),
                    product_id: r.get("product_id"),
                };
                (fetch.url.clone(), fetch)
            })
            .collect())
    }

    /// Remembers that `source` fetched `fetch` (replacing what it had of
    /// that URL: a changed file is fetched again as a new version).
    pub async fn record_source_fetch(&self, source: &str, fetch: &SourceFetch) -> Result<()> {
        sqlx::query(
            "INSERT OR REPLACE INTO source_fetches
                 (source, url, etag, last_modified, fetched_ms, bytes, product_id)
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(source)
        .bind(&fetch.url)
        .bind(&fetch.etag)
        .bind(&fetch.last_modified)
        .bind(fetch.fetched_at.timestamp_millis())
        .bind(i64::try_from(fetch.bytes).unwrap_or(i64::MAX))
        .bind(fetch.product_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
