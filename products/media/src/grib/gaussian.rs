//! Where the points of a reduced Gaussian grid are (Grid Definition
//! Template 3.40 with its list of points per row, as ECMWF publishes its
//! models): the Gaussian latitudes (the roots of the Legendre polynomial of
//! degree 2N, found by Newton's method) and, on each row, its points evenly
//! round the globe from the first longitude. The `grib` crate does not place
//! these; ecCodes' `grib_get_data` is what they are compared with.

use super::GribError;

/// Most parallels between a pole and the equator read (ECMWF's finest
/// operational grids have under 2 600).
const MAX_N: usize = 8_000;

/// Latitude and longitude of each point of a global reduced Gaussian grid,
/// in storage order (rows north to south, west to east), from the payload
/// of section 3 as the `grib` crate holds it (octet 6 onwards).
pub(super) fn latlons(index: usize, section3: &[u8]) -> Result<Vec<(f32, f32)>, GribError> {
    let bad = |what: &str| GribError::Message(index, format!("reduced Gaussian grid: {what}"));
    let octet = |n: usize, len: usize| -> Result<&[u8], GribError> {
        section3
            .get(n - 6..n - 6 + len)
            .ok_or_else(|| bad("section 3 is cut short"))
    };
    let unsigned = |n: usize| -> Result<u32, GribError> {
        Ok(u32::from_be_bytes(
            octet(n, 4)?.try_into().map_err(|_| bad("cut"))?,
        ))
    };
    // GRIB2 signs by the top bit, not by two's complement.
    let signed = |n: usize| -> Result<f64, GribError> {
        let raw = unsigned(n)?;
        let magnitude = f64::from(raw & 0x7fff_ffff);
        Ok(if raw & 0x8000_0000 != 0 {
            -magnitude
        } else {
            magnitude
        })
    };
    let list_octets = usize::from(*octet(11, 1)?.first().ok_or_else(|| bad("cut"))?);
    let rows = unsigned(35)? as usize;
    let basic = unsigned(39)?;
    let unit = if basic == 0 || basic == u32::MAX {
        1e-6
    } else {
        f64::from(basic) / f64::from(unsigned(43)?)
    };
    let (lat1, lon1, lat2) = (signed(47)? * unit, signed(51)? * unit, signed(56)? * unit);
    let n = unsigned(68)? as usize;
    let scanning = *octet(72, 1)?.first().ok_or_else(|| bad("cut"))?;
    if n == 0 || n > MAX_N || rows == 0 || rows > 2 * n {
        return Err(bad(&format!("N = {n} with {rows} rows")));
    }
    if !(1..=4).contains(&list_octets) {
        return Err(bad("no list of points per row"));
    }
    if scanning & 0xe0 != 0 || rows != 2 * n {
        return Err(bad(
            "only global grids scanned west to east, north to south are placed",
        ));
    }
    let list = octet(73, rows * list_octets)?;
    let latitudes = gaussian_latitudes(n);
    if (latitudes[0] - lat1).abs() > 0.01 || (latitudes[rows - 1] - lat2).abs() > 0.01 {
        return Err(bad(
            "the first and last latitudes are not the Gaussian ones",
        ));
    }
    let mut out = Vec::new();
    for (row, lat) in latitudes.iter().enumerate() {
        let count = list[row * list_octets..(row + 1) * list_octets]
            .iter()
            .fold(0usize, |v, b| (v << 8) | usize::from(*b));
        if count == 0 || count > 4 * 4 * n + 100 {
            return Err(bad(&format!("row {row} has {count} points")));
        }
        let step = 360.0 / count as f64;
        out.extend((0..count).map(|i| (*lat as f32, (lon1 + i as f64 * step) as f32)));
    }
    Ok(out)
}

/// The 2N Gaussian latitudes, in degrees, north to south.
fn gaussian_latitudes(n: usize) -> Vec<f64> {
    let degree = 2 * n;
    let mut out = vec![0.0; degree];
    for i in 0..n {
        // A first guess close to the root, then Newton's method on the
        // Legendre polynomial of degree 2N.
        let mut z = (std::f64::consts::PI * (i as f64 + 0.75) / (degree as f64 + 0.5)).cos();
        for _ in 0..100 {
            let (mut p0, mut p1) = (1.0, z);
            for k in 2..=degree {
                let k = k as f64;
                let p2 = ((2.0 * k - 1.0) * z * p1 - (k - 1.0) * p0) / k;
                p0 = p1;
                p1 = p2;
            }
            let slope = degree as f64 * (z * p1 - p0) / (z * z - 1.0);
            let step = p1 / slope;
            z -= step;
            if step.abs() < 1e-15 {
                break;
            }
        }
        let lat = z.asin().to_degrees();
        out[i] = lat;
        out[degree - 1 - i] = -lat;
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn gaussian_latitudes_are_symmetric_and_known() {
        let lats = super::gaussian_latitudes(48);
        assert_eq!(lats.len(), 96);
        // ecCodes' first latitude of N48 (grib_ls: 88.5722).
        assert!((lats[0] - 88.5722).abs() < 1e-4, "{}", lats[0]);
        assert!(lats.windows(2).all(|w| w[0] > w[1]));
        assert!((lats[47] + lats[48]).abs() < 1e-12);
    }

    /// Section 3 (from octet 6) of a global reduced Gaussian grid N1: two
    /// rows at ±35.26°, `per_row` points each, lists of 2 octets.
    fn section3(n: u32, per_row: &[u16]) -> Vec<u8> {
        let mut s = vec![0u8; 67];
        let put = |s: &mut Vec<u8>, octet: usize, v: u32| {
            s[octet - 6..octet - 6 + 4].copy_from_slice(&v.to_be_bytes());
        };
        s[11 - 6] = 2;
        put(&mut s, 35, per_row.len() as u32);
        let lat = (super::gaussian_latitudes(1)[0] * 1e6).round() as u32;
        put(&mut s, 47, lat);
        put(&mut s, 56, lat | 0x8000_0000);
        put(&mut s, 68, n);
        for count in per_row {
            s.extend_from_slice(&count.to_be_bytes());
        }
        s
    }

    #[test]
    fn a_hostile_grid_is_refused_and_the_next_good_one_is_placed() {
        let refused = |payload: &[u8], reason: &str| {
            let e = super::latlons(0, payload).unwrap_err().to_string();
            assert!(e.contains(reason), "{e}");
        };
        refused(&[], "cut short");
        refused(&section3(1, &[4, 4])[..40], "cut short");
        // N far beyond any grid, rows beyond 2N, a list shorter than its rows.
        refused(&section3(4_000_000_000, &[4, 4]), "N = 4000000000");
        refused(&section3(1, &[4, 4, 4]), "rows");
        let mut short = section3(1, &[4, 4]);
        short.truncate(69);
        refused(&short, "cut short");
        // A row declaring no points, or more than a grid of N1 can hold.
        refused(&section3(1, &[0, 4]), "row 0 has 0 points");
        refused(&section3(1, &[4, 60_000]), "row 1 has 60000 points");

        let points = super::latlons(0, &section3(1, &[4, 2])).unwrap();
        assert_eq!(points.len(), 6);
        assert!((f64::from(points[0].0) - 35.2644).abs() < 1e-3);
        assert_eq!(points[1].1, 90.0);
        assert_eq!(points[5].1, 180.0);
        assert!(points[5].0 < 0.0);
    }
}
