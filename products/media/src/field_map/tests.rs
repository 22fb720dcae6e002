//! The sampler, the scales and the drawing on grids built here, whose
//! values are known everywhere (a linear function is reproduced exactly by
//! bilinear interpolation on any affine grid).

use super::*;

/// A regular latitude/longitude grid, rows north to south, with
/// `value(lat, lon)` at each point.
pub(super) fn regular(
    west: f64,
    north: f64,
    step: f64,
    ni: usize,
    nj: usize,
    value: impl Fn(f64, f64) -> f64,
) -> Gridded {
    let (mut lat, mut lon, mut val) = (Vec::new(), Vec::new(), Vec::new());
    for j in 0..nj {
        for i in 0..ni {
            let (y, x) = (north - step * j as f64, west + step * i as f64);
            lat.push(y as f32);
            lon.push(x as f32);
            val.push(value(y, x) as f32);
        }
    }
    Gridded::rows(ni, nj, lat, lon, val)
}

#[test]
fn a_linear_field_is_reproduced_between_the_points() {
    let field = Located::new(regular(-10.0, 50.0, 0.5, 41, 21, |lat, lon| {
        3.0 * lat - 2.0 * lon
    }))
    .expect("points");
    for (lat, lon) in [(45.3, -3.7), (49.9, 9.9), (40.1, -9.95), (44.75, 0.25)] {
        let got = field.sample(lat, lon).expect("on the grid");
        let want = 3.0 * lat - 2.0 * lon;
        assert!(
            (f64::from(got) - want).abs() < 1e-3,
            "{lat},{lon}: {got} != {want}"
        );
    }
    assert_eq!(field.bbox(), [-10.0, 40.0, 10.0, 50.0]);
    assert!((field.spacing_km() - 0.5 * 111.2 * 0.8).abs() < 20.0);
}

#[test]
fn a_rotated_grid_is_interpolated_in_its_own_cells() {
    // Rows 30° off east, as a Lambert grid's rows are far from its centre.
    let (ni, nj) = (30, 30);
    let (s, c) = (30f64.to_radians().sin(), 30f64.to_radians().cos());
    let (mut lat, mut lon, mut val) = (Vec::new(), Vec::new(), Vec::new());
    for j in 0..nj {
        for i in 0..ni {
            let (x, y) = (i as f64 * 0.2, j as f64 * 0.2);
            let (e, n) = (x * c - y * s, x * s + y * c);
            let (la, lo) = (10.0 + n, 20.0 + e);
            lat.push(la as f32);
            lon.push(lo as f32);
            val.push((la + 5.0 * lo) as f32);
        }
    }
    let field = Located::new(Gridded::rows(ni, nj, lat, lon, val)).expect("points");
    for (la, lo) in [(12.0, 20.5), (13.1, 19.2), (11.07, 21.3)] {
        let got = f64::from(field.sample(la, lo).expect("inside"));
        assert!((got - (la + 5.0 * lo)).abs() < 2e-3, "{la},{lo}: {got}");
    }
    // Outside the rotated square, more than two spacings away: nothing.
    assert_eq!(field.sample(10.0, 26.0), None);
}

#[test]
fn a_global_grid_is_interpolated_across_its_seam() {
    let field = Located::new(regular(0.0, 90.0, 1.0, 360, 181, |_, lon| {
        lon.to_radians().cos()
    }))
    .expect("points");
    // Between 359° and 0°, asked as -0.5 and as 359.5.
    let west = field.sample(12.0, -0.5).expect("on the grid");
    let east = field.sample(12.0, 359.5).expect("on the grid");
    assert_eq!(west, east);
    assert!((f64::from(west) - 1f64.to_radians().cos()).abs() < 1e-3);
    assert_eq!(field.bbox(), [-180.0, -90.0, 179.0, 90.0]);
}

#[test]
fn a_missing_point_is_never_blended_and_far_places_are_off_the_grid() {
    let mut grid = regular(0.0, 10.0, 1.0, 5, 5, |lat, _| lat);
    grid.value[2 * 5 + 2] = f32::NAN; // (lat 8, lon 2)
    let field = Located::new(grid).expect("points");
    // Nearest the missing point: nothing.
    assert_eq!(field.sample(8.1, 2.1), None);
    // In a cell touching it: the nearest point's value, not a blend.
    assert_eq!(field.sample(8.6, 2.7), Some(9.0));
    // Clear of it: interpolated.
    assert!((field.sample(6.5, 0.5).expect("on") - 6.5).abs() < 1e-4);
    // Half a spacing beyond the edge: the edge's value; far: nothing.
    assert_eq!(field.sample(10.4, 0.0), Some(10.0));
    assert_eq!(field.sample(14.0, 0.0), None);
    assert_eq!(field.sample(f64::NAN, 0.0), None);
}

#[test]
fn points_without_rows_are_drawn_by_the_nearest() {
    let field = Located::new(Gridded::points(
        vec![0.0, 0.0, 1.0],
        vec![0.0, 1.0, 0.0],
        vec![1.0, 2.0, 3.0],
    ))
    .expect("points");
    assert_eq!(field.sample(0.1, 0.9), Some(2.0));
    assert_eq!(field.sample(0.9, 0.1), Some(3.0));
    assert!(Located::new(Gridded::points(vec![f32::NAN], vec![0.0], vec![1.0])).is_none());
}

