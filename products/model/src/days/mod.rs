//! The campaign day by day, as researchers come back to it: a calendar
//! with one cell per UTC day (its IOP, what flew or launched, how many
//! products of each family, the tags of the case studies touching it) and
//! a day's page (its operations with their decisions and reports, its
//! briefings, each lane's key products at chosen hours, its case studies).
//!
//! Wire types and the bounds of what a request may ask; the catalogue
//! fills them, for a reader's visibility.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::case_studies::CaseStudy;
use crate::operations::{Briefing, Iop, OperationDetail, OperationKind, Status};
use crate::record::{family, Family, Product};

/// The most days one calendar spans: a campaign season and its margins.
pub const MAX_CALENDAR_DAYS: i64 = 400;
/// The most hours a day page shows key products at.
pub const MAX_HOURS: usize = 8;
/// The hours a day page shows when none are asked for.
pub const DEFAULT_HOURS: [u32; 4] = [0, 6, 12, 18];
/// The most products of one day read to choose its key products: far more
/// than a day of a campaign writes, so that choice is exact in practice.
pub const MAX_DAY_PRODUCTS: i64 = 20_000;

/// The first instant of `day`, UTC.
pub fn day_start(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(chrono::NaiveTime::MIN).and_utc()
}

/// The last millisecond of `day`, UTC.
pub fn day_end(day: NaiveDate) -> DateTime<Utc> {
    day_start(day) + Duration::days(1) - Duration::milliseconds(1)
}

/// A calendar's span: `to` no earlier than `from`, at most
/// [`MAX_CALENDAR_DAYS`] long (the end kept, the start moved up: the
/// latest days matter most during a campaign).
pub fn calendar_span(from: NaiveDate, to: NaiveDate) -> (NaiveDate, NaiveDate) {
    let to = to.max(from);
    let earliest = to - Duration::days(MAX_CALENDAR_DAYS - 1);
    (from.max(earliest), to)
}

/// The days a calendar opens on for a campaign from `first` to `last`: all
/// of them when they fit one calendar, else the latest calendar year's (a
/// campaign with an old season must not open on a year of empty weeks).
pub fn opening_span(first: NaiveDate, last: NaiveDate) -> (NaiveDate, NaiveDate) {
    if (last - first).num_days() < MAX_CALENDAR_DAYS {
        return (first, last);
    }
    let new_year = NaiveDate::from_ymd_opt(last.year(), 1, 1).unwrap_or(first);
    (first.max(new_year), last)
}

/// The days of `month` (`2024-03`), if it is one.
pub fn month_span(month: &str) -> Option<(NaiveDate, NaiveDate)> {
    let first = NaiveDate::parse_from_str(&format!("{}-01", month.trim()), "%Y-%m-%d").ok()?;
    let next = first.checked_add_months(chrono::Months::new(1))?;
    Some((first, next.pred_opt()?))
}

/// The hours asked for (`"0,6,12,18"`): each 0–23, sorted, without
/// repeats, at most [`MAX_HOURS`]; the default when none is valid.
pub fn parse_hours(text: &str) -> Vec<u32> {
    let mut hours: Vec<u32> = text
        .split(',')
        .take(64)
        .filter_map(|h| h.trim().parse::<u32>().ok())
        .filter(|h| *h < 24)
        .collect();
    hours.sort_unstable();
    hours.dedup();
    hours.truncate(MAX_HOURS);
    if hours.is_empty() {
        DEFAULT_HOURS.to_vec()
    } else {
        hours
    }
}

/// How many current products of one family a day has.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FamilyCount {
    pub family: Family,
    pub count: i64,
}

/// Per-category counts gathered into families, in the families' order.
pub fn family_counts<'a>(
    by_category: impl IntoIterator<Item = (&'a str, i64)>,
) -> Vec<FamilyCount> {
    let mut counts: Vec<FamilyCount> = Vec::new();
    for (category, count) in by_category {
        let family = family(category);
        match counts.iter_mut().find(|c| c.family == family) {
            Some(c) => c.count += count,
            None => counts.push(FamilyCount { family, count }),
        }
    }
    counts.sort_by_key(|c| c.family);
    counts
}

/// An operation as a calendar cell names it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DayOperation {
    pub id: i64,
    pub code: String,
    pub platform: String,
    pub kind: OperationKind,
    pub status: Status,
}

/// One cell of the calendar.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CalendarDay {
    pub day: NaiveDate,
    /// The IOPs the day is part of.
    pub iops: Vec<String>,
    /// The operations planned to start that day.
    pub operations: Vec<DayOperation>,
    /// Products valid that day, per family.
    pub families: Vec<FamilyCount>,
    /// The tags of the case studies touching the day.
    pub tags: Vec<String>,
    /// How many case studies touch the day.
    pub case_studies: usize,
}

