//! What the operations pages show and the server functions that load them:
//! the mission table (`/operations`) and one operation's page
//! (`/operations/{id}`), each kept current by the live stream.

use leptos::prelude::*;
use model::operations::{DecisionTick, Operation, OperationDetail, Platform};
use model::{Event, EventKind};
use serde::{Deserialize, Serialize};

/// The mission table's data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Missions {
    pub operations: Vec<Operation>,
    pub platforms: Vec<Platform>,
    pub iops: Vec<model::operations::Iop>,
    /// The reader is a scientist or an admin: the planning form is shown.
    pub may_plan: bool,
    /// Briefings of the last week and ahead.
    pub briefings: Vec<model::operations::Briefing>,
    /// The newest event before the lists were read: the live stream resumes
    /// after it (an event applied twice changes nothing).
    pub last_seq: i64,
}

/// One operation's page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OperationPage {
    pub detail: OperationDetail,
    /// The reader is a scientist or an admin: the decision form is shown.
    pub may_decide: bool,
    /// Its flight plans, oldest first.
    pub plans: Vec<model::tracks::plan::StoredPlan>,
    /// Its platform's kind, for the speed plans are timed at.
    pub platform_kind: Option<model::operations::PlatformKind>,
    pub last_seq: i64,
}

#[server(endpoint = "missions")]
pub async fn load_missions() -> Result<Missions, ServerFnError> {
    let catalogue = crate::board::catalogue()?;
    let failed = crate::board::internal;
    let last_seq = catalogue.last_seq().await.map_err(failed)?;
    let query = catalogue::OperationQuery::default();
    Ok(Missions {
        operations: catalogue.operations(&query).await.map_err(failed)?,
        platforms: catalogue.platforms().await.map_err(failed)?,
        iops: catalogue.iops().await.map_err(failed)?,
        may_plan: crate::board::reader().is_at_least(model::Role::Scientist),
        briefings: catalogue
            .briefings(Some(chrono::Utc::now() - chrono::Duration::days(7)))
            .await
            .map_err(failed)?,
        last_seq,
    })
}

#[server(endpoint = "operation")]
pub async fn load_operation(id: i64) -> Result<Option<OperationPage>, ServerFnError> {
    let catalogue = crate::board::catalogue()?;
    let failed = crate::board::internal;
    let reader = crate::board::reader();
    let last_seq = catalogue.last_seq().await.map_err(failed)?;
    let detail = catalogue
        .operation_detail(id, reader.visibility())
        .await
        .map_err(failed)?;
    if detail.is_none() {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(http::StatusCode::NOT_FOUND);
        }
    }
    let Some(detail) = detail else {
        return Ok(None);
    };
    let plans = catalogue.flight_plans(id).await.map_err(failed)?;
    let platform = &detail.operation.plan.platform;
    let platform_kind = catalogue
        .platforms()
        .await
        .map_err(failed)?
        .into_iter()
        .find(|p| p.name == *platform)
        .map(|p| p.kind);
    Ok(Some(OperationPage {
        detail,
        may_decide: reader.is_at_least(model::Role::Scientist),
        plans,
        platform_kind,
        last_seq,
    }))
}

/// What the board's operations lanes draw, kept current by the live stream.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OpsLanes {
    pub operations: Vec<Operation>,
    pub decisions: Vec<DecisionTick>,
    pub platforms: Vec<Platform>,
}

impl OpsLanes {
    /// Applies an event; false when it is not about operations.
    pub fn apply(&mut self, event: &Event) -> bool {
        match &event.kind {
            EventKind::PlatformSaved { platform } => {
                match self.platforms.iter_mut().find(|p| p.name == platform.name) {
                    Some(held) => *held = platform.clone(),
                    None => self.platforms.push(platform.clone()),
                }
            }
            EventKind::DecisionRecorded {
                decision,
                operation,
            } => {
                upsert(&mut self.operations, operation);
                if !self.decisions.iter().any(|d| d.id == decision.id) {
                    self.decisions.push(DecisionTick::of(decision));
                }
            }
            _ => match operation_of(event) {
                Some(operation) => upsert(&mut self.operations, operation),
                None => return false,
            },
        }
        true
    }

    /// The colour of `platform`'s lane and bars.
    pub fn colour(&self, platform: &str) -> Option<&str> {
        self.platforms
            .iter()
            .find(|p| p.name == platform)
            .and_then(|p| p.colour.as_deref())
    }
}

/// The operation an event brings, created, changed or decided.
pub fn operation_of(event: &Event) -> Option<&Operation> {
    match &event.kind {
        EventKind::OperationCreated { operation }
        | EventKind::OperationUpdated { operation }
        | EventKind::DecisionRecorded { operation, .. }
        | EventKind::ReportUpdated { operation, .. } => Some(operation),
        _ => None,
    }
}

