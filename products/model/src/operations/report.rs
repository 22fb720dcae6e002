//! Flight and launch reports: what was flown and how it went, in the
//! sections field campaigns write (ORCESTRA's among them), with attached
//! product versions — files dropped as `report.<platform>.<time>.*`, which
//! attach themselves to the operation of that platform covering that time,
//! and products a scientist pins. Attaching a report to a completed or
//! aborted operation moves it to `reported`.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::{check_text, invalid, Evidence, Invalid, Operation, MAX_TEXT};
use crate::Product;

/// The most products one report pins by hand (dropped files are not counted:
/// each is a product of its own, and the drop folder has its own limits).
pub const MAX_PINNED: usize = 32;

/// The category whose products are reports.
pub const REPORT_CATEGORY: &str = "report";

/// How long after its start an operation without a planned end (a launch)
/// is taken to cover, for reports dropped with a later time.
pub const OPEN_WINDOW_HOURS: i64 = 6;

/// The written part of a report; every section may be empty.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReportSections {
    /// Who was on board or at the launch site.
    pub crew: String,
    /// The track or profile flown, in words (waypoints, levels, times).
    pub track_summary: String,
    /// The weather met.
    pub conditions: String,
    /// How the plan was carried out: changes, problems, times.
    pub execution: String,
    /// First scientific impressions.
    pub impressions: String,
    /// Each instrument's state: worked, degraded, failed.
    pub instrument_status: String,
}

impl ReportSections {
    fn fields(&self) -> [(&'static str, &str); 6] {
        [
            ("crew", &self.crew),
            ("track_summary", &self.track_summary),
            ("conditions", &self.conditions),
            ("execution", &self.execution),
            ("impressions", &self.impressions),
            ("instrument_status", &self.instrument_status),
        ]
    }

    /// Each section with its heading, in the order a report reads.
    pub fn headed(&self) -> [(&'static str, &str); 6] {
        let [crew, track, conditions, execution, impressions, instruments] = self.fields();
        [
            ("Crew", crew.1),
            ("Track summary", track.1),
            ("Conditions", conditions.1),
            ("Execution", execution.1),
            ("Impressions", impressions.1),
            ("Instrument status", instruments.1),
        ]
    }

    pub fn is_empty(&self) -> bool {
        self.fields().iter().all(|(_, text)| text.trim().is_empty())
    }
}

/// What `PUT /api/v1/operations/{id}/report` takes: the sections, and the
/// product versions pinned to it (replacing those pinned before; dropped
/// report files stay attached).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportDraft {
    #[serde(flatten)]
    pub sections: ReportSections,
    #[serde(default)]
    pub pinned: Vec<Evidence>,
}

impl ReportDraft {
    pub fn check(&self) -> Result<(), Invalid> {
        for (field, text) in self.sections.fields() {
            check_text(field, text, MAX_TEXT, false)?;
        }
        if self.pinned.len() > MAX_PINNED {
            return Err(invalid(
                "pinned",
                format!("{} products; at most {MAX_PINNED}", self.pinned.len()),
            ));
        }
        if self.sections.is_empty() && self.pinned.is_empty() {
            return Err(invalid(
                "report",
                "is empty: write at least one section or pin a product",
            ));
        }
        Ok(())
    }
}

/// How a product came to be attached.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Attached {
    /// A `report.*` file that arrived (drop folder or upload).
    Dropped,
    /// Pinned by the report's author.
    Pinned,
}

impl Attached {
    pub fn as_str(self) -> &'static str {
        match self {
            Attached::Dropped => "dropped",
            Attached::Pinned => "pinned",
        }
    }
}

/// One attached product version, by catalogue id (the row of that exact
/// version): events carry ids only, so a restricted attachment is named to
/// nobody who may not see it; readers resolve them through the catalogue.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub product_id: i64,
    pub how: Attached,
}

/// An operation's report as stored and announced (`report.updated`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub operation_id: i64,
    #[serde(flatten)]
    pub sections: ReportSections,
    pub attachments: Vec<Attachment>,
    /// Who last wrote the sections; empty while only files are attached.
    pub author: String,
    pub updated_at: DateTime<Utc>,
}

