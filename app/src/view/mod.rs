//! The view a dashboard shows, kept in the URL's query: time cursor, zoom,
//! window, filters, open product, briefing lanes, run-to-run, folded rows.
//! Every view is therefore a permalink, the server renders exactly what a
//! link names, and without JavaScript every control is a plain link.

use std::collections::BTreeSet;

mod filter;

use chrono::{DateTime, Duration, DurationRound, NaiveDate, NaiveDateTime, Utc};
use model::name::{format_time, parse_time};
use model::record::Family;

use crate::compare::Compare;
use crate::select::LaneKey;
use crate::window::Window;
pub use filter::Filter;

/// Zoom levels: the span of the timeline in hours, from six hours to 30 days
/// (72 h: the "next three days" of a planning meeting).
pub const ZOOMS: [i64; 9] = [6, 12, 24, 48, 72, 96, 168, 336, 720];
/// The span a page opens with.
pub const DEFAULT_SPAN: i64 = 48;
/// Where "now" sits in a window that follows it: a quarter along. Planning
/// is about the next one to three days, so the window looks ahead: a two-day
/// view shows the last 12 h and the next 36 h, leads to +48 h of this
/// morning's runs included.
pub const FOLLOW_AT: f64 = 0.25;
/// The most a following window shows ahead of now: beyond a week there are
/// no forecasts to plan with, so wide zooms add past instead.
pub const MAX_AHEAD: Duration = Duration::days(7);
/// The preset windows: the last 24 hours, and the next 72.
pub const PRESETS: [Preset; 2] = [Preset::Last24, Preset::Next72];

/// A window chosen by name rather than by zoom and pan.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Preset {
    Last24,
    Next72,
}

impl Preset {
    pub fn label(self) -> &'static str {
        match self {
            Preset::Last24 => "Last 24 h",
            Preset::Next72 => "Next 72 h",
        }
    }
}

/// Everything a view is; see the module documentation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ViewState {
    /// The time cursor (`t`); `None` stands for "now".
    pub cursor: Option<DateTime<Utc>>,
    /// Start of the window (`from`); `None` follows now.
    pub from: Option<DateTime<Utc>>,
    /// Width of the window in hours (`span`), one of [`ZOOMS`].
    pub span_hours: i64,
    pub filter: Filter,
    /// The product open in the viewer (`open`).
    pub open: Option<i64>,
    /// The lanes of the situation grid (`lanes`); `None` lets the page choose.
    pub lanes: Option<Vec<LaneKey>>,
    /// The run-to-run comparison shown (`runs` lane and `valid` time).
    pub runs: Option<(LaneKey, DateTime<Utc>)>,
    /// Which two runs run-to-run puts before the eye, and how.
    pub compare: Compare,
    /// Ids of folded timeline rows (`fold`).
    pub folded: BTreeSet<String>,
    /// A product pinned to be compared with the next one opened (`pin`).
    pub pin: Option<i64>,
    /// Any two products compared side by side (`pair=A,B`).
    pub pair: Option<(i64, i64)>,
    /// The map shown on the board (`map=1`; the map page always shows it).
    pub map: bool,
}

impl Default for ViewState {
    /// The page as first opened: around now, following it, two days wide.
    fn default() -> Self {
        Self::from_query(|_| None)
    }
}

