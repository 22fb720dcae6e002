//! The SQLite catalogue: every SQL statement of opsboard lives in this crate,
//! so that moving to PostgreSQL (several web nodes) touches one crate. Beside
//! the queries it holds what is made from stored state for the outside: the
//! on-disk archive of accepted and rejected files ([`store`]), accounts and
//! providers with their hashed secrets ([`user`], [`provider`]), the STAC
//! documents ([`stac`]) and case-study bundles ([`bundle`]).
//!
//! Each change to the catalogue is written in the same transaction as the
//! event that announces it, so the event log and the products can never
//! disagree, and `seq` (the event's row id) is strictly increasing.

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use sqlx::{QueryBuilder, Row, Sqlite};
use thiserror::Error;
use tokio::sync::Semaphore;

use model::access::Visibility;
use model::event::Event;
use model::name::ProductName;
use model::record::{Product, ProductKey};
use model::sidecar::{ProductMeta, Sidecar, Timing};

mod briefings;
pub mod bundle;
mod case_studies;
mod credentials;
pub mod current;
mod days;
mod event_row;
mod events;
pub mod expected_announced;
mod export;
mod flight_plans;
mod history;
mod model_files;
pub mod operations;
mod planning;
pub mod provider;
mod providers;
mod rejections;
mod reports;
mod restrictions;
mod search;
pub mod source_fetches;
pub mod stac;
mod stac_search;
pub mod store;
mod tracks;
pub mod user;
mod users;
mod version_restriction;

pub use case_studies::CaseStudyQuery;
pub use credentials::{ApiToken, AuditEntry, InvitationRefused};
pub use current::Current;
pub use events::{EventLog, Written};
pub use export::ExportCursor;
pub use history::MAX_PAGE;
pub use operations::OperationQuery;
pub use planning::PlanningError;
/// The database driver's error, for callers that simulate one.
pub use sqlx::Error as SqlxError;
pub use tracks::MAX_TRACK_POINTS;

/// Catalogue failures. Storage errors are not the provider's fault, so they are
/// kept apart from the name errors that are.
#[derive(Debug, Error)]
pub enum CatalogueError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("database migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("stored event could not be encoded or decoded: {0}")]
    Payload(#[from] serde_json::Error),
    #[error("a provider named {0:?} already exists")]
    ProviderExists(String),
    #[error("a user named {0:?} already exists")]
    UserExists(String),
}

pub type Result<T, E = CatalogueError> = std::result::Result<T, E>;

/// A handle on the catalogue database. Cheap to clone (a pool inside).
#[derive(Clone, Debug)]
pub struct Catalogue {
    pool: SqlitePool,
    /// Turns to search (see [`SEARCHES_AT_ONCE`]).
    searches: Arc<Semaphore>,
}

/// How many searches run at once; the others wait their turn. A search
/// holds every match in memory while it counts the facets (20 to 30 MiB
/// for a search matching all of 100 000 products): 32 such searches at
/// once took the server from 538 MiB to 1.5 GiB resident, taking turns two
/// at a time from 452 to 666 MiB, in the same 3 s for 64 (two keep both
/// cores busy, which is all more would do).
pub const SEARCHES_AT_ONCE: usize = 2;

/// A product file about to be recorded, already archived at `stored_path`.
#[derive(Clone, Debug)]
pub struct NewProduct {
    pub name: ProductName,
    pub file_name: String,
    pub media_type: String,
    pub size: u64,
    pub sha256: String,
    pub version: i64,
    /// Relative to the data dir.
    pub stored_path: String,
    pub timing: Timing,
    pub meta: ProductMeta,
}

/// A product with the place of its bytes, which the API needs and clients must
/// not see.
#[derive(Clone, Debug)]
pub struct StoredProduct {
    pub product: Product,
    pub stored_path: String,
    pub thumbnail_path: Option<String>,
    pub preview_path: Option<String>,
}

/// Filters of a product listing. `None` means no bound. The default
/// visibility is the public's: a listing that forgets to say who reads shows
/// no restricted product.
#[derive(Clone, Debug, Default)]
pub struct ProductQuery {
    pub visibility: Visibility,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub category: Option<String>,
    pub platform: Option<String>,
    pub limit: Option<i64>,
}

/// The newest version of one product identity, to decide whether a re-sent file
/// is a new version or the same bytes again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LatestVersion {
    pub id: i64,
    pub version: i64,
    pub sha256: String,
    /// Relative to the data dir.
    pub stored_path: String,
    /// Its bytes were found gone at a start: the same bytes sent again restore it.
    pub missing: bool,
}

