//! Writing the operations side of the catalogue: platforms, IOPs,
//! operations and decisions, each with its event in one transaction, as
//! methods of the [`EventLog`] (so only the hub writes them).
//!
//! The lifecycle is enforced here, inside the transaction that records the
//! decision: two scientists deciding at the same moment cannot both move an
//! operation out of the same status.

use sqlx::SqliteConnection;
use thiserror::Error;

use super::event_row::insert_event;
use super::operations::{decision_of, operation_of, OPERATION_COLUMNS};
use super::{now_ms, CatalogueError, EventLog};
use model::event::{Event, EventKind};
use model::operations::code_letter;
use model::operations::{
    Evidence, Invalid, Iop, NewDecision, Operation, Plan, PlanPatch, Platform, Status,
};

/// Why a change of operations was refused, or failed.
#[derive(Debug, Error)]
pub enum PlanningError {
    #[error(transparent)]
    Invalid(#[from] Invalid),
    #[error("no platform named {0:?}: an admin adds it first (POST /api/v1/platforms)")]
    UnknownPlatform(String),
    #[error("no IOP named {0:?}: an admin adds it first (POST /api/v1/iops)")]
    UnknownIop(String),
    #[error("no such operation")]
    UnknownOperation,
    #[error("no such briefing")]
    UnknownBriefing,
    #[error("no such flight plan")]
    UnknownPlan,
    #[error("no such case study")]
    UnknownCaseStudy,
    #[error("the slug {0:?} is taken by another case study")]
    SlugTaken(String),
    #[error("tags: {0:?} is not in the campaign's vocabulary (an admin adds it: PUT /api/v1/case-tags/{0})")]
    UnknownTag(String),
    /// Publishing is one-way: a published case may have been cited.
    #[error("published: a published case study stays published (correct it, or delete it)")]
    StaysPublished,
    /// The lifecycle does not allow this move.
    #[error("{}", refused_move(*.from, *.to))]
    Move { from: Status, to: Status },
    #[error("product {} has no version {}", .0.product_id, .0.version)]
    UnknownEvidence(Evidence),
    #[error("{0} already has 26 operations that day")]
    CodesExhausted(String),
    #[error(transparent)]
    Catalogue(#[from] CatalogueError),
}

impl From<sqlx::Error> for PlanningError {
    fn from(error: sqlx::Error) -> Self {
        Self::Catalogue(error.into())
    }
}

impl From<serde_json::Error> for PlanningError {
    fn from(error: serde_json::Error) -> Self {
        Self::Catalogue(error.into())
    }
}

fn refused_move(from: Status, to: Status) -> String {
    let allowed: Vec<&str> = from.moves().iter().map(|s| s.as_str()).collect();
    let hint = if to == Status::Reported {
        "; attaching a report makes it reported"
    } else {
        ""
    };
    match allowed.is_empty() {
        true => format!("an operation that is {from} does not change status any more{hint}"),
        false => format!(
            "an operation that is {from} cannot become {to}; it may become {}{hint}",
            allowed.join(", ")
        ),
    }
}

type Result<T> = std::result::Result<T, PlanningError>;

impl EventLog {
    /// Adds or replaces a platform (`platform.saved`).
    pub async fn save_platform(&self, platform: &Platform) -> Result<Event> {
        platform.check()?;
        let mut tx = self.pool.begin_with(super::BEGIN_WRITE).await?;
        sqlx::query(
            "INSERT INTO platforms (name, kind, base, colour, contact, base_lon, base_lat, rings_km)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, base = excluded.base,
                 colour = excluded.colour, contact = excluded.contact,
                 base_lon = excluded.base_lon, base_lat = excluded.base_lat,
                 rings_km = excluded.rings_km",
        )
        .bind(&platform.name)
        .bind(platform.kind.as_str())
        .bind(&platform.base)
        .bind(&platform.colour)
        .bind(&platform.contact)
        .bind(platform.base_position.map(|[lon, _]| lon))
        .bind(platform.base_position.map(|[_, lat]| lat))
        .bind(serde_json::to_string(&platform.rings_km).map_err(CatalogueError::from)?)
        .execute(&mut *tx)
        .await?;
        let mut saved = platform.clone();
        saved.name = known_platform(&mut tx, &platform.name).await?;
        let event = insert_event(&mut tx, EventKind::PlatformSaved { platform: saved }).await?;
        tx.commit().await?;
        Ok(event)
    }

    /// Adds or replaces an IOP (`iop.saved`).
    pub async fn save_iop(&self, iop: &Iop) -> Result<Event> {
        iop.check()?;
        let mut tx = self.pool.begin_with(super::BEGIN_WRITE).await?;
        sqlx::query(
            "INSERT INTO iops (name, start_ms, end_ms, objectives) VALUES (?, ?, ?, ?)
             ON CONFLICT (name) DO UPDATE SET start_ms = excluded.start_ms,
                 end_ms = excluded.end_ms, objectives = excluded.objectives",
        )
        .bind(&iop.name)
        .bind(iop.start.timestamp_millis())
        .bind(iop.end.timestamp_millis())
        .bind(&iop.objectives)
        .execute(&mut *tx)
        .await?;
        let mut saved = iop.clone();
        saved.name = known_iop(&mut tx, &iop.name).await?;
        let event = insert_event(&mut tx, EventKind::IopSaved { iop: saved }).await?;
        tx.commit().await?;
        Ok(event)
    }

    /// Plans an operation, `proposed`, with the next free code of its
    /// platform and day (`operation.created`).
    pub async fn create_operation(&self, plan: &Plan, author: &str) -> Result<Event> {
        plan.check()?;
        let mut tx = self.pool.begin_with(super::BEGIN_WRITE).await?;
        let plan = with_known_names(&mut tx, plan.clone()).await?;
        let prefix = plan.code_prefix();
        let taken: Vec<String> =
            sqlx::query_scalar("SELECT code FROM operations WHERE substr(code, 1, ?) = ?")
                .bind(prefix.len() as i64)
                .bind(&prefix)
                .fetch_all(&mut *tx)
                .await?;
        let code = (0..)
            .map_while(code_letter)
            .map(|letter| format!("{prefix}{letter}"))
            .find(|code| !taken.contains(code))
            .ok_or_else(|| PlanningError::CodesExhausted(prefix.clone()))?;
        let now = now_ms();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO operations (code, status, plan, platform, planned_start_ms,
                 planned_end_ms, created_by, created_ms, updated_ms)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(&code)
        .bind(Status::Proposed.as_str())
        .bind(serde_json::to_string(&plan)?)
        .bind(&plan.platform)
        .bind(plan.planned_start.timestamp_millis())
        .bind(plan.planned_end.map(|t| t.timestamp_millis()))
        .bind(author)
        .bind(now)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        let operation = fetch_operation(&mut tx, id).await?;
        let event = insert_event(&mut tx, EventKind::OperationCreated { operation }).await?;
        tx.commit().await?;
        Ok(event)
    }

    /// Changes planning fields of operation `id` (`operation.updated`); its
    /// code stays, as printed on the day's plan.
    pub async fn update_operation(&self, id: i64, patch: PlanPatch) -> Result<Event> {
        let mut tx = self.pool.begin_with(super::BEGIN_WRITE).await?;
        let operation = fetch_operation(&mut tx, id).await?;
        let plan = operation.plan.patched(patch)?;
        let plan = with_known_names(&mut tx, plan).await?;
        store_plan(&mut tx, id, &plan).await?;
        let operation = fetch_operation(&mut tx, id).await?;
        let event = insert_event(&mut tx, EventKind::OperationUpdated { operation }).await?;
        tx.commit().await?;
        Ok(event)
    }

    /// Records a decision by `author` on operation `id` and moves it to the
    /// decided status (`decision.recorded`). The evidence is resolved to
    /// the exact versions cited, which must exist.
    pub async fn record_decision(
        &self,
        id: i64,
        decision: &NewDecision,
        author: &str,
    ) -> Result<Event> {
        decision.check()?;
        let mut tx = self.pool.begin_with(super::BEGIN_WRITE).await?;
        let operation = fetch_operation(&mut tx, id).await?;
        let from = operation.status;
        if !from.may_move_to(decision.to) {
            return Err(PlanningError::Move {
                from,
                to: decision.to,
            });
        }
        decision.check_times()?;
        let mut versions: Vec<i64> = Vec::with_capacity(decision.evidence.len());
        for cited in &decision.evidence {
            let version = exact_version(&mut tx, cited).await?;
            if !versions.contains(&version) {
                versions.push(version);
            }
        }
        let decision_id: i64 = sqlx::query_scalar(
            "INSERT INTO decisions (operation_id, from_status, to_status, at_ms, author,
                 rationale, view, planned_start_ms, planned_end_ms)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(id)
        .bind(from.as_str())
        .bind(decision.to.as_str())
        .bind(now_ms())
        .bind(author)
        .bind(&decision.rationale)
        .bind(&decision.view)
        .bind(decision.planned_start.map(|t| t.timestamp_millis()))
        .bind(decision.planned_end.map(|t| t.timestamp_millis()))
        .fetch_one(&mut *tx)
        .await?;
        for (position, version) in versions.iter().enumerate() {
            sqlx::query(
                "INSERT INTO decision_evidence (decision_id, position, product_id) VALUES (?, ?, ?)",
            )
            .bind(decision_id)
            .bind(position as i64)
            .bind(version)
            .execute(&mut *tx)
            .await?;
        }
        if let Some(start) = decision.planned_start {
            let mut plan = operation.plan.clone();
            plan.planned_start = start;
            plan.planned_end = decision.planned_end;
            store_plan(&mut tx, id, &plan).await?;
        }
        sqlx::query("UPDATE operations SET status = ?, updated_ms = ? WHERE id = ?")
            .bind(decision.to.as_str())
            .bind(now_ms())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        // A report written before the landing: completed is reported at once.
        mark_reported(&mut tx, id).await?;
        let decision = fetch_decision(&mut tx, decision_id).await?;
        let operation = fetch_operation(&mut tx, id).await?;
        let kind = EventKind::DecisionRecorded {
            decision,
            operation,
        };
        let event = insert_event(&mut tx, kind).await?;
        tx.commit().await?;
        Ok(event)
    }
}

pub(super) async fn fetch_operation(tx: &mut SqliteConnection, id: i64) -> Result<Operation> {
    let sql = format!("SELECT {OPERATION_COLUMNS} FROM operations WHERE id = ?");
    match sqlx::query(&sql).bind(id).fetch_optional(tx).await? {
        Some(row) => Ok(operation_of(&row)?),
        None => Err(PlanningError::UnknownOperation),
    }
}

async fn fetch_decision(tx: &mut SqliteConnection, id: i64) -> Result<model::operations::Decision> {
    let row = sqlx::query("SELECT * FROM decisions WHERE id = ?")
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
    let evidence = sqlx::query_as::<_, (i64, i64)>(
        "SELECT e.product_id, p.version FROM decision_evidence e
         JOIN products p ON p.id = e.product_id WHERE e.decision_id = ? ORDER BY e.position",
    )
    .bind(id)
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .map(|(product_id, version)| Evidence {
        product_id,
        version,
    })
    .collect();
    Ok(decision_of(&row, evidence)?)
}

/// Writes `plan` and the columns copied from it.
async fn store_plan(tx: &mut SqliteConnection, id: i64, plan: &Plan) -> Result<()> {
    sqlx::query(
        "UPDATE operations SET plan = ?, platform = ?, planned_start_ms = ?, planned_end_ms = ?,
             updated_ms = ? WHERE id = ?",
    )
    .bind(serde_json::to_string(plan)?)
    .bind(&plan.platform)
    .bind(plan.planned_start.timestamp_millis())
    .bind(plan.planned_end.map(|t| t.timestamp_millis()))
    .bind(now_ms())
    .bind(id)
    .execute(tx)
    .await?;
    Ok(())
}

/// `plan` with its platform and IOP spelled as the campaign spells them;
/// refused when either is unknown.
async fn with_known_names(tx: &mut SqliteConnection, mut plan: Plan) -> Result<Plan> {
    plan.platform = known_platform(tx, &plan.platform).await?;
    if let Some(iop) = &plan.iop {
        plan.iop = Some(known_iop(tx, iop).await?);
    }
    Ok(plan)
}

async fn known_platform(tx: &mut SqliteConnection, name: &str) -> Result<String> {
    sqlx::query_scalar("SELECT name FROM platforms WHERE name = ?")
        .bind(name)
        .fetch_optional(tx)
        .await?
        .ok_or_else(|| PlanningError::UnknownPlatform(name.to_string()))
}

async fn known_iop(tx: &mut SqliteConnection, name: &str) -> Result<String> {
    sqlx::query_scalar("SELECT name FROM iops WHERE name = ?")
        .bind(name)
        .fetch_optional(tx)
        .await?
        .ok_or_else(|| PlanningError::UnknownIop(name.to_string()))
}

/// Moves operation `id` to `reported` if it has a report and its status
/// takes one as the end of its story (completed, aborted).
pub(super) async fn mark_reported(
    tx: &mut SqliteConnection,
    id: i64,
) -> std::result::Result<(), PlanningError> {
    sqlx::query(
        "UPDATE operations SET status = ?, updated_ms = ?
         WHERE id = ? AND status IN (?, ?)
           AND EXISTS (SELECT 1 FROM reports WHERE operation_id = operations.id)",
    )
    .bind(Status::Reported.as_str())
    .bind(now_ms())
    .bind(id)
    .bind(Status::Completed.as_str())
    .bind(Status::Aborted.as_str())
    .execute(tx)
    .await?;
    Ok(())
}

/// The catalogue id of `cited.version` of the product that has version id
/// `cited.product_id`.
pub(super) async fn exact_version(tx: &mut SqliteConnection, cited: &Evidence) -> Result<i64> {
    sqlx::query_scalar(
        "SELECT p.id FROM products q JOIN products p
             ON p.category = q.category AND p.platform = q.platform
            AND p.time_ms = q.time_ms AND p.product = q.product
         WHERE q.id = ? AND p.version = ?",
    )
    .bind(cited.product_id)
    .bind(cited.version)
    .fetch_optional(tx)
    .await?
    .ok_or(PlanningError::UnknownEvidence(*cited))
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::operations::{OperationKind, PlatformKind};

    /// The history is append-only under the API too: the catalogue itself
    /// refuses to change or delete a decision or its evidence.
    #[tokio::test]
    async fn the_catalogue_refuses_to_rewrite_a_decision() {
        let dir = tempfile::tempdir().unwrap();
        let (log, catalogue) = EventLog::open(&dir.path().join("catalogue.db"))
            .await
            .unwrap();
        let platform = Platform::new("ATR42", PlatformKind::Aircraft);
        log.save_platform(&platform).await.unwrap();
        let plan = Plan::new("atr42", OperationKind::Flight, "Test", chrono::Utc::now());
        let created = log.create_operation(&plan, "marie").await.unwrap();
        let EventKind::OperationCreated { operation } = created.kind else {
            panic!("expected operation.created")
        };
        assert_eq!(
            operation.plan.platform, "ATR42",
            "spelled as the campaign spells it"
        );
        let decision: NewDecision =
            serde_json::from_value(serde_json::json!({"to": "warning", "rationale": "D-1"}))
                .unwrap();
        log.record_decision(operation.id, &decision, "marie")
            .await
            .unwrap();
        for sql in [
            "UPDATE decisions SET rationale = 'rewritten'",
            "DELETE FROM decisions",
        ] {
            let error = sqlx::query(sql).execute(&log.pool).await;
            let error = error.expect_err(sql).to_string();
            assert!(error.contains("append-only"), "{sql}: {error}");
        }
        let kept = catalogue.decisions(operation.id).await.unwrap();
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].rationale, "D-1");
        assert_eq!(kept[0].to, Status::Warning);
    }
}
