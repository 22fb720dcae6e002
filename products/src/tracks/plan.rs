//! Flight plans: the waypoints a platform is to fly, as the planning tools
//! export them — KML (Google Earth, Open-MSS), GPX (GPS units, routes or
//! tracks), Open-MSS's FTML, and CSV tables of waypoints in decimal degrees
//! or degrees-minutes-seconds with decimal commas (MSS#1848) — and back out
//! as GPX and KML with waypoint labels (MSS#914, #1952).
//!
//! Files come from people's tools: their size, node count and waypoint count
//! are bounded, DTDs are refused (no entity expansion), and a file that says
//! nothing usable gets a reason.

use roxmltree::{Document, Node, ParsingOptions};
use serde::{Deserialize, Serialize};

/// Largest plan file read, in bytes.
pub const MAX_PLAN_BYTES: usize = 4 << 20;
/// Most waypoints a plan may have (a day's flight has tens).
pub const MAX_WAYPOINTS: usize = 10_000;
/// Most XML nodes a plan file may have.
const MAX_NODES: u32 = 200_000;
/// Earth's mean radius, km (great-circle lengths).
const EARTH_RADIUS_KM: f64 = 6371.0088;
/// One flight level (hundreds of feet), in metres.
const FLIGHT_LEVEL_M: f64 = 30.48;

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
}

/// The formats read (and, for GPX and KML, written).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PlanFormat {
    Kml,
    Gpx,
    Ftml,
    Csv,
}

impl PlanFormat {
    /// The format a file's extension names.
    pub fn of_extension(ext: &str) -> Option<Self> {
        match ext.to_ascii_lowercase().as_str() {
            "kml" => Some(Self::Kml),
            "gpx" => Some(Self::Gpx),
            "ftml" => Some(Self::Ftml),
            "csv" | "txt" => Some(Self::Csv),
            _ => None,
        }
    }
}

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

/// Reads a plan of `format` from `text`.
pub fn parse(format: PlanFormat, text: &str) -> Result<FlightPlan, PlanError> {
    if text.len() > MAX_PLAN_BYTES {
        return Err(PlanError::TooLarge(text.len()));
    }
    let plan = match format {
        PlanFormat::Kml => kml(&document(text)?),
        PlanFormat::Gpx => gpx(&document(text)?),
        PlanFormat::Ftml => ftml(&document(text)?),
        PlanFormat::Csv => csv_table(text),
    }?;
    if plan.waypoints.len() > MAX_WAYPOINTS {
        return Err(PlanError::TooMany(plan.waypoints.len()));
    }
    for (n, w) in plan.waypoints.iter().enumerate() {
        let problem = if !(-90.0..=90.0).contains(&w.lat) {
            Some(format!("latitude {} outside -90 to 90", w.lat))
        } else if !(-180.0..=360.0).contains(&w.lon) {
            Some(format!("longitude {} outside -180 to 360", w.lon))
        } else if w.alt.is_some_and(|a| !(-1000.0..=100_000.0).contains(&a)) {
            Some(format!("altitude {:?} m outside -1 000 to 100 000", w.alt))
        } else {
            None
        };
        if let Some(problem) = problem {
            return Err(PlanError::Waypoint { n: n + 1, problem });
        }
    }
    Ok(plan)
}

fn document(text: &str) -> Result<Document<'_>, PlanError> {
    let options = ParsingOptions {
        allow_dtd: false,
        nodes_limit: MAX_NODES,
    };
    Document::parse_with_options(text, options).map_err(|e| PlanError::Xml(e.to_string()))
}

/// Elements named `name` (any namespace) below `node`, in document order.
fn all<'a, 'i>(node: Node<'a, 'i>, name: &'static str) -> impl Iterator<Item = Node<'a, 'i>> {
    node.descendants()
        .filter(move |n| n.is_element() && n.tag_name().name() == name)
}

/// The text of the first child element `name` of `node`, trimmed.
fn child_text(node: Node, name: &str) -> Option<String> {
    node.children()
        .find(|n| n.is_element() && n.tag_name().name() == name)
        .and_then(|n| n.text())
        .map(|t| t.trim().to_string())
}

fn number(n: usize, what: &str, text: Option<&str>) -> Result<f64, PlanError> {
    let text = text.unwrap_or_default().trim();
    text.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| PlanError::Waypoint {
            n,
            problem: format!("{what} {text:?} is not a number"),
        })
}

fn name_of(root: Node) -> String {
    all(root, "name")
        .next()
        .and_then(|n| n.text())
        .map(|t| t.trim().to_string())
        .unwrap_or_default()
}

