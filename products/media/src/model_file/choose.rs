//! A field chosen by what is asked ("t at 850 hPa, valid 12 UTC"), and one
//! value of it at a place: "what is the temperature at 850 hPa over the
//! ship". The message is chosen by field, level and valid time (the
//! earliest when no time is given); the value is that of the grid point
//! nearest the place (great-circle distance), said so with the point's
//! coordinates and its distance, never interpolated silently.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::field_map::Located;
use crate::fields::{level_type_name, Message};

/// What is asked for.
#[derive(Clone, Debug)]
pub struct Wanted<'a> {
    pub field: &'a str,
    pub level: Option<f64>,
    pub time: Option<DateTime<Utc>>,
}

/// The value found, and where it comes from.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Probe {
    pub field: String,
    pub level_type: String,
    pub level: f64,
    pub valid_time: Option<DateTime<Utc>>,
    /// `None` where the field has no value (a bitmap's missing point).
    pub value: Option<f64>,
    pub units: Option<String>,
    /// The grid point used.
    pub lat: f64,
    pub lon: f64,
    pub distance_km: f64,
    pub method: &'static str,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ProbeError {
    #[error("no field {0:?} in this file; it holds {1}")]
    NoField(String, String),
    #[error("{0:?} is at several levels; give level= one of {1}")]
    LevelNeeded(String, String),
    #[error("{0:?} has no level {1}; its levels are {2}")]
    NoLevel(String, String, String),
    #[error("{0:?} is not valid at {1}; its valid times are {2}")]
    NoTime(String, String, String),
    #[error("no grid point of {0:?} lies near {1}, {2}")]
    OffGrid(String, f64, f64),
}

/// The message that holds `wanted`: its field, at its level (needed when
/// the field has several), valid at its time (the earliest when none is
/// given). The reason when there is none says what there is.
pub fn choose<'a>(messages: &'a [Message], wanted: &Wanted) -> Result<&'a Message, ProbeError> {
    let of_field: Vec<&Message> = messages
        .iter()
        .filter(|m| m.field() == wanted.field)
        .collect();
    if of_field.is_empty() {
        let mut names: Vec<String> = Vec::new();
        for name in messages.iter().map(Message::field) {
            if names.len() < 40 && !names.contains(&name) {
                names.push(name);
            }
        }
        return Err(ProbeError::NoField(wanted.field.into(), names.join(", ")));
    }
    let levels = listed(of_field.iter().map(|m| m.level));
    let at_level: Vec<&Message> = match wanted.level {
        Some(level) => of_field
            .into_iter()
            .filter(|m| (m.level - level).abs() < 1e-6)
            .collect(),
        None if levels.len() > 1 => {
            return Err(ProbeError::LevelNeeded(wanted.field.into(), join(&levels)))
        }
        None => of_field,
    };
    if at_level.is_empty() {
        let level = wanted.level.unwrap_or_default();
        return Err(ProbeError::NoLevel(
            wanted.field.into(),
            level.to_string(),
            join(&levels),
        ));
    }
    let chosen = match wanted.time {
        Some(time) => at_level.iter().find(|m| m.valid_time == Some(time)),
        None => at_level.iter().min_by_key(|m| m.valid_time),
    };
    chosen.copied().ok_or_else(|| {
        let mut times: Vec<String> = at_level
            .iter()
            .filter_map(|m| m.valid_time.map(|t| t.to_rfc3339()))
            .collect();
        times.sort();
        times.dedup();
        ProbeError::NoTime(
            wanted.field.into(),
            wanted.time.map(|t| t.to_rfc3339()).unwrap_or_default(),
            times.join(", "),
        )
    })
}

/// The value of `message`'s field (decoded as `field`) at the grid point
/// nearest `lat`, `lon`.
pub fn probe(message: &Message, field: &Located, lat: f64, lon: f64) -> Result<Probe, ProbeError> {
    let Some((k, _)) = field.nearest(lat, lon) else {
        return Err(ProbeError::OffGrid(message.field(), lat, lon));
    };
    let grid = field.grid();
    let (plat, plon) = (f64::from(grid.lat[k]), f64::from(grid.lon[k]));
    Ok(Probe {
        field: message.field(),
        level_type: level_type_name(message.level_type),
        level: message.level,
        valid_time: message.valid_time,
        value: Some(f64::from(grid.value[k])).filter(|v| v.is_finite()),
        units: message.units.clone(),
        lat: plat,
        lon: plon,
        distance_km: (distance_km(lat, lon, plat, plon) * 1000.0).round() / 1000.0,
        method: "nearest grid point",
    })
}

/// Distinct values, ascending.
fn listed(values: impl Iterator<Item = f64>) -> Vec<f64> {
    let mut out: Vec<f64> = values.collect();
    out.sort_by(f64::total_cmp);
    out.dedup_by(|a, b| (*a - *b).abs() < 1e-9);
    out
}

fn join(levels: &[f64]) -> String {
    levels
        .iter()
        .map(f64::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Great-circle distance on a sphere of the Earth's mean radius.
fn distance_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * 6371.0 * a.sqrt().min(1.0).asin()
}
