//! Decisions: every status change of an operation, with who took it, why,
//! and the exact product versions that were on screen. Append-only: a
//! correction is a new decision.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{check_text, check_window, invalid, Invalid, Status, MAX_TEXT};
use crate::record::Product;

/// The most products one decision may cite: a screenful of lanes and a
/// run-to-run view, not a catalogue.
pub const MAX_EVIDENCE: usize = 64;

/// A product version that was on screen: the catalogue id of any version
/// of the product, and the version meant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Evidence {
    pub product_id: i64,
    pub version: i64,
}

/// A decision as recorded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub id: i64,
    pub operation_id: i64,
    pub from: Status,
    pub to: Status,
    pub at: DateTime<Utc>,
    /// The user who took it.
    pub author: String,
    pub rationale: String,
    /// Exact versions, as resolved when the decision was recorded (the ids
    /// are those of the versions themselves, whichever version's id was
    /// sent).
    pub evidence: Vec<Evidence>,
    /// The permalink of the view the decision was taken on (`/?t=…`).
    #[serde(default)]
    pub view: Option<String>,
    /// The new window of a postponement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub planned_start: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub planned_end: Option<DateTime<Utc>>,
}

/// What `POST /api/v1/operations/{id}/decisions` takes.
#[derive(Clone, Debug, Deserialize)]
pub struct NewDecision {
    pub to: Status,
    #[serde(default)]
    pub rationale: String,
    #[serde(default)]
    pub evidence: Vec<Evidence>,
    #[serde(default)]
    pub view: Option<String>,
    /// Required for `postponed`: the new window.
    #[serde(default)]
    pub planned_start: Option<DateTime<Utc>>,
    #[serde(default)]
    pub planned_end: Option<DateTime<Utc>>,
}

impl NewDecision {
    /// Bounds and shape; the lifecycle, the times ([`Self::check_times`])
    /// and the evidence's existence are checked when it is recorded.
    pub fn check(&self) -> Result<(), Invalid> {
        // Why, always: a decision is read for years after the campaign.
        check_text("rationale", &self.rationale, MAX_TEXT, true)?;
        if self.evidence.len() > MAX_EVIDENCE {
            return Err(invalid(
                "evidence",
                format!("{} products; at most {MAX_EVIDENCE}", self.evidence.len()),
            ));
        }
        if let Some(bad) = self
            .evidence
            .iter()
            .find(|e| e.product_id < 1 || e.version < 1)
        {
            return Err(invalid(
                "evidence",
                format!(
                    "product {} version {} does not exist",
                    bad.product_id, bad.version
                ),
            ));
        }
        if let Some(view) = &self.view {
            // A link within this site only: rendered as a link on the
            // operation's page, it must not lead elsewhere nor run a script.
            super::check_view("view", view)?;
        }
        Ok(())
    }

    /// New times come with a postponement, and a postponement with them.
    /// Checked after the lifecycle: a move that is not allowed is refused as
    /// such, whatever times it carries.
    pub fn check_times(&self) -> Result<(), Invalid> {
        match (self.to, self.planned_start) {
            (Status::Postponed, None) => {
                return Err(invalid("planned_start", "a postponement needs the new planned_start"))
            }
            (Status::Postponed, Some(start)) => check_window(start, self.planned_end)?,
            (_, Some(_)) => {
                return Err(invalid(
                    "planned_start",
                    "new times come with a postponement only; other changes of times are a PATCH of the operation",
                ))
            }
            (_, None) if self.planned_end.is_some() => {
                return Err(invalid("planned_end", "new times come with a postponement only"))
            }
            _ => {}
        }
        Ok(())
    }
}

/// A version that came after the one a decision cited.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Newer {
    pub product_id: i64,
    pub version: i64,
    pub file_name: String,
    pub ingested_at: DateTime<Utc>,
    /// For a newer run: its run time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_time: Option<DateTime<Utc>>,
}

/// A decision's evidence as one reader sees it: the exact version cited,
/// and what has arrived since (a newer version of that product; for a
/// forecast, a newer run of it).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EvidenceSeen {
    pub product: Product,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub newer_version: Option<Newer>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub newer_run: Option<Newer>,
}

/// A decision with its evidence as one reader sees it, for an operation's
/// page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DecisionSeen {
    #[serde(flatten)]
    pub decision: Decision,
    pub evidence_seen: Vec<EvidenceSeen>,
}

/// A decision as the board's operations lanes draw it: a tick at its time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionTick {
    /// The decision's id: a tick read at page load and announced live is drawn once.
    pub id: i64,
    pub operation_id: i64,
    pub at: DateTime<Utc>,
    pub to: Status,
    pub author: String,
}

impl DecisionTick {
    pub fn of(decision: &Decision) -> Self {
        Self {
            id: decision.id,
            operation_id: decision.operation_id,
            at: decision.at,
            to: decision.to,
            author: decision.author.clone(),
        }
    }
}
