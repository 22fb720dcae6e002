//! The rows of the timeline: families, platforms, lanes, forecast runs, and
//! what each draws — marks, or one counted bar where a stretch is too dense.
//!
//! Plain functions over the page's product list, like [`crate::select`].

use std::cmp::Reverse;
use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use model::expected::Expected;
use model::record::{family, Family};
use model::Product;

use crate::select::LaneKey;

/// What the timeline draws at one place of a row.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    /// One product.
    Mark(Box<Product>),
    /// A stretch too dense for separate marks, drawn as a bar with its count.
    Cluster {
        first: DateTime<Utc>,
        last: DateTime<Utc>,
        count: usize,
    },
    /// A product the campaign expects that has not come: a hollow mark.
    Expected(Box<Expected>),
}

impl Item {
    /// Where the item starts: a mark's time, a stretch's first product.
    pub fn time(&self) -> DateTime<Utc> {
        match self {
            Item::Mark(p) => p.valid_time,
            Item::Cluster { first, .. } => *first,
            Item::Expected(e) => e.valid,
        }
    }
}

/// More products than this in one bin fold into a count.
pub const MAX_MARKS_PER_BIN: usize = 3;
/// Adjacent occupied bins holding at least this many products between them
/// are a dense stretch: their marks would touch.
const DENSE_RUN: usize = 4;

/// Bins `products` by `bin` width (aligned on the epoch, so bins stay put
/// while panning; about one mark wide). Runs of adjacent occupied bins that
/// are dense — a bin over [`MAX_MARKS_PER_BIN`], or [`DENSE_RUN`] products
/// over two bins or more — fold into one count spanning the stretch; the
/// rest stay marks. A lane of images every few minutes, seen over two days,
/// is one bar with its count rather than hundreds of overlapping marks.
pub fn bin<'a>(products: impl IntoIterator<Item = &'a Product>, bin: Duration) -> Vec<Item> {
    let width = bin.num_milliseconds().max(1);
    let mut bins: BTreeMap<i64, Vec<&Product>> = BTreeMap::new();
    for p in products {
        bins.entry(p.valid_time.timestamp_millis().div_euclid(width))
            .or_default()
            .push(p);
    }
    let mut runs: Vec<Vec<Vec<&Product>>> = Vec::new();
    let mut last_index = None;
    for (index, members) in bins {
        match runs.last_mut() {
            Some(run) if last_index == Some(index - 1) => run.push(members),
            _ => runs.push(vec![members]),
        }
        last_index = Some(index);
    }
    let mut items = Vec::new();
    for run in runs {
        let total: usize = run.iter().map(Vec::len).sum();
        let dense = run.iter().any(|b| b.len() > MAX_MARKS_PER_BIN)
            || (run.len() >= 2 && total >= DENSE_RUN);
        let mut members: Vec<&Product> = run.into_iter().flatten().collect();
        if dense {
            let times = members.iter().map(|p| p.valid_time);
            items.push(Item::Cluster {
                first: times.clone().min().unwrap_or_default(),
                last: times.max().unwrap_or_default(),
                count: total,
            });
        } else {
            members.sort_by_key(|p| (p.valid_time, p.id));
            items.extend(members.into_iter().map(|p| Item::Mark(Box::new(p.clone()))));
        }
    }
    items
}

/// What a row of the timeline is.
#[derive(Clone, Debug, PartialEq)]
pub enum RowKind {
    Family(Family),
    /// A category and platform (`model.AROME`).
    Group,
    Lane(LaneKey),
    /// One run of a forecast lane.
    Run(LaneKey, DateTime<Utc>),
}

/// One row of the timeline, header or lane, with what it draws.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// Stable across renders: the key of folding and of the DOM.
    pub id: String,
    pub kind: RowKind,
    pub label: String,
    /// Indentation level: family 0, group 1, lane 2, run 3.
    pub depth: u8,
    pub family: Family,
    /// Whether the row can fold, and whether it is folded.
    pub foldable: bool,
    pub folded: bool,
    /// Products under the row in the whole loaded list (all times).
    pub count: usize,
    /// Drawn items within the render range (for a folded header: everything under it).
    pub items: Vec<Item>,
}

