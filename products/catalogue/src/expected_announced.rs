//! The expected products announced late (`expected.late`) and, of those,
//! announced arrived (`expected.arrived`): each said once, across restarts,
//! its ledger row written with its event.

use model::expected::Expected;
use model::{Event, EventKind};
use sqlx::Row;

use super::event_row::insert_event;
use super::{EventLog, Result, BEGIN_WRITE};

/// The key of an expected product: its source, time, lead and token.
pub fn slot_key(expected: &Expected) -> String {
    format!(
        "{}|{}|{}|{}",
        expected.source,
        expected.reference().timestamp(),
        expected.lead.map(|l| l.to_string()).unwrap_or_default(),
        expected.product.as_deref().unwrap_or_default()
    )
}

impl EventLog {
    /// Announces `expected` late, unless it was already (`None`).
    pub async fn announce_late(&self, expected: &Expected) -> Result<Option<Event>> {
        let key = slot_key(expected);
        let mut tx = self.pool.begin_with(BEGIN_WRITE).await?;
        let known: Option<i64> =
            sqlx::query_scalar("SELECT late_seq FROM expected_announced WHERE slot = ?")
                .bind(&key)
                .fetch_optional(&mut *tx)
                .await?;
        if known.is_some() {
            return Ok(None);
        }
        let event = insert_event(
            &mut tx,
            EventKind::ExpectedLate {
                expected: expected.clone(),
            },
        )
        .await?;
        sqlx::query("INSERT INTO expected_announced (slot, late_seq) VALUES (?, ?)")
            .bind(&key)
            .bind(event.seq)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Some(event))
    }

    /// Announces `expected` arrived if it was announced late and not yet
    /// arrived (`None` otherwise: an arrival in time is the product's own
    /// event).
    pub async fn announce_arrived(&self, expected: &Expected) -> Result<Option<Event>> {
        let key = slot_key(expected);
        let mut tx = self.pool.begin_with(BEGIN_WRITE).await?;
        let row = sqlx::query("SELECT arrived_seq FROM expected_announced WHERE slot = ?")
            .bind(&key)
            .fetch_optional(&mut *tx)
            .await?;
        let waiting = row.is_some_and(|r| r.get::<Option<i64>, _>("arrived_seq").is_none());
        if !waiting {
            return Ok(None);
        }
        let event = insert_event(
            &mut tx,
            EventKind::ExpectedArrived {
                expected: expected.clone(),
            },
        )
        .await?;
        sqlx::query("UPDATE expected_announced SET arrived_seq = ? WHERE slot = ?")
            .bind(event.seq)
            .bind(&key)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Some(event))
    }
}
