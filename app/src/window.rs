//! The stretch of time the timeline draws, its axis labels, and how times
//! are written on the board: short while they are in the current year, with
//! the year as soon as they are not, so a 2012 case never reads as this year.

use chrono::{DateTime, Datelike, Duration, DurationRound, Timelike, Utc};

/// The time span the timeline draws.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub start: DateTime<Utc>,
    pub span: Duration,
}

impl Window {
    pub fn end(&self) -> DateTime<Utc> {
        self.start + self.span
    }

    /// Position of `t` as a percentage of the width (outside 0–100 when off screen).
    pub fn pct(&self, t: DateTime<Utc>) -> f64 {
        let span = self.span.num_milliseconds().max(1) as f64;
        (t - self.start).num_milliseconds() as f64 / span * 100.0
    }

    /// The time at `fraction` (0–1) of the width.
    pub fn at(&self, fraction: f64) -> DateTime<Utc> {
        self.start + Duration::milliseconds((self.span.num_milliseconds() as f64 * fraction) as i64)
    }

    pub fn contains(&self, t: DateTime<Utc>) -> bool {
        self.start <= t && t <= self.end()
    }

    /// What is drawn: the window and one span either side, so that a drag
    /// shows its neighbours before it is committed.
    pub fn render_range(&self) -> (DateTime<Utc>, DateTime<Utc>) {
        (self.start - self.span, self.end() + self.span)
    }

    /// The width of a bin of the timeline: about a mark's width (90 per window).
    pub fn bin(&self) -> Duration {
        (self.span / 90).max(Duration::seconds(60))
    }
}

/// Steps of the axis labels, in hours: about eight labels per window.
const TICK_STEPS: [i64; 8] = [1, 3, 6, 12, 24, 48, 96, 168];

/// One axis label.
#[derive(Clone, Debug, PartialEq)]
pub struct Tick {
    pub pct: f64,
    pub label: String,
    /// Midnight UTC: the day changes here.
    pub day: bool,
}

impl Window {
    /// Labels at a round step, each midnight marked as a day boundary and
    /// dated with its year when that is not `now`'s.
    pub fn ticks(&self, now: DateTime<Utc>) -> Vec<Tick> {
        let hours = self.span.num_hours().max(1);
        let step = TICK_STEPS
            .into_iter()
            .find(|s| hours / s <= 8)
            .unwrap_or(336);
        let step = Duration::hours(step);
        let Ok(mut t) = self.start.duration_trunc(step) else {
            return Vec::new();
        };
        let mut ticks = Vec::new();
        while t <= self.end() {
            if t >= self.start {
                let day = t.hour() == 0;
                ticks.push(Tick {
                    pct: self.pct(t),
                    label: if day {
                        day_label(t, now)
                    } else {
                        t.format("%H:%M").to_string()
                    },
                    day,
                });
            }
            t += step;
        }
        ticks
    }
}

/// `Sun 29 Nov`, or `Wed 26 Sep 2012` outside `now`'s year.
pub fn day_label(t: DateTime<Utc>, now: DateTime<Utc>) -> String {
    if t.year() == now.year() {
        t.format("%a %d %b").to_string()
    } else {
        t.format("%a %d %b %Y").to_string()
    }
}

/// `Sun 29 Nov 14:20 UTC`, with the year outside `now`'s year.
pub fn moment_label(t: DateTime<Utc>, now: DateTime<Utc>) -> String {
    format!("{} {} UTC", day_label(t, now), t.format("%H:%M"))
}

/// `29 Nov 14:20`, or `26 Sep 2012 20:50` outside `now`'s year: for cards
/// and lists, where the weekday takes too much room.
pub fn short_label(t: DateTime<Utc>, now: DateTime<Utc>) -> String {
    if t.year() == now.year() {
        t.format("%d %b %H:%M").to_string()
    } else {
        t.format("%d %b %Y %H:%M").to_string()
    }
}

/// When something arrived: `16:06:15` today, `28 Nov 09:12` before, with the
/// year when not this year's.
pub fn arrival_label(t: DateTime<Utc>, now: DateTime<Utc>) -> String {
    if t.date_naive() == now.date_naive() {
        t.format("%H:%M:%S").to_string()
    } else {
        short_label(t, now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn labels_carry_the_year_only_outside_this_year() {
        let now = Utc.with_ymd_and_hms(2026, 11, 29, 12, 0, 0).unwrap();
        let then = Utc.with_ymd_and_hms(2012, 9, 26, 20, 50, 0).unwrap();
        assert_eq!(moment_label(then, now), "Wed 26 Sep 2012 20:50 UTC");
        assert_eq!(short_label(then, now), "26 Sep 2012 20:50");
        assert_eq!(moment_label(now, now), "Sun 29 Nov 12:00 UTC");
        assert_eq!(arrival_label(now, now), "12:00:00");
        assert_eq!(arrival_label(now - Duration::days(1), now), "28 Nov 12:00");
        let window = Window {
            start: then - Duration::hours(24),
            span: Duration::hours(48),
        };
        let days: Vec<String> = window
            .ticks(now)
            .into_iter()
            .filter(|t| t.day)
            .map(|t| t.label)
            .collect();
        assert_eq!(days, ["Wed 26 Sep 2012", "Thu 27 Sep 2012"]);
    }
}