/// The `AND` condition that keeps what a reader with [`Visibility::OpenOnly`]
/// may see; bind the time now in milliseconds.
const OPEN_NOW: &str =
    " AND (restricted = 0 OR (restricted_until_ms IS NOT NULL AND restricted_until_ms <= ?))";

/// Adds the condition of `visibility` to a listing.
fn push_visible(sql: &mut QueryBuilder<Sqlite>, visibility: Visibility) {
    if visibility == Visibility::OpenOnly {
        sql.push(
            " AND (restricted = 0 OR (restricted_until_ms IS NOT NULL AND restricted_until_ms <= ",
        )
        .push_bind(now_ms())
        .push("))");
    }
}

/// The condition of `visibility` for a fixed statement: [`OPEN_NOW`] or
/// nothing, and the value to bind (ignored by `?` when the condition is empty,
/// so bind it with [`bind_visible`]).
fn visible_condition(visibility: Visibility) -> &'static str {
    match visibility {
        Visibility::Everything => "",
        Visibility::OpenOnly => OPEN_NOW,
    }
}

fn bind_visible<'q>(query: SqliteQuery<'q>, visibility: Visibility) -> SqliteQuery<'q> {
    match visibility {
        Visibility::Everything => query,
        Visibility::OpenOnly => query.bind(now_ms()),
    }
}

/// The `WHERE` condition that matches one product identity; bind it with [`bind_key`].
const KEY_MATCHES: &str = "category = ? AND platform = ? AND time_ms = ? AND product = ?";

type SqliteQuery<'q> = sqlx::query::Query<'q, Sqlite, sqlx::sqlite::SqliteArguments<'q>>;

/// Binds `key` to the placeholders of [`KEY_MATCHES`].
fn bind_key<'q>(query: SqliteQuery<'q>, key: ProductKey<&'q str>) -> SqliteQuery<'q> {
    query
        .bind(key.category)
        .bind(key.platform)
        .bind(key.time.timestamp_millis())
        .bind(key.product)
}

const PRODUCT_COLUMNS: &str = "id, category, platform, product, time_ms, version, file_name, \
     media_type, size, sha256, ingested_ms, stored_path, run_ms, lead_hours, valid_ms, meta, missing, \
     thumbnail_path, preview_path, preview_error";

impl Catalogue {
    /// Opens (creating if needed) the catalogue at `path` in WAL mode and
    /// applies pending migrations.
    ///
    /// `synchronous=FULL`: every commit is on disk before it returns, so an
    /// event is never announced (broadcast after the commit) and then lost
    /// to a power cut, and a `seq` or an id a client has seen is never given
    /// out again. NORMAL would risk exactly that in WAL mode, for a few ms
    /// a write that a drop pipeline syncing its moves does not notice.
    pub async fn open(path: &Path) -> Result<Self> {
        Ok(Self {
            pool: connect(path).await?,
            searches: Arc::new(Semaphore::new(SEARCHES_AT_ONCE)),
        })
    }

    /// The pool itself, for the web sessions' store only (its statements are
    /// the store crate's, on its own table): sessions live in the catalogue
    /// so that a restart keeps everyone logged in.
    pub fn session_pool(&self) -> SqlitePool {
        self.pool.clone()
    }

