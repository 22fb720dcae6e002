//! Where platforms are: positions received live (IWG1 packets from
//! aircraft), kept as tracks. Positions are telemetry, not campaign state:
//! at a packet a second from each aircraft they would outnumber every other
//! change a hundred to one, so they are not events of the products' log (see
//! the catalogue's `tracks` module for where they live, and why).

pub mod iwg1;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use iwg1::{Fix, Iwg1Error};

/// A platform's position as the API answers it: the packet's time and
/// place, and its named values.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Position {
    pub platform: String,
    pub time: DateTime<Utc>,
    pub lat: f64,
    pub lon: f64,
    pub alt: Option<f64>,
    /// Each value the packet carried, by its IWG1 name (lower case).
    pub values: serde_json::Map<String, serde_json::Value>,
}

impl Position {
    pub fn of(platform: &str, fix: &Fix) -> Self {
        let values = iwg1::FIELDS[2..]
            .iter()
            .zip(&fix.values)
            .filter_map(|((name, _), value)| value.map(|v| (name.to_string(), v.into())))
            .collect();
        Self {
            platform: platform.to_string(),
            time: fix.time,
            lat: fix.lat,
            lon: fix.lon,
            alt: fix.alt,
            values,
        }
    }
}

/// A stretch of a platform's track as a GeoJSON Feature: a LineString of
/// `[lon, lat]` or `[lon, lat, alt]` points, with the time of each point
/// (RFC 3339) in its properties.
pub fn track_feature(platform: &str, fixes: &[Fix]) -> serde_json::Value {
    let coordinates: Vec<serde_json::Value> = fixes
        .iter()
        .map(|f| match f.alt {
            Some(alt) => serde_json::json!([f.lon, f.lat, alt]),
            None => serde_json::json!([f.lon, f.lat]),
        })
        .collect();
    let times: Vec<String> = fixes
        .iter()
        .map(|f| f.time.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        .collect();
    serde_json::json!({
        "type": "Feature",
        "geometry": {"type": "LineString", "coordinates": coordinates},
        "properties": {"platform": platform, "times": times, "points": fixes.len()},
    })
}
