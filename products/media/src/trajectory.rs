//! Balloon trajectories, from the files balloons leave: a sounding's CSV
//! whose columns give latitude and longitude (each row a point, its time
//! from a time column), and a predicted trajectory sent as GeoJSON (a
//! LineString with `properties.times`, or Point features each with
//! `properties.time`). A bad row is counted and skipped, never fatal.

use chrono::{DateTime, NaiveDateTime, Utc};

use model::tracks::Fix;

/// Most points read from one file: a sounding at 1 Hz for a day.
pub const MAX_POINTS: usize = 100_000;
/// Largest GeoJSON read whole (a prediction is kilobytes).
pub const MAX_GEOJSON_BYTES: usize = 16 << 20;
/// Reasons kept for the refused rows.
const MAX_REASONS: usize = 10;

/// The points of a trajectory, in time order, and what was refused.
#[derive(Debug, Default, PartialEq)]
pub struct Trajectory {
    pub fixes: Vec<Fix>,
    pub refused: usize,
    pub reasons: Vec<String>,
}

/// Why no trajectory could be read from a file at all.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TrajectoryError {
    #[error("the table has no {0} column")]
    NoColumn(&'static str),
    #[error("not readable: {0}")]
    Unreadable(String),
    #[error("the file is {0} bytes; at most {MAX_GEOJSON_BYTES} for GeoJSON")]
    TooLarge(usize),
    #[error("no LineString or Point features with coordinates")]
    NoLine,
    #[error("a trajectory needs times: properties.times (one per point) or Point features with properties.time")]
    NoTimes,
}

impl Trajectory {
    fn refuse(&mut self, reason: String) {
        self.refused += 1;
        if self.reasons.len() < MAX_REASONS {
            self.reasons.push(reason);
        }
    }

    /// Adds a point if its values are a place on Earth.
    fn point(&mut self, row: usize, time: DateTime<Utc>, lat: f64, lon: f64, alt: Option<f64>) {
        if !(-90.0..=90.0).contains(&lat) || !(-180.0..=360.0).contains(&lon) {
            return self.refuse(format!("row {row}: {lat}, {lon} is not a place"));
        }
        let lon = if lon > 180.0 { lon - 360.0 } else { lon };
        let alt = alt.filter(|a| (-1_000.0..=100_000.0).contains(a));
        self.fixes.push(Fix {
            time,
            lat,
            lon,
            alt,
            values: Vec::new(),
            extra: 0,
        });
    }

    fn sorted(mut self) -> Self {
        self.fixes.sort_by_key(|f| f.time);
        self.fixes.dedup_by_key(|f| f.time);
        self
    }
}

/// A header cell as a bare lower-case name: `Lat (deg)` → `lat`.
fn bare(cell: &str) -> String {
    let cell = cell.trim().trim_matches('"');
    let name = cell.split(['(', '[']).next().unwrap_or(cell);
    name.trim().to_ascii_lowercase().replace([' ', '-'], "_")
}

/// A time cell: RFC 3339, `YYYY-MM-DD hh:mm:ss`, or seconds after `start`.
fn time_of(cell: &str, start: DateTime<Utc>) -> Option<DateTime<Utc>> {
    if let Ok(seconds) = cell.parse::<f64>() {
        return (seconds.is_finite() && seconds.abs() < 1e7)
            .then(|| start + chrono::Duration::milliseconds((seconds * 1000.0) as i64));
    }
    DateTime::parse_from_rfc3339(cell)
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f"]
                .iter()
                .find_map(|f| NaiveDateTime::parse_from_str(cell, f).ok())
                .map(|t| t.and_utc())
        })
}

