//! Where platforms are: positions received live (IWG1 packets from
//! aircraft), kept as tracks. Positions are telemetry, not campaign state:
//! at a packet a second from each aircraft they would outnumber every other
//! change a hundred to one, so they are not events of the products' log (see
//! the catalogue's `tracks` module for where they live, and why).

pub mod iwg1;
pub mod plan;

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

/// `fixes` (in time order) thinned evenly to at most `max` + 1 points: every
/// n-th, and the last, so a track still ends where the platform is.
pub fn thin(fixes: Vec<Fix>, max: usize) -> Vec<Fix> {
    let step = fixes.len().div_ceil(max.max(1));
    if step <= 1 {
        return fixes;
    }
    let last = fixes.len() - 1;
    fixes
        .into_iter()
        .enumerate()
        .filter(|(n, _)| n % step == 0 || *n == last)
        .map(|(_, fix)| fix)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixes(n: usize) -> Vec<Fix> {
        (0..n)
            .map(|i| Fix {
                time: DateTime::from_timestamp(i as i64, 0).unwrap(),
                lat: 0.0,
                lon: 0.0,
                alt: None,
                values: Vec::new(),
                extra: 0,
            })
            .collect()
    }

    #[test]
    fn thinning_keeps_every_nth_and_the_last_and_leaves_short_tracks_whole() {
        assert_eq!(thin(fixes(10), 10).len(), 10);
        assert_eq!(thin(fixes(0), 10).len(), 0);
        let thinned = thin(fixes(101), 10);
        let seconds: Vec<i64> = thinned.iter().map(|f| f.time.timestamp()).collect();
        assert_eq!(seconds.first(), Some(&0));
        assert_eq!(seconds.last(), Some(&100), "ends where the platform is");
        assert!(seconds.len() <= 11, "{seconds:?}");
        assert!(seconds.windows(2).all(|w| w[1] - w[0] == 11 || w[1] == 100));
        assert_eq!(
            thin(fixes(5), 0).len(),
            2,
            "a cap of 0 is read as 1 (first and last): no division by zero"
        );
    }
}
