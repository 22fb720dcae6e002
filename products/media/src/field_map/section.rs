//! A field along a flight: its values on each pressure level sampled at
//! places spaced evenly along a path of waypoints (great circles between
//! them), so a planner reads "the wind at FL200 on leg 3" under the planned
//! altitude. The section is kept as numbers ([`Section`], the API's JSON),
//! drawn as a chart ([`section_svg`]: pressure on a log axis, distance
//! along, waypoints named, the planned altitude drawn) and as a bare
//! picture for Open-MSS's vertical view ([`section_png`], WMS `VERT:LOGP`).
//!
//! Between levels a value is interpolated linearly in the logarithm of
//! pressure (as height nearly is); above the top level and below the bottom
//! one nothing is drawn.

use chrono::{DateTime, Utc};
use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::{ExtendedColorType, ImageEncoder};
use serde::Serialize;

use super::{Located, Scale};

/// Most places sampled along a path, and waypoints in one.
pub const MAX_PLACES: usize = 2000;
pub const MAX_WAYPOINTS: usize = 500;
const EARTH_KM: f64 = 6371.0;

/// A point of a path: where, and what it is called (may be empty).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PathPoint {
    pub lat: f64,
    pub lon: f64,
    pub label: String,
    /// The planned altitude there, metres above mean sea level.
    pub alt_m: Option<f64>,
}

/// A waypoint's place along the section.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Mark {
    pub label: String,
    pub distance_km: f64,
    /// The planned altitude as pressure (ICAO standard atmosphere), hPa.
    pub pressure_hpa: Option<f64>,
}

/// A field sampled along a path: `values[level][place]`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Section {
    pub field: String,
    pub units: Option<String>,
    pub valid_time: Option<DateTime<Utc>>,
    /// Pressure levels in hPa, highest pressure (lowest) first.
    pub levels: Vec<f64>,
    pub distance_km: Vec<f64>,
    pub lat: Vec<f64>,
    pub lon: Vec<f64>,
    pub values: Vec<Vec<Option<f32>>>,
    pub waypoints: Vec<Mark>,
}

