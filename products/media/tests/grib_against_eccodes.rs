//! GRIB2 files read as ecCodes reads them: every message listed with the
//! parameter, level, times and points `grib_ls` gives, and decoded values
//! equal to `grib_get_data`'s at every point (missing points missing), on
//! real files from a registry package (pygrib's sample data:
//! `scripts/grib-samples.sh`, run by `make unit`): GFS with complex packing
//! and spatial differencing, Eta on a Lambert grid, JPEG 2000 on a polar
//! stereographic grid, complex packing on a Lambert grid, a bitmap with a
//! scanning mode; and ECMWF's CCSDS sample on a reduced Gaussian grid.

use std::collections::HashMap;
use std::io::Cursor;
use std::process::Command;

mod samples;

use media::grib::{messages, stored_values, values, Limits};
use media::model_file::fields;
use samples::{sample, their_points};
use serde_json::Value;

/// ECMWF's CCSDS sample (a reduced Gaussian surface field), from Debian's
/// libeccodes-data, which libeccodes-tools brings.
const CCSDS: &str = "/usr/share/eccodes/ifs_samples/grib1_mlgrib2_ccsds/gg_sfc_grib2.tmpl";

fn eccodes(tool: &str, args: &[&str]) -> String {
    let out = Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{tool}: {e}; run scripts/grib-samples.sh (make unit does)"));
    assert!(
        out.status.success(),
        "{tool} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("text")
}

const FILES: [&str; 8] = [
    CCSDS,
    "ecmwf_tigge.grb",
    "gfs.t12z.pgrbf120.2p5deg.grib2",
    "eta.grb",
    "safrica.grib2",
    "ds.maxt.bin",
    "scanning_mode_with_bitmap.grib2",
    "regular_latlon_surface.grib2",
];

#[test]
fn every_message_is_listed_as_grib_ls_lists_it() {
    for name in FILES {
        let (path, bytes) = sample(name);
        let ours = messages(Cursor::new(&bytes), Limits::default()).unwrap();
        let listed: Value = serde_json::from_str(&eccodes(
            "grib_ls",
            &[
                "-j",
                "-p",
                "discipline:i,parameterCategory:i,parameterNumber:i,typeOfFirstFixedSurface:i,level:d,numberOfDataPoints:i,shortName,dataDate:i,dataTime:i,validityDate:i,validityTime:i",
                path.to_str().unwrap(),
            ],
        ))
        .unwrap();
        let theirs = listed["messages"].as_array().unwrap();
        assert_eq!(ours.len(), theirs.len(), "{name}");
        for (m, e) in ours.iter().zip(theirs) {
            let at = format!("{name} message {}: {e}", m.index);
            assert_eq!(
                m.discipline as i64,
                e["discipline"].as_i64().unwrap(),
                "{at}"
            );
            assert_eq!(
                m.category as i64,
                e["parameterCategory"].as_i64().unwrap(),
                "{at}"
            );
            assert_eq!(
                m.number as i64,
                e["parameterNumber"].as_i64().unwrap(),
                "{at}"
            );
            assert_eq!(
                m.level_type as i64,
                e["typeOfFirstFixedSurface"].as_i64().unwrap(),
                "{at}"
            );
            // ecCodes gives a negative PV surface's level (-2 PVU) as a
            // string of its raw bits, "2.14749e+06"; only numbers compared.
            if let Some(level) = e["level"].as_f64() {
                assert!((m.level - level).abs() < 1e-6, "{at}: {}", m.level);
            }
            assert_eq!(
                m.points as i64,
                e["numberOfDataPoints"].as_i64().unwrap(),
                "{at}"
            );
            if let Some(short) = &m.short_name {
                assert_eq!(short, e["shortName"].as_str().unwrap(), "{at}");
            }
            let stamp = |date: &str, time: &str| {
                format!(
                    "{}{:04}",
                    e[date].as_i64().unwrap(),
                    e[time].as_i64().unwrap()
                )
            };
            let reference = m.reference_time.unwrap().format("%Y%m%d%H%M").to_string();
            assert_eq!(reference, stamp("dataDate", "dataTime"), "{at}");
            let valid = m.valid_time.unwrap().format("%Y%m%d%H%M").to_string();
            assert_eq!(valid, stamp("validityDate", "validityTime"), "{at}");
        }
    }
}

#[test]
fn decoded_values_are_grib_get_datas_at_every_point() {
    let cases: [(&str, &[usize]); 8] = [
        (CCSDS, &[0]),
        ("ecmwf_tigge.grb", &[0, 7]),
        ("gfs.t12z.pgrbf120.2p5deg.grib2", &[0, 1, 2, 50]),
        ("eta.grb", &[0, 5]),
        ("safrica.grib2", &[0, 1]),
        ("ds.maxt.bin", &[0]),
        ("scanning_mode_with_bitmap.grib2", &[0]),
        ("regular_latlon_surface.grib2", &[0]),
    ];
    for (name, indices) in cases {
        let (path, bytes) = sample(name);
        for &index in indices {
            let ours = values(Cursor::new(&bytes), index, Limits::default()).unwrap();
            let theirs = their_points(path.to_str().unwrap(), index);
            assert_eq!(ours.len(), theirs.len(), "{name} message {index}");
            // Matched by place, not by order: a grid scanned in alternate
            // directions row by row may be listed in either order, and each
            // value must be at its point.
            let place = |lat: f64, lon: f64| {
                (
                    (lat * 100.0).round() as i64,
                    (lon.rem_euclid(360.0) * 100.0).round() as i64 % 36_000,
                )
            };
            let by_place: HashMap<(i64, i64), [f64; 3]> =
                theirs.iter().map(|t| (place(t[0], t[1]), *t)).collect();
            assert_eq!(by_place.len(), theirs.len(), "{name}: points apart");
            // The nearest of ecCodes' points in the neighbouring cells.
            let nearest = |lat: f64, lon: f64| {
                let (a, b) = place(lat, lon);
                (-1..=1)
                    .flat_map(|da| (-1..=1).map(move |db| (a + da, (b + db).rem_euclid(36_000))))
                    .filter_map(|key| by_place.get(&key))
                    .min_by(|x, y| {
                        let d = |t: &[f64; 3]| {
                            (t[0] - lat).abs()
                                + (t[1] - lon)
                                    .rem_euclid(360.0)
                                    .min((lon - t[1]).rem_euclid(360.0))
                        };
                        d(x).total_cmp(&d(y))
                    })
                    .copied()
            };
            let mut missing = 0;
            for (n, o) in ours.iter().enumerate() {
                let t = nearest(f64::from(o[0]), f64::from(o[1])).unwrap_or_else(|| {
                    panic!("{name} message {index} point {n} {o:?}: not a point of ecCodes'")
                });
                let at = format!("{name} message {index} point {n}: ours {o:?}, ecCodes {t:?}");
                assert!((f64::from(o[0]) - t[0]).abs() < 1e-3, "{at}");
                let dlon = (f64::from(o[1]) - t[1]).rem_euclid(360.0);
                assert!(dlon.min(360.0 - dlon) < 1e-3, "{at}");
                if t[2].is_nan() {
                    assert!(o[2].is_nan(), "{at}");
                    missing += 1;
                } else {
                    // f32 against ecCodes' doubles: the packing's precision
                    // is far coarser than this.
                    let tolerance = 1e-5 * t[2].abs().max(1.0);
                    assert!((f64::from(o[2]) - t[2]).abs() <= tolerance, "{at}");
                }
            }
            if name.contains("bitmap") {
                assert_eq!(missing, 1, "{name}: the bitmap's missing point");
            }
        }
    }
}

#[test]
fn a_file_over_its_limits_is_refused_before_it_is_decoded() {
    let (_, bytes) = sample("eta.grb");
    let small = Limits {
        max_bytes: 1000,
        ..Limits::default()
    };
    assert!(messages(Cursor::new(&bytes), small)
        .unwrap_err()
        .to_string()
        .contains("at most 1000"));
    let few = Limits {
        max_points: 100,
        ..Limits::default()
    };
    assert!(values(Cursor::new(&bytes), 0, few)
        .unwrap_err()
        .to_string()
        .contains("at most 100 are decoded"));
    assert!(messages(Cursor::new(b"GRIB but not really"), Limits::default()).is_err());
    // A file cut short: refused, or read up to the cut — never whole,
    // never a panic; the whole file still reads after it.
    let whole = messages(Cursor::new(&bytes), Limits::default())
        .unwrap()
        .len();
    let cut = &bytes[..bytes.len() / 3];
    if let Ok(listed) = messages(Cursor::new(cut), Limits::default()) {
        assert!(listed.len() < whole, "{} of {whole}", listed.len());
    }
    assert!(messages(Cursor::new(b""), Limits::default()).is_err());
    assert_eq!(
        messages(Cursor::new(&bytes), Limits::default())
            .unwrap()
            .len(),
        whole
    );
}

#[test]
fn messages_are_grouped_as_fields_with_their_levels_and_times() {
    let (path, bytes) = sample("gfs.t12z.pgrbf120.2p5deg.grib2");
    let listed = fields(&messages(Cursor::new(&bytes), Limits::default()).unwrap());
    let t = listed
        .iter()
        .find(|f| f.field == "t" && f.level_type == "isobaricInhPa")
        .expect("t on pressure levels");
    // As many levels as ecCodes lists messages of t on pressure levels.
    let theirs = eccodes(
        "grib_ls",
        &[
            "-p",
            "level",
            "-w",
            "shortName=t,typeOfLevel=isobaricInhPa",
            path.to_str().unwrap(),
        ],
    );
    let levels: Vec<f64> = theirs
        .lines()
        .filter_map(|l| l.trim().parse().ok())
        .collect();
    assert_eq!(t.levels.len(), levels.len(), "{theirs}");
    assert_eq!(t.levels.first(), Some(&10.0));
    assert_eq!(t.levels.last(), Some(&1000.0));
    assert_eq!(t.grid.kind, "regular_ll");
    assert_eq!(t.grid.points, 144 * 73);
    assert_eq!(t.valid_times.len(), 1);
    let (_, eta) = sample("eta.grb");
    let eta = fields(&messages(Cursor::new(&eta), Limits::default()).unwrap());
    assert!(eta.iter().all(|f| f.grid.kind == "lambert"));
    assert!(eta
        .iter()
        .any(|f| f.field == "prmsl" && f.level_type == "meanSea"));
}

#[test]
fn stored_values_are_grib_get_datas_in_their_order() {
    // The values alone, in the order the message stores them.
    let (path, bytes) = sample(CCSDS);
    let ours = stored_values(Cursor::new(&bytes), 0, Limits::default()).unwrap();
    let theirs = their_points(path.to_str().unwrap(), 0);
    assert_eq!(ours.len(), 13_280);
    assert_eq!(ours.len(), theirs.len());
    for (n, (o, t)) in ours.iter().zip(&theirs).enumerate() {
        let tolerance = 1e-5 * t[2].abs().max(1.0);
        assert!(
            (f64::from(o[2]) - t[2]).abs() <= tolerance,
            "point {n}: {o:?} {t:?}"
        );
    }
}