/// A sounding's table: columns found by name (`lat`/`latitude`,
/// `lon`/`long`/`longitude`, a time — seconds after `start` or a date and
/// time — and an altitude). Without a time column, rows are a second apart
/// from `start`, as radiosondes report.
pub fn from_csv(text: &str, start: DateTime<Utc>) -> Result<Trajectory, TrajectoryError> {
    let mut reader = crate::table_reader(text);
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| TrajectoryError::Unreadable(e.to_string()))?
        .iter()
        .map(bare)
        .collect();
    let column = |names: &[&str]| headers.iter().position(|h| names.contains(&h.as_str()));
    let lat = column(&["lat", "latitude"]).ok_or(TrajectoryError::NoColumn("latitude"))?;
    let lon = column(&["lon", "long", "lng", "longitude"])
        .ok_or(TrajectoryError::NoColumn("longitude"))?;
    let time = column(&[
        "time",
        "datetime",
        "date_time",
        "utc",
        "timestamp",
        "elapsed",
        "elapsed_time",
        "seconds",
    ]);
    let alt = column(&[
        "alt",
        "altitude",
        "height",
        "geopotential_height",
        "gph",
        "gps_altitude",
    ]);
    let mut out = Trajectory::default();
    for (i, record) in reader.records().enumerate() {
        let row = i + 2;
        if out.fixes.len() >= MAX_POINTS {
            out.refuse(format!("rows after {MAX_POINTS} points are not read"));
            break;
        }
        let Ok(record) = record else {
            out.refuse(format!("row {row}: not readable"));
            continue;
        };
        let number = |c: usize| {
            record
                .get(c)
                .and_then(|v| v.replace(',', ".").parse::<f64>().ok())
                .filter(|v| v.is_finite() && *v > -9_000.0)
        };
        let when = match time {
            Some(c) => record.get(c).and_then(|cell| time_of(cell, start)),
            None => Some(start + chrono::Duration::seconds(i as i64)),
        };
        match (number(lat), number(lon), when) {
            (Some(la), Some(lo), Some(t)) => out.point(row, t, la, lo, alt.and_then(number)),
            (_, _, None) => out.refuse(format!("row {row}: no readable time")),
            _ => out.refuse(format!("row {row}: no latitude and longitude")),
        }
    }
    Ok(out.sorted())
}

/// A predicted trajectory: a LineString (bare, a Feature, or the first of a
/// FeatureCollection) with `properties.times`, or Point features with
/// `properties.time`, in order.
pub fn from_geojson(text: &str) -> Result<Trajectory, TrajectoryError> {
    if text.len() > MAX_GEOJSON_BYTES {
        return Err(TrajectoryError::TooLarge(text.len()));
    }
    let json: serde_json::Value =
        serde_json::from_str(text).map_err(|e| TrajectoryError::Unreadable(e.to_string()))?;
    let features: Vec<&serde_json::Value> = match json["type"].as_str() {
        Some("FeatureCollection") => json["features"]
            .as_array()
            .map(|f| f.iter().collect())
            .unwrap_or_default(),
        Some("Feature") => vec![&json],
        _ => Vec::new(),
    };
    let line = |v: &serde_json::Value| v["type"] == "LineString";
    let mut out = Trajectory::default();
    let (coordinates, times): (Vec<&serde_json::Value>, Vec<Option<DateTime<Utc>>>) = if line(&json)
    {
        (coordinates(&json), Vec::new())
    } else if let Some(f) = features.iter().find(|f| line(&f["geometry"])) {
        let times = f["properties"]["times"]
            .as_array()
            .map(|t| t.iter().map(rfc3339).collect())
            .unwrap_or_default();
        (coordinates(&f["geometry"]), times)
    } else {
        features
            .iter()
            .filter(|f| f["geometry"]["type"] == "Point")
            .take(MAX_POINTS)
            .map(|f| {
                (
                    &f["geometry"]["coordinates"],
                    rfc3339(&f["properties"]["time"]),
                )
            })
            .unzip()
    };
    if coordinates.is_empty() {
        return Err(TrajectoryError::NoLine);
    }
    if times.len() != coordinates.len() {
        return Err(TrajectoryError::NoTimes);
    }
    for (i, (c, t)) in coordinates
        .into_iter()
        .zip(times)
        .enumerate()
        .take(MAX_POINTS)
    {
        let at = |k: usize| c.get(k).and_then(serde_json::Value::as_f64);
        match (at(1), at(0), t) {
            (Some(lat), Some(lon), Some(t)) => out.point(i + 1, t, lat, lon, at(2)),
            (_, _, None) => out.refuse(format!("point {}: no readable time", i + 1)),
            _ => out.refuse(format!("point {}: not [lon, lat]", i + 1)),
        }
    }
    Ok(out.sorted())
}

fn coordinates(geometry: &serde_json::Value) -> Vec<&serde_json::Value> {
    geometry["coordinates"]
        .as_array()
        .map(|c| c.iter().take(MAX_POINTS).collect())
        .unwrap_or_default()
}

