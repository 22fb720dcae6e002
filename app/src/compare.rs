//! How two forecasts are compared: which two runs, and how they are put
//! before the eye. Forecasters judge whether a forecast holds by looking at
//! the same field from two runs at full size, side by side, or in one place
//! with a flicker or a swipe between them, stepping both through valid times
//! together. Part of the view, so of the URL (`ra`, `rb`, `cmp`).

use chrono::{DateTime, Utc};
use model::name::{format_time, parse_time};
use model::Product;

/// The ways two pictures are compared.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CompareMode {
    /// Both at once, each half the width.
    #[default]
    Side,
    /// One place, the two alternating once a second.
    Flicker,
    /// One place, the second over the first up to a movable edge.
    Swipe,
}

impl CompareMode {
    pub const ALL: [CompareMode; 3] = [CompareMode::Side, CompareMode::Flicker, CompareMode::Swipe];

    pub fn key(self) -> &'static str {
        match self {
            CompareMode::Side => "side",
            CompareMode::Flicker => "flicker",
            CompareMode::Swipe => "swipe",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CompareMode::Side => "Side by side",
            CompareMode::Flicker => "Flicker",
            CompareMode::Swipe => "Swipe",
        }
    }

    fn parse(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.key() == key)
    }
}

/// The two runs compared (`None`: the newest, and the one before it) and how.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Compare {
    pub a: Option<DateTime<Utc>>,
    pub b: Option<DateTime<Utc>>,
    pub mode: CompareMode,
}

impl Compare {
    /// Reads `ra`, `rb` and `cmp`; anything unreadable is the default.
    pub fn from_query(get: &impl Fn(&str) -> Option<String>) -> Self {
        let time = |key: &str| get(key).and_then(|v| parse_time(&v).ok());
        Self {
            a: time("ra"),
            b: time("rb"),
            mode: get("cmp")
                .and_then(|m| CompareMode::parse(&m))
                .unwrap_or_default(),
        }
    }

    /// Appends what differs from the default to a query.
    pub fn append(&self, q: &mut form_urlencoded::Serializer<String>) {
        if let Some(a) = self.a {
            q.append_pair("ra", &format_time(a));
        }
        if let Some(b) = self.b {
            q.append_pair("rb", &format_time(b));
        }
        if self.mode != CompareMode::Side {
            q.append_pair("cmp", self.mode.key());
        }
    }

    /// The two products compared among `runs` (one per run, newest first):
    /// the chosen runs where present, else the newest and the next.
    pub fn pick<'a>(&self, runs: &[&'a Product]) -> (Option<&'a Product>, Option<&'a Product>) {
        let of = |run: DateTime<Utc>| runs.iter().copied().find(|p| p.run_time == Some(run));
        let a = self.a.and_then(of).or_else(|| runs.first().copied());
        let b = self
            .b
            .and_then(of)
            .or_else(|| runs.iter().copied().find(|p| Some(p.id) != a.map(|a| a.id)));
        (a, b.filter(|b| Some(b.id) != a.map(|a| a.id)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(id: i64, name: &str) -> Product {
        model::fixtures::product(id, name)
    }

    #[test]
    fn the_newest_two_runs_unless_chosen() {
        let newest = run(1, "model.AROME.202611281200.012h_precip.png");
        let middle = run(2, "model.AROME.202611280000.024h_precip.png");
        let oldest = run(3, "model.AROME.202611271200.036h_precip.png");
        let runs = vec![&newest, &middle, &oldest];
        let ids = |(a, b): (Option<&Product>, Option<&Product>)| (a.map(|p| p.id), b.map(|p| p.id));
        assert_eq!(ids(Compare::default().pick(&runs)), (Some(1), Some(2)));
        let chosen = Compare {
            a: oldest.run_time,
            b: newest.run_time,
            mode: CompareMode::Swipe,
        };
        assert_eq!(ids(chosen.pick(&runs)), (Some(3), Some(1)));
        assert_eq!(ids(Compare::default().pick(&runs[..1])), (Some(1), None));
        let same = Compare {
            a: newest.run_time,
            b: newest.run_time,
            ..Default::default()
        };
        assert_eq!(
            ids(same.pick(&runs)),
            (Some(1), None),
            "never a run against itself"
        );
    }
}
