//! CF-NetCDF read as ncdump (Debian's netcdf-bin, the reference C library)
//! reads it: ERA5 pressure-level files as the Copernicus store delivers
//! them (NetCDF-4, shorts packed with `scale_factor` and `add_offset`) from
//! pycontrails' sample data, the same file copied to the classic format by
//! `nccopy`, and a file whose dimensions run longitude first. Values are
//! unpacked from ncdump's raw integers and attributes here, times read from
//! `ncdump -t`, and compared at every point of the fields read.

mod samples;

use std::process::Command;

use chrono::{DateTime, NaiveDateTime, Utc};
use media::grib::Limits;
use media::model_file::{fields, Message, ModelFile};
use samples::sample;

fn ncdump(args: &[&str], path: &str) -> String {
    let out = Command::new("ncdump")
        .args(args)
        .arg(path)
        .output()
        .expect("ncdump; run scripts/grib-samples.sh (make unit does)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The values of `var` in a `ncdump -v` listing (`None` where `_`).
fn data_of(listing: &str, var: &str) -> Vec<Option<f64>> {
    let start = listing
        .find(&format!("\n {var} ="))
        .unwrap_or_else(|| panic!("no data of {var}"));
    let body = &listing[start + var.len() + 4..];
    let body = &body[..body.find(';').expect("the data's end")];
    body.split(',')
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(|v| {
            if v == "_" {
                None
            } else {
                Some(v.trim_end_matches(['s', 'f']).parse().unwrap())
            }
        })
        .collect()
}

/// A numeric attribute `var:name` of a `ncdump -h` header.
fn attribute(header: &str, var: &str, name: &str) -> f64 {
    let key = format!("{var}:{name} = ");
    let line = header
        .lines()
        .find(|l| l.trim_start().starts_with(&key))
        .unwrap_or_else(|| panic!("no {key}"));
    line.trim()[key.len()..]
        .trim_end_matches(" ;")
        .trim_end_matches(['s', 'f'])
        .parse()
        .unwrap()
}

/// `ncdump -t`'s times of `var` ("2019-01-01 12", "2019-01-01 12:30").
fn times_of(path: &str, var: &str) -> Vec<DateTime<Utc>> {
    let listing = ncdump(&["-t", "-v", var], path);
    let start = listing.find(&format!("\n {var} =")).unwrap();
    let body = &listing[start..];
    body[body.find('=').unwrap() + 1..body.find(';').unwrap()]
        .split(',')
        .map(|t| {
            let t = t.trim().trim_matches('"');
            let padded = match t.len() {
                10 => format!("{t} 00:00:00"),
                13 => format!("{t}:00:00"),
                16 => format!("{t}:00"),
                _ => t.to_string(),
            };
            NaiveDateTime::parse_from_str(&padded, "%Y-%m-%d %H:%M:%S")
                .unwrap()
                .and_utc()
        })
        .collect()
}

/// Field `var` of `file` at time index `t` and level `level` compared with
/// ncdump at every point; `flat(t, z, j, i)` is the point's place in
/// ncdump's listing of the variable.
fn compare(
    path: &str,
    var: &str,
    t: usize,
    z: usize,
    flat: impl Fn(usize, usize, usize, usize) -> usize,
) {
    let header = ncdump(&["-h"], path);
    let listing = ncdump(&["-v", var], path);
    let raw = data_of(&listing, var);
    let scale = attribute(&header, var, "scale_factor");
    let offset = attribute(&header, var, "add_offset");
    let fill = attribute(&header, var, "_FillValue");
    let mut file = ModelFile::open(path.as_ref(), Limits::default()).unwrap();
    let times: Vec<_> = times_of(path, "time");
    let of_var: Vec<&Message> = file
        .messages()
        .iter()
        .filter(|m| m.field() == var)
        .collect();
    let levels: Vec<f64> = {
        let mut l: Vec<f64> = of_var.iter().map(|m| m.level).collect();
        l.dedup();
        l
    };
    let message = of_var
        .iter()
        .find(|m| m.valid_time == Some(times[t]) && m.level == levels[z])
        .copied()
        .unwrap_or_else(|| panic!("{var} at {} level {}", times[t], levels[z]))
        .clone();
    let grid = file.gridded(message.index).unwrap();
    let (ni, nj) = grid.shape.expect("rows");
    let lat = data_of(&ncdump(&["-v", "latitude"], path), "latitude");
    let lon = data_of(&ncdump(&["-v", "longitude"], path), "longitude");
    assert_eq!((ni, nj), (lon.len(), lat.len()));
    let mut missing = 0;
    for j in 0..nj {
        for i in 0..ni {
            let ours = grid.value[j * ni + i];
            assert_eq!(f64::from(grid.lat[j * ni + i]), lat[j].unwrap());
            assert_eq!(f64::from(grid.lon[j * ni + i]), lon[i].unwrap());
            match raw[flat(t, z, j, i)] {
                Some(r) if r != fill => {
                    let theirs = r * scale + offset;
                    // Within the packing's precision (half a step) and
                    // f32's rounding of the unpacked value.
                    let tolerance = scale / 2.0 + theirs.abs() * 1e-6;
                    assert!(
                        (f64::from(ours) - theirs).abs() <= tolerance,
                        "{path} {var} ({i}, {j}): {ours} against {theirs}"
                    );
                }
                _ => {
                    assert!(ours.is_nan(), "{path} {var} ({i}, {j}) is missing");
                    missing += 1;
                }
            }
        }
    }
    assert!(missing < ni * nj, "some values");
}

#[test]
fn era5_netcdf4_fields_are_ncdumps_at_every_point() {
    let (path, _) = sample("met-20190101-eu.nc");
    let path = path.to_str().unwrap();
    // (time, level, latitude, longitude): 2 × 27 × 101 × 129.
    let flat = |t: usize, z: usize, j: usize, i: usize| ((t * 27 + z) * 101 + j) * 129 + i;
    compare(path, "t", 1, 20, flat);
    compare(path, "z", 0, 11, flat);
    compare(path, "q", 1, 26, flat);
}

#[test]
fn a_classic_copy_reads_as_the_netcdf4_file() {
    let (path, _) = sample("era5-eu-classic.nc");
    let path = path.to_str().unwrap();
    assert!(ncdump(&["-k"], path).starts_with("classic"));
    let flat = |t: usize, z: usize, j: usize, i: usize| ((t * 27 + z) * 101 + j) * 129 + i;
    compare(path, "t", 0, 5, flat);
    let (nc4, _) = sample("met-20190101-eu.nc");
    let classic = ModelFile::open(path.as_ref(), Limits::default()).unwrap();
    let netcdf4 = ModelFile::open(&nc4, Limits::default()).unwrap();
    assert_eq!(classic.messages(), netcdf4.messages());
}

#[test]
fn dimensions_in_any_order_are_laid_out_in_rows() {
    // air_temperature(longitude, latitude, level, time): 16 × 8 × 4 × 13.
    let (path, _) = sample("met-era5-cocip1.nc");
    let path = path.to_str().unwrap();
    let flat = |t: usize, z: usize, j: usize, i: usize| ((i * 8 + j) * 4 + z) * 13 + t;
    compare(path, "air_temperature", 7, 2, flat);
    compare(path, "eastward_wind", 12, 0, flat);
}

#[test]
fn fields_list_levels_times_units_and_grid() {
    let (path, _) = sample("met-20190101-eu.nc");
    let file = ModelFile::open(&path, Limits::default()).unwrap();
    let listed = fields(file.messages());
    let t = listed.iter().find(|f| f.field == "t").unwrap();
    assert_eq!(t.level_type, "isobaricInhPa");
    assert_eq!(t.units.as_deref(), Some("K"));
    assert_eq!(t.long_name.as_deref(), Some("Temperature"));
    assert_eq!(t.levels.len(), 27);
    assert_eq!((t.levels[0], t.levels[26]), (100.0, 1000.0));
    assert_eq!(t.valid_times, times_of(path.to_str().unwrap(), "time"));
    assert_eq!(t.grid.kind, "regular_ll");
    assert_eq!((t.grid.nx, t.grid.ny), (Some(129), Some(101)));
    let [w, s, e, n] = t.grid.bbox.unwrap();
    let header = ncdump(&["-v", "longitude"], path.to_str().unwrap());
    let lon = data_of(&header, "longitude");
    assert_eq!(w, lon[0].unwrap());
    assert_eq!(e, lon[128].unwrap());
    assert_eq!((s, n), (35.0, 60.0));
    assert_eq!(t.messages, 2 * 27);
    // Every packed variable of the file is a field; the coordinates are not.
    let names: Vec<&str> = listed.iter().map(|f| f.field.as_str()).collect();
    for name in ["cc", "z", "ciwc", "q", "t"] {
        assert!(names.contains(&name), "{names:?}");
    }
    assert!(!names.contains(&"latitude") && !names.contains(&"level"));
}

#[test]
fn a_bzip2_grib2_file_reads_as_the_file_it_holds() {
    let (plain, _) = sample("gfs.t12z.pgrbf120.2p5deg.grib2");
    let (packed, bytes) = sample("gfs.t12z.pgrbf120.2p5deg.grib2.bz2");
    assert!(bytes.starts_with(b"BZh"));
    let mut a = ModelFile::open(&plain, Limits::default()).unwrap();
    let mut b = ModelFile::open(&packed, Limits::default()).unwrap();
    assert_eq!(a.messages(), b.messages());
    assert!(a.messages().len() > 300);
    for index in [0, 50] {
        let (x, y) = (a.gridded(index).unwrap(), b.gridded(index).unwrap());
        assert_eq!(x.value.len(), y.value.len());
        assert!(x
            .value
            .iter()
            .zip(&y.value)
            .all(|(p, q)| p == q || (p.is_nan() && q.is_nan())));
    }
    let mut c = ModelFile::from_bytes(bytes, Limits::default()).unwrap();
    assert_eq!(c.messages(), a.messages());
    assert!(c.gridded(1).is_ok());
}

#[test]
fn a_value_is_read_at_the_nearest_grid_point() {
    let (path, _) = sample("met-20190101-eu.nc");
    let mut file = ModelFile::open(&path, Limits::default()).unwrap();
    let wanted = media::model_file::Wanted {
        field: "t",
        level: Some(850.0),
        time: None,
    };
    let message = media::model_file::choose(file.messages(), &wanted)
        .unwrap()
        .clone();
    let located = media::field_map::Located::new(file.gridded(message.index).unwrap()).unwrap();
    let found = media::model_file::probe(&message, &located, 45.1, 5.05).unwrap();
    assert_eq!((found.lat, found.lon), (45.0, 5.0));
    assert_eq!(found.units.as_deref(), Some("K"));
    let value = found.value.unwrap();
    assert!((200.0..300.0).contains(&value), "{value}");
}