/// Puts `operation` in `list` (replacing the one with its id), in order of
/// planned start.
pub fn upsert(list: &mut Vec<Operation>, operation: &Operation) {
    match list.iter_mut().find(|o| o.id == operation.id) {
        Some(held) => *held = operation.clone(),
        None => list.push(operation.clone()),
    }
    list.sort_by_key(|o| (o.plan.planned_start, o.id));
}

/// A column of the mission table to sort by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortKey {
    Start,
    Code,
    Platform,
    Status,
    Iop,
}

/// `list` sorted by `key` (then by planned start), reversed when `descending`.
pub fn sorted(mut list: Vec<Operation>, key: SortKey, descending: bool) -> Vec<Operation> {
    list.sort_by(|a, b| {
        let by_start = (a.plan.planned_start, a.id).cmp(&(b.plan.planned_start, b.id));
        let by_key = match key {
            SortKey::Start => std::cmp::Ordering::Equal,
            SortKey::Code => a.code.cmp(&b.code),
            SortKey::Platform => a.plan.platform.cmp(&b.plan.platform),
            SortKey::Status => a.status.cmp(&b.status),
            SortKey::Iop => a.plan.iop.cmp(&b.plan.iop),
        };
        by_key.then(by_start)
    });
    if descending {
        list.reverse();
    }
    list
}

/// A UTC time as the operations centre writes it.
pub fn utc(time: chrono::DateTime<chrono::Utc>) -> String {
    time.format("%a %d %b %H:%M UTC").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::fixtures::operation;
    use model::operations::Status;

    #[test]
    fn events_replace_in_place_and_keep_the_order_of_start() {
        let mut list = vec![operation(1, "ATR42", 14, Status::Proposed)];
        upsert(&mut list, &operation(2, "F20", 9, Status::Proposed));
        upsert(&mut list, &operation(1, "ATR42", 14, Status::Warning));
        upsert(&mut list, &operation(1, "ATR42", 14, Status::Warning));
        let seen: Vec<_> = list.iter().map(|o| (o.id, o.status)).collect();
        assert_eq!(seen, [(2, Status::Proposed), (1, Status::Warning)]);
    }

    #[test]
    fn the_table_sorts_by_any_column_either_way() {
        let list = vec![
            operation(1, "F20", 14, Status::Go),
            operation(2, "ATR42", 9, Status::Warning),
            operation(3, "ATR42", 16, Status::Proposed),
        ];
        let ids = |l: Vec<Operation>| l.iter().map(|o| o.id).collect::<Vec<_>>();
        assert_eq!(ids(sorted(list.clone(), SortKey::Start, false)), [2, 1, 3]);
        assert_eq!(
            ids(sorted(list.clone(), SortKey::Platform, false)),
            [2, 3, 1]
        );
        assert_eq!(ids(sorted(list.clone(), SortKey::Status, false)), [3, 2, 1]);
        assert_eq!(ids(sorted(list, SortKey::Code, true)), [1, 3, 2]);
    }
}

/// A briefing's page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BriefingPage {
    pub detail: model::operations::BriefingDetail,
    /// The reader presents it (or is an admin): their keys move everyone's.
    pub may_present: bool,
    /// The reader is a scientist or an admin: items are reordered,
    /// commented and removed on the page.
    pub may_edit: bool,
    pub last_seq: i64,
}

#[server(endpoint = "briefing")]
pub async fn load_briefing(id: i64) -> Result<Option<BriefingPage>, ServerFnError> {
    let catalogue = crate::board::catalogue()?;
    let failed = crate::board::internal;
    let reader = crate::board::reader();
    let last_seq = catalogue.last_seq().await.map_err(failed)?;
    let detail = catalogue
        .briefing_detail(id, reader.visibility())
        .await
        .map_err(failed)?;
    Ok(detail.map(|detail| {
        let may_present = match &reader.participant {
            Some((name, role)) => {
                *role == model::Role::Admin
                    || (*role >= model::Role::Scientist && *name == detail.briefing.presenter)
            }
            None => false,
        };
        BriefingPage {
            detail,
            may_present,
            may_edit: reader.is_at_least(model::Role::Scientist),
            last_seq,
        }
    }))
}

/// The briefings page's data: every briefing, and whether the reader may
/// plan one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BriefingList {
    pub briefings: Vec<model::operations::Briefing>,
    pub may_write: bool,
}

#[server(endpoint = "briefings")]
pub async fn load_briefings() -> Result<BriefingList, ServerFnError> {
    let catalogue = crate::board::catalogue()?;
    let mut briefings = catalogue
        .briefings(None)
        .await
        .map_err(crate::board::internal)?;
    // The newest first: the next briefing, then the campaign's past.
    briefings.reverse();
    Ok(BriefingList {
        briefings,
        may_write: crate::board::reader().is_at_least(model::Role::Scientist),
    })
}
