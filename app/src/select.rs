//! Which products a view picks: lanes, the product nearest a time, the runs
//! that forecast one valid time, cursor steps and playback sequences.
//!
//! Plain functions over the page's product list, used the same way by server
//! rendering and by the browser, and unit-tested here without a DOM.

use std::cmp::Reverse;
use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use model::record::{family, Family};
use model::Product;

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
    pub(crate) fn order(&self) -> (u8, &str, &str, &str) {
        (
            self.family().order(),
            &self.category,
            &self.platform,
            &self.field,
        )
    }
}

/// Every lane of `products`, in display order.
/// Whether `product` shows as a picture on a situation card: an image, or a
/// file drawn into a thumbnail. A GRIB or NetCDF file not drawn yet would be
/// a grey card naming its media type, so it chooses no card of the default
/// grid (its lane stays on the timeline, and can be picked).
pub fn pictured(product: &Product) -> bool {
    product.thumbnail_url.is_some() || product.media_type.starts_with("image/")
}

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

/// The valid time of `lane` nearest strictly before (or after) `valid` that
/// `run` covers (any run when `None`): where run-to-run steps both pictures.
pub fn valid_step<'a>(
    products: impl IntoIterator<Item = &'a Product>,
    lane: &LaneKey,
    run: Option<DateTime<Utc>>,
    valid: DateTime<Utc>,
    forward: bool,
) -> Option<DateTime<Utc>> {
    let times = products
        .into_iter()
        .filter(|p| lane.contains(p) && p.lead_hours.is_some())
        .filter(|p| run.is_none_or(|r| p.run_time == Some(r)))
        .map(|p| p.valid_time);
    if forward {
        times.filter(|t| *t > valid).min()
    } else {
        times.filter(|t| *t < valid).max()
    }
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

/// The id `by` frames away from `id` in `frames`, wrapping at the ends (a
/// loop plays on from the last frame to the first); `None` when `id` is not a
/// frame or there is no other frame to go to.
pub fn frame_after(frames: &[impl std::borrow::Borrow<Product>], id: i64, by: i64) -> Option<i64> {
    let len = frames.len() as i64;
    let at = frames.iter().position(|p| p.borrow().id == id)? as i64;
    (len > 1).then(|| frames[(at + by).rem_euclid(len) as usize].borrow().id)
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

/// What the viewer shows for an image: the screen preview when made (light on
/// satcom links), the original otherwise, and always for GIFs, whose
/// animation it keeps. `None` when there is nothing to show as an image.
pub fn picture(product: &Product) -> Option<String> {
    match &product.preview_url {
        Some(preview) if product.media_type != "image/gif" => Some(preview.clone()),
        _ if product.is_image() => Some(product.file_url.clone()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::fixtures::{at, product};

    fn lane(id: &str) -> LaneKey {
        LaneKey::parse(id).unwrap()
    }

    #[test]
    fn a_grib_not_drawn_yet_is_no_picture_and_one_drawn_is() {
        let image = product(1, "satellite.MSG.202611281200.ir108.png");
        assert!(pictured(&image));
        let mut grib = product(2, "model.ICON.202611281200.024h_fields.grib2");
        grib.media_type = "application/x-grib".into();
        assert!(!pictured(&grib));
        grib.thumbnail_url = Some("/api/v1/products/2/thumbnail".into());
        assert!(pictured(&grib));
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
    fn frames_step_and_wrap_around() {
        let list = vec![
            product(1, "model.AROME.202611281200.000h_precip.png"),
            product(2, "model.AROME.202611281200.003h_precip.png"),
            product(3, "model.AROME.202611281200.006h_precip.png"),
        ];
        assert_eq!(frame_after(&list, 1, 1), Some(2));
        assert_eq!(frame_after(&list, 3, 1), Some(1), "the loop wraps");
        assert_eq!(frame_after(&list, 1, -1), Some(3));
        assert_eq!(frame_after(&list, 9, 1), None);
        assert_eq!(
            frame_after(&list[..1], 1, 1),
            None,
            "a single frame goes nowhere"
        );
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
}