/// KML: the placemarks that are points, in order, with their names; else
/// the first line's coordinates.
fn kml(doc: &Document) -> Result<FlightPlan, PlanError> {
    let root = doc.root_element();
    let mut waypoints = Vec::new();
    for placemark in all(root, "Placemark") {
        let Some(point) = all(placemark, "Point").next() else {
            continue;
        };
        let coordinates = child_text(point, "coordinates").unwrap_or_default();
        let label = child_text(placemark, "name").unwrap_or_default();
        let n = waypoints.len() + 1;
        let first = coordinates.split_whitespace().next().unwrap_or_default();
        waypoints.push(Waypoint {
            label,
            ..kml_coordinate(n, first)?
        });
    }
    if waypoints.len() < 2 {
        waypoints.clear();
        let line = all(root, "LineString")
            .next()
            .ok_or(PlanError::Empty("no point placemarks and no LineString"))?;
        let coordinates = child_text(line, "coordinates").unwrap_or_default();
        for (i, tuple) in coordinates.split_whitespace().enumerate() {
            if i >= MAX_WAYPOINTS {
                return Err(PlanError::TooMany(i + 1));
            }
            waypoints.push(kml_coordinate(i + 1, tuple)?);
        }
    }
    Ok(FlightPlan {
        name: name_of(root),
        waypoints,
    })
}

/// `lon,lat[,alt]`.
fn kml_coordinate(n: usize, tuple: &str) -> Result<Waypoint, PlanError> {
    let mut parts = tuple.split(',');
    let lon = number(n, "longitude", parts.next())?;
    let lat = number(n, "latitude", parts.next())?;
    let alt = parts
        .next()
        .map(|a| number(n, "altitude", Some(a)))
        .transpose()?;
    Ok(Waypoint {
        lat,
        lon,
        alt,
        label: String::new(),
    })
}

/// GPX: the route's points; else the waypoints; else the first track's points.
fn gpx(doc: &Document) -> Result<FlightPlan, PlanError> {
    let root = doc.root_element();
    let points: Vec<Node> = ["rtept", "wpt", "trkpt"]
        .iter()
        .map(|name| all(root, name).collect::<Vec<_>>())
        .find(|points| !points.is_empty())
        .ok_or(PlanError::Empty("no rtept, wpt or trkpt"))?;
    if points.len() > MAX_WAYPOINTS {
        return Err(PlanError::TooMany(points.len()));
    }
    let mut waypoints = Vec::with_capacity(points.len());
    for (i, point) in points.into_iter().enumerate() {
        let n = i + 1;
        waypoints.push(Waypoint {
            lat: number(n, "lat", point.attribute("lat"))?,
            lon: number(n, "lon", point.attribute("lon"))?,
            alt: child_text(point, "ele")
                .map(|e| number(n, "ele", Some(&e)))
                .transpose()?,
            label: child_text(point, "name").unwrap_or_default(),
        });
    }
    let name = all(root, "rte")
        .next()
        .and_then(|r| child_text(r, "name"))
        .or_else(|| {
            all(root, "metadata")
                .next()
                .and_then(|m| child_text(m, "name"))
        })
        .unwrap_or_default();
    Ok(FlightPlan { name, waypoints })
}

/// Open-MSS FTML: `<Waypoint lat lon flightlevel location>` in order; the
/// flight level is hundreds of feet.
fn ftml(doc: &Document) -> Result<FlightPlan, PlanError> {
    let root = doc.root_element();
    let points: Vec<Node> = all(root, "Waypoint").collect();
    if points.is_empty() {
        return Err(PlanError::Empty("no Waypoint elements"));
    }
    if points.len() > MAX_WAYPOINTS {
        return Err(PlanError::TooMany(points.len()));
    }
    let mut waypoints = Vec::with_capacity(points.len());
    for (i, point) in points.into_iter().enumerate() {
        let n = i + 1;
        let level = point
            .attribute("flightlevel")
            .map(|fl| number(n, "flightlevel", Some(fl)))
            .transpose()?;
        waypoints.push(Waypoint {
            lat: number(n, "lat", point.attribute("lat"))?,
            lon: number(n, "lon", point.attribute("lon"))?,
            alt: level.map(|fl| fl * FLIGHT_LEVEL_M),
            label: point.attribute("location").unwrap_or_default().to_string(),
        });
    }
    Ok(FlightPlan {
        name: String::new(),
        waypoints,
    })
}

