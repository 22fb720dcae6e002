//! Sections of fields built here, whose values are known everywhere: a
//! field linear in latitude on each level, levels apart by a known step.

use super::tests::regular;
use super::*;

/// Three levels (1000, 700, 300 hPa) of `lat + offset(level)`.
fn levels() -> Vec<(f64, Located)> {
    [(1000.0, 0.0), (700.0, 100.0), (300.0, 200.0)]
        .into_iter()
        .map(|(p, offset)| {
            let grid = regular(-20.0, 70.0, 0.5, 81, 61, move |lat, _| lat + offset);
            (p, Located::new(grid).expect("points"))
        })
        .collect()
}

fn waypoint(lat: f64, lon: f64, label: &str, alt_m: Option<f64>) -> PathPoint {
    PathPoint {
        lat,
        lon,
        label: label.into(),
        alt_m,
    }
}

#[test]
fn a_section_samples_every_level_along_the_great_circles() {
    let owned = levels();
    let levels: Vec<(f64, &Located)> = owned.iter().map(|(p, l)| (*p, l)).collect();
    // Due north along a meridian, then east along 50° N.
    let path = [
        waypoint(40.0, 0.0, "TLS", Some(0.0)),
        waypoint(50.0, 0.0, "A", Some(6000.0)),
        waypoint(50.0, 10.0, "B", Some(11_000.0)),
    ];
    let s = section("t", Some("K"), None, &levels, &path, 51);
    assert_eq!(s.levels, [1000.0, 700.0, 300.0]);
    assert_eq!(s.distance_km.len(), 51);
    let leg1 = distance_km(40.0, 0.0, 50.0, 0.0);
    let leg2 = distance_km(50.0, 0.0, 50.0, 10.0);
    assert!((s.distance_km[50] - (leg1 + leg2)).abs() < 1e-3);
    assert_eq!(
        s.waypoints
            .iter()
            .map(|w| w.label.as_str())
            .collect::<Vec<_>>(),
        ["TLS", "A", "B"]
    );
    assert!((s.waypoints[1].distance_km - leg1).abs() < 1e-3);
    // On the first leg the places are on the meridian, evenly spaced.
    for k in 0..51 {
        if s.distance_km[k] <= leg1 {
            assert!(s.lon[k].abs() < 1e-9);
            let lat = 40.0 + 10.0 * s.distance_km[k] / leg1;
            assert!((s.lat[k] - lat).abs() < 1e-4, "{k}: {}", s.lat[k]);
        }
        // Every level's value is the field's at that place.
        for (z, offset) in [0.0, 100.0, 200.0].into_iter().enumerate() {
            let v = f64::from(s.values[z][k].expect("on the grid"));
            assert!((v - (s.lat[k] + offset)).abs() < 1e-3, "{z} {k}: {v}");
        }
    }
    // The great circle from A to B bulges north of 50°.
    assert!(s.lat[40] > 50.0);
    // ICAO standard atmosphere at the waypoints.
    let hpa: Vec<f64> = s
        .waypoints
        .iter()
        .map(|w| w.pressure_hpa.unwrap())
        .collect();
    assert!((hpa[0] - 1013.25).abs() < 1e-6);
    assert!((hpa[1] - 471.8).abs() < 0.1, "{}", hpa[1]);
    assert!((pressure_at(5574.0) - 500.0).abs() < 0.1);
    assert!((hpa[2] - 226.3).abs() < 0.1, "{}", hpa[2]);
    assert!((pressure_at(12_000.0) - 193.3).abs() < 0.1);
}

#[test]
fn between_levels_a_value_is_linear_in_log_pressure() {
    let owned = levels();
    let levels: Vec<(f64, &Located)> = owned.iter().map(|(p, l)| (*p, l)).collect();
    let path = [waypoint(45.0, 0.0, "", None), waypoint(45.0, 1.0, "", None)];
    let s = section("t", None, None, &levels, &path, 2);
    let at_45 = s.values[0][0].unwrap();
    assert!((at_45 - 45.0).abs() < 1e-3);
    assert_eq!(s.value_at(0, 1000.0), Some(at_45));
    // Halfway in log p between 1000 and 700 hPa: halfway in value.
    let mid = (1000f64.ln() * 0.5 + 700f64.ln() * 0.5).exp();
    assert!((s.value_at(0, mid).unwrap() - (at_45 + 50.0)).abs() < 1e-3);
    assert!((s.value_at(0, 300.0).unwrap() - (at_45 + 200.0)).abs() < 1e-3);
    assert_eq!(s.value_at(0, 1010.0), None, "below the lowest level");
    assert_eq!(s.value_at(0, 250.0), None, "above the highest");
    // Drawn from 1050 to 180 hPa: clear below 1000 hPa and above 300.
    let scale = Scale::for_field("x", None, Some((0.0, 300.0)));
    let rgba = s.rgba(&scale, 4, 100, 1050.0, 180.0);
    let alpha = |row: usize| rgba[row * 16 + 3];
    assert_eq!(alpha(99), 0, "1046 hPa");
    assert_eq!(alpha(1), 0, "183 hPa");
    assert_eq!(alpha(50), 255);
    let png = section_png(&s, &scale, 4, 100, 1050.0, 180.0).unwrap();
    assert_eq!(
        image::load_from_memory(&png).unwrap().to_rgba8().into_raw(),
        rgba
    );
}

#[test]
fn the_chart_names_waypoints_marks_pressures_and_draws_the_planned_altitude() {
    let owned = levels();
    let levels: Vec<(f64, &Located)> = owned.iter().map(|(p, l)| (*p, l)).collect();
    let path = [
        waypoint(40.0, 0.0, "TLS", Some(0.0)),
        waypoint(50.0, 0.0, "A<1>", Some(6000.0)),
        waypoint(50.0, 10.0, "B", Some(6000.0)),
    ];
    let s = section("t", Some("K"), None, &levels, &path, 51);
    let scale = Scale::for_field("t", Some("K"), Some((40.0, 270.0)));
    let svg = section_svg(&s, &scale, "t (K) along the plan");
    let doc = roxmltree::Document::parse(&svg).expect("well-formed SVG");
    let texts: Vec<&str> = doc.descendants().filter_map(|n| n.text()).collect();
    for label in ["TLS", "A<1>", "B", "1000 hPa", "500 hPa", "300 hPa"] {
        assert!(texts.contains(&label), "{label} in {texts:?}");
    }
    assert!(!texts.contains(&"200 hPa"), "above the top level");
    let line = doc
        .descendants()
        .find(|n| n.attribute("class") == Some("planned-altitude"))
        .expect("the planned altitude");
    let ys: Vec<f64> = line
        .attribute("points")
        .unwrap()
        .split(' ')
        .map(|p| p.split(',').nth(1).unwrap().parse().unwrap())
        .collect();
    // At the ground (clamped to 1000 hPa, the chart's foot), then level.
    assert!(ys[0] > ys[1] && (ys[1] - ys[2]).abs() < 1e-9, "{ys:?}");
    let image = doc.descendants().find(|n| n.has_tag_name("image")).unwrap();
    assert!(image
        .attribute("href")
        .unwrap()
        .starts_with("data:image/png;base64,"));
}