impl Row {
    /// A digest of everything the row draws: the DOM key, so that a row is
    /// rebuilt exactly when it changed.
    pub fn signature(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (&self.id, &self.label, self.folded, self.count).hash(&mut h);
        for item in &self.items {
            match item {
                Item::Mark(p) => {
                    (p.id, p.version, p.valid_time, p.missing, &p.thumbnail_url).hash(&mut h)
                }
                Item::Cluster { first, last, count } => (first, last, count).hash(&mut h),
                Item::Expected(e) => (&e.source, e.valid, e.lead).hash(&mut h),
            }
        }
        h.finish()
    }
}

/// Newest runs drawn per forecast lane; older ones stay reachable by panning
/// back or folding the lane.
pub const MAX_RUNS: usize = 6;

/// The lane an expected product goes to: the one its product token names
/// (an expectation without a token has no lane on the board).
fn lane_of(expected: &Expected) -> Option<LaneKey> {
    let token = expected.product.as_deref()?;
    let field = if expected.category == model::name::MODEL {
        model::name::strip_lead(token)
    } else {
        token
    };
    Some(LaneKey {
        category: expected.category.clone(),
        platform: expected.platform.clone(),
        field: field.to_string(),
    })
}

/// The hollow marks among `expected` within `range`.
fn hollow(expected: &[&Expected], range: (DateTime<Utc>, DateTime<Utc>)) -> Vec<Item> {
    expected
        .iter()
        .filter(|e| (range.0..=range.1).contains(&e.valid))
        .map(|e| Item::Expected(Box::new((*e).clone())))
        .collect()
}