/// `count` places evenly spaced along `path` (great circles between its
/// points), with their distance from its start; the waypoints' distances.
pub fn places_along(path: &[PathPoint], count: usize) -> (Vec<[f64; 3]>, Vec<f64>) {
    let count = count.clamp(2, MAX_PLACES);
    let mut at = vec![0.0];
    for pair in path.windows(2) {
        let leg = distance_km(pair[0].lat, pair[0].lon, pair[1].lat, pair[1].lon);
        at.push(at.last().copied().unwrap_or(0.0) + leg);
    }
    let total = at.last().copied().unwrap_or(0.0);
    let mut out = Vec::with_capacity(count);
    let mut leg = 0;
    for k in 0..count {
        let d = total * k as f64 / (count - 1) as f64;
        while leg + 2 < at.len() && at[leg + 1] < d {
            leg += 1;
        }
        let (a, b) = match (path.get(leg), path.get(leg + 1)) {
            (Some(a), Some(b)) => (a, b),
            (Some(a), None) => (a, a),
            _ => break,
        };
        let span = at.get(leg + 1).copied().unwrap_or(0.0) - at[leg];
        let f = if span > 0.0 {
            ((d - at[leg]) / span).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let (lat, lon) = between(a.lat, a.lon, b.lat, b.lon, f);
        out.push([lat, lon, d]);
    }
    (out, at)
}

/// The section of a field on `levels` (hPa, each with its field decoded)
/// along `path`, at `count` places.
pub fn section(
    field: &str,
    units: Option<&str>,
    valid_time: Option<DateTime<Utc>>,
    levels: &[(f64, &Located)],
    path: &[PathPoint],
    count: usize,
) -> Section {
    let mut levels: Vec<(f64, &Located)> = levels.to_vec();
    levels.sort_by(|a, b| b.0.total_cmp(&a.0));
    let (places, at) = places_along(path, count);
    let values = levels
        .iter()
        .map(|(_, located)| {
            let mut hint = None;
            places
                .iter()
                .map(|p| located.sample_from(p[0], p[1], &mut hint))
                .collect()
        })
        .collect();
    Section {
        field: field.to_string(),
        units: units.map(str::to_string),
        valid_time,
        levels: levels.iter().map(|l| l.0).collect(),
        distance_km: places.iter().map(|p| round3(p[2])).collect(),
        lat: places.iter().map(|p| p[0]).collect(),
        lon: places.iter().map(|p| p[1]).collect(),
        values,
        waypoints: path
            .iter()
            .zip(at)
            .map(|(p, d)| Mark {
                label: p.label.clone(),
                distance_km: round3(d),
                pressure_hpa: p.alt_m.map(pressure_at),
            })
            .collect(),
    }
}

impl Section {
    /// The value at column `place` and pressure `p` (hPa), linear in log p
    /// between the levels around it; `None` outside them.
    pub fn value_at(&self, place: usize, p: f64) -> Option<f32> {
        let k = self
            .levels
            .windows(2)
            .position(|w| p <= w[0] && p >= w[1])?;
        let (p0, p1) = (self.levels[k], self.levels[k + 1]);
        let (v0, v1) = (self.values[k].get(place)?, self.values[k + 1].get(place)?);
        let f = if p0 == p1 {
            0.0
        } else {
            (p0.ln() - p.ln()) / (p0.ln() - p1.ln())
        };
        match (v0, v1) {
            (Some(a), Some(b)) => Some(a + (b - a) * f as f32),
            (Some(a), None) if f < 0.5 => Some(*a),
            (None, Some(b)) if f >= 0.5 => Some(*b),
            _ => None,
        }
    }

    /// The section drawn into `width` × `height` pixels from `p_bot` (the
    /// bottom row) to `p_top` hPa on a log axis, clear where there is no
    /// value: RGBA, row by row from the top.
    pub fn rgba(&self, scale: &Scale, width: u32, height: u32, p_bot: f64, p_top: f64) -> Vec<u8> {
        let (w, h) = (width.max(1) as usize, height.max(1) as usize);
        let columns = self.distance_km.len();
        let mut out = vec![0u8; w * h * 4];
        if columns == 0 {
            return out;
        }
        let (lb, lt) = (p_bot.ln(), p_top.ln());
        for y in 0..h {
            let p = (lt + (lb - lt) * (y as f64 + 0.5) / h as f64).exp();
            for x in 0..w {
                let place = ((x as f64 + 0.5) / w as f64 * columns as f64) as usize;
                if let Some(v) = self.value_at(place.min(columns - 1), p) {
                    let at = (y * w + x) * 4;
                    out[at..at + 4].copy_from_slice(&scale.rgba(v));
                }
            }
        }
        out
    }
}

/// The section as a bare PNG (Open-MSS draws its own axes over it).
pub fn section_png(
    section: &Section,
    scale: &Scale,
    width: u32,
    height: u32,
    p_bot: f64,
    p_top: f64,
) -> Result<Vec<u8>, String> {
    let rgba = section.rgba(scale, width, height, p_bot, p_top);
    let mut bytes = Vec::new();
    PngEncoder::new_with_quality(&mut bytes, CompressionType::Fast, FilterType::Adaptive)
        .write_image(&rgba, width.max(1), height.max(1), ExtendedColorType::Rgba8)
        .map_err(|e| e.to_string())?;
    Ok(bytes)
}

/// Pressure (hPa) at an altitude (m) in the ICAO standard atmosphere.
pub fn pressure_at(alt_m: f64) -> f64 {
    let h = alt_m.clamp(-500.0, 30_000.0);
    if h <= 11_000.0 {
        1013.25 * (1.0 - 2.25577e-5 * h).powf(5.25588)
    } else {
        226.32 * (-(h - 11_000.0) / 6341.62).exp()
    }
}

fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

/// Great-circle distance on a sphere of the Earth's mean radius.
pub fn distance_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dl = (lon2 - lon1).to_radians();
    let a = ((p2 - p1) / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_KM * a.sqrt().min(1.0).asin()
}

/// The point a fraction `f` of the way from one place to another along
/// their great circle.
fn between(lat1: f64, lon1: f64, lat2: f64, lon2: f64, f: f64) -> (f64, f64) {
    let d = distance_km(lat1, lon1, lat2, lon2) / EARTH_KM;
    if d < 1e-9 {
        return (lat1, lon1);
    }
    let (p1, l1, p2, l2) = (
        lat1.to_radians(),
        lon1.to_radians(),
        lat2.to_radians(),
        lon2.to_radians(),
    );
    let (a, b) = (((1.0 - f) * d).sin() / d.sin(), (f * d).sin() / d.sin());
    let x = a * p1.cos() * l1.cos() + b * p2.cos() * l2.cos();
    let y = a * p1.cos() * l1.sin() + b * p2.cos() * l2.sin();
    let z = a * p1.sin() + b * p2.sin();
    (
        z.atan2((x * x + y * y).sqrt()).to_degrees(),
        y.atan2(x).to_degrees(),
    )
}