/// A report as one reader sees it: its attachments resolved to the
/// products that reader may see, in the order they were attached.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReportSeen {
    pub report: Report,
    pub attachments: Vec<AttachmentSeen>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AttachmentSeen {
    pub product: Product,
    pub how: Attached,
}

impl Operation {
    /// Whether a report timed `time` belongs to this operation: its planned
    /// window (start to end; a launch without an end, [`OPEN_WINDOW_HOURS`]
    /// from its start) contains that time.
    pub fn covers(&self, time: DateTime<Utc>) -> bool {
        let start = self.plan.planned_start;
        let end = self
            .plan
            .planned_end
            .unwrap_or(start + Duration::hours(OPEN_WINDOW_HOURS));
        start <= time && time <= end
    }
}

/// The operation a report timed `time` belongs to, among `candidates` (the
/// platform's operations around that day): the one whose window covers the
/// time (the latest to start, if windows overlap); else, for a report timed
/// by its day alone (`…20261129…`, read as 00 UTC), the platform's only
/// operation that day. None when that is ambiguous or there is none: the
/// file stays a product, findable by its name, and attaches to nothing.
pub fn report_target(candidates: &[Operation], time: DateTime<Utc>) -> Option<&Operation> {
    let covering = candidates
        .iter()
        .filter(|o| o.covers(time))
        .max_by_key(|o| (o.plan.planned_start, o.id));
    covering.or_else(|| {
        let mut that_day = candidates
            .iter()
            .filter(|o| o.plan.planned_start.date_naive() == time.date_naive());
        match (that_day.next(), that_day.next()) {
            (Some(only), None) => Some(only),
            _ => None,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operations::{OperationKind, Plan, Status};
    use chrono::TimeZone;

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, day, hour, 0, 0).unwrap()
    }

    fn operation(id: i64, start: DateTime<Utc>, hours: Option<i64>) -> Operation {
        let mut plan = Plan::new("ATR42", OperationKind::Flight, "t", start);
        plan.planned_end = hours.map(|h| start + Duration::hours(h));
        Operation {
            id,
            code: format!("ATR42-{id}"),
            status: Status::Completed,
            plan,
            created_by: "marie".into(),
            created_at: start,
            updated_at: start,
            report_at: None,
        }
    }

    #[test]
    fn a_report_goes_to_the_operation_covering_its_time_else_the_days_only_one() {
        let morning = operation(1, at(29, 8), Some(3));
        let afternoon = operation(2, at(29, 14), Some(4));
        let overlapping = operation(3, at(29, 16), Some(4));
        let launch = operation(4, at(30, 12), None);
        let all = [morning.clone(), afternoon.clone(), overlapping, launch];
        let target = |time| report_target(&all, time).map(|o| o.id);
        assert_eq!(target(at(29, 9)), Some(1));
        assert_eq!(target(at(29, 15)), Some(2));
        assert_eq!(target(at(29, 17)), Some(3), "overlap: the later start");
        assert_eq!(target(at(30, 17)), Some(4), "a launch covers 6 h");
        assert_eq!(
            target(at(30, 19)),
            Some(4),
            "outside, but its day's only one"
        );
        assert_eq!(target(at(30, 0)), Some(4), "a day-only time (00 UTC)");
        assert_eq!(target(at(29, 0)), None, "three that day: ambiguous");
        assert_eq!(target(at(28, 12)), None, "none that day");
        assert_eq!(report_target(&[], at(29, 9)), None);
        assert_eq!(
            report_target(&[morning, afternoon], at(29, 12)),
            None,
            "between two flights of a day"
        );
    }

    #[test]
    fn drafts_are_bounded_and_not_empty() {
        let mut draft = ReportDraft::default();
        assert_eq!(draft.check().unwrap_err().field, "report");
        draft.sections.impressions = "Good".into();
        assert!(draft.check().is_ok());
        draft.sections.crew = "x".repeat(MAX_TEXT + 1);
        assert_eq!(draft.check().unwrap_err().field, "crew");
        draft.sections.crew.clear();
        draft.pinned = vec![
            Evidence {
                product_id: 1,
                version: 1
            };
            MAX_PINNED + 1
        ];
        assert_eq!(draft.check().unwrap_err().field, "pinned");
    }
}
