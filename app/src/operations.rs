//! The operations as the pages hold them, kept current by the live stream:
//! the board's operations lanes, an operation's place in a list, the mission
//! table's order, and how a UTC time is written.

use model::operations::{DecisionTick, Operation, Platform};
use model::{Event, EventKind};

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
