//! The map's view, projection and tracks, checked without a browser.

use super::*;
use chrono::TimeZone;

fn t(second: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 29, 14, 0, second).unwrap()
}

#[test]
fn screen_and_globe_round_trip_and_a_zoom_keeps_its_anchor_still() {
    let view = MapView::fit([-2.0, 41.0, 6.0, 45.0]);
    let [w, s, e, n] = view.bounds();
    assert!(
        w <= -2.0 && e >= 6.0 && s <= 41.0 && n >= 45.0,
        "{:?}",
        view.bounds()
    );
    let p = [1.5, 43.5];
    let back = view.to_lon_lat(view.to_screen(p));
    assert!((back[0] - p[0]).abs() < 1e-9 && (back[1] - p[1]).abs() < 1e-9);
    let anchor = (700.0, 100.0);
    let under = view.to_lon_lat(anchor);
    let closer = view.zoomed(2.0, anchor);
    assert!((closer.deg_per_px - view.deg_per_px / 2.0).abs() < 1e-12);
    let still = closer.to_lon_lat(anchor);
    assert!((still[0] - under[0]).abs() < 1e-9 && (still[1] - under[1]).abs() < 1e-9);
    let far = view.zoomed(1e-9, anchor);
    assert_eq!(far.deg_per_px, MAX_DEG_PER_PX, "zoom is bounded");
    let dragged = view.panned(100.0, 0.0);
    assert!(
        dragged.lon < view.lon,
        "dragging right shows what lies west"
    );
}

#[test]
fn a_box_is_drawn_as_a_rectangle_and_north_is_up() {
    let view = MapView::fit([0.0, 40.0, 10.0, 50.0]);
    let (x0, y0) = view.to_screen([0.0, 50.0]);
    let (x1, y1) = view.to_screen([10.0, 40.0]);
    let (x2, y2) = view.to_screen([0.0, 40.0]);
    assert!(x1 > x0 && y1 > y0);
    assert!((x2 - x0).abs() < 1e-9 && (y2 - y1).abs() < 1e-9);
}

#[test]
fn graticule_and_scale_bar_are_round_numbers_at_every_zoom() {
    for dpp in [MIN_DEG_PER_PX, 0.003, 0.02, 0.1, MAX_DEG_PER_PX] {
        let view = MapView {
            deg_per_px: dpp,
            ..MapView::default()
        };
        let step = view.graticule_step();
        assert!(dpp * HEIGHT / step <= 8.0 || step == 30.0, "{dpp}: {step}");
        let (km, px) = view.scale_bar();
        assert!(px <= 150.0 && px > 20.0, "{dpp}: {km} km is {px} px");
        let mantissa = km / 10f64.powf(km.log10().floor());
        assert!(
            [1.0, 2.0, 5.0].iter().any(|m| (m - mantissa).abs() < 1e-9),
            "{km}"
        );
    }
}

#[test]
fn the_basemap_is_fetched_again_only_beyond_its_box_or_zoom() {
    let view = MapView::fit([-2.0, 41.0, 6.0, 45.0]);
    let (bounds, width) = basemap_request(&view, false);
    assert!(bounds[0] < -2.0 && bounds[2] > 6.0);
    assert!((16..=8_192).contains(&width));
    let held = Basemap {
        covers: Some((bounds, view.deg_per_px)),
        ..Basemap::default()
    };
    assert!(held.serves(&view));
    assert!(held.serves(&view.panned(50.0, 20.0)), "a small pan");
    assert!(!held.serves(&view.panned(900.0, 0.0)), "a long pan");
    assert!(
        !held.serves(&view.zoomed(3.0, (480.0, 270.0))),
        "a deep zoom"
    );
    assert!(!Basemap::default().serves(&view), "nothing fetched yet");
    let world = MapView {
        deg_per_px: MAX_DEG_PER_PX,
        ..MapView::default()
    };
    let (b, _) = basemap_request(&world, false);
    assert!(b[0] >= -180.0 && b[2] <= 180.0 && b[1] >= -90.0 && b[3] <= 90.0);
    assert!(Basemap {
        covers: Some((b, world.deg_per_px)),
        ..Basemap::default()
    }
    .serves(&world));
    assert_eq!(
        track_tolerance(&MapView {
            deg_per_px: 0.003,
            ..world
        }),
        2f64.powi(-9)
    );
}

#[test]
fn lite_mode_asks_for_coarser_coasts_over_the_same_box() {
    let view = MapView::fit([-2.0, 41.0, 6.0, 45.0]);
    let (full_box, full) = basemap_request(&view, false);
    let (lite_box, lite) = basemap_request(&view, true);
    assert_eq!(full_box, lite_box);
    assert_eq!(lite, (f64::from(full) / LITE_BASEMAP_PX).round() as u32);
    assert!(lite < full);
}

#[test]
fn a_ring_keeps_its_distance() {
    let ring = ring([1.37, 43.63], 300.0, 72);
    assert_eq!(ring.len(), 73);
    for [lon, lat] in ring {
        let (p1, p2) = (43.63f64.to_radians(), lat.to_radians());
        let dl = (lon - 1.37).to_radians();
        let d = (p1.sin() * p2.sin() + p1.cos() * p2.cos() * dl.cos()).acos() * 6371.0;
        assert!((d - 300.0).abs() < 0.01, "{d}");
    }
}

