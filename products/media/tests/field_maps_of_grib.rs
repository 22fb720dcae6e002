//! GRIB2 fields as the map samples them, checked against ecCodes on the
//! same real files as the decoder (`scripts/grib-samples.sh`): at each of
//! `grib_get_data`'s points the map's value is ecCodes' value there (and
//! nothing where ecCodes says missing), whatever the grid and its scanning
//! mode; halfway between two neighbours of the grid's rows it is between
//! their values, which holds only if the rows were laid out right.

mod samples;

use std::io::Cursor;

use media::field_map::{render_png, sample_view, Crs, Located, Scale, View};
use media::grib::{gridded, Limits};
use samples::{sample, their_points};

const CASES: [(&str, usize, &str); 7] = [
    ("gfs.t12z.pgrbf120.2p5deg.grib2", 0, "regular_ll"),
    ("eta.grb", 5, "lambert"),
    ("safrica.grib2", 1, "polar_stereographic"),
    ("ds.maxt.bin", 0, "lambert"),
    ("scanning_mode_with_bitmap.grib2", 0, "regular_ll"),
    ("ecmwf_tigge.grb", 7, "reduced_gg"),
    (
        "/usr/share/eccodes/ifs_samples/grib1_mlgrib2_ccsds/gg_sfc_grib2.tmpl",
        0,
        "reduced_gg",
    ),
];

#[test]
fn the_map_samples_each_grid_point_as_decoded_and_missing_points_as_nothing() {
    for (name, index, kind) in CASES {
        let (path, bytes) = sample(name);
        let grid = gridded(Cursor::new(&bytes), index, Limits::default()).unwrap();
        assert_eq!(grid.shape.is_none(), kind == "reduced_gg", "{name}");
        // The decoder's test holds each decoded point to ecCodes' at its
        // place; here the count of missing points is ecCodes' too.
        let theirs = their_points(path.to_str().unwrap(), index);
        let their_missing = theirs.iter().filter(|t| t[2].is_nan()).count();
        let our_missing = grid.value.iter().filter(|v| v.is_nan()).count();
        assert_eq!(our_missing, their_missing, "{name}");
        let field = Located::new(grid.clone()).unwrap();
        let mut checked = 0;
        for k in (0..grid.len()).step_by((grid.len() / 3000).max(1)) {
            let (lat, lon) = (f64::from(grid.lat[k]), f64::from(grid.lon[k]));
            let got = field.sample(lat, lon);
            let want = grid.value[k];
            let at = format!("{name} ({kind}) point {k} at {lat},{lon}: {got:?} for {want}");
            if want.is_nan() {
                assert_eq!(got, None, "{at}");
            } else {
                let got = got.expect(&at);
                assert!((got - want).abs() <= 1e-4 * want.abs().max(1.0), "{at}");
            }
            checked += 1;
        }
        assert!(checked >= grid.len().min(1000), "{name}: {checked}");
    }
}

#[test]
fn halfway_along_a_row_or_a_column_is_between_the_two_points() {
    for (name, index, kind) in CASES.iter().filter(|c| c.2 != "reduced_gg") {
        let (_, bytes) = sample(name);
        let grid = gridded(Cursor::new(&bytes), *index, Limits::default()).unwrap();
        let (ni, nj) = grid.shape.unwrap();
        let field = Located::new(grid.clone()).unwrap();
        let mut checked = 0;
        for k in (0..ni * nj).step_by((ni * nj / 500).max(1)) {
            let (i, j) = (k % ni, k / ni);
            for m in [
                (i + 1 < ni).then_some(k + 1),
                (j + 1 < nj).then_some(k + ni),
            ]
            .into_iter()
            .flatten()
            {
                let (a, b) = (grid.value[k], grid.value[m]);
                if !a.is_finite() || !b.is_finite() || grid.lat[k].abs() > 85.0 {
                    continue;
                }
                let lat = (f64::from(grid.lat[k]) + f64::from(grid.lat[m])) / 2.0;
                let dlon = (f64::from(grid.lon[m]) - f64::from(grid.lon[k]) + 180.0)
                    .rem_euclid(360.0)
                    - 180.0;
                let lon = f64::from(grid.lon[k]) + dlon / 2.0;
                let got = f64::from(field.sample(lat, lon).unwrap());
                let (lo, hi) = (f64::from(a.min(b)), f64::from(a.max(b)));
                // Lambert and polar stereographic rows are curved in
                // latitude and longitude: the midpoint in degrees is a
                // little off the row, so a little of the next row counts.
                let slack = 0.25 * (hi - lo) + 1e-3 * hi.abs().max(1.0);
                assert!(
                    got >= lo - slack && got <= hi + slack,
                    "{name} ({kind}) between {k} ({a}) and {m} ({b}): {got}"
                );
                checked += 1;
            }
        }
        assert!(checked >= 3.min(ni * nj - 3), "{name}: {checked}");
    }
}

#[test]
fn a_gfs_field_is_drawn_as_a_png_over_any_box() {
    let (_, bytes) = sample("gfs.t12z.pgrbf120.2p5deg.grib2");
    let field = Located::new(gridded(Cursor::new(&bytes), 0, Limits::default()).unwrap()).unwrap();
    let scale = Scale::for_field("gh", Some("gpm"), field.range());
    for (crs, bbox) in [
        (Crs::LonLat, [-30.0, 30.0, 40.0, 70.0]),
        (Crs::LonLat, [150.0, -20.0, 220.0, 20.0]),
        (Crs::WebMercator, [-2e6, 4e6, 3e6, 9e6]),
    ] {
        let view = View::new(crs, bbox, 256, 256).unwrap();
        let png = render_png(&field, &scale, &view).unwrap();
        let image = image::load_from_memory(&png).unwrap().to_rgba8();
        assert_eq!(image.dimensions(), (256, 256));
        // A global field covers every box: no clear pixel.
        assert!(image.pixels().all(|p| p.0[3] > 0), "{bbox:?}");
    }
}

#[test]
fn a_map_walking_from_pixel_to_pixel_samples_what_each_place_alone_samples() {
    for (name, index, kind) in CASES {
        let (_, bytes) = sample(name);
        let field =
            Located::new(gridded(Cursor::new(&bytes), index, Limits::default()).unwrap()).unwrap();
        let [w, s, e, n] = field.bbox();
        // A box a little larger than the grid, so that its edges are drawn.
        let (dx, dy) = ((e - w) * 0.05, (n - s) * 0.05);
        let view = View::new(Crs::LonLat, [w - dx, s - dy, e + dx, n + dy], 97, 61).unwrap();
        let walked = sample_view(&field, &view);
        let mut compared = 0;
        for (p, got) in walked.iter().enumerate() {
            let [lon, lat] = view.place((p % 97) as u32, (p / 97) as u32);
            let alone = field.sample(lat, lon).unwrap_or(f32::NAN);
            assert!(
                got.to_bits() == alone.to_bits()
                    || (got - alone).abs() <= 1e-4 * alone.abs().max(1.0),
                "{name} ({kind}) pixel {p}: {got} walked, {alone} alone"
            );
            compared += 1;
        }
        assert_eq!(compared, 97 * 61);
    }
}