#[test]
fn precipitation_is_clear_where_dry_and_pressure_has_isolines() {
    let rain = Located::new(regular(0.0, 1.0, 1.0, 2, 2, |lat, _| lat * 10.0)).expect("points");
    let scale = Scale::for_field("tp", Some("kg m-2"), rain.range());
    let view = View::new(Crs::LonLat, [0.0, 0.0, 1.0, 1.0], 2, 2).expect("view");
    let rgba = render(&rain, &scale, &view);
    // Top row (lat 0.75: 7.5 mm) coloured and opaque; bottom (0.25:
    // 2.5 mm) too; a box at lat 0 is dry.
    assert_eq!(rgba[3], 255);
    assert_eq!(&rgba[0..4], &scale.rgba(7.5));
    let dry = View::new(Crs::LonLat, [0.0, -0.004, 1.0, 0.004], 2, 2).expect("view");
    assert!(render(&rain, &scale, &dry).chunks(4).all(|p| p[3] == 0));

    let pressure = Located::new(regular(0.0, 10.0, 1.0, 11, 11, |_, lon| {
        100_000.0 + lon * 100.0
    }))
    .expect("points");
    let scale = Scale::for_field("msl", Some("Pa"), pressure.range());
    assert_eq!(scale.isolines, Some(400.0));
    let view = View::new(Crs::LonLat, [0.0, 0.0, 10.0, 10.0], 100, 10).expect("view");
    let rgba = render(&pressure, &scale, &view);
    let dark: Vec<usize> = (0..100).filter(|c| rgba[c * 4] == 40).collect();
    // 100 400, 100 800 and 101 200 Pa: at lon 4, 8 (and none at 0).
    assert_eq!(dark.len(), 2, "{dark:?}");
    assert!((dark[0] as f64 / 10.0 - 3.95).abs() < 0.15, "{dark:?}");
}

#[test]
fn web_mercator_rows_are_at_their_latitudes() {
    let field = Located::new(regular(-20.0, 80.0, 1.0, 41, 161, |lat, _| lat)).expect("points");
    let scale = Scale::for_field("x", None, field.range());
    // A box from the equator to 60° N in metres: its middle row is at
    // 35.26° N (the Gudermannian of half of 60° N's Mercator y), not 30°.
    let north = 6_378_137.0
        * (std::f64::consts::FRAC_PI_4 + 30f64.to_radians())
            .tan()
            .ln();
    let view = View::new(Crs::WebMercator, [-1e5, 0.0, 1e5, north], 1, 2001).expect("view");
    let values = super::render::sample_view(&field, &view);
    assert!(
        (f64::from(values[1000]) - 35.264).abs() < 0.01,
        "{}",
        values[1000]
    );
    assert!(render(&field, &scale, &view).len() == 2001 * 4);
    assert_eq!(
        View::new(Crs::LonLat, [1.0, 0.0, 0.0, 1.0], 10, 10),
        Err(ViewError::Bbox)
    );
    assert_eq!(
        View::new(Crs::LonLat, [0.0, 0.0, 1.0, 1.0], 0, 10),
        Err(ViewError::Size)
    );
}

#[test]
fn scales_round_their_range_and_legends_are_labelled() {
    let scale = Scale::for_field("gh", Some("gpm"), Some((5123.0, 5871.0)));
    assert_eq!((scale.min, scale.max), (5100.0, 5900.0));
    assert_eq!(scale.ticks.first(), Some(&5100.0));
    assert_eq!(scale.isolines, Some(100.0));
    let pressure = Scale::for_field("msl", Some("Pa"), None);
    let svg = legend_svg("Mean sea level pressure <msl>", &pressure);
    let doc = roxmltree::Document::parse(&svg).expect("well-formed SVG");
    let texts: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .collect();
    assert_eq!(texts[0], "Mean sea level pressure <msl> (hPa)");
    assert_eq!(
        &texts[1..],
        ["970", "980", "990", "1000", "1010", "1020", "1030", "1040"]
    );
    let temperature = legend_svg("2t", &Scale::for_field("2t", Some("K"), None));
    assert!(temperature.contains(">-40<") && temperature.contains(">40<"));
    let rain = legend_svg("tp", &Scale::for_field("tp", Some("kg m-2"), None));
    assert!(rain.contains("clear under 0.1"));
}

#[test]
fn a_png_legend_has_the_bar_as_drawn_and_its_letters() {
    let scale = Scale::for_field("msl", Some("Pa"), None);
    let decode = |png: Vec<u8>| image::load_from_memory(&png).expect("PNG").to_rgba8();
    let legend = decode(legend_png("msl", &scale).expect("drawn"));
    assert_eq!(legend.dimensions(), (320, 60));
    // The bar's ends are the palette's ends.
    assert_eq!(legend.get_pixel(12, 25).0, scale.palette.rgba(0.0));
    assert_eq!(legend.get_pixel(307, 25).0, scale.palette.rgba(1.0));
    // Lettered: ink in the heading and under the ticks, and another title
    // is other letters.
    let ink = |image: &image::RgbaImage, rows: std::ops::Range<u32>| {
        rows.flat_map(|y| (0..320).map(move |x| (x, y)))
            .filter(|&(x, y)| image.get_pixel(x, y).0 == [40, 40, 40, 255])
            .count()
    };
    assert!(ink(&legend, 3..11) > 40, "a heading");
    assert!(ink(&legend, 42..50) > 40, "tick labels");
    let other = decode(legend_png("prmsl", &scale).expect("drawn"));
    assert_ne!(ink(&legend, 3..11), ink(&other, 3..11));
    assert_eq!(ink(&legend, 42..50), ink(&other, 42..50));
}

#[test]
fn places_far_off_any_grid_are_nothing_not_a_panic() {
    // A hostile grid's latitudes: one of them 1e30.
    let field = Located::new(Gridded::points(
        vec![0.0, 1e30, 0.5],
        vec![0.0, 0.0, 0.5],
        vec![1.0, 2.0, 3.0],
    ))
    .expect("points");
    assert_eq!(field.sample(1e29, 0.0), None);
    assert_eq!(field.sample(-1e300, 1e300), None);
}