#[test]
fn a_track_says_where_the_platform_was_and_grows_only_forward() {
    let mut track = Track {
        points: vec![[1.0, 43.0], [2.0, 43.0]],
        times: vec![t(0), t(10)],
    };
    assert_eq!(track.at(t(5)), Some([1.5, 43.0]));
    assert_eq!(track.at(t(10)), Some([2.0, 43.0]));
    assert_eq!(track.at(t(11)), None);
    assert_eq!(track.flown_by(t(5)), 1);
    track.extend(Track {
        points: vec![[1.5, 43.0], [3.0, 44.0]],
        times: vec![t(5), t(20)],
    });
    assert_eq!(
        track.times,
        vec![t(0), t(5), t(10), t(20)],
        "a missed point goes in its place"
    );
    track.extend(Track {
        points: vec![[2.0, 43.0]],
        times: vec![t(10)],
    });
    assert_eq!(track.times.len(), 4, "a replayed point is not added twice");
    assert_eq!(track.last_time(), Some(t(20)));
    assert_eq!(track.since(Some(t(5))).times, vec![t(10), t(20)]);
    assert_eq!(track.since(None).times.len(), 4);
    assert!(track.since(Some(t(20))).times.is_empty());
    let view = MapView::fit([0.0, 42.0, 4.0, 45.0]);
    let near = view.to_screen([2.0, 43.0]);
    let (_, time) = track.time_near(&view, (near.0, near.1 + 3.0), 8.0).unwrap();
    assert_eq!(time, t(10));
    // Between two points, as it was flown: a quarter of the way, a quarter of the time.
    let quarter = view.to_screen([1.25, 43.0]);
    let (_, time) = track.time_near(&view, quarter, 8.0).unwrap();
    assert_eq!(time, t(0) + chrono::Duration::milliseconds(2_500));
    assert!(track.time_near(&view, (0.0, 0.0), 8.0).is_none());
}

#[test]
fn a_feature_of_the_api_becomes_a_track() {
    let feature: TrackFeature = serde_json::from_value(serde_json::json!({
        "type": "Feature",
        "geometry": {"type": "LineString", "coordinates": [[1.0, 43.0, 3000.0], [2.0, 43.5]]},
        "properties": {"platform": "ATR42", "times": ["2026-11-29T14:00:00Z", "2026-11-29T14:00:10.000Z"]}
    }))
    .unwrap();
    let track = Track::from(feature);
    assert_eq!(track.points, vec![[1.0, 43.0], [2.0, 43.5]]);
    assert_eq!(track.times, vec![t(0), t(10)]);
}

#[test]
fn a_views_area_stays_on_the_globe() {
    let europe = MapView::fit([-2.0, 41.0, 6.0, 45.0]);
    assert_eq!(europe.area(), europe.bounds());
    let pacific = MapView {
        lon: 180.0,
        lat: -20.0,
        deg_per_px: 0.01,
    };
    let [w, s, e, n] = pacific.area();
    assert!(
        w > 170.0 && e < -170.0 && s < -20.0 && n > -20.0,
        "{w} {s} {e} {n}"
    );
    let world = MapView {
        lon: 0.0,
        lat: 0.0,
        deg_per_px: MAX_DEG_PER_PX,
    };
    assert_eq!(world.area(), [-180.0, -90.0, 180.0, 90.0]);
}

#[test]
fn a_tracks_motion_is_its_heading_and_ground_speed_then() {
    // East along the equator, 1° (111.2 km) a minute, then north.
    let track = Track {
        points: vec![[0.0, 0.0], [1.0, 0.0], [1.0, 1.0]],
        times: vec![
            t(0),
            t(0) + chrono::Duration::minutes(1),
            t(0) + chrono::Duration::minutes(2),
        ],
    };
    let (heading, speed) = track.motion_at(t(30)).unwrap();
    assert!((heading - 90.0).abs() < 1e-6, "{heading}");
    assert!((speed - 6672.0).abs() < 5.0, "{speed}");
    let later = t(0) + chrono::Duration::seconds(90);
    assert!(track.motion_at(later).unwrap().0.abs() < 1e-6);
    // After its end, the last leg; before its start, the first.
    let end = t(0) + chrono::Duration::hours(1);
    assert!(track.motion_at(end).unwrap().0.abs() < 1e-6);
    assert!(
        (track
            .motion_at(t(0) - chrono::Duration::hours(1))
            .unwrap()
            .0
            - 90.0)
            .abs()
            < 1e-6
    );
    let single = Track {
        points: vec![[0.0, 0.0]],
        times: vec![t(0)],
    };
    assert_eq!(single.motion_at(t(0)), None);
    assert_eq!(Track::default().motion_at(t(0)), None);
    assert!((bearing([0.0, 0.0], [-1.0, 0.0]) - 270.0).abs() < 1e-9);
}
