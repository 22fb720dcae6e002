//! The events of the campaign's log: every change of campaign state (a
//! product, an operation, a decision, a case study…) numbered by `seq`, as
//! the hub broadcasts them and a dashboard resumes from them (`?after=`).

use serde::{Deserialize, Serialize};

use crate::case_studies::{CaseStudy, CaseTag};
use crate::expected::Expected;
use crate::operations::{Briefing, Decision, Iop, Operation, Platform, Report};
use crate::record::{Product, Rejection};
use crate::tracks::plan::StoredPlan;

/// A change to the catalogue, numbered by `seq`. Sequence numbers are strictly
/// increasing and stored, so a dashboard that reconnects with `?after=SEQ`
/// receives exactly what it missed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub seq: i64,
    #[serde(flatten)]
    pub kind: EventKind,
}

/// What happened. Serialised with a `type` field (`product.added`, …) next to
/// `seq`, so that clients can switch on it without nesting.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum EventKind {
    #[serde(rename = "product.added")]
    ProductAdded { product: Product },
    /// A product received new bytes (a new version) or new metadata (a sidecar).
    #[serde(rename = "product.updated")]
    ProductUpdated {
        product: Product,
        /// This update restricted a product open to the public until then:
        /// public pages are told to drop it (see [`Skip`]).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        withdrawn: bool,
    },
    #[serde(rename = "product.rejected")]
    ProductRejected { rejection: Rejection },
    /// A platform added or changed by an admin.
    #[serde(rename = "platform.saved")]
    PlatformSaved { platform: Platform },
    /// An IOP added or changed by an admin.
    #[serde(rename = "iop.saved")]
    IopSaved { iop: Iop },
    #[serde(rename = "operation.created")]
    OperationCreated { operation: Operation },
    /// Planning fields changed (not the status: that is a decision).
    #[serde(rename = "operation.updated")]
    OperationUpdated { operation: Operation },
    /// A decision and the operation as it left it. The evidence names
    /// product ids and versions only, never a product's name: a reader
    /// who may not see a cited product learns nothing of it.
    #[serde(rename = "decision.recorded")]
    DecisionRecorded {
        decision: Decision,
        operation: Operation,
    },
    /// A briefing planned, changed, or its presenter moved to another item.
    #[serde(rename = "briefing.updated")]
    BriefingUpdated { briefing: Briefing },
    /// An operation's report written or amended, or a report file attached
    /// to it; `operation` as it is after (`reported` once it takes one).
    #[serde(rename = "report.updated")]
    ReportUpdated {
        report: Report,
        operation: Operation,
    },
    /// A flight plan attached to an operation.
    #[serde(rename = "flight_plan.saved")]
    FlightPlanSaved { plan: StoredPlan },
    /// A flight plan taken off its operation (removed, or replaced by a
    /// newer file).
    #[serde(rename = "flight_plan.removed")]
    FlightPlanRemoved { id: i64, operation_id: i64 },
    /// A case study created or changed. A draft is for participants only.
    #[serde(rename = "case_study.saved")]
    CaseStudySaved { case_study: CaseStudy },
    /// A case study deleted; `published` says whether the public knew it.
    #[serde(rename = "case_study.deleted")]
    CaseStudyDeleted {
        id: i64,
        slug: String,
        published: bool,
    },
    /// A tag of the case studies' vocabulary added or changed by an admin.
    #[serde(rename = "case_tag.saved")]
    CaseTagSaved { tag: CaseTag },
    /// A product the campaign expects (`sources.toml`) passed its deadline
    /// without coming; said once.
    #[serde(rename = "expected.late")]
    ExpectedLate { expected: Expected },
    /// A product announced late came after all, `product_id` naming it.
    #[serde(rename = "expected.arrived")]
    ExpectedArrived { expected: Expected },
}

/// Sent on the event stream, instead of silence, to a client that resumes
/// after a `seq` this catalogue never reached (it was restored from a backup,
/// or the page came from another server): what the client holds is not this
/// catalogue's, so it must load the board again. `{"type":"reset","last_seq":N}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename = "reset")]
pub struct Reset {
    /// The newest `seq` stored; live events follow from it.
    pub last_seq: i64,
}

/// Sent on the event stream in place of an event this client may not see (a
/// restricted product's, a refusal's): the `seq` moves on without a gap and
/// without saying what happened. `{"type":"skip","seq":N}`.
///
/// When the event restricts a product that was open until then, the marker
/// names it (`"withdrawn": id`) so that pages of the public drop what they
/// hold: they had it already, so nothing leaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename = "skip")]
pub struct Skip {
    pub seq: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawn: Option<i64>,
}

impl Skip {
    /// The marker sent for `event` to whoever may not see it.
    pub fn of(event: &Event) -> Self {
        let withdrawn = match &event.kind {
            EventKind::ProductUpdated {
                product,
                withdrawn: true,
            } => Some(product.id),
            _ => None,
        };
        Self {
            seq: event.seq,
            withdrawn,
        }
    }
}

/// The close code of a websocket whose caller's access ended (logged out,
/// disabled, password changed): the page goes back to the login.
pub const CLOSE_ACCESS_ENDED: u16 = 4401;

impl EventKind {
    /// The `type` tag, for storage next to the payload.
    pub fn type_name(&self) -> &'static str {
        match self {
            EventKind::ProductAdded { .. } => "product.added",
            EventKind::ProductUpdated { .. } => "product.updated",
            EventKind::ProductRejected { .. } => "product.rejected",
            EventKind::PlatformSaved { .. } => "platform.saved",
            EventKind::IopSaved { .. } => "iop.saved",
            EventKind::OperationCreated { .. } => "operation.created",
            EventKind::OperationUpdated { .. } => "operation.updated",
            EventKind::DecisionRecorded { .. } => "decision.recorded",
            EventKind::BriefingUpdated { .. } => "briefing.updated",
            EventKind::ReportUpdated { .. } => "report.updated",
            EventKind::FlightPlanSaved { .. } => "flight_plan.saved",
            EventKind::FlightPlanRemoved { .. } => "flight_plan.removed",
            EventKind::CaseStudySaved { .. } => "case_study.saved",
            EventKind::CaseStudyDeleted { .. } => "case_study.deleted",
            EventKind::CaseTagSaved { .. } => "case_tag.saved",
            EventKind::ExpectedLate { .. } => "expected.late",
            EventKind::ExpectedArrived { .. } => "expected.arrived",
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;

    #[test]
    fn events_serialise_flat_with_a_type_tag() {
        let event = Event {
            seq: 42,
            kind: EventKind::ProductRejected {
                rejection: Rejection {
                    file_name: "bad.png".into(),
                    reason: "expected 5 tokens".into(),
                    rejected_at: Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap(),
                    provider: None,
                },
            },
        };
        let json = serde_json::to_value(&event).unwrap();
        assert_eq!(json["seq"], 42);
        assert_eq!(json["type"], "product.rejected");
        assert_eq!(json["rejection"]["file_name"], "bad.png");
        assert_eq!(json["rejection"]["rejected_at"], "2026-11-28T12:00:00Z");
        let back: Event = serde_json::from_value(json).unwrap();
        assert_eq!(back, event);
    }
}
