//! The event log: every change to the catalogue that dashboards are told
//! about, written in one transaction with its event (which gets the next
//! `seq`).
//!
//! These writes are methods of [`EventLog`], not of [`Catalogue`]: the one
//! `EventLog` of a process is opened at start and handed to the server's hub,
//! which broadcasts each event after its commit. Holding a `Catalogue` (as
//! every request handler does) gives no way to write an event the hub would
//! not announce.

use std::path::Path;

use sqlx::sqlite::SqlitePool;
use sqlx::Sqlite;

use super::event_row::insert_event;
use super::version_restriction;
use super::{
    bind_key, now_ms, stored_product, Catalogue, NewProduct, Result, KEY_MATCHES, PRODUCT_COLUMNS,
};
use model::access::Visibility;
use model::event::{Event, EventKind};
use model::record::{Product, Rejection};
use model::sidecar::{ProductMeta, Timing};

/// A change to a product as written: its event, and the events of the other
/// versions its restriction reached first (see [`super::version_restriction`]),
/// in `seq` order.
#[derive(Clone, Debug)]
pub struct Written {
    pub spread: Vec<Event>,
    pub event: Event,
}

/// The writer of events. Opened once; not `Clone`.
#[derive(Debug)]
pub struct EventLog {
    pub(super) pool: SqlitePool,
}

impl EventLog {
    /// Opens the catalogue at `path` for a process that announces changes:
    /// the event log, and a [`Catalogue`] for everything else.
    pub async fn open(path: &Path) -> Result<(Self, Catalogue)> {
        let catalogue = Catalogue::open(path).await?;
        Ok((
            Self {
                pool: catalogue.pool.clone(),
            },
            catalogue,
        ))
    }

    /// Records a product and its event (`product.added` for version 1,
    /// `product.updated` after) in one transaction. A version whose access
    /// is left open to choice inherits the restriction of the one it
    /// replaces, and a restricted one restricts the older versions.
    pub async fn insert_product(&self, new: &NewProduct) -> Result<Written> {
        let mut tx = self.pool.begin_with(super::BEGIN_WRITE).await?;
        let written = insert_one(&mut tx, new, now_ms()).await?;
        tx.commit().await?;
        Ok(written)
    }

    /// Records products that arrived together, each as
    /// [`insert_product`](Self::insert_product) does, in one transaction:
    /// one commit (one sync to disk) for all of them, or none recorded.
    pub async fn insert_products(&self, news: &[NewProduct]) -> Result<Vec<Written>> {
        let ingested_at = now_ms();
        let mut tx = self.pool.begin_with(super::BEGIN_WRITE).await?;
        let mut written = Vec::with_capacity(news.len());
        for new in news {
            written.push(insert_one(&mut tx, new, ingested_at).await?);
        }
        tx.commit().await?;
        Ok(written)
    }

    /// Replaces a product's times and metadata (a sidecar arrived after its
    /// file) and records `product.updated`; the version does not change.
    pub async fn update_metadata(
        &self,
        id: i64,
        timing: &Timing,
        meta: &ProductMeta,
    ) -> Result<Written> {
        let json = serde_json::to_string(meta)?;
        self.update_and_announce(
            id,
            sqlx::query(
                "UPDATE products SET run_ms = ?, lead_hours = ?, valid_ms = ?, meta = ?,
                     restricted = ?, restricted_until_ms = ? WHERE id = ?",
            )
            .bind(timing.run_time.map(|t| t.timestamp_millis()))
            .bind(timing.lead_hours.map(i64::from))
            .bind(timing.valid_time.timestamp_millis())
            .bind(json)
            .bind(meta.restricted == Some(true))
            .bind(meta.restricted_until.map(|t| t.timestamp_millis()))
            .bind(id),
        )
        .await
    }

    /// Restricts product `id` for good (a `--restrict` rule added after it
    /// was catalogued: a sidecar's embargo end does not open what a rule
    /// closes, as at ingest) and records `product.updated`.
    pub async fn restrict(&self, id: i64) -> Result<Written> {
        self.update_and_announce(
            id,
            sqlx::query(
                "UPDATE products SET restricted = 1, restricted_until_ms = NULL,
                     meta = json_remove(json_set(meta, '$.restricted', json('true')),
                                        '$.restricted_until') WHERE id = ?",
            )
            .bind(id),
        )
        .await
    }