fn rfc3339(value: &serde_json::Value) -> Option<DateTime<Utc>> {
    value
        .as_str()
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn launch() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 29, 11, 0, 0).unwrap()
    }

    #[test]
    fn a_soundings_table_becomes_its_trajectory() {
        let text = "Time (s);Pressure (hPa);Temp (C);Lat (deg);Lon (deg);Alt (m)\n\
                    0;1013,2;15,1;43,60;1,44;150\n\
                    1;1012,0;15,0;43,6001;1,4402;156\n\
                    2;1011,0;14,9;-9999;-9999;162\n\
                    3;1010,0;14,8;43,6003;181,4406;168\n";
        let t = from_csv(text, launch()).unwrap();
        assert_eq!(t.fixes.len(), 3);
        assert_eq!(t.refused, 1);
        assert!(t.reasons[0].starts_with("row 4"), "{:?}", t.reasons);
        assert_eq!(t.fixes[1].time, launch() + chrono::Duration::seconds(1));
        assert!(
            (t.fixes[2].lon + 178.5594).abs() < 1e-9,
            "0–360 brought back"
        );
        assert_eq!(t.fixes[0].alt, Some(150.0));
        let dated = "datetime,latitude,longitude\n2026-11-29 11:00:05,43.6,1.44\n";
        let t = from_csv(dated, launch()).unwrap();
        assert_eq!(t.fixes[0].time, launch() + chrono::Duration::seconds(5));
        assert_eq!(
            from_csv("pressure,temperature\n1000,15\n", launch()),
            Err(TrajectoryError::NoColumn("latitude"))
        );
    }

    #[test]
    fn hostile_tables_are_refused_or_counted_and_the_next_good_one_reads() {
        assert!(from_csv("", launch()).is_err(), "empty");
        let truncated = "time,lat,lon\n0,43.6";
        assert_eq!(from_csv(truncated, launch()).unwrap().refused, 1);
        let huge = "time,lat,lon\n1e999,43.6,1.4\n0,1e308,1.4\n99999999999,43.6,1.4\n";
        let t = from_csv(huge, launch()).unwrap();
        assert_eq!((t.fixes.len(), t.refused), (0, 3), "{:?}", t.reasons);
        let garbage = "\u{0}\u{1}lat,lon\n\u{ff}".to_string();
        assert!(
            from_csv(&garbage, launch()).is_err_and(|e| e == TrajectoryError::NoColumn("latitude"))
        );
        assert!(matches!(
            from_geojson(&" ".repeat(MAX_GEOJSON_BYTES + 1)),
            Err(TrajectoryError::TooLarge(_))
        ));
        let good = from_csv("time,lat,lon\n0,43.6,1.4\n", launch()).unwrap();
        assert_eq!(good.fixes.len(), 1, "the next good table reads");
    }

    #[test]
    fn a_predicted_trajectory_needs_its_times() {
        let line = r#"{"type": "Feature", "geometry": {"type": "LineString",
            "coordinates": [[1.44, 43.6, 150], [1.6, 43.7, 20000], [2.1, 43.9]]},
            "properties": {"times": ["2026-11-29T11:00:00Z", "2026-11-29T12:30:00Z", "2026-11-29T13:00:00Z"]}}"#;
        let t = from_geojson(line).unwrap();
        assert_eq!(t.fixes.len(), 3);
        assert_eq!(t.fixes[2].alt, None);
        let points = r#"{"type": "FeatureCollection", "features": [
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [1.6, 43.7]}, "properties": {"time": "2026-11-29T12:30:00Z"}},
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [1.44, 43.6]}, "properties": {"time": "2026-11-29T11:00:00Z"}}]}"#;
        let t = from_geojson(points).unwrap();
        assert_eq!(t.fixes[0].time, launch(), "in time order");
        let untimed = r#"{"type": "LineString", "coordinates": [[1, 43], [2, 44]]}"#;
        assert_eq!(from_geojson(untimed), Err(TrajectoryError::NoTimes));
        assert_eq!(from_geojson("{}"), Err(TrajectoryError::NoLine));
        assert!(matches!(
            from_geojson("[1, 2"),
            Err(TrajectoryError::Unreadable(_))
        ));
        let off = r#"{"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[1, 95], ["a"]]},
            "properties": {"times": ["2026-11-29T11:00:00Z", "2026-11-29T11:01:00Z"]}}"#;
        let t = from_geojson(off).unwrap();
        assert_eq!((t.fixes.len(), t.refused), (0, 2));
    }
}
