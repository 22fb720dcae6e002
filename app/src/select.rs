//! Which products a view shows: lanes, the product nearest a time, the runs
//! that forecast one valid time, playback sequences, and the folding of dense
//! stretches into counts.
//!
//! Plain functions over the page's product list, used the same way by server
//! rendering and by the browser, and unit-tested here without a DOM.

use std::cmp::Reverse;
use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use products::record::{family, Family};
use products::Product;

/// A timeline lane: one product of one platform, written like the names it
/// comes from (`satellite.MSG.ir108`). For forecasts the product is the field
/// without its lead (`model.AROME.precip`), so every lead and run share it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LaneKey {
    pub category: String,
    pub platform: String,
    pub field: String,
}

impl LaneKey {
    pub fn of(product: &Product) -> Self {
        Self {
            category: product.category.clone(),
            platform: product.platform.clone(),
            field: product.field().to_string(),
        }
    }

    /// `category.platform.field`: name tokens never hold a dot, so this is
    /// unambiguous, and it reads like the file names it stands for.
    pub fn id(&self) -> String {
        format!("{}.{}.{}", self.category, self.platform, self.field)
    }

    pub fn parse(id: &str) -> Option<Self> {
        let mut parts = id.split('.');
        let (category, platform, field) = (parts.next()?, parts.next()?, parts.next()?);
        let valid = |s: &str| {
            !s.is_empty()
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        };
        (parts.next().is_none() && valid(category) && valid(platform) && valid(field)).then(|| {
            Self {
                category: category.into(),
                platform: platform.into(),
                field: field.into(),
            }
        })
    }

    pub fn family(&self) -> Family {
        family(&self.category)
    }

    pub fn contains(&self, product: &Product) -> bool {
        product.category == self.category
            && product.platform == self.platform
            && product.field() == self.field
    }

    /// The group (category and platform) the lane folds into.
    pub fn group(&self) -> String {
        format!("{}.{}", self.category, self.platform)
    }

    /// Display order: family, then category, platform and field.
    fn order(&self) -> (u8, &str, &str, &str) {
        (
            self.family().order(),
            &self.category,
            &self.platform,
            &self.field,
        )
    }
}

/// Every lane of `products`, in display order.
pub fn lanes<'a>(products: impl IntoIterator<Item = &'a Product>) -> Vec<LaneKey> {
    let mut keys: Vec<LaneKey> = products.into_iter().map(LaneKey::of).collect();
    keys.sort_by(|a, b| a.order().cmp(&b.order()));
    keys.dedup();
    keys
}

/// The product of `lane` valid nearest to `at`. Ties go to the one already
/// valid (before `at`), then to the newest run, then to the newest version:
/// at a briefing the latest forecast for a time is the one that counts.
pub fn nearest<'a>(
    products: impl IntoIterator<Item = &'a Product>,
    lane: &LaneKey,
    at: DateTime<Utc>,
) -> Option<&'a Product> {
    products
        .into_iter()
        .filter(|p| lane.contains(p))
        .min_by_key(|p| {
            let offset = p.valid_time - at;
            (
                offset.num_seconds().abs(),
                offset > Duration::zero(),
                Reverse(p.run_time),
                Reverse(p.version),
                Reverse(p.id),
            )
        })
}

/// Every forecast of `lane` valid at `valid`, one per run, newest run first:
/// the run-to-run comparison.
pub fn runs<'a>(
    products: impl IntoIterator<Item = &'a Product>,
    lane: &LaneKey,
    valid: DateTime<Utc>,
) -> Vec<&'a Product> {
    let mut by_run: BTreeMap<Reverse<Option<DateTime<Utc>>>, &Product> = BTreeMap::new();
    for p in products
        .into_iter()
        .filter(|p| lane.contains(p) && p.valid_time == valid)
    {
        let slot = by_run.entry(Reverse(p.run_time)).or_insert(p);
        if p.version > slot.version {
            *slot = p;
        }
    }
    by_run.into_values().collect()
}

/// The nearest product time strictly before (or after) `from`: where `←`
/// and `→` move the time cursor.
pub fn step<'a>(
    products: impl IntoIterator<Item = &'a Product>,
    from: DateTime<Utc>,
    forward: bool,
) -> Option<DateTime<Utc>> {
    let times = products.into_iter().map(|p| p.valid_time);
    if forward {
        times.filter(|t| *t > from).min()
    } else {
        times.filter(|t| *t < from).max()
    }
}

