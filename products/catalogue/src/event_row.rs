//! The one place an event row is written: every change of campaign state
//! calls this inside the transaction of the change itself, so the log and
//! the state cannot disagree and `seq` (the row id) only grows.

use model::event::{Event, EventKind};

use super::{now_ms, Result};

pub(super) async fn insert_event(
    tx: &mut sqlx::SqliteConnection,
    kind: EventKind,
) -> Result<Event> {
    let payload = serde_json::to_string(&kind)?;
    let seq: i64 = sqlx::query_scalar(
        "INSERT INTO events (type, payload, created_ms) VALUES (?, ?, ?) RETURNING seq",
    )
    .bind(kind.type_name())
    .bind(payload)
    .bind(now_ms())
    .fetch_one(tx)
    .await?;
    Ok(Event { seq, kind })
}
