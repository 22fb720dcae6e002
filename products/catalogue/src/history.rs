//! Looking back: every arrival, newest first, a page at a time, and search
//! over the whole catalogue rather than the stretch a page has loaded.
//!
//! Pages are keyed by the last arrival seen (its time and id), not by an
//! offset, so a page is as fast on the hundredth screen as on the first and
//! live arrivals do not shift what "older" means.

use sqlx::{QueryBuilder, Sqlite};

use super::{push_visible, stored_product, Catalogue, Result, PRODUCT_COLUMNS};
use model::access::Visibility;
use model::record::{ArrivalCursor, Product};

/// Most rows one page or one search answers.
pub const MAX_PAGE: i64 = 200;
/// Most words a search is made of (each must match).
const MAX_WORDS: usize = 8;
/// Longest word searched for.
const MAX_WORD: usize = 64;

/// The words of a search, each bounded, at most [`MAX_WORDS`].
fn words(text: &str) -> Vec<String> {
    // Control characters never occur in names or titles, and SQLite's LIKE
    // stops a pattern at a NUL: "%\0%" would match everything.
    text.split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .take(MAX_WORDS)
        .map(|w| {
            // LIKE's own wildcards are searched for as characters.
            let w: String = w.chars().take(MAX_WORD).collect::<String>().to_lowercase();
            format!(
                "%{}%",
                w.replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_")
            )
        })
        .collect()
}

/// `AND` each word found in the file name or the sidecar's title.
fn push_words(sql: &mut QueryBuilder<Sqlite>, text: &str) {
    for word in words(text) {
        sql.push(" AND (lower(file_name) LIKE ")
            .push_bind(word.clone())
            .push(" ESCAPE '\\' OR lower(COALESCE(json_extract(meta, '$.title'), '')) LIKE ")
            .push_bind(word)
            .push(" ESCAPE '\\')");
    }
}

impl Catalogue {
    /// Arrivals (every version, as received) older than `before`, newest
    /// first, whose name or title has every word of `text`.
    pub async fn arrivals(
        &self,
        before: Option<ArrivalCursor>,
        text: &str,
        limit: i64,
        visibility: Visibility,
    ) -> Result<Vec<Product>> {
        let mut sql: QueryBuilder<Sqlite> = QueryBuilder::new(format!(
            "SELECT {PRODUCT_COLUMNS} FROM products WHERE 1 = 1"
        ));
        if let Some(cursor) = before {
            let ms = cursor.ingested_at.timestamp_millis();
            sql.push(" AND (ingested_ms < ")
                .push_bind(ms)
                .push(" OR (ingested_ms = ")
                .push_bind(ms)
                .push(" AND id < ")
                .push_bind(cursor.id)
                .push("))");
        }
        push_words(&mut sql, text);
        push_visible(&mut sql, visibility);
        sql.push(" ORDER BY ingested_ms DESC, id DESC LIMIT ")
            .push_bind(limit.clamp(1, MAX_PAGE));
        let rows = sql.build().fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| Ok(stored_product(r)?.product))
            .collect()
    }

    /// Current products, anywhere in time, whose name or title has every
    /// word of `text`: newest valid time first.
    pub async fn search(
        &self,
        text: &str,
        limit: i64,
        visibility: Visibility,
    ) -> Result<Vec<Product>> {
        if words(text).is_empty() {
            return Ok(Vec::new());
        }
        let mut sql: QueryBuilder<Sqlite> = QueryBuilder::new(format!(
            "SELECT {PRODUCT_COLUMNS} FROM products WHERE is_current = 1"
        ));
        push_words(&mut sql, text);
        push_visible(&mut sql, visibility);
        sql.push(" ORDER BY valid_ms DESC, id DESC LIMIT ")
            .push_bind(limit.clamp(1, MAX_PAGE));
        let rows = sql.build().fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| Ok(stored_product(r)?.product))
            .collect()
    }
}
