//! How punctual each source was over a stretch of the campaign: the table a
//! campaign report needs (share on time, median and worst delay, runs that
//! never came). Only products whose deadline has passed are judged.

use chrono::{DateTime, Utc};
use model::expected::{Punctuality, Status};
use model::Product;

use crate::SourceSet;

/// Most runs (or steps) of one source looked at in one answer.
pub const MAX_STARTS: usize = 10_000;

impl SourceSet {
    /// Each source's (and `[[expect]]` entry's) punctuality for the runs (or
    /// valid times) from `from` to `to`, judged at `now` against `arrived`
    /// (the products of that stretch).
    pub fn punctuality(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        now: DateTime<Utc>,
        arrived: &[Product],
    ) -> Vec<Punctuality> {
        self.lines()
            .map(|line| {
                let mut delays = Vec::new();
                let (mut expected, mut on_time) = (0, 0);
                // Each run (or valid time), and whether anything of it came.
                let mut runs: Vec<(DateTime<Utc>, bool)> = Vec::new();
                for slot in line.schedule.slots_between(from, to, MAX_STARTS) {
                    if slot.deadline_at > now {
                        continue;
                    }
                    expected += 1;
                    let wanted = line.expected(&slot);
                    let came = arrived
                        .iter()
                        .filter(|p| wanted.is_met_by(p))
                        .map(|p| p.ingested_at)
                        .min();
                    if let Status::Arrived {
                        delay_s,
                        on_time: in_time,
                    } = slot.status(came, now)
                    {
                        delays.push(delay_s);
                        on_time += usize::from(in_time);
                    }
                    match runs.last_mut() {
                        Some((run, any)) if *run == slot.reference() => *any |= came.is_some(),
                        _ => runs.push((slot.reference(), came.is_some())),
                    }
                }
                delays.sort_unstable();
                Punctuality {
                    source: line.label.clone(),
                    expected,
                    arrived: delays.len(),
                    on_time,
                    on_time_share: (expected > 0).then(|| on_time as f64 / expected as f64),
                    median_delay_s: median(&delays),
                    worst_delay_s: delays.last().copied(),
                    absent: expected - delays.len(),
                    runs_missed: runs
                        .into_iter()
                        .filter(|(_, any)| !any)
                        .map(|(r, _)| r)
                        .collect(),
                }
            })
            .collect()
    }
}

/// The median of sorted `values` (the lower middle of an even count: a
/// delay that happened).
fn median(values: &[i64]) -> Option<i64> {
    values.get(values.len().saturating_sub(1) / 2).copied()
}