    /// Closes the pool, checkpointing the WAL.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// The newest version of the product `key` names, if any.
    pub async fn latest_version(&self, key: ProductKey<&str>) -> Result<Option<LatestVersion>> {
        let sql = format!(
            "SELECT id, version, sha256, stored_path, missing FROM products
             WHERE {KEY_MATCHES} ORDER BY version DESC LIMIT 1"
        );
        let row = bind_key(sqlx::query(&sql), key)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| LatestVersion {
            id: r.get("id"),
            version: r.get("version"),
            sha256: r.get("sha256"),
            stored_path: r.get("stored_path"),
            missing: r.get::<i64, _>("missing") != 0,
        }))
    }

    /// The current version of the product `key` names.
    pub async fn current_product(&self, key: ProductKey<&str>) -> Result<Option<StoredProduct>> {
        let sql = format!(
            "SELECT {PRODUCT_COLUMNS} FROM products WHERE {KEY_MATCHES} AND is_current = 1"
        );
        let row = bind_key(sqlx::query(&sql), key)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| stored_product(&r)).transpose()?)
    }

    /// Keeps the newest sidecar of `file_name` (the file may not exist yet).
    pub async fn save_sidecar(
        &self,
        file_name: &str,
        sidecar: &Sidecar,
        stored_path: &str,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO sidecars (file_name, body, stored_path, received_ms) VALUES (?, ?, ?, ?)
             ON CONFLICT (file_name) DO UPDATE SET body = excluded.body,
                 stored_path = excluded.stored_path, received_ms = excluded.received_ms",
        )
        .bind(file_name)
        .bind(serde_json::to_string(sidecar)?)
        .bind(stored_path)
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The newest sidecar received for `file_name`.
    pub async fn sidecar(&self, file_name: &str) -> Result<Option<Sidecar>> {
        let body: Option<String> =
            sqlx::query_scalar("SELECT body FROM sidecars WHERE file_name = ?")
                .bind(file_name)
                .fetch_optional(&self.pool)
                .await?;
        Ok(body.map(|b| serde_json::from_str(&b)).transpose()?)
    }

    /// Every path the catalogue points at (products of any version and
    /// sidecars), relative to the data dir: what the archive should hold.
    pub async fn stored_paths(&self) -> Result<std::collections::HashSet<String>> {
        let paths: Vec<String> = sqlx::query_scalar(
            "SELECT stored_path FROM products UNION SELECT stored_path FROM sidecars",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(paths.into_iter().collect())
    }

    /// The archived path of the newest sidecar of each file name.
    pub async fn sidecar_paths(&self) -> Result<std::collections::HashMap<String, String>> {
        let rows = sqlx::query("SELECT file_name, stored_path FROM sidecars")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("file_name")?, r.try_get("stored_path")?)))
            .collect()
    }

    /// Every product (any version) with where its bytes are and whether they
    /// are known to be missing.
    pub async fn product_locations(&self) -> Result<Vec<(i64, String, bool)>> {
        let rows = sqlx::query("SELECT id, stored_path, missing FROM products ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("id")?,
                    r.try_get("stored_path")?,
                    r.try_get::<i64, _>("missing")? != 0,
                ))
            })
            .collect()
    }

    /// Current products with neither renditions nor a reason for their
    /// absence (an ingest interrupted before its previews were made).
    pub async fn renditions_pending(&self) -> Result<Vec<StoredProduct>> {
        let sql = format!(
            "SELECT {PRODUCT_COLUMNS} FROM products WHERE is_current = 1 AND missing = 0
             AND thumbnail_path IS NULL AND preview_error IS NULL ORDER BY id"
        );
        let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
        Ok(rows.iter().map(stored_product).collect::<Result<_, _>>()?)
    }

    /// One product (any version) by id, with where its bytes are, if it
    /// exists and a reader with `visibility` may see it.
    pub async fn product(&self, id: i64, visibility: Visibility) -> Result<Option<StoredProduct>> {
        let sql = format!(
            "SELECT {PRODUCT_COLUMNS} FROM products WHERE id = ?{}",
            visible_condition(visibility)
        );
        let row = bind_visible(sqlx::query(&sql).bind(id), visibility)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| stored_product(&r)).transpose()?)
    }

    /// Every version of the product that `id` is a version of that a reader
    /// with `visibility` may see, oldest first; empty when there is no such id.
    pub async fn versions(&self, id: i64, visibility: Visibility) -> Result<Vec<Product>> {
        let sql = format!(
            "SELECT {PRODUCT_COLUMNS} FROM products
             WHERE (category, platform, time_ms, product) =
                   (SELECT category, platform, time_ms, product FROM products WHERE id = ?){}
             ORDER BY version",
            visible_condition(visibility)
        );
        let rows = bind_visible(sqlx::query(&sql).bind(id), visibility)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| Ok(stored_product(r)?.product))
            .collect()
    }

    /// Current versions of products matching `query`, by product time then id.
    pub async fn products(&self, query: &ProductQuery) -> Result<Vec<Product>> {
        let mut sql: QueryBuilder<Sqlite> = QueryBuilder::new(format!(
            "SELECT {PRODUCT_COLUMNS} FROM products WHERE is_current = 1"
        ));
        if let Some(from) = query.from {
            sql.push(" AND time_ms >= ")
                .push_bind(from.timestamp_millis());
        }
        if let Some(to) = query.to {
            sql.push(" AND time_ms <= ")
                .push_bind(to.timestamp_millis());
        }
        if let Some(category) = &query.category {
            sql.push(" AND category = ").push_bind(category.clone());
        }
        if let Some(platform) = &query.platform {
            sql.push(" AND platform = ").push_bind(platform.clone());
        }
        push_visible(&mut sql, query.visibility);
        sql.push(" ORDER BY time_ms, id LIMIT ")
            .push_bind(query.limit.unwrap_or(i64::MAX));
        let rows = sql.build().fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| Ok(stored_product(r)?.product))
            .collect()
    }

    /// Number of products (current versions) a reader with `visibility` may see.
    pub async fn count_products(&self, visibility: Visibility) -> Result<i64> {
        let sql = format!(
            "SELECT COUNT(*) FROM products WHERE is_current = 1{}",
            visible_condition(visibility)
        );
        let count = bind_visible(sqlx::query(&sql), visibility)
            .fetch_one(&self.pool)
            .await?;
        Ok(count.try_get(0)?)
    }

    /// Brings `current` up to the catalogue's last event, reading back what
    /// other processes wrote (one cheap query when nothing did).
    pub async fn sync(&self, current: &Current) -> Result<()> {
        const PAGE: i64 = 2000;
        let last = self.last_seq().await?;
        while current.synced() < last {
            let events = self.events_after(current.synced(), PAGE).await?;
            if events.is_empty() {
                break;
            }
            current.apply_all_after_synced(&events);
        }
        Ok(())
    }

    /// Up to `limit` events with `seq > after`, in order.
    pub async fn events_after(&self, after: i64, limit: i64) -> Result<Vec<Event>> {
        let rows =
            sqlx::query("SELECT seq, payload FROM events WHERE seq > ? ORDER BY seq LIMIT ?")
                .bind(after)
                .bind(limit)
                .fetch_all(&self.pool)
                .await?;
        rows.iter()
            .map(|r| {
                let payload: String = r.get("payload");
                Ok(Event {
                    seq: r.get("seq"),
                    kind: serde_json::from_str(&payload)?,
                })
            })
            .collect()
    }

    /// The newest event's `seq`, 0 when there is none.
    pub async fn last_seq(&self) -> Result<i64> {
        Ok(
            sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) FROM events")
                .fetch_one(&self.pool)
                .await?,
        )
    }
}