impl ViewState {
    /// Reads a view from query parameters; anything unreadable is ignored,
    /// so an old or hand-edited link still opens.
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> Self {
        let time = |key: &str| get(key).and_then(|v| parse_time(&v).ok());
        let list = |key: &str| -> Vec<String> {
            get(key)
                .map(|v| {
                    v.split(',')
                        .filter(|s| !s.is_empty())
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default()
        };
        let span = get("span")
            .and_then(|v| v.parse::<i64>().ok())
            .filter(|s| ZOOMS.contains(s))
            .unwrap_or(DEFAULT_SPAN);
        let nonempty = |key: &str| get(key).filter(|v| !v.trim().is_empty());
        let families = list("fam")
            .iter()
            .filter_map(|key| ALL_FAMILIES.into_iter().find(|f| f.key() == key))
            .collect();
        // `at` is what the date control sends (`2012-09-26T20:50`, or a
        // day): the cursor there and the window around it.
        let at = get("at").and_then(|v| parse_at(&v));
        let half = Duration::hours(span) / 2;
        Self {
            cursor: at.or_else(|| time("t")),
            from: at.map(|t| t - half).or_else(|| time("from")),
            span_hours: span,
            filter: Filter {
                families,
                category: nonempty("cat"),
                platform: nonempty("plat"),
                text: get("q").unwrap_or_default().trim().to_string(),
                new_only: get("new").is_some_and(|v| v == "1" || v == "on"),
            },
            open: get("open").and_then(|v| v.parse().ok()),
            lanes: get("lanes").map(|_| {
                list("lanes")
                    .iter()
                    .filter_map(|l| LaneKey::parse(l))
                    .collect()
            }),
            runs: get("runs")
                .and_then(|l| LaneKey::parse(&l))
                .zip(time("valid")),
            folded: list("fold").into_iter().collect(),
            pin: get("pin").and_then(|v| v.parse().ok()),
            pair: match list("pair").as_slice() {
                [a, b] => a.parse().ok().zip(b.parse().ok()),
                _ => None,
            },
            compare: Compare::from_query(&get),
            map: get("map").is_some_and(|v| v == "1"),
        }
    }

    /// The query string of this view (`?…`), or `?` for the default view.
    pub fn href(&self) -> String {
        let mut q = form_urlencoded::Serializer::new(String::new());
        if let Some(t) = self.cursor {
            q.append_pair("t", &format_time(t));
        }
        if let Some(from) = self.from {
            q.append_pair("from", &format_time(from));
        }
        if self.span_hours != DEFAULT_SPAN {
            q.append_pair("span", &self.span_hours.to_string());
        }
        let f = &self.filter;
        if !f.families.is_empty() {
            let keys: Vec<&str> = f.families.iter().map(|f| f.key()).collect();
            q.append_pair("fam", &keys.join(","));
        }
        if let Some(c) = &f.category {
            q.append_pair("cat", c);
        }
        if let Some(p) = &f.platform {
            q.append_pair("plat", p);
        }
        if !f.text.is_empty() {
            q.append_pair("q", &f.text);
        }
        if f.new_only {
            q.append_pair("new", "1");
        }
        if let Some(lanes) = &self.lanes {
            let ids: Vec<String> = lanes.iter().map(LaneKey::id).collect();
            q.append_pair("lanes", &ids.join(","));
        }
        if let Some((lane, valid)) = &self.runs {
            q.append_pair("runs", &lane.id());
            q.append_pair("valid", &format_time(*valid));
            self.compare.append(&mut q);
        } else if self.pair.is_some() {
            self.compare.append(&mut q);
        }
        if let Some((a, b)) = self.pair {
            q.append_pair("pair", &format!("{a},{b}"));
        }
        if let Some(pin) = self.pin {
            q.append_pair("pin", &pin.to_string());
        }
        if !self.folded.is_empty() {
            let ids: Vec<&str> = self.folded.iter().map(String::as_str).collect();
            q.append_pair("fold", &ids.join(","));
        }
        if let Some(open) = self.open {
            q.append_pair("open", &open.to_string());
        }
        if self.map {
            q.append_pair("map", "1");
        }
        format!("?{}", q.finish())
    }

    /// The window at `now`: fixed when `from` is set, otherwise following now
    /// (moved in steps of 1 % of the span, so it does not redraw every second)
    /// — unless the cursor lies outside that, when it is centred on the
    /// cursor: a link naming a time in 2012 opens 2012, not today.
    pub fn window(&self, now: DateTime<Utc>) -> Window {
        let span = Duration::hours(self.span_hours);
        if let Some(from) = self.from {
            return Window { start: from, span };
        }
        let ahead =
            Duration::milliseconds((span.num_milliseconds() as f64 * (1.0 - FOLLOW_AT)) as i64)
                .min(MAX_AHEAD);
        let start = now - (span - ahead);
        let following = Window {
            start: start.duration_trunc(span / 100).unwrap_or(start),
            span,
        };
        match self.cursor {
            Some(t) if !following.contains(t) => Window {
                start: t - span / 2,
                span,
            },
            _ => following,
        }
    }

    /// The window `preset` names at `now`, pinned to the hour; the cursor
    /// goes back to now.
    pub fn preset(&self, preset: Preset, now: DateTime<Utc>) -> Self {
        let hour = now.duration_trunc(Duration::hours(1)).unwrap_or(now);
        let (from, span) = match preset {
            Preset::Last24 => (hour - Duration::hours(23), 24),
            Preset::Next72 => (hour, 72),
        };
        Self {
            cursor: None,
            from: Some(from),
            span_hours: span,
            ..self.clone()
        }
    }

    /// Whether this view shows `preset`'s window at `now`.
    pub fn is_preset(&self, preset: Preset, now: DateTime<Utc>) -> bool {
        let named = self.preset(preset, now);
        self.from == named.from && self.span_hours == named.span_hours
    }

    /// The cursor at `t` and the window centred on it: the date control.
    pub fn jumped_to(&self, t: DateTime<Utc>) -> Self {
        Self {
            cursor: Some(t),
            from: Some(t - Duration::hours(self.span_hours) / 2),
            ..self.clone()
        }
    }

    pub fn follows_now(&self) -> bool {
        self.from.is_none()
    }

    /// The cursor time, "now" when none is set.
    pub fn cursor_at(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        self.cursor.unwrap_or(now)
    }

    /// One zoom level in (`-1`) or out (`+1`), keeping the time at `anchor`
    /// (a fraction of the width) where it is.
    pub fn zoomed(&self, steps: i32, anchor: f64, now: DateTime<Utc>) -> Self {
        let index = ZOOMS
            .iter()
            .position(|z| *z == self.span_hours)
            .unwrap_or(DEFAULT_ZOOM) as i32;
        let index = (index + steps).clamp(0, ZOOMS.len() as i32 - 1) as usize;
        let mut next = self.clone();
        next.span_hours = ZOOMS[index];
        if !self.follows_now() {
            let window = self.window(now);
            let pivot = window.at(anchor);
            let span = Duration::hours(next.span_hours);
            next.from = Some(
                pivot - Duration::milliseconds((span.num_milliseconds() as f64 * anchor) as i64),
            );
        }
        next
    }

    pub fn can_zoom(&self, steps: i32) -> bool {
        let index = ZOOMS
            .iter()
            .position(|z| *z == self.span_hours)
            .unwrap_or(DEFAULT_ZOOM) as i32;
        (0..ZOOMS.len() as i32).contains(&(index + steps))
    }

    /// The window moved by `fraction` of its width (negative: earlier); it
    /// then stops following now.
    pub fn panned(&self, fraction: f64, now: DateTime<Utc>) -> Self {
        let window = self.window(now);
        let mut next = self.clone();
        next.from = Some(
            window
                .at(fraction)
                .duration_trunc(Duration::minutes(1))
                .unwrap_or(window.at(fraction)),
        );
        next
    }

    /// The window pinned with `t` in its middle.
    pub fn with_centre(&self, t: DateTime<Utc>) -> Self {
        Self {
            from: Some(t - Duration::hours(self.span_hours) / 2),
            ..self.clone()
        }
    }

    pub fn following_now(&self) -> Self {
        Self {
            from: None,
            ..self.clone()
        }
    }

    /// The cursor at `t`; the window moves to show it if it is off screen.
    pub fn with_cursor(&self, t: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Self {
        let mut next = Self {
            cursor: t,
            ..self.clone()
        };
        if let Some(t) = t {
            let window = self.window(now);
            if t < window.start || t > window.end() {
                next.from = Some(t - window.span / 2);
            }
        }
        next
    }

    pub fn with_open(&self, open: Option<i64>) -> Self {
        Self {
            open,
            ..self.clone()
        }
    }

    /// Run-to-run of a lane at a valid time; closing it forgets the runs chosen.
    pub fn with_runs(&self, runs: Option<(LaneKey, DateTime<Utc>)>) -> Self {
        Self {
            compare: if runs.is_some() {
                self.compare.clone()
            } else {
                Compare::default()
            },
            runs,
            ..self.clone()
        }
    }

    /// Pins `id` (or unpins) for a comparison with the next product opened.
    pub fn with_pin(&self, pin: Option<i64>) -> Self {
        Self {
            pin,
            ..self.clone()
        }
    }

    /// Two products side by side, over the board (the viewer closes, the pin
    /// is used up); `None` closes the comparison.
    pub fn with_pair(&self, pair: Option<(i64, i64)>) -> Self {
        Self {
            pair,
            pin: if pair.is_some() { None } else { self.pin },
            open: if pair.is_some() { None } else { self.open },
            compare: Compare {
                mode: self.compare.mode,
                ..Compare::default()
            },
            ..self.clone()
        }
    }

    pub fn with_compare(&self, compare: Compare) -> Self {
        Self {
            compare,
            ..self.clone()
        }
    }

    pub fn with_fold(&self, id: &str) -> Self {
        let mut next = self.clone();
        if !next.folded.remove(id) {
            next.folded.insert(id.to_string());
        }
        next
    }

    /// The situation lanes with `lane` added or removed; `current` is what
    /// the grid shows now (the page's choice while the URL names none).
    pub fn with_lane_toggled(&self, lane: &LaneKey, current: &[LaneKey]) -> Self {
        let mut lanes: Vec<LaneKey> = self.lanes.clone().unwrap_or_else(|| current.to_vec());
        if let Some(i) = lanes.iter().position(|l| l == lane) {
            lanes.remove(i);
        } else {
            lanes.push(lane.clone());
        }
        Self {
            lanes: Some(lanes),
            ..self.clone()
        }
    }

    pub fn with_filter(&self, filter: Filter) -> Self {
        Self {
            filter,
            ..self.clone()
        }
    }
}

/// The index of [`DEFAULT_SPAN`] in [`ZOOMS`].
const DEFAULT_ZOOM: usize = 3;

/// A time as the date control sends it: `2012-09-26T20:50` (seconds
/// optional), or a day (its midnight), read as UTC like every time here.
pub fn parse_at(value: &str) -> Option<DateTime<Utc>> {
    let value = value.trim();
    ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
        .into_iter()
        .find_map(|f| NaiveDateTime::parse_from_str(value, f).ok())
        .or_else(|| {
            NaiveDate::parse_from_str(value, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
        })
        .map(|t| t.and_utc())
        // The same years as the names of products.
        .filter(|t| (1900..=2999).contains(&chrono::Datelike::year(t)))
}

/// Every family, in display order.
pub const ALL_FAMILIES: [Family; 5] = [
    Family::Forecast,
    Family::RemoteSensing,
    Family::InSitu,
    Family::Operations,
    Family::Other,
];

/// Most lanes the grid shows by default: what fits one screen.
pub const DEFAULT_LANES: usize = 8;

/// Lanes the situation grid shows until the user picks: the first lane of
/// every family first (in situ and operations are never crowded out by new
/// model platforms), then the first of each other platform, up to
/// [`DEFAULT_LANES`], in timeline order.
pub fn default_lanes(all: &[LaneKey]) -> Vec<LaneKey> {
    let mut picked: Vec<usize> = Vec::new();
    for family in ALL_FAMILIES {
        if let Some(i) = all.iter().position(|l| l.family() == family) {
            picked.push(i);
        }
    }
    for (i, lane) in all.iter().enumerate() {
        if picked.len() >= DEFAULT_LANES {
            break;
        }
        if !picked.iter().any(|p| all[*p].group() == lane.group()) {
            picked.push(i);
        }
    }
    picked.sort_unstable();
    picked.into_iter().map(|i| all[i].clone()).collect()
}

#[cfg(test)]
mod tests;
