//! When a source's products are expected: model runs × leads, or a valid
//! time at every step of a cadence; and what became of each one by a given
//! time (due, late, arrived with its delay, missed).
//!
//! Everything here takes the time as an argument: the schedule is tested with
//! any clock, and nothing sleeps.

use chrono::{DateTime, Duration, DurationRound, Utc};
pub use model::expected::{Status, MISSED_AFTER};

use crate::template::Moment;

/// Most leads a source may list.
pub const MAX_LEADS: usize = 1_000;

/// How a source's products follow each other.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cadence {
    /// Model runs at these UTC hours, each with these leads (hours).
    Runs { hours: Vec<u32>, leads: Vec<u32> },
    /// A valid time at every multiple of this step since midnight UTC.
    Every(Duration),
}

/// When a source's products are there: the cadence, when the first is
/// normally there after its run (or valid) time, and its deadline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Schedule {
    pub cadence: Cadence,
    /// After the run (or valid) time: when looking starts.
    pub available_after: Duration,
    /// After the run (or valid) time: a product not there by then is late.
    pub deadline: Duration,
    /// How many past runs (or steps) are still looked for.
    pub keep: u32,
}

/// One product a source should publish.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Slot {
    pub moment: Moment,
    /// When it is normally there: looking for it starts.
    pub due_at: DateTime<Utc>,
    /// When it is late.
    pub deadline_at: DateTime<Utc>,
}

impl Slot {
    /// The time its delay is counted from: the run for a forecast, else the
    /// valid time.
    pub fn reference(&self) -> DateTime<Utc> {
        self.moment.run.unwrap_or(self.moment.valid)
    }

    /// What became of it by `now`, given when it arrived (if it did).
    pub fn status(&self, arrived_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Status {
        Status::of(self.reference(), self.deadline_at, arrived_at, now)
    }
}

impl Schedule {
    /// The products of the runs (or steps) that have started by `now`, the
    /// newest [`keep`](Self::keep) of them, oldest first.
    pub fn slots(&self, now: DateTime<Utc>) -> Vec<Slot> {
        let mut starts = self.starts(now);
        starts.reverse();
        self.slots_of(starts)
    }

    /// The products of the runs (or steps) from `from` to `to`, oldest
    /// first: the first `limit` runs (or steps) at most.
    pub fn slots_between(&self, from: DateTime<Utc>, to: DateTime<Utc>, limit: usize) -> Vec<Slot> {
        let starts = match &self.cadence {
            Cadence::Runs { hours, .. } => {
                let first_day = from.duration_trunc(Duration::days(1)).unwrap_or(from);
                let days = (to - first_day).num_days().clamp(0, limit as i64);
                (0..=days)
                    .flat_map(|d| {
                        hours.iter().map(move |&h| {
                            first_day + Duration::days(d) + Duration::hours(i64::from(h))
                        })
                    })
                    .filter(|run| (from..=to).contains(run))
                    .take(limit)
                    .collect()
            }
            Cadence::Every(step) => {
                let first = from.duration_trunc(*step).unwrap_or(from);
                let first = if first < from { first + *step } else { first };
                (0..limit as i32)
                    .map(|i| first + *step * i)
                    .take_while(|t| *t <= to)
                    .collect()
            }
        };
        self.slots_of(starts)
    }

    /// The products of runs (or steps) starting at `starts`.
    fn slots_of(&self, starts: Vec<DateTime<Utc>>) -> Vec<Slot> {
        let slot = |moment: Moment| {
            let reference = moment.run.unwrap_or(moment.valid);
            Slot {
                moment,
                due_at: reference + self.available_after,
                deadline_at: reference + self.deadline,
            }
        };
        match &self.cadence {
            Cadence::Runs { leads, .. } => starts
                .into_iter()
                .flat_map(|run| {
                    leads.iter().map(move |&lead| Moment {
                        run: Some(run),
                        lead: Some(lead),
                        valid: run + Duration::hours(i64::from(lead)),
                    })
                })
                .map(slot)
                .collect(),
            Cadence::Every(_) => starts
                .into_iter()
                .map(|valid| Moment {
                    run: None,
                    lead: None,
                    valid,
                })
                .map(slot)
                .collect(),
        }
    }