impl CalendarDay {
    pub fn empty(day: NaiveDate) -> Self {
        CalendarDay {
            day,
            iops: Vec::new(),
            operations: Vec::new(),
            families: Vec::new(),
            tags: Vec::new(),
            case_studies: 0,
        }
    }

    pub fn products(&self) -> i64 {
        self.families.iter().map(|f| f.count).sum()
    }

    /// Nothing happened: no product, operation or case study.
    pub fn is_quiet(&self) -> bool {
        self.families.is_empty() && self.operations.is_empty() && self.case_studies == 0
    }
}

/// The calendar: every day from `from` to `to`, and the IOPs (for their
/// colours and legend).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Calendar {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub days: Vec<CalendarDay>,
    pub iops: Vec<Iop>,
    /// The first and last day of the whole campaign (as the reader may see
    /// it), for moving to its other years and months; `None` when not asked.
    #[serde(default)]
    pub campaign: Option<(NaiveDate, NaiveDate)>,
}

impl Calendar {
    /// The position of `iop` in the legend: its colour.
    pub fn iop_index(&self, iop: &str) -> Option<usize> {
        self.iops.iter().position(|i| i.name == iop)
    }
}

/// A lane's key product at one hour of the day.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DaySlot {
    pub hour: u32,
    /// The product valid nearest that hour, within the day; None when the
    /// lane has nothing within half the gap to the neighbouring hours.
    pub product: Option<Product>,
}

/// One lane (`category.platform`) of a day with its key products.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DayLane {
    pub category: String,
    pub platform: String,
    /// How many products the lane has that day.
    pub count: i64,
    pub slots: Vec<DaySlot>,
}

/// A day's page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DayPage {
    pub day: NaiveDate,
    pub hours: Vec<u32>,
    pub iops: Vec<Iop>,
    pub operations: Vec<OperationDetail>,
    pub briefings: Vec<Briefing>,
    pub lanes: Vec<DayLane>,
    pub case_studies: Vec<CaseStudy>,
    /// How punctual each source was with that day's runs (or valid times):
    /// filled by the live server, which knows the sources.
    #[serde(default)]
    pub punctuality: Vec<crate::expected::Punctuality>,
}

/// Each lane's key products: for each of `hours`, the product valid
/// nearest it, if within the half-gap to the neighbouring hours (so one
/// product does not fill every slot of a lane that has one a day). Ties go
/// to the earlier product, then the smaller product token.
pub fn key_products(day: NaiveDate, hours: &[u32], products: &[Product]) -> Vec<DayLane> {
    let mut lanes: Vec<DayLane> = Vec::new();
    let mut members: Vec<Vec<&Product>> = Vec::new();
    for product in products {
        let found = lanes
            .iter()
            .position(|l| l.category == product.category && l.platform == product.platform);
        let index = found.unwrap_or_else(|| {
            lanes.push(DayLane {
                category: product.category.clone(),
                platform: product.platform.clone(),
                count: 0,
                slots: Vec::new(),
            });
            members.push(Vec::new());
            lanes.len() - 1
        });
        lanes[index].count += 1;
        members[index].push(product);
    }
    let start = day_start(day);
    for (lane, products) in lanes.iter_mut().zip(&members) {
        lane.slots = hours
            .iter()
            .enumerate()
            .map(|(i, &hour)| {
                let reach = reach_minutes(hours, i);
                let at = start + Duration::hours(i64::from(hour));
                let product = products
                    .iter()
                    .map(|p| ((p.valid_time - at).num_minutes().abs(), *p))
                    .filter(|(distance, _)| *distance <= reach)
                    .min_by(|(a, p), (b, q)| {
                        a.cmp(b)
                            .then(p.valid_time.cmp(&q.valid_time))
                            .then(p.product.cmp(&q.product))
                    })
                    .map(|(_, p)| p.clone());
                DaySlot { hour, product }
            })
            .collect();
    }
    lanes.sort_by(|a, b| (&a.category, &a.platform).cmp(&(&b.category, &b.platform)));
    lanes
}

/// How far from `hours[i]` a product may be to be its key product: half
/// the gap to the nearest neighbouring hour, and up to 12 h when alone.
fn reach_minutes(hours: &[u32], i: usize) -> i64 {
    let here = i64::from(hours[i]);
    let before = i.checked_sub(1).map(|j| here - i64::from(hours[j]));
    let after = hours.get(i + 1).map(|h| i64::from(*h) - here);
    let gap = before.into_iter().chain(after).min().unwrap_or(24);
    gap * 60 / 2
}

#[cfg(test)]
mod tests;
