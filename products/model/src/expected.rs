//! Products the campaign expects (from `sources.toml`) and what became of
//! each: the wire type of `/api/v1/expected` and of the board's hollow marks.
//! The schedule that lays them out is the `sources` crate's; what is here is
//! what the browser also needs: the type, whether a product meets one, and
//! its status at a given time.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::Product;

/// A product not there this long after its deadline is missed.
pub const MISSED_AFTER: Duration = Duration::hours(24);

/// What became of an expected product.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Status {
    /// Not there, and its deadline has not passed.
    Due,
    /// Past its deadline, not there, for this many seconds.
    Late { late_s: i64 },
    /// There, this many seconds after its run (or valid) time.
    Arrived { delay_s: i64, on_time: bool },
    /// Not there a day after its deadline.
    Missed,
}

impl Status {
    /// What became of a product due by `deadline_at`, counted from
    /// `reference` (its run, or valid time), given when it arrived.
    pub fn of(
        reference: DateTime<Utc>,
        deadline_at: DateTime<Utc>,
        arrived_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Self {
        match arrived_at {
            Some(at) => Self::Arrived {
                delay_s: (at - reference).num_seconds(),
                on_time: at <= deadline_at,
            },
            None if now < deadline_at => Self::Due,
            None if now < deadline_at + MISSED_AFTER => Self::Late {
                late_s: (now - deadline_at).num_seconds(),
            },
            None => Self::Missed,
        }
    }

    /// Its name, as the API writes it.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Due => "due",
            Self::Late { .. } => "late",
            Self::Arrived { .. } => "arrived",
            Self::Missed => "missed",
        }
    }
}

/// An expected product and what became of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Expected {
    /// The source's name; for an `[[expect]]` entry, `category.platform`.
    pub source: String,
    pub category: String,
    pub platform: String,
    /// The product token its file is named with, when the source says it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lead: Option<u32>,
    pub valid: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    pub deadline_at: DateTime<Utc>,
    #[serde(flatten)]
    pub status: Status,
    /// The product that arrived for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_id: Option<i64>,
}

impl Expected {
    /// The time its delay counts from and its file is named with: the run
    /// for a forecast, else the valid time.
    pub fn reference(&self) -> DateTime<Utc> {
        self.run.unwrap_or(self.valid)
    }

    /// Whether `product` is the one expected: same lane and time, and the
    /// same product token (or lead) when it is said.
    pub fn is_met_by(&self, product: &Product) -> bool {
        product.category == self.category
            && product.platform == self.platform
            && product.time == self.reference()
            && match (&self.product, self.lead) {
                (Some(token), _) => product.product == *token,
                (None, Some(lead)) => product.lead_hours == Some(lead),
                (None, None) => true,
            }
    }

    /// Its status at `now` if nothing has arrived for it.
    pub fn unmet_at(&self, now: DateTime<Utc>) -> Status {
        Status::of(self.reference(), self.deadline_at, None, now)
    }

    /// How it reads on a hollow mark: `GFS 12z +024h: 41 min late`.
    pub fn describe(&self, now: DateTime<Utc>) -> String {
        let when = match (self.run, self.lead) {
            (Some(run), Some(lead)) => format!("{} +{lead:03}h", run.format("%d %b %Hz")),
            _ => self.valid.format("%d %b %H:%M UTC").to_string(),
        };
        let what = self.product.as_deref().unwrap_or(&self.source);
        let state = match self.unmet_at(now) {
            Status::Late { late_s } => format!("{} late", delay_text(late_s)),
            Status::Missed => "missed".to_string(),
            Status::Due | Status::Arrived { .. } => {
                format!("due by {}", self.deadline_at.format("%H:%M UTC"))
            }
        };
        format!("{} {what} {when}: {state}", self.platform)
    }
}

/// One source's punctuality.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Punctuality {
    pub source: String,
    /// Products whose deadline passed in the stretch.
    pub expected: usize,
    pub arrived: usize,
    pub on_time: usize,
    /// `on_time / expected`; none when nothing was expected.
    pub on_time_share: Option<f64>,
    /// Of the arrivals, after their run (or valid) time.
    pub median_delay_s: Option<i64>,
    pub worst_delay_s: Option<i64>,
    /// Not there (late or missed).
    pub absent: usize,
    /// Runs (or valid times) of which nothing came.
    pub runs_missed: Vec<DateTime<Utc>>,
}

/// How a delay reads: `41 min`, `2 h 05`.
pub fn delay_text(seconds: i64) -> String {
    let minutes = seconds.max(0) / 60;
    if minutes < 60 {
        format!("{minutes} min")
    } else {
        format!("{} h {:02}", minutes / 60, minutes % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{at, product};

    fn expected(token: Option<&str>, lead: Option<u32>) -> Expected {
        Expected {
            source: "gfs".into(),
            category: "model".into(),
            platform: "GFS".into(),
            product: token.map(str::to_string),
            run: Some(at(28, 12, 0)),
            lead,
            valid: at(28, 12, 0) + Duration::hours(i64::from(lead.unwrap_or(0))),
            due_at: at(28, 15, 30),
            deadline_at: at(28, 17, 0),
            status: Status::Due,
            product_id: None,
        }
    }

    #[test]
    fn a_product_meets_what_is_expected_of_its_lane_and_time() {
        let file = product(1, "model.GFS.202611281200.024h_pgrb.grib2");
        assert!(expected(Some("024h_pgrb"), Some(24)).is_met_by(&file));
        assert!(!expected(Some("027h_pgrb"), Some(27)).is_met_by(&file));
        assert!(expected(None, Some(24)).is_met_by(&file));
        assert!(!expected(None, Some(3)).is_met_by(&file));
        let other = product(2, "model.ICON.202611281200.024h_pgrb.grib2");
        assert!(!expected(None, Some(24)).is_met_by(&other));
    }

    #[test]
    fn it_reads_back_as_it_was_written() {
        let mut e = expected(Some("024h_pgrb"), Some(24));
        e.status = Status::Late { late_s: 60 };
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["status"], "late");
        assert_eq!(json["late_s"], 60);
        assert_eq!(serde_json::from_value::<Expected>(json).unwrap(), e);
    }

    #[test]
    fn a_hollow_mark_says_how_late() {
        let e = expected(Some("024h_pgrb"), Some(24));
        assert_eq!(e.unmet_at(at(28, 16, 0)), Status::Due);
        assert_eq!(
            e.describe(at(28, 17, 41)),
            "GFS 024h_pgrb 28 Nov 12z +024h: 41 min late"
        );
        assert_eq!(
            e.describe(at(28, 19, 5)),
            "GFS 024h_pgrb 28 Nov 12z +024h: 2 h 05 late"
        );
        assert_eq!(e.unmet_at(at(29, 17, 0)), Status::Missed);
    }
}
