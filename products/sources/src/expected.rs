//! Every product the campaign expects, matched against what arrived: what
//! the board, the health answer and `/api/v1/expected` say is due, late,
//! arrived or missed.

use chrono::{DateTime, Utc};
use model::Product;
use serde::Serialize;

use crate::schedule::{Cadence, Schedule, Slot, Status};
use crate::{Expect, Source, SourceSet};

/// An expected product and what became of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Expected {
    /// The source's name; for an `[[expect]]` entry, `category.platform`.
    pub source: String,
    pub category: String,
    pub platform: String,
    /// The product token a fetched source names its file with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lead: Option<u32>,
    pub valid: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    pub deadline_at: DateTime<Utc>,
    #[serde(flatten)]
    pub status: Status,
    /// The product that arrived for it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product_id: Option<i64>,
}

/// One line of the file: a fetched source or a pushed expectation.
struct Line<'a> {
    label: String,
    category: &'a str,
    platform: &'a str,
    schedule: &'a Schedule,
    source: Option<&'a Source>,
}

impl Line<'_> {
    fn product_token(&self, slot: &Slot) -> Option<String> {
        self.source.map(|s| s.product.expand(&slot.moment))
    }

    fn is_for(&self, slot: &Slot, token: Option<&str>, p: &Product) -> bool {
        p.category == self.category
            && p.platform == self.platform
            && p.time == slot.reference()
            && match (token, &self.schedule.cadence) {
                (Some(token), _) => p.product == token,
                (None, Cadence::Runs { .. }) => p.lead_hours == slot.moment.lead,
                (None, Cadence::Every(_)) => true,
            }
    }
}

impl SourceSet {
    fn lines(&self) -> impl Iterator<Item = Line<'_>> {
        let fetched = self.sources.iter().map(|s| Line {
            label: s.name.clone(),
            category: &s.category,
            platform: &s.platform,
            schedule: &s.schedule,
            source: Some(s),
        });
        let pushed = self.expects.iter().map(|e: &Expect| Line {
            label: format!("{}.{}", e.category, e.platform),
            category: &e.category,
            platform: &e.platform,
            schedule: &e.schedule,
            source: None,
        });
        fetched.chain(pushed)
    }

    /// What every source and `[[expect]]` entry expects at `now` (their runs
    /// or steps kept), each matched against `arrived`: the products whose
    /// time is within the slots' times. The earliest arrival of a slot
    /// counts. Ordered by source, then time.
    pub fn expected(&self, now: DateTime<Utc>, arrived: &[Product]) -> Vec<Expected> {
        let mut out = Vec::new();
        for line in self.lines() {
            for slot in line.schedule.slots(now) {
                let token = line.product_token(&slot);
                let product = arrived
                    .iter()
                    .filter(|p| line.is_for(&slot, token.as_deref(), p))
                    .min_by_key(|p| p.ingested_at);
                out.push(Expected {
                    source: line.label.clone(),
                    category: line.category.to_string(),
                    platform: line.platform.to_string(),
                    product: token,
                    run: slot.moment.run,
                    lead: slot.moment.lead,
                    valid: slot.moment.valid,
                    due_at: slot.due_at,
                    deadline_at: slot.deadline_at,
                    status: slot.status(product.map(|p| p.ingested_at), now),
                    product_id: product.map(|p| p.id),
                });
            }
        }
        out
    }

    /// The earliest and latest product times the expected slots at `now`
    /// refer to: the stretch of the catalogue to match them against.
    pub fn span(&self, now: DateTime<Utc>) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        let times = self
            .lines()
            .flat_map(|l| l.schedule.slots(now))
            .map(|s| s.reference());
        times.fold(None, |span, t| match span {
            None => Some((t, t)),
            Some((a, b)) => Some((a.min(t), b.max(t))),
        })
    }
}
