//! Reading the refused files back: for the board's list and a provider's
//! quota (the refusals themselves are written by the event log, with their
//! events).

use chrono::{DateTime, Utc};
use sqlx::Row;

use super::{from_ms, Catalogue, Result};
use model::record::Rejection;

impl Catalogue {
    /// The newest rejections, newest first: all of them, or those of the
    /// files one provider uploaded (a reason may name a restricted product,
    /// so only admins see every one).
    pub async fn recent_rejections(
        &self,
        limit: i64,
        provider: Option<&str>,
    ) -> Result<Vec<Rejection>> {
        let rows = sqlx::query(
            "SELECT file_name, reason, rejected_ms, provider FROM rejections
             WHERE ?1 IS NULL OR provider = ?1 ORDER BY id DESC LIMIT ?2",
        )
        .bind(provider)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|r| Rejection {
                file_name: r.get("file_name"),
                reason: r.get("reason"),
                rejected_at: from_ms(r.get("rejected_ms")),
                provider: r.get("provider"),
            })
            .collect())
    }

    /// The bytes of `provider`'s files refused since `since`, still in rejected/.
    pub async fn rejected_bytes_since(&self, provider: &str, since: DateTime<Utc>) -> Result<u64> {
        let bytes: i64 = sqlx::query_scalar(
            "SELECT COALESCE(SUM(size), 0) FROM rejections
             WHERE provider = ? AND rejected_ms >= ? AND stored_path IS NOT NULL",
        )
        .bind(provider)
        .bind(since.timestamp_millis())
        .fetch_one(&self.pool)
        .await?;
        Ok(u64::try_from(bytes).unwrap_or(0))
    }
}