/// A table with a header: `lat`/`latitude`, `lon`/`long`/`longitude`, and
/// optionally `alt`/`altitude` (m), `fl`/`flightlevel`, and a label column
/// (`name`, `label`, `location`, `waypoint`). Separated by `;` when the
/// header has one (decimal commas then read as points), else by `,` or tab.
fn csv_table(text: &str) -> Result<FlightPlan, PlanError> {
    let header = text.lines().next().unwrap_or_default();
    let delimiter = if header.contains(';') {
        b';'
    } else if header.contains('\t') {
        b'\t'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| PlanError::Xml(e.to_string()))?
        .iter()
        .map(|h| h.to_ascii_lowercase())
        .collect();
    let column = |names: &[&str]| headers.iter().position(|h| names.contains(&h.as_str()));
    let lat = column(&["lat", "latitude"]).ok_or(PlanError::NoColumn("latitude"))?;
    let lon = column(&["lon", "long", "longitude"]).ok_or(PlanError::NoColumn("longitude"))?;
    let alt = column(&["alt", "altitude", "alt_m", "altitude_m"]);
    let level = column(&["fl", "flightlevel", "flight_level"]);
    let label = column(&["name", "label", "location", "waypoint"]);
    let mut waypoints = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let n = i + 1;
        if n > MAX_WAYPOINTS {
            return Err(PlanError::TooMany(n));
        }
        let record = record.map_err(|e| PlanError::Waypoint {
            n,
            problem: e.to_string(),
        })?;
        let cell = |c: Option<usize>| c.and_then(|c| record.get(c)).filter(|v| !v.is_empty());
        let decimal = |what: &str, text: &str| number(n, what, Some(&text.replace(',', ".")));
        let altitude = match (cell(alt), cell(level)) {
            (Some(a), _) => Some(decimal("altitude", a)?),
            (None, Some(fl)) => Some(decimal("flight level", fl)? * FLIGHT_LEVEL_M),
            (None, None) => None,
        };
        waypoints.push(Waypoint {
            lat: angle(
                n,
                "latitude",
                cell(Some(lat)).unwrap_or_default(),
                ('N', 'S'),
            )?,
            lon: angle(
                n,
                "longitude",
                cell(Some(lon)).unwrap_or_default(),
                ('E', 'W'),
            )?,
            alt: altitude,
            label: cell(label).unwrap_or_default().to_string(),
        });
    }
    if waypoints.is_empty() {
        return Err(PlanError::Empty("the table has no rows"));
    }
    Ok(FlightPlan {
        name: String::new(),
        waypoints,
    })
}

/// An angle in decimal degrees (`43.5`, `-1,25`) or in degrees, minutes and
/// seconds with any separators and decimal commas (`43°30'15,5"N`,
/// `N 43 30.25`, `001°15'W`); `hemispheres` are the positive and negative
/// letters.
fn angle(n: usize, what: &str, text: &str, hemispheres: (char, char)) -> Result<f64, PlanError> {
    let bad = || PlanError::Waypoint {
        n,
        problem: format!(
            "{what} {text:?} is neither decimal degrees nor degrees, minutes, seconds"
        ),
    };
    let upper = text.to_ascii_uppercase();
    let negative = upper.contains(hemispheres.1) || upper.trim_start().starts_with('-');
    let mut parts: Vec<f64> = Vec::new();
    let mut current = String::new();
    for c in upper.chars() {
        if c.is_ascii_digit() || ((c == '.' || c == ',') && !current.is_empty()) {
            current.push(if c == ',' { '.' } else { c });
        } else if !current.is_empty() {
            parts.push(current.parse().map_err(|_| bad())?);
            current.clear();
        }
        let known = c.is_ascii_digit()
            || ".,-+ °'\"′″:".contains(c)
            || c == hemispheres.0
            || c == hemispheres.1;
        if !known {
            return Err(bad());
        }
    }
    if !current.is_empty() {
        parts.push(current.parse().map_err(|_| bad())?);
    }
    let magnitude = match parts.as_slice() {
        [d] => *d,
        [d, m] if *m < 60.0 => d + m / 60.0,
        [d, m, s] if *m < 60.0 && *s < 60.0 => d + m / 60.0 + s / 3600.0,
        _ => return Err(bad()),
    };
    Ok(if negative { -magnitude } else { magnitude })
}

impl FlightPlan {
    /// Great-circle length along the waypoints, km.
    pub fn length_km(&self) -> f64 {
        self.waypoints
            .windows(2)
            .map(|pair| great_circle_km(&pair[0], &pair[1]))
            .sum()
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

#[cfg(test)]
mod tests;