/// The frames a viewer steps and loops through from `product`: for a forecast,
/// every lead of its run; otherwise its lane within `window`, in time order.
pub fn sequence<'a>(
    products: &'a [Product],
    product: &Product,
    window: (DateTime<Utc>, DateTime<Utc>),
) -> Vec<&'a Product> {
    let lane = LaneKey::of(product);
    let mut frames: Vec<&Product> = products
        .iter()
        .filter(|p| lane.contains(p))
        .filter(
            |p| match product.run_time.filter(|_| product.lead_hours.is_some()) {
                Some(run) => p.run_time == Some(run),
                None => (window.0..=window.1).contains(&p.valid_time) || p.id == product.id,
            },
        )
        .collect();
    frames.sort_by_key(|p| (p.valid_time, p.id));
    frames
}

/// How far a product is from the cursor, in the words of a briefing:
/// "at cursor", "−12 min", "+3 h", "+2 h 30 min", "−4 d".
pub fn offset_label(offset: Duration) -> String {
    let minutes = offset.num_minutes();
    let sign = if minutes < 0 { "\u{2212}" } else { "+" };
    let m = minutes.abs();
    match m {
        0 => "at cursor".to_string(),
        1..=59 => format!("{sign}{m} min"),
        60..=2879 if m % 60 == 0 => format!("{sign}{} h", m / 60),
        60..=2879 => format!("{sign}{} h {} min", m / 60, m % 60),
        _ => format!("{sign}{} d", (m as f64 / 1440.0).round()),
    }
}

/// Whether a product this far from the cursor no longer describes the
/// situation there. Forecasts come every hour or three, satellite images every
/// few minutes, soundings a few times a day, plans daily.
pub fn is_stale(family: Family, offset: Duration) -> bool {
    let limit = match family {
        Family::Forecast => Duration::hours(3),
        Family::RemoteSensing => Duration::hours(1),
        Family::InSitu => Duration::hours(6),
        Family::Operations => Duration::hours(24),
        Family::Other => Duration::hours(6),
    };
    offset.abs() > limit
}

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
}

impl Item {
    /// Where the item starts: a mark's time, a stretch's first product.
    pub fn time(&self) -> DateTime<Utc> {
        match self {
            Item::Mark(p) => p.valid_time,
            Item::Cluster { first, .. } => *first,
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
            }
        }
        h.finish()
    }
}

/// Newest runs drawn per forecast lane; older ones stay reachable by panning
/// back or folding the lane.
pub const MAX_RUNS: usize = 6;