    /// Runs `update` on product `id` and records the resulting
    /// `product.updated` (after those of the other versions its restriction
    /// reaches), in one transaction.
    async fn update_and_announce<'q>(
        &self,
        id: i64,
        update: sqlx::query::Query<'q, Sqlite, sqlx::sqlite::SqliteArguments<'q>>,
    ) -> Result<Written> {
        let mut tx = self.pool.begin_with(super::BEGIN_WRITE).await?;
        let public = |p: &Product| Visibility::OpenOnly.may_see(p, chrono::Utc::now());
        let was_public = public(&fetch_product(&mut tx, id).await?);
        update.execute(&mut *tx).await?;
        let product = fetch_product(&mut tx, id).await?;
        let spread = version_restriction::spread(&mut tx, &product).await?;
        let withdrawn = was_public && !public(&product);
        let event = insert_event(&mut tx, EventKind::ProductUpdated { product, withdrawn }).await?;
        tx.commit().await?;
        Ok(Written { spread, event })
    }

    /// Marks a product's bytes missing (or found again) and records
    /// `product.updated`.
    pub async fn set_missing(&self, id: i64, missing: bool) -> Result<Written> {
        self.update_and_announce(
            id,
            sqlx::query("UPDATE products SET missing = ? WHERE id = ?")
                .bind(missing as i64)
                .bind(id),
        )
        .await
    }

    /// Records a product's renditions, or why there are none, and
    /// `product.updated`.
    pub async fn set_renditions(
        &self,
        id: i64,
        thumbnail_path: Option<&str>,
        preview_path: Option<&str>,
        error: Option<&str>,
    ) -> Result<Written> {
        self.update_and_announce(
            id,
            sqlx::query(
                "UPDATE products SET thumbnail_path = ?, preview_path = ?, preview_error = ? WHERE id = ?",
            )
            .bind(thumbnail_path)
            .bind(preview_path)
            .bind(error)
            .bind(id),
        )
        .await
    }

    /// Records a rejection and its `product.rejected` event.
    pub async fn insert_rejection(
        &self,
        rejection: &Rejection,
        stored_path: Option<&str>,
        size: u64,
    ) -> Result<Event> {
        let mut tx = self.pool.begin_with(super::BEGIN_WRITE).await?;
        sqlx::query(
            "INSERT INTO rejections (file_name, reason, stored_path, rejected_ms, provider, size)
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(&rejection.file_name)
        .bind(&rejection.reason)
        .bind(stored_path)
        .bind(rejection.rejected_at.timestamp_millis())
        .bind(&rejection.provider)
        .bind(i64::try_from(size).unwrap_or(i64::MAX))
        .execute(&mut *tx)
        .await?;
        let event = insert_event(
            &mut tx,
            EventKind::ProductRejected {
                rejection: rejection.clone(),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(event)
    }
}

async fn fetch_product(tx: &mut sqlx::SqliteConnection, id: i64) -> Result<Product> {
    let sql = format!("SELECT {PRODUCT_COLUMNS} FROM products WHERE id = ?");
    let row = sqlx::query(&sql).bind(id).fetch_one(tx).await?;
    Ok(stored_product(&row)?.product)
}

/// One product and its event, in `tx`.
async fn insert_one(
    tx: &mut sqlx::SqliteConnection,
    new: &NewProduct,
    ingested_at: i64,
) -> Result<Written> {
    let meta = version_restriction::inherit(&mut *tx, new.name.key(), new.meta.clone()).await?;
    let retire = format!("UPDATE products SET is_current = 0 WHERE {KEY_MATCHES}");
    bind_key(sqlx::query(&retire), new.name.key())
        .execute(&mut *tx)
        .await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO products (category, platform, time_ms, product, version, is_current,
                 file_name, media_type, size, sha256, stored_path, ingested_ms,
                 run_ms, lead_hours, valid_ms, meta, restricted, restricted_until_ms)
             VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(&new.name.category)
    .bind(&new.name.platform)
    .bind(new.name.time.timestamp_millis())
    .bind(&new.name.product)
    .bind(new.version)
    .bind(&new.file_name)
    .bind(&new.media_type)
    .bind(new.size as i64)
    .bind(&new.sha256)
    .bind(&new.stored_path)
    .bind(ingested_at)
    .bind(new.timing.run_time.map(|t| t.timestamp_millis()))
    .bind(new.timing.lead_hours.map(i64::from))
    .bind(new.timing.valid_time.timestamp_millis())
    .bind(serde_json::to_string(&meta)?)
    .bind(meta.restricted == Some(true))
    .bind(meta.restricted_until.map(|t| t.timestamp_millis()))
    .fetch_one(&mut *tx)
    .await?;
    let product = fetch_product(&mut *tx, id).await?;
    let spread = version_restriction::spread(&mut *tx, &product).await?;
    let kind = if new.version <= 1 {
        EventKind::ProductAdded { product }
    } else {
        EventKind::ProductUpdated {
            product,
            withdrawn: false,
        }
    };
    let event = insert_event(&mut *tx, kind).await?;
    Ok(Written { spread, event })
}
