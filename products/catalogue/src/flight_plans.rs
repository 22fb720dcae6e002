//! Flight plans in the catalogue: read an operation's, and (as the event
//! log, so only the hub does) attach one with its `flight_plan.saved` event
//! in one transaction.

use sqlx::sqlite::SqliteRow;
use sqlx::Row;

use super::event_row::insert_event;
use super::planning::{fetch_operation, PlanningError};
use super::{from_ms, now_ms, Catalogue, EventLog, Result};
use model::event::{Event, EventKind};
use model::tracks::plan::{FlightPlan, PlanFormat, StoredPlan};

/// The most plans one operation keeps (revisions included).
pub const MAX_PLANS_PER_OPERATION: i64 = 100;

fn stored_plan(row: &SqliteRow) -> Result<StoredPlan> {
    let format: String = row.try_get("format")?;
    let plan = FlightPlan {
        name: row.try_get("name")?,
        waypoints: serde_json::from_str(row.try_get("waypoints")?)?,
        skipped: Vec::new(),
    };
    Ok(StoredPlan {
        id: row.try_get("id")?,
        operation_id: row.try_get("operation_id")?,
        format: serde_json::from_value(serde_json::Value::String(format))?,
        length_km: plan.length_km(),
        bounds: plan.bounds(),
        plan,
        created_by: row.try_get("created_by")?,
        created_at: from_ms(row.try_get("created_ms")?),
    })
}

impl Catalogue {
    /// Operation `operation_id`'s plans, oldest first.
    pub async fn flight_plans(&self, operation_id: i64) -> Result<Vec<StoredPlan>> {
        let rows = sqlx::query("SELECT * FROM flight_plans WHERE operation_id = ? ORDER BY id")
            .bind(operation_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(stored_plan).collect()
    }

    pub async fn flight_plan(&self, id: i64) -> Result<Option<StoredPlan>> {
        let row = sqlx::query("SELECT * FROM flight_plans WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(stored_plan).transpose()
    }
}

impl EventLog {
    /// Attaches `plan`, read from `format`, to operation `operation_id`.
    pub async fn save_flight_plan(
        &self,
        operation_id: i64,
        plan: &FlightPlan,
        format: PlanFormat,
        author: &str,
    ) -> std::result::Result<Event, PlanningError> {
        let mut tx = self.pool.begin_with(super::BEGIN_WRITE).await?;
        fetch_operation(&mut tx, operation_id).await?;
        let held: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM flight_plans WHERE operation_id = ?")
                .bind(operation_id)
                .fetch_one(&mut *tx)
                .await?;
        if held >= MAX_PLANS_PER_OPERATION {
            return Err(model::operations::Invalid {
                field: "plans",
                problem: format!(
                    "the operation has {held} plans; at most {MAX_PLANS_PER_OPERATION}"
                ),
            }
            .into());
        }
        let format_name = serde_json::to_value(format)?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO flight_plans (operation_id, name, format, waypoints, created_by, created_ms)
             VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(operation_id)
        .bind(&plan.name)
        .bind(format_name.as_str().unwrap_or_default())
        .bind(serde_json::to_string(&plan.waypoints)?)
        .bind(author)
        .bind(now_ms())
        .fetch_one(&mut *tx)
        .await?;
        let row = sqlx::query("SELECT * FROM flight_plans WHERE id = ?")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        let plan = stored_plan(&row)?;
        let event = insert_event(&mut tx, EventKind::FlightPlanSaved { plan }).await?;
        tx.commit().await?;
        Ok(event)
    }

    /// Takes plan `id` off its operation. Plans are working files, not the
    /// campaign's record: the decisions and the report say what was flown.
    pub async fn remove_flight_plan(&self, id: i64) -> std::result::Result<Event, PlanningError> {
        let mut tx = self.pool.begin_with(super::BEGIN_WRITE).await?;
        let operation_id: i64 =
            sqlx::query_scalar("DELETE FROM flight_plans WHERE id = ? RETURNING operation_id")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(PlanningError::UnknownPlan)?;
        let event =
            insert_event(&mut tx, EventKind::FlightPlanRemoved { id, operation_id }).await?;
        tx.commit().await?;
        Ok(event)
    }
}
