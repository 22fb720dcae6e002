//! Flight plans: the waypoints a platform is to fly, as the planning tools
//! export them — KML (Google Earth, Open-MSS), GPX (GPS units, routes or
//! tracks), Open-MSS's FTML, and CSV tables of waypoints in decimal degrees
//! or degrees-minutes-seconds with decimal commas (MSS#1848) — and back out
//! as GPX and KML with waypoint labels (MSS#914, #1952).
//!
//! Files come from people's tools: their size, node count and waypoint count
//! are bounded, DTDs are refused (no entity expansion), and a file that says
//! nothing usable gets a reason.

use serde::{Deserialize, Serialize};

/// Largest plan file read, in bytes.
pub const MAX_PLAN_BYTES: usize = 4 << 20;
/// Most waypoints a plan may have (a day's flight has tens).
pub const MAX_WAYPOINTS: usize = 10_000;
/// Earth's mean radius, km (great-circle lengths).
const EARTH_RADIUS_KM: f64 = 6371.0088;

/// One point of a plan.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Waypoint {
    pub lat: f64,
    pub lon: f64,
    /// Altitude above mean sea level, m.
    #[serde(default)]
    pub alt: Option<f64>,
    #[serde(default)]
    pub label: String,
}

/// A planned track.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FlightPlan {
    pub name: String,
    pub waypoints: Vec<Waypoint>,
    /// What the reader left out of the file, said to whoever attached it
    /// ("2 point placemarks off the route"); not kept with the plan.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skipped: Vec<String>,
}

/// The formats read (and, for GPX and KML, written).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PlanFormat {
    Kml,
    Gpx,
    Ftml,
    Csv,
    /// FliteStar/FliteMap's text route (`FWP` lines), saved as `.txt`.
    FliteStar,
}

impl PlanFormat {
    /// The format a file's extension names.
    pub fn of_extension(ext: &str) -> Option<Self> {
        match ext.to_ascii_lowercase().as_str() {
            "kml" => Some(Self::Kml),
            "gpx" => Some(Self::Gpx),
            "ftml" => Some(Self::Ftml),
            "csv" | "txt" => Some(Self::Csv),
            "flitestar" => Some(Self::FliteStar),
            _ => None,
        }
    }

    /// The format's name as people write it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Kml => "KML",
            Self::Gpx => "GPX",
            Self::Ftml => "FTML",
            Self::Csv => "CSV",
            Self::FliteStar => "FliteStar",
        }
    }

    /// The format `text` is in when its extension says too little: a
    /// `.txt` may be a table or a FliteStar route, which says so on its
    /// first line.
    pub fn sniffed(self, text: &str) -> Self {
        let start = text.trim_start_matches('\u{feff}').trim_start();
        match self {
            Self::Csv if start.starts_with(FLITESTAR_MARK) => Self::FliteStar,
            other => other,
        }
    }
}

/// How a FliteStar route file begins.
pub const FLITESTAR_MARK: &str = "# FliteStar/FliteMap generated flight plan";

/// Why a plan was not read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PlanError {
    #[error("the file is {0} bytes; at most {MAX_PLAN_BYTES}")]
    TooLarge(usize),
    #[error("not readable XML: {0}")]
    Xml(String),
    #[error("no waypoints: {0}")]
    Empty(&'static str),
    #[error("{0} waypoints; at most {MAX_WAYPOINTS}")]
    TooMany(usize),
    #[error("waypoint {n}: {problem}")]
    Waypoint { n: usize, problem: String },
    #[error("the table has no {0} column (a header naming lat and lon is needed)")]
    NoColumn(&'static str),
}

/// A plan attached to an operation, as stored and announced
/// (`flight_plan.saved`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StoredPlan {
    pub id: i64,
    pub operation_id: i64,
    #[serde(flatten)]
    pub plan: FlightPlan,
    /// The format it was read from.
    pub format: PlanFormat,
    pub length_km: f64,
    pub bounds: Option<[f64; 4]>,
    pub created_by: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl FlightPlan {
    /// Great-circle length along the waypoints, km.
    pub fn length_km(&self) -> f64 {
        path_length_km(&self.waypoints)
    }

    /// How long flying it takes at `speed_kmh` (None for a speed that is
    /// not positive).
    pub fn duration_at(&self, speed_kmh: f64) -> Option<chrono::Duration> {
        (speed_kmh > 0.0 && speed_kmh.is_finite()).then(|| {
            let seconds = self.length_km() / speed_kmh * 3600.0;
            chrono::Duration::milliseconds((seconds * 1000.0).round() as i64)
        })
    }

    /// `[west, south, east, north]` of the waypoints.
    pub fn bounds(&self) -> Option<[f64; 4]> {
        let first = self.waypoints.first()?;
        Some(self.waypoints.iter().fold(
            [first.lon, first.lat, first.lon, first.lat],
            |[w, s, e, n], p| [w.min(p.lon), s.min(p.lat), e.max(p.lon), n.max(p.lat)],
        ))
    }

    /// As GPX 1.1: one route, a point per waypoint with its label and altitude.
    pub fn to_gpx(&self) -> String {
        let mut out = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<gpx version=\"1.1\" creator=\"opsboard\" xmlns=\"http://www.topografix.com/GPX/1/1\">\n",
        );
        out += &format!("  <rte>\n    <name>{}</name>\n", escape(&self.name));
        for w in &self.waypoints {
            out += &format!("    <rtept lat=\"{}\" lon=\"{}\">", w.lat, w.lon);
            if let Some(alt) = w.alt {
                out += &format!("<ele>{alt}</ele>");
            }
            out += &format!("<name>{}</name></rtept>\n", escape(&w.label));
        }
        out + "  </rte>\n</gpx>\n"
    }

    /// As KML 2.2: a labelled point placemark per waypoint and the line
    /// through them.
    pub fn to_kml(&self) -> String {
        let mut out = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<kml xmlns=\"http://www.opengis.net/kml/2.2\">\n<Document>\n",
        );
        out += &format!("  <name>{}</name>\n", escape(&self.name));
        let coordinate = |w: &Waypoint| match w.alt {
            Some(alt) => format!("{},{},{alt}", w.lon, w.lat),
            None => format!("{},{}", w.lon, w.lat),
        };
        for w in &self.waypoints {
            out += &format!(
                "  <Placemark><name>{}</name><Point><coordinates>{}</coordinates></Point></Placemark>\n",
                escape(&w.label),
                coordinate(w)
            );
        }
        let line: Vec<String> = self.waypoints.iter().map(coordinate).collect();
        out += &format!(
            "  <Placemark><name>track</name><LineString><coordinates>{}</coordinates></LineString></Placemark>\n",
            line.join(" ")
        );
        out + "</Document>\n</kml>\n"
    }
}

/// The great-circle length of a path through `waypoints`, km.
pub fn path_length_km(waypoints: &[Waypoint]) -> f64 {
    waypoints
        .windows(2)
        .map(|pair| great_circle_km(&pair[0], &pair[1]))
        .sum()
}

fn great_circle_km(a: &Waypoint, b: &Waypoint) -> f64 {
    let (la, lb) = (a.lat.to_radians(), b.lat.to_radians());
    let dlat = lb - la;
    let dlon = (b.lon - a.lon).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + la.cos() * lb.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin()
}

/// Text as XML character data or attribute value.
fn escape(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .fold(String::with_capacity(text.len()), |mut out, c| {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '"' => out.push_str("&quot;"),
                '\'' => out.push_str("&apos;"),
                c => out.push(c),
            }
            out
        })
}