/// How every write transaction begins: holding SQLite's write lock from
/// its first statement. A deferred transaction that reads before it writes
/// (most do: they check what they change) fails at once with SQLITE_BUSY,
/// not retried, when another connection wrote in between (the sessions'
/// store, say), and the change would be refused with an internal error; an
/// immediate one waits its turn (`busy_timeout`).
const BEGIN_WRITE: &str = "BEGIN IMMEDIATE";

/// The pool on the catalogue at `path`, created if needed, migrated.
async fn connect(path: &Path) -> Result<SqlitePool> {
    let options = SqliteConnectOptions::from_str("sqlite://")?
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .busy_timeout(Duration::from_secs(10))
        .foreign_keys(true)
        // 16 MiB of pages a connection (SQLite's default is 2 MiB): a search
        // or a STAC page over 100 000 products reads its indexes from memory
        // instead of again from the file, 20 to 50 % faster.
        .pragma("cache_size", "-16384");
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        .connect_with(options)
        .await?;
    sqlx::migrate!("./migrations").run(&pool).await?;
    Ok(pool)
}

fn stored_product(row: &SqliteRow) -> Result<StoredProduct, sqlx::Error> {
    let id: i64 = row.try_get("id")?;
    let size: i64 = row.try_get("size")?;
    let thumbnail_path: Option<String> = row.try_get("thumbnail_path")?;
    let preview_path: Option<String> = row.try_get("preview_path")?;
    Ok(StoredProduct {
        product: Product {
            id,
            category: row.try_get("category")?,
            platform: row.try_get("platform")?,
            product: row.try_get("product")?,
            time: from_ms(row.try_get("time_ms")?),
            version: row.try_get("version")?,
            file_name: row.try_get("file_name")?,
            media_type: row.try_get("media_type")?,
            size: size.max(0) as u64,
            sha256: row.try_get("sha256")?,
            ingested_at: from_ms(row.try_get("ingested_ms")?),
            file_url: Product::file_url_for(id),
            run_time: row.try_get::<Option<i64>, _>("run_ms")?.map(from_ms),
            lead_hours: row
                .try_get::<Option<i64>, _>("lead_hours")?
                .and_then(|h| u32::try_from(h).ok()),
            valid_time: from_ms(row.try_get("valid_ms")?),
            meta: serde_json::from_str(row.try_get("meta")?)
                .map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
            missing: row.try_get::<i64, _>("missing")? != 0,
            thumbnail_url: thumbnail_path
                .as_ref()
                .map(|_| Product::rendition_url_for(id, "thumbnail")),
            preview_url: preview_path
                .as_ref()
                .map(|_| Product::rendition_url_for(id, "preview")),
            preview_error: row.try_get("preview_error")?,
        },
        stored_path: row.try_get("stored_path")?,
        thumbnail_path,
        preview_path,
    })
}

fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

/// Milliseconds to a UTC time; out-of-range values (impossible in rows this
/// module wrote) clamp to the epoch rather than fail a whole listing.
fn from_ms(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}