/// The rows of the timeline for `products` (already filtered): families, then
/// platforms, then lanes, forecasts one row per run. `range` bounds what is
/// drawn; `folded` holds the ids of folded rows.
pub fn timeline_rows(
    products: &[&Product],
    range: (DateTime<Utc>, DateTime<Utc>),
    bin_width: Duration,
    folded: &dyn Fn(&str) -> bool,
) -> Vec<Row> {
    let in_range = |p: &&&Product| (range.0..=range.1).contains(&p.valid_time);
    let mut tree: BTreeMap<(u8, String, String, String), Vec<&Product>> = BTreeMap::new();
    for p in products {
        let lane = LaneKey::of(p);
        let (o, c, pl, f) = lane.order();
        tree.entry((o, c.to_string(), pl.to_string(), f.to_string()))
            .or_default()
            .push(p);
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
            .flat_map(|(_, ps)| ps.iter().copied())
            .collect();
        let id = format!("f:{}", fam.key());
        let is_folded = folded(&id);
        rows.push(Row {
            label: fam.label().to_string(),
            kind: RowKind::Family(fam),
            depth: 0,
            family: fam,
            foldable: true,
            folded: is_folded,
            count: all.len(),
            items: if is_folded {
                bin(all.iter().filter(in_range).copied(), bin_width)
            } else {
                Vec::new()
            },
            id,
        });
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
                .flat_map(|(_, ps)| ps.iter().copied())
                .collect();
            let id = format!("g:{category}.{platform}");
            let is_folded = folded(&id);
            rows.push(Row {
                label: format!("{category} · {platform}"),
                kind: RowKind::Group,
                depth: 1,
                family: fam,
                foldable: true,
                folded: is_folded,
                count: all.len(),
                items: if is_folded {
                    bin(all.iter().filter(in_range).copied(), bin_width)
                } else {
                    Vec::new()
                },
                id,
            });
            if is_folded {
                continue;
            }
            for ((_, category, platform, field), lane_products) in group_lanes {
                let lane = LaneKey {
                    category,
                    platform,
                    field,
                };
                let forecast = lane_products
                    .iter()
                    .any(|p| p.lead_hours.is_some() && p.run_time.is_some());
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
                    rows.push(lane_row);
                    continue;
                }
                let mut by_run: BTreeMap<Reverse<DateTime<Utc>>, Vec<&Product>> = BTreeMap::new();
                for p in lane_products.iter().filter(in_range) {
                    if let Some(run) = p.run_time {
                        by_run.entry(Reverse(run)).or_default().push(p);
                    }
                }
                let hidden = by_run.len().saturating_sub(MAX_RUNS);
                if hidden > 0 {
                    lane_row.label = format!("{} (+{hidden} older runs)", lane.field);
                }
                rows.push(lane_row);
                for (Reverse(run), run_products) in by_run.into_iter().take(MAX_RUNS) {
                    rows.push(Row {
                        id: format!("r:{}.{}", lane.id(), products::name::format_time(run)),
                        label: run.format("run %d %Hz").to_string(),
                        kind: RowKind::Run(lane.clone(), run),
                        depth: 3,
                        family: fam,
                        foldable: false,
                        folded: false,
                        count: run_products.len(),
                        items: bin(run_products, bin_width),
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
    use chrono::TimeZone;

    fn at(day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, day, hour, minute, 0)
            .unwrap()
    }

    /// A product as the catalogue would describe it for `name`.
    fn product(id: i64, name: &str) -> Product {
        let parsed = products::NameRules::default().parse(name).unwrap();
        Product {
            id,
            category: parsed.category.clone(),
            platform: parsed.platform.clone(),
            product: parsed.product.clone(),
            time: parsed.time,
            run_time: parsed.run_time(),
            lead_hours: parsed.lead_hours,
            valid_time: parsed.valid_time(),
            version: 1,
            file_name: name.into(),
            media_type: "image/png".into(),
            size: 1,
            sha256: "x".into(),
            ingested_at: parsed.time,
            file_url: Product::file_url_for(id),
            missing: false,
            thumbnail_url: None,
            preview_url: None,
            preview_error: None,
            meta: Default::default(),
        }
    }

    fn lane(id: &str) -> LaneKey {
        LaneKey::parse(id).unwrap()
    }

    #[test]
    fn lane_ids_round_trip_and_refuse_junk() {
        let key = lane("model.AROME.precip");
        assert_eq!(key.id(), "model.AROME.precip");
        assert_eq!(
            LaneKey::of(&product(1, "model.AROME.202611281200.024h_precip.png")),
            key
        );
        for bad in ["model.AROME", "a.b.c.d", "a..c", "a.b.c/d", ""] {
            assert_eq!(LaneKey::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn nearest_picks_the_closest_time_in_the_lane_only() {
        let list = [
            product(1, "satellite.MSG.202611281000.ir108.png"),
            product(2, "satellite.MSG.202611281145.ir108.png"),
            product(3, "satellite.MSG.202611281230.ir108.png"),
            product(4, "satellite.MSG.202611281200.wv062.png"),
            product(5, "satellite.GOES.202611281200.ir108.png"),
        ];
        let ir = lane("satellite.MSG.ir108");
        assert_eq!(nearest(&list, &ir, at(28, 12, 0)).map(|p| p.id), Some(2));
        assert_eq!(nearest(&list, &ir, at(28, 12, 20)).map(|p| p.id), Some(3));
        assert_eq!(nearest(&list, &ir, at(20, 0, 0)).map(|p| p.id), Some(1));
        assert_eq!(nearest(&list, &lane("radar.X.y"), at(28, 12, 0)), None);
        // Equally far on both sides: the one already valid wins.
        assert_eq!(nearest(&list, &ir, at(28, 12, 7)).map(|p| p.id), Some(2));
        let tie = [
            product(6, "satellite.MSG.202611281150.ir108.png"),
            product(7, "satellite.MSG.202611281210.ir108.png"),
        ];
        assert_eq!(nearest(&tie, &ir, at(28, 12, 0)).map(|p| p.id), Some(6));
    }

    #[test]
    fn nearest_forecast_is_from_the_newest_run() {
        // Both valid at 29 Nov 00 UTC: run 28 00 + 24 h and run 28 12 + 12 h.
        let list = [
            product(1, "model.AROME.202611280000.024h_precip.png"),
            product(2, "model.AROME.202611281200.012h_precip.png"),
            product(3, "model.AROME.202611281200.015h_precip.png"),
        ];
        let got = nearest(&list, &lane("model.AROME.precip"), at(29, 0, 30));
        assert_eq!(got.map(|p| p.id), Some(2));
    }

    #[test]
    fn runs_lists_every_run_valid_then_newest_first() {
        let list = [
            product(1, "model.AROME.202611270000.048h_precip.png"),
            product(2, "model.AROME.202611281200.012h_precip.png"),
            product(3, "model.AROME.202611280000.024h_precip.png"),
            product(4, "model.AROME.202611280000.021h_precip.png"),
            product(5, "model.AROME.202611280000.024h_wind.png"),
            product(6, "model.ARPEGE.202611280000.024h_precip.png"),
        ];
        let got: Vec<i64> = runs(&list, &lane("model.AROME.precip"), at(29, 0, 0))
            .into_iter()
            .map(|p| p.id)
            .collect();
        assert_eq!(got, vec![2, 3, 1]);
        assert!(runs(&list, &lane("model.AROME.precip"), at(29, 1, 0)).is_empty());
    }

    #[test]
    fn runs_keep_the_newest_version_of_a_run() {
        let mut newer = product(9, "model.AROME.202611281200.012h_precip.png");
        newer.version = 2;
        let list = [
            product(2, "model.AROME.202611281200.012h_precip.png"),
            newer,
        ];
        let got = runs(&list, &lane("model.AROME.precip"), at(29, 0, 0));
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].id, 9);
    }

    #[test]
    fn step_moves_to_the_previous_and_next_product_time() {
        let list = [
            product(1, "surface.S1.202611281000.temp.csv"),
            product(2, "surface.S1.202611281200.temp.csv"),
            product(3, "model.AROME.202611280600.009h_precip.png"), // valid 15:00
        ];
        assert_eq!(step(&list, at(28, 12, 0), true), Some(at(28, 15, 0)));
        assert_eq!(step(&list, at(28, 12, 0), false), Some(at(28, 10, 0)));
        assert_eq!(step(&list, at(28, 15, 0), true), None);
        assert_eq!(step(&list, at(28, 10, 0), false), None);
    }

    #[test]
    fn sequence_of_a_forecast_is_its_run_by_lead() {
        let list = vec![
            product(1, "model.AROME.202611281200.006h_precip.png"),
            product(2, "model.AROME.202611281200.003h_precip.png"),
            product(3, "model.AROME.202611280000.003h_precip.png"),
            product(4, "model.AROME.202611281200.003h_wind.png"),
        ];
        let window = (at(1, 0, 0), at(1, 0, 0));
        let ids: Vec<i64> = sequence(&list, &list[0], window)
            .iter()
            .map(|p| p.id)
            .collect();
        assert_eq!(ids, vec![2, 1]);
        let sat = vec![
            product(1, "satellite.MSG.202611281200.ir108.png"),
            product(2, "satellite.MSG.202611281100.ir108.png"),
            product(3, "satellite.MSG.202611270000.ir108.png"),
        ];
        let window = (at(28, 0, 0), at(29, 0, 0));
        let ids: Vec<i64> = sequence(&sat, &sat[0], window)
            .iter()
            .map(|p| p.id)
            .collect();
        assert_eq!(ids, vec![2, 1], "only the frames in the window");
    }

    #[test]
    fn offsets_read_like_a_briefing() {
        assert_eq!(offset_label(Duration::zero()), "at cursor");
        assert_eq!(offset_label(Duration::minutes(-12)), "\u{2212}12 min");
        assert_eq!(offset_label(Duration::hours(3)), "+3 h");
        assert_eq!(offset_label(Duration::minutes(150)), "+2 h 30 min");
        assert_eq!(offset_label(Duration::days(-4)), "\u{2212}4 d");
        assert!(is_stale(Family::RemoteSensing, Duration::minutes(-61)));
        assert!(!is_stale(Family::RemoteSensing, Duration::minutes(59)));
        assert!(!is_stale(Family::Forecast, Duration::hours(-3)));
    }

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
                let name = format!("satellite.MSG.{}.ir108.png", products::name::format_time(t));
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
        let rows = timeline_rows(&refs, range, Duration::minutes(10), &|_| false);
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
        let folded = timeline_rows(&refs, range, Duration::minutes(10), &|id| {
            id == "f:forecast"
        });
        assert_eq!(
            folded[0].items.len(),
            2,
            "a folded family draws what it holds"
        );
        assert_eq!(folded[1].id, "f:remote");
    }
}