    /// The run (or valid) times at or before `now`, newest first, at most `keep`.
    fn starts(&self, now: DateTime<Utc>) -> Vec<DateTime<Utc>> {
        let keep = self.keep as usize;
        match &self.cadence {
            Cadence::Runs { hours, .. } => {
                let day = now.duration_trunc(Duration::days(1)).unwrap_or(now);
                let mut runs = Vec::with_capacity(keep);
                // Runs are at most a day apart: `keep` days back is enough.
                for back in 0..=(keep as i64) {
                    let date = day - Duration::days(back);
                    let mut today: Vec<_> = hours
                        .iter()
                        .map(|&h| date + Duration::hours(i64::from(h)))
                        .filter(|&run| run <= now)
                        .collect();
                    today.sort_unstable_by(|a, b| b.cmp(a));
                    runs.extend(today);
                    if runs.len() >= keep {
                        break;
                    }
                }
                runs.truncate(keep);
                runs
            }
            Cadence::Every(step) => {
                let latest = now.duration_trunc(*step).unwrap_or(now);
                (0..keep as i32).map(|i| latest - *step * i).collect()
            }
        }
    }

    /// The next time something of this schedule becomes due after `now`:
    /// when a poller idle until then should wake.
    pub fn next_due(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        let next_start = match &self.cadence {
            Cadence::Runs { hours, .. } => {
                let day = now.duration_trunc(Duration::days(1)).unwrap_or(now);
                (0..=1)
                    .flat_map(|d| {
                        hours
                            .iter()
                            .map(move |&h| day + Duration::days(d) + Duration::hours(i64::from(h)))
                    })
                    .map(|run| run + self.available_after)
                    .filter(|&due| due > now)
                    .min()
            }
            Cadence::Every(step) => {
                let latest = now.duration_trunc(*step).unwrap_or(now);
                (0..=2)
                    .map(|i| latest + *step * i + self.available_after)
                    .find(|&due| due > now)
            }
        };
        next_start.unwrap_or(now + Duration::hours(1))
    }
}

/// Reads `"0..=48/3"` (a range with a step; `..` leaves the end out) into
/// the leads it names, at most [`MAX_LEADS`] of them, none over `max_lead`.
pub fn parse_leads(text: &str, max_lead: u32) -> Result<Vec<u32>, String> {
    let form = || {
        format!(
            "leads {text:?}: write a range with a step such as \"0..=48/3\", or a list [0, 6, 12]"
        )
    };
    let (range, step) = text.trim().split_once('/').unwrap_or((text.trim(), "1"));
    let step: u32 = step.trim().parse().map_err(|_| form())?;
    if step == 0 {
        return Err(format!(
            "leads {text:?}: the step is 0; a step of at least 1 hour"
        ));
    }
    let (first, last) = if let Some((a, b)) = range.split_once("..=") {
        (a, b.trim().parse::<u32>().map_err(|_| form())?)
    } else if let Some((a, b)) = range.split_once("..") {
        let end = b.trim().parse::<u32>().map_err(|_| form())?;
        (a, end.checked_sub(1).ok_or_else(form)?)
    } else {
        return Err(form());
    };
    let first: u32 = first.trim().parse().map_err(|_| form())?;
    if last > max_lead {
        return Err(format!(
            "leads {text:?}: {last} h is beyond the longest lead accepted, {max_lead} h"
        ));
    }
    if first > last {
        return Err(format!("leads {text:?}: the range is empty"));
    }
    let count = (last - first) / step + 1;
    if count as usize > MAX_LEADS {
        return Err(format!(
            "leads {text:?}: {count} leads; at most {MAX_LEADS} per source"
        ));
    }
    Ok((first..=last).step_by(step as usize).collect())
}

/// Checks a list of leads as [`parse_leads`] checks a range.
pub fn check_leads(leads: Vec<u32>, max_lead: u32) -> Result<Vec<u32>, String> {
    if leads.is_empty() || leads.len() > MAX_LEADS {
        return Err(format!("leads: 1 to {MAX_LEADS} hours are listed"));
    }
    if let Some(too_long) = leads.iter().find(|&&l| l > max_lead) {
        return Err(format!(
            "leads: {too_long} h is beyond the longest lead accepted, {max_lead} h"
        ));
    }
    let mut leads = leads;
    leads.sort_unstable();
    leads.dedup();
    Ok(leads)
}

/// Reads UTC run hours (`"00"`, `"12"`).
pub fn parse_runs(runs: &[String]) -> Result<Vec<u32>, String> {
    if runs.is_empty() || runs.len() > 24 {
        return Err("runs: 1 to 24 UTC hours such as [\"00\", \"12\"]".into());
    }
    let mut hours = runs
        .iter()
        .map(|r| {
            r.parse::<u32>()
                .ok()
                .filter(|h| *h < 24 && (1..=2).contains(&r.len()))
                .ok_or_else(|| format!("runs: {r:?} is not a UTC hour from \"00\" to \"23\""))
        })
        .collect::<Result<Vec<_>, _>>()?;
    hours.sort_unstable();
    hours.dedup();
    Ok(hours)
}

#[cfg(test)]
mod tests;