/// The rows of the timeline for `products` (already filtered): families, then
/// platforms, then lanes, forecasts one row per run. `expected` (not yet
/// come) are drawn hollow in their lanes and runs, which they open if no
/// product has yet. `range` bounds what is drawn; `folded` holds the ids of
/// folded rows.
pub fn timeline_rows(
    products: &[&Product],
    expected: &[&Expected],
    range: (DateTime<Utc>, DateTime<Utc>),
    bin_width: Duration,
    folded: &dyn Fn(&str) -> bool,
) -> Vec<Row> {
    let in_range = |p: &&&Product| (range.0..=range.1).contains(&p.valid_time);
    // A family or platform header: empty while open, drawing all it holds when folded.
    let header =
        |id: String, label: String, kind: RowKind, depth: u8, fam: Family, all: &[&Product]| {
            let is_folded = folded(&id);
            let items = if is_folded {
                bin(all.iter().filter(in_range).copied(), bin_width)
            } else {
                Vec::new()
            };
            let row = Row {
                id,
                kind,
                label,
                depth,
                family: fam,
                foldable: true,
                folded: is_folded,
                count: all.len(),
                items,
            };
            (row, is_folded)
        };
    type Lane<'a> = (Vec<&'a Product>, Vec<&'a Expected>);
    let mut tree: BTreeMap<(u8, String, String, String), Lane> = BTreeMap::new();
    let key = |lane: &LaneKey| {
        let (o, c, pl, f) = lane.order();
        (o, c.to_string(), pl.to_string(), f.to_string())
    };
    for p in products {
        tree.entry(key(&LaneKey::of(p))).or_default().0.push(p);
    }
    for e in expected {
        if let Some(lane) = lane_of(e) {
            tree.entry(key(&lane)).or_default().1.push(e);
        }
    }
    let mut rows = Vec::new();
    let mut lanes = tree.into_iter().peekable();
    while let Some(((order, ..), _)) = lanes.peek() {
        let order = *order;
        let mut family_lanes = Vec::new();
        while let Some(entry) = lanes.next_if(|((o, ..), _)| *o == order) {
            family_lanes.push(entry);
        }
        let fam = family(&family_lanes[0].0 .1);
        let all: Vec<&Product> = family_lanes
            .iter()
            .flat_map(|(_, (ps, _))| ps.iter().copied())
            .collect();
        let (row, is_folded) = header(
            format!("f:{}", fam.key()),
            fam.label().to_string(),
            RowKind::Family(fam),
            0,
            fam,
            &all,
        );
        rows.push(row);
        if is_folded {
            continue;
        }
        let mut groups = family_lanes.into_iter().peekable();
        while let Some(((_, category, platform, _), _)) = groups.peek() {
            let (category, platform) = (category.clone(), platform.clone());
            let mut group_lanes = Vec::new();
            while let Some(entry) =
                groups.next_if(|((_, c, p, _), _)| *c == category && *p == platform)
            {
                group_lanes.push(entry);
            }
            let all: Vec<&Product> = group_lanes
                .iter()
                .flat_map(|(_, (ps, _))| ps.iter().copied())
                .collect();
            let (row, is_folded) = header(
                format!("g:{category}.{platform}"),
                format!("{category} · {platform}"),
                RowKind::Group,
                1,
                fam,
                &all,
            );
            rows.push(row);
            if is_folded {
                continue;
            }
            for ((_, category, platform, field), (lane_products, lane_expected)) in group_lanes {
                let lane = LaneKey {
                    category,
                    platform,
                    field,
                };
                let forecast = lane_products
                    .iter()
                    .any(|p| p.lead_hours.is_some() && p.run_time.is_some())
                    || lane_expected.iter().any(|e| e.run.is_some());
                let id = format!("l:{}", lane.id());
                let is_folded = forecast && folded(&id);
                let mut lane_row = Row {
                    label: lane.field.clone(),
                    kind: RowKind::Lane(lane.clone()),
                    depth: 2,
                    family: fam,
                    foldable: forecast,
                    folded: is_folded,
                    count: lane_products.len(),
                    items: Vec::new(),
                    id,
                };
                if !forecast || is_folded {
                    lane_row.items = bin(lane_products.iter().filter(in_range).copied(), bin_width);
                    lane_row.items.extend(hollow(&lane_expected, range));
                    rows.push(lane_row);
                    continue;
                }
                let mut by_run: BTreeMap<Reverse<DateTime<Utc>>, Lane> = BTreeMap::new();
                for p in lane_products.iter().filter(in_range) {
                    if let Some(run) = p.run_time {
                        by_run.entry(Reverse(run)).or_default().0.push(p);
                    }
                }
                for e in &lane_expected {
                    if let Some(run) = e.run.filter(|_| (range.0..=range.1).contains(&e.valid)) {
                        by_run.entry(Reverse(run)).or_default().1.push(e);
                    }
                }
                let hidden = by_run.len().saturating_sub(MAX_RUNS);
                if hidden > 0 {
                    lane_row.label = format!("{} (+{hidden} older runs)", lane.field);
                }
                rows.push(lane_row);
                for (Reverse(run), (run_products, run_expected)) in
                    by_run.into_iter().take(MAX_RUNS)
                {
                    let mut items = bin(run_products.iter().copied(), bin_width);
                    items.extend(hollow(&run_expected, range));
                    rows.push(Row {
                        id: format!("r:{}.{}", lane.id(), model::name::format_time(run)),
                        label: run.format("run %d %Hz").to_string(),
                        kind: RowKind::Run(lane.clone(), run),
                        depth: 3,
                        family: fam,
                        foldable: false,
                        folded: false,
                        count: run_products.len(),
                        items,
                    });
                }
            }
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::fixtures::{at, product};

    #[test]
    fn dense_bins_fold_into_counts() {
        let mut list = Vec::new();
        for minute in 0..10 {
            list.push(product(
                minute,
                &format!("satellite.MSG.2026112812{minute:02}.ir108.png"),
            ));
        }
        list.push(product(99, "satellite.MSG.202611281800.ir108.png"));
        let items = bin(&list, Duration::hours(1));
        assert_eq!(items.len(), 2);
        assert!(matches!(items[0], Item::Cluster { count: 10, .. }));
        assert!(matches!(&items[1], Item::Mark(p) if p.id == 99));
        assert_eq!(
            bin(&list[..3], Duration::hours(1)).len(),
            3,
            "three marks stay marks"
        );
    }

    #[test]
    fn a_dense_series_is_one_stretch_and_sparse_ones_stay_marks() {
        // Every 15 minutes for six hours, in 30-minute bins: one stretch.
        let list: Vec<Product> = (0..24)
            .map(|i| {
                let t = at(28, 6, 0) + Duration::minutes(15 * i);
                let name = format!("satellite.MSG.{}.ir108.png", model::name::format_time(t));
                product(i, &name)
            })
            .collect();
        let items = bin(&list, Duration::minutes(30));
        assert_eq!(items.len(), 1);
        match &items[0] {
            Item::Cluster { first, last, count } => {
                assert_eq!((*first, *last, *count), (at(28, 6, 0), at(28, 11, 45), 24))
            }
            other => panic!("expected a stretch, got {other:?}"),
        }
        // Hourly, in 30-minute bins: an empty bin between each, all marks.
        let hourly: Vec<Product> = (0..6)
            .map(|i| product(i, &format!("surface.S1.20261128{:02}00.t2m.csv", 6 + i)))
            .collect();
        let items = bin(&hourly, Duration::minutes(30));
        assert_eq!(items.len(), 6);
        assert!(items.iter().all(|i| matches!(i, Item::Mark(_))));
    }

    #[test]
    fn rows_group_by_family_platform_lane_and_run() {
        let list = [
            product(1, "surface.S1.202611281200.temp.csv"),
            product(2, "model.AROME.202611281200.006h_precip.png"),
            product(3, "model.AROME.202611280000.018h_precip.png"),
            product(4, "satellite.MSG.202611281200.ir108.png"),
        ];
        let refs: Vec<&Product> = list.iter().collect();
        let range = (at(27, 0, 0), at(30, 0, 0));
        let rows = timeline_rows(&refs, &[], range, Duration::minutes(10), &|_| false);
        let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(
            ids,
            vec![
                "f:forecast",
                "g:model.AROME",
                "l:model.AROME.precip",
                "r:model.AROME.precip.202611281200",
                "r:model.AROME.precip.202611280000",
                "f:remote",
                "g:satellite.MSG",
                "l:satellite.MSG.ir108",
                "f:insitu",
                "g:surface.S1",
                "l:surface.S1.temp",
            ]
        );
        let folded = timeline_rows(&refs, &[], range, Duration::minutes(10), &|id| {
            id == "f:forecast"
        });
        assert_eq!(
            folded[0].items.len(),
            2,
            "a folded family draws what it holds"
        );
        assert_eq!(folded[1].id, "f:remote");
    }

    #[test]
    fn an_expected_run_opens_its_row_and_draws_hollow_marks() {
        let list = [product(1, "model.AROME.202611281200.006h_precip.png")];
        let refs: Vec<&Product> = list.iter().collect();
        let expect = |run: u32, lead: u32| Expected {
            source: "arome".into(),
            category: "model".into(),
            platform: "AROME".into(),
            product: Some(format!("{lead:03}h_precip")),
            run: Some(at(28, run, 0)),
            lead: Some(lead),
            valid: at(28, run, 0) + Duration::hours(i64::from(lead)),
            due_at: at(28, run + 3, 0),
            deadline_at: at(28, run + 4, 0),
            status: model::expected::Status::Due,
            product_id: None,
        };
        // The 12z run's +9 h, and a whole 18z run not yet come.
        let expected = [expect(12, 9), expect(18, 0)];
        let wanted: Vec<&Expected> = expected.iter().collect();
        let range = (at(27, 0, 0), at(30, 0, 0));
        let rows = timeline_rows(&refs, &wanted, range, Duration::minutes(10), &|_| false);
        let run = |id: &str| rows.iter().find(|r| r.id == id).unwrap();
        let twelve = run("r:model.AROME.precip.202611281200");
        assert_eq!(twelve.count, 1, "hollow marks are not products loaded");
        assert!(
            matches!(&twelve.items[..], [Item::Mark(_), Item::Expected(e)] if e.lead == Some(9))
        );
        let eighteen = run("r:model.AROME.precip.202611281800");
        assert!(matches!(&eighteen.items[..], [Item::Expected(e)] if e.lead == Some(0)));
        // A lane only expected so far has its rows too.
        let other = [Expected {
            product: Some("003h_t2m".into()),
            ..expect(12, 3)
        }];
        let wanted: Vec<&Expected> = other.iter().collect();
        let rows = timeline_rows(&refs, &wanted, range, Duration::minutes(10), &|_| false);
        assert!(rows
            .iter()
            .any(|r| r.id == "r:model.AROME.t2m.202611281200"));
        // A row with a hollow mark is redrawn when the mark goes.
        let plain = timeline_rows(&refs, &[], range, Duration::minutes(10), &|_| false);
        let twelve_plain = plain
            .iter()
            .find(|r| r.id == "r:model.AROME.precip.202611281200")
            .unwrap();
        assert_ne!(twelve.signature(), twelve_plain.signature());
    }
}
