//! A view survives its URL; windows, zooms, presets and lanes behave.

use super::*;
use chrono::{TimeZone, Timelike};
use std::collections::HashMap;

fn parse(query: &str) -> ViewState {
    let map: HashMap<String, String> =
        form_urlencoded::parse(query.trim_start_matches('?').as_bytes())
            .into_owned()
            .collect();
    ViewState::from_query(|k| map.get(k).cloned())
}

#[test]
fn a_view_survives_its_own_url() {
    let t = Utc.with_ymd_and_hms(2026, 11, 28, 14, 20, 0).unwrap();
    let view = ViewState {
        cursor: Some(t),
        from: Some(t - Duration::hours(12)),
        span_hours: 24,
        filter: Filter {
            families: [Family::Forecast, Family::InSitu].into_iter().collect(),
            category: Some("model".into()),
            platform: None,
            text: "gulf of lion & co".into(),
            new_only: true,
        },
        open: Some(42),
        lanes: Some(vec![LaneKey::parse("satellite.MSG.ir108").unwrap()]),
        runs: Some((LaneKey::parse("model.AROME.precip").unwrap(), t)),
        compare: Compare {
            a: Some(t - Duration::hours(12)),
            b: None,
            mode: crate::compare::CompareMode::Flicker,
        },
        folded: ["f:ops".to_string()].into_iter().collect(),
        pin: Some(41),
        pair: None,
        map: true,
    };
    assert_eq!(parse(&view.href()), view);
    assert_eq!(ViewState::default().with_open(None).href().len(), 1);
}

#[test]
fn junk_in_the_url_falls_back_to_defaults() {
    let view = parse("?t=yesterday&span=5&fam=bogus&open=x&lanes=a.b,c.d.e&runs=model.X.y");
    assert_eq!(view.cursor, None);
    assert_eq!(view.span_hours, DEFAULT_SPAN);
    assert!(view.filter.families.is_empty());
    assert_eq!(view.open, None);
    assert_eq!(view.lanes, Some(vec![LaneKey::parse("c.d.e").unwrap()]));
    assert_eq!(view.runs, None, "a run-to-run needs its valid time");
}

#[test]
fn zoom_keeps_the_anchor_and_stays_within_limits() {
    let now = Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap();
    let view = ViewState {
        span_hours: 48,
        ..Default::default()
    }
    .panned(0.0, now);
    let before = view.window(now).at(0.5);
    let zoomed = view.zoomed(-1, 0.5, now);
    assert_eq!(zoomed.span_hours, 24);
    assert_eq!(zoomed.window(now).at(0.5), before);
    let mut v = view.clone();
    for _ in 0..20 {
        v = v.zoomed(1, 0.5, now);
    }
    assert_eq!(v.span_hours, 720);
    assert!(!v.can_zoom(1) && v.can_zoom(-1));
}

#[test]
fn a_following_window_looks_ahead() {
    let now = Utc.with_ymd_and_hms(2026, 11, 28, 12, 34, 56).unwrap();
    let window = ViewState {
        span_hours: 48,
        ..Default::default()
    }
    .window(now);
    let pct = window.pct(now);
    assert!((24.0..=26.0).contains(&pct), "{pct}");
    assert!(
        window.contains(now + Duration::hours(35)),
        "a 2-day view shows 36 h ahead"
    );
    let widest = ViewState {
        span_hours: 720,
        ..Default::default()
    }
    .window(now);
    assert!(
        widest.contains(now - Duration::days(20)) && widest.contains(now + Duration::days(6)),
        "wide zooms add past beyond a week ahead"
    );
    let ticks = window.ticks(now);
    assert!(ticks.iter().any(|t| t.day), "a day boundary is labelled");
    assert!(ticks.len() <= 9);
}

#[test]
fn a_cursor_off_screen_brings_the_window_along() {
    let now = Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap();
    let far = now - Duration::days(10);
    let view = ViewState {
        span_hours: 24,
        ..Default::default()
    }
    .with_cursor(Some(far), now);
    let window = view.window(now);
    assert!(window.start < far && far < window.end());
}

#[test]
fn a_time_in_the_link_opens_the_window_there() {
    let now = Utc.with_ymd_and_hms(2026, 11, 29, 12, 0, 0).unwrap();
    let then = Utc.with_ymd_and_hms(2012, 9, 26, 20, 50, 0).unwrap();
    let window = parse("?t=201209262050").window(now);
    assert!(window.contains(then), "{window:?}");
    let jumped = parse("?at=2012-09-26T20:50&span=24");
    assert_eq!(jumped.cursor, Some(then));
    assert!(jumped.window(now).contains(then));
    assert_eq!(parse(&jumped.href()), jumped, "canonical once read");
    assert_eq!(
        parse("?at=2012-09-26").cursor,
        then.with_hour(0).and_then(|t| t.with_minute(0))
    );
    assert_eq!(parse("?at=nonsense").cursor, None);
    assert_eq!(parse("?at=99999-01-01").cursor, None);
}

#[test]
fn presets_name_their_windows() {
    let now = Utc.with_ymd_and_hms(2026, 11, 29, 12, 34, 0).unwrap();
    let next = ViewState::default().preset(Preset::Next72, now);
    let window = next.window(now);
    assert!(window.contains(now) && window.contains(now + Duration::hours(71)));
    assert!(next.is_preset(Preset::Next72, now));
    assert!(!next.is_preset(Preset::Last24, now));
    let last = next.preset(Preset::Last24, now).window(now);
    assert!(last.contains(now - Duration::hours(23)) && last.contains(now));
}

#[test]
fn every_family_keeps_a_default_lane() {
    let mut all: Vec<LaneKey> = (0..12)
        .map(|i| LaneKey::parse(&format!("model.M{i:02}.precip")).unwrap())
        .collect();
    all.push(LaneKey::parse("satellite.MSG.ir108").unwrap());
    all.push(LaneKey::parse("aircraft.ATR42.insitu").unwrap());
    all.push(LaneKey::parse("ops.ATR42.flightplan").unwrap());
    let lanes = default_lanes(&all);
    assert_eq!(lanes.len(), DEFAULT_LANES);
    for family in [
        Family::Forecast,
        Family::RemoteSensing,
        Family::InSitu,
        Family::Operations,
    ] {
        assert!(
            lanes.iter().any(|l| l.family() == family),
            "{family:?}: {lanes:?}"
        );
    }
    let positions: Vec<usize> = lanes
        .iter()
        .map(|l| all.iter().position(|a| a == l).unwrap())
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "timeline order");
}

#[test]
fn a_pinned_product_and_a_pair_survive_the_url() {
    let view = parse("?open=7&pin=3");
    assert_eq!((view.open, view.pin), (Some(7), Some(3)));
    let pair = view.with_pair(Some((3, 7)));
    assert_eq!((pair.open, pair.pin, pair.pair), (None, None, Some((3, 7))));
    let flicker = pair.with_compare(Compare {
        mode: crate::compare::CompareMode::Flicker,
        ..Default::default()
    });
    assert_eq!(parse(&flicker.href()), flicker);
    assert_eq!(parse("?pair=1,x").pair, None);
    assert_eq!(parse("?pin=nine").pin, None);
    assert_eq!(
        parse("?pair=99999999999999999999,1").pair,
        None,
        "beyond i64"
    );
    let junk = parse("?runs=model.A.p&valid=202611281200&ra=tomorrow&rb=&cmp=sideways");
    assert_eq!(junk.compare, Compare::default());
    assert!(junk.runs.is_some(), "the rest of the view still opens");
    assert_eq!(parse("?pair=1,2,3").pair, None);
}
