//! Reading flight plans (the types are `model::tracks::plan`'s): XML (KML,
//! GPX, FTML) without DTDs and within a node budget, CSV tables and
//! FliteStar routes, every number checked.

use model::tracks::plan::{
    path_length_km, FlightPlan, PlanError, PlanFormat, Waypoint, MAX_PLAN_BYTES, MAX_WAYPOINTS,
};
use roxmltree::{Document, Node, ParsingOptions};

mod flitestar;
#[cfg(test)]
mod tests;

/// Most XML nodes a plan file may have.
const MAX_NODES: u32 = 200_000;
/// One flight level (hundreds of feet), in metres.
const FLIGHT_LEVEL_M: f64 = 30.48;

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
        PlanFormat::FliteStar => flitestar::route(text),
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

/// KML: the flight path. A planning tool's KML holds the route as a
/// LineString, often beside placemarks that are not the route (wind barbs,
/// labels, a target area, an airspace polygon): the longest LineString is
/// taken, and a point placemark lying on it names its vertex. Without a
/// line, two or more point placemarks in document order are the route.
/// A polygon is an area, never a route. What was left out is said in
/// [`FlightPlan::skipped`].
fn kml(doc: &Document) -> Result<FlightPlan, PlanError> {
    let root = doc.root_element();
    let mut points = Vec::new();
    for placemark in all(root, "Placemark") {
        let Some(point) = all(placemark, "Point").next() else {
            continue;
        };
        let coordinates = child_text(point, "coordinates").unwrap_or_default();
        let first = coordinates.split_whitespace().next().unwrap_or_default();
        points.push(Waypoint {
            label: child_text(placemark, "name").unwrap_or_default(),
            ..kml_coordinate(points.len() + 1, first)?
        });
    }
    let mut lines = Vec::new();
    for line in all(root, "LineString") {
        lines.push(kml_line(line)?);
    }
    let polygons = all(root, "Polygon").count();
    let mut skipped = Vec::new();
    if polygons > 0 {
        skipped.push(format!("{polygons} polygon(s): areas, not a route"));
    }
    let longest = (0..lines.len())
        .filter(|&i| lines[i].len() >= 2)
        .max_by(|&a, &b| path_length_km(&lines[a]).total_cmp(&path_length_km(&lines[b])));
    let waypoints = match longest {
        Some(i) => {
            let mut route = lines.swap_remove(i);
            let named = name_vertices(&mut route, points);
            if !lines.is_empty() {
                skipped.push(format!("{} shorter line(s)", lines.len()));
            }
            if named.unmatched > 0 {
                skipped.push(format!(
                    "{} point placemark(s) off the route (labels, wind barbs…)",
                    named.unmatched
                ));
            }
            route
        }
        None if points.len() >= 2 => points,
        None if polygons > 0 => {
            return Err(PlanError::Empty(
                "only polygons (areas): a route is a LineString or two or more points",
            ))
        }
        None => return Err(PlanError::Empty("no LineString and fewer than two points")),
    };
    Ok(FlightPlan {
        name: name_of(root),
        waypoints,
        skipped,
    })
}

/// The vertices of a KML `LineString`.
fn kml_line(line: Node) -> Result<Vec<Waypoint>, PlanError> {
    let coordinates = child_text(line, "coordinates").unwrap_or_default();
    let mut vertices = Vec::new();
    for (i, tuple) in coordinates.split_whitespace().enumerate() {
        if i >= MAX_WAYPOINTS {
            return Err(PlanError::TooMany(i + 1));
        }
        vertices.push(kml_coordinate(i + 1, tuple)?);
    }
    Ok(vertices)
}

/// How the point placemarks matched a route's vertices.
struct Named {
    unmatched: usize,
}

/// Gives each vertex of `route` the name (and, where the line has none,
/// the altitude) of a point placemark at the same place (to about a
/// metre), each placemark used once, in order.
fn name_vertices(route: &mut [Waypoint], points: Vec<Waypoint>) -> Named {
    use std::collections::{HashMap, VecDeque};
    let key = |w: &Waypoint| ((w.lon * 1e5).round() as i64, (w.lat * 1e5).round() as i64);
    let mut at: HashMap<(i64, i64), VecDeque<Waypoint>> = HashMap::new();
    let total = points.len();
    for point in points {
        at.entry(key(&point)).or_default().push_back(point);
    }
    let mut matched = 0;
    for vertex in route.iter_mut() {
        if let Some(point) = at.get_mut(&key(vertex)).and_then(VecDeque::pop_front) {
            vertex.label = point.label;
            vertex.alt = vertex.alt.or(point.alt);
            matched += 1;
        }
    }
    Named {
        unmatched: total - matched,
    }
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
    Ok(FlightPlan {
        name,
        waypoints,
        skipped: Vec::new(),
    })
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
        skipped: Vec::new(),
    })
}

/// A table with a header: `lat`/`latitude`, `lon`/`long`/`longitude`, and
/// optionally `alt`/`altitude` (m), `fl`/`flightlevel`, and a label column
/// (`name`, `label`, `location`, `waypoint`). Separated by `;` when the
/// header has one (decimal commas then read as points), else by `,` or tab.
fn csv_table(text: &str) -> Result<FlightPlan, PlanError> {
    let mut reader = crate::table_reader(text);
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
        skipped: Vec::new(),
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
