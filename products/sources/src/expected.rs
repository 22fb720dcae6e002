//! Every product the campaign expects, matched against what arrived: what
//! the board, the health answer and `/api/v1/expected` say is due, late,
//! arrived or missed.

use chrono::{DateTime, Utc};
use model::expected::{Expected, Status};
use model::Product;

use crate::schedule::{Schedule, Slot};
use crate::template::Template;
use crate::SourceSet;

/// One line of the file: a fetched source or a pushed expectation.
pub(crate) struct Line<'a> {
    pub label: String,
    category: &'a str,
    platform: &'a str,
    product: Option<&'a Template>,
    pub schedule: &'a Schedule,
}

impl Line<'_> {
    /// What this line expects of `slot`, not yet matched (due).
    pub fn expected(&self, slot: &Slot) -> Expected {
        Expected {
            source: self.label.clone(),
            category: self.category.to_string(),
            platform: self.platform.to_string(),
            product: self.product.map(|t| t.expand(&slot.moment)),
            run: slot.moment.run,
            lead: slot.moment.lead,
            valid: slot.moment.valid,
            due_at: slot.due_at,
            deadline_at: slot.deadline_at,
            status: Status::Due,
            product_id: None,
        }
    }
}

impl SourceSet {
    pub(crate) fn lines(&self) -> impl Iterator<Item = Line<'_>> {
        // A listing that expects nothing has no line.
        let fetched = self.sources.iter().filter_map(|s| {
            Some(Line {
                label: s.name.clone(),
                category: &s.category,
                platform: &s.platform,
                product: s.product.as_ref(),
                schedule: s.schedule.as_ref()?,
            })
        });
        let pushed = self.expects.iter().map(|e| Line {
            label: format!("{}.{}", e.category, e.platform),
            category: &e.category,
            platform: &e.platform,
            product: e.product.as_ref(),
            schedule: &e.schedule,
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
                let mut expected = line.expected(&slot);
                let product = arrived
                    .iter()
                    .filter(|p| expected.is_met_by(p))
                    .min_by_key(|p| p.ingested_at);
                expected.status = slot.status(product.map(|p| p.ingested_at), now);
                expected.product_id = product.map(|p| p.id);
                out.push(expected);
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
