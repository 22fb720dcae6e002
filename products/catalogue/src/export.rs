//! What an export of the campaign reads: the current products of a span
//! with where their files and renditions are, a page at a time (so a
//! campaign of any size is exported in bounded memory).

use chrono::{DateTime, Utc};
use sqlx::{QueryBuilder, Sqlite};

use super::{push_visible, stored_product, Catalogue, Result, StoredProduct, PRODUCT_COLUMNS};
use model::access::Visibility;

/// Where the next page starts: after this (valid time, id).
pub type ExportCursor = (DateTime<Utc>, i64);

impl Catalogue {
    /// Up to `limit` current products valid from `from` to `to` that
    /// `visibility` may see, by valid time then id, after `after`.
    pub async fn export_page(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        visibility: Visibility,
        after: Option<ExportCursor>,
        limit: i64,
    ) -> Result<Vec<StoredProduct>> {
        let mut sql: QueryBuilder<Sqlite> = QueryBuilder::new(format!(
            "SELECT {PRODUCT_COLUMNS} FROM products WHERE is_current = 1 AND valid_ms >= "
        ));
        sql.push_bind(from.timestamp_millis())
            .push(" AND valid_ms <= ")
            .push_bind(to.timestamp_millis());
        if let Some((time, id)) = after {
            sql.push(" AND (valid_ms, id) > (")
                .push_bind(time.timestamp_millis())
                .push(", ")
                .push_bind(id)
                .push(")");
        }
        push_visible(&mut sql, visibility);
        sql.push(" ORDER BY valid_ms, id LIMIT ")
            .push_bind(limit.clamp(1, 10_000));
        let rows = sql.build().fetch_all(&self.pool).await?;
        rows.iter().map(|r| Ok(stored_product(r)?)).collect()
    }

    /// How many products [`export_page`](Self::export_page) would go through.
    pub async fn export_count(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        visibility: Visibility,
    ) -> Result<i64> {
        let mut sql: QueryBuilder<Sqlite> = QueryBuilder::new(
            "SELECT COUNT(*) FROM products WHERE is_current = 1 AND valid_ms >= ",
        );
        sql.push_bind(from.timestamp_millis())
            .push(" AND valid_ms <= ")
            .push_bind(to.timestamp_millis());
        push_visible(&mut sql, visibility);
        Ok(sql.build_query_scalar().fetch_one(&self.pool).await?)
    }
}
