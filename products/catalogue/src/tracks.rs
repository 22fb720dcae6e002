//! Positions in the catalogue: written in batches (a relay's lines, a
//! second of packets), read back as a platform's latest fix or as a track
//! between two times. Not events (see the migration `0013_positions.sql`):
//! these writes do not go through the hub's event log.

use chrono::{DateTime, Utc};
use sqlx::sqlite::SqliteRow;
use sqlx::Row;

use super::{from_ms, Catalogue, Result};
use model::tracks::Fix;

/// The most points one track answer holds: a 10 h flight at 1 Hz is 36 000;
/// longer or denser stretches are thinned evenly to this many.
pub const MAX_TRACK_POINTS: i64 = 50_000;

fn fix_of(row: &SqliteRow) -> Result<Fix> {
    Ok(Fix {
        values: serde_json::from_str(row.try_get("packet")?)?,
        ..place_of(row)?
    })
}

impl Catalogue {
    /// Stores `fixes` of `platform` in one transaction; a fix already held
    /// for that time is replaced. Returns how many were written.
    pub async fn record_fixes(&self, platform: &str, fixes: &[Fix]) -> Result<usize> {
        let mut tx = self.pool.begin_with(super::BEGIN_WRITE).await?;
        for fix in fixes {
            sqlx::query(
                "INSERT OR REPLACE INTO positions (platform, time_ms, lat, lon, alt, packet)
                 VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind(platform)
            .bind(fix.time.timestamp_millis())
            .bind(fix.lat)
            .bind(fix.lon)
            .bind(fix.alt)
            .bind(serde_json::to_string(&fix.values)?)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(fixes.len())
    }

    /// The newest fix of `platform`.
    pub async fn latest_fix(&self, platform: &str) -> Result<Option<Fix>> {
        let row =
            sqlx::query("SELECT * FROM positions WHERE platform = ? ORDER BY time_ms DESC LIMIT 1")
                .bind(platform)
                .fetch_optional(&self.pool)
                .await?;
        row.as_ref().map(fix_of).transpose()
    }

    /// `platform`'s fixes from `from` to `to` (either open), oldest first, at
    /// most [`MAX_TRACK_POINTS`] (every n-th when there are more, the last
    /// one always kept, so the track ends where the platform is). Places and
    /// times only: a track draws no other value, and decoding each packet's
    /// values took most of the time of a 10 h track.
    pub async fn track(
        &self,
        platform: &str,
        from: Option<DateTime<Utc>>,
        to: Option<DateTime<Utc>>,
    ) -> Result<Vec<Fix>> {
        let from = from.map_or(i64::MIN, |t| t.timestamp_millis());
        let to = to.map_or(i64::MAX, |t| t.timestamp_millis());
        let count: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM positions WHERE platform = ? AND time_ms BETWEEN ? AND ?",
        )
        .bind(platform)
        .bind(from)
        .bind(to)
        .fetch_one(&self.pool)
        .await?;
        let step = (count + MAX_TRACK_POINTS - 1) / MAX_TRACK_POINTS;
        let rows = sqlx::query(
            "SELECT time_ms, lat, lon, alt FROM (
                 SELECT time_ms, lat, lon, alt, ROW_NUMBER() OVER (ORDER BY time_ms) - 1 AS n
                 FROM positions WHERE platform = ? AND time_ms BETWEEN ? AND ?)
             WHERE n % ? = 0 OR n = ? - 1 ORDER BY time_ms",
        )
        .bind(platform)
        .bind(from)
        .bind(to)
        .bind(step.max(1))
        .bind(count)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(place_of).collect()
    }

    /// `platform`'s fixes from `from` on (all when None), oldest first, places
    /// and times only; None when there are more than `most` (the caller then
    /// reads a thinned [`Catalogue::track`] instead).
    pub async fn fixes_since(
        &self,
        platform: &str,
        from: Option<DateTime<Utc>>,
        most: usize,
    ) -> Result<Option<Vec<Fix>>> {
        let rows = sqlx::query(
            "SELECT time_ms, lat, lon, alt FROM positions
             WHERE platform = ? AND time_ms >= ? ORDER BY time_ms LIMIT ?",
        )
        .bind(platform)
        .bind(from.map_or(i64::MIN, |t| t.timestamp_millis()))
        .bind(i64::try_from(most).unwrap_or(i64::MAX).saturating_add(1))
        .fetch_all(&self.pool)
        .await?;
        if rows.len() > most {
            return Ok(None);
        }
        rows.iter().map(place_of).collect::<Result<_>>().map(Some)
    }
}

/// A fix's place and time, without the packet's other values.
fn place_of(row: &SqliteRow) -> Result<Fix> {
    Ok(Fix {
        time: from_ms(row.try_get("time_ms")?),
        lat: row.try_get("lat")?,
        lon: row.try_get("lon")?,
        alt: row.try_get("alt")?,
        values: Vec::new(),
        extra: 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::EventLog;

    fn fix(second: i64) -> Fix {
        Fix {
            time: from_ms(1_795_000_000_000 + second * 1000),
            lat: 43.0,
            lon: (second as f64) * 1e-5,
            alt: None,
            values: vec![None; 29],
            extra: 0,
        }
    }

    /// 60 001 fixes (16.7 h at 1 Hz), over the cap: the track is thinned
    /// evenly (every second fix), keeps its first and last points, and stays
    /// in time order.
    #[tokio::test]
    async fn long_tracks_are_thinned_evenly_to_the_cap_and_end_where_the_platform_is() {
        let dir = tempfile::tempdir().unwrap();
        let (_log, catalogue) = EventLog::open(&dir.path().join("catalogue.db"))
            .await
            .unwrap();
        let fixes: Vec<Fix> = (0..60_001).map(fix).collect();
        for chunk in fixes.chunks(10_000) {
            catalogue.record_fixes("ATR42", chunk).await.unwrap();
        }
        let track = catalogue.track("atr42", None, None).await.unwrap();
        assert_eq!(track.len(), 30_001, "every second fix, the last included");
        assert_eq!(track.first().unwrap().time, fixes[0].time);
        assert_eq!(track.last().unwrap().time, fixes[60_000].time);
        assert!(track.windows(2).all(|w| w[0].time < w[1].time));
        let short = catalogue
            .track("ATR42", Some(fixes[10].time), Some(fixes[19].time))
            .await
            .unwrap();
        assert_eq!(short.len(), 10, "a short stretch is whole");
        let latest = catalogue.latest_fix("Atr42").await.unwrap().unwrap();
        assert_eq!(latest.time, fixes[60_000].time);
        assert!(catalogue.latest_fix("FALCON").await.unwrap().is_none());
    }
}
