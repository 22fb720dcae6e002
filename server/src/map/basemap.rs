//! The basemap, shipped inside the binary so that the map works with no
//! internet: Natural Earth's 1:50m coastlines and country borders (public
//! domain), as Mike Bostock's `world-atlas` package publishes them in
//! TopoJSON (`server/assets/countries-50m.json`, refreshed by
//! `scripts/basemap.sh`). A map asks for the lines of its view at its zoom:
//! clipped to the view and simplified to a pixel, a campaign area costs a
//! few kilobytes, the whole world about a hundred.

use std::collections::HashSet;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use super::simplify::simplified;

static TOPOLOGY: &[u8] = include_bytes!("../../assets/countries-50m.json");

/// Decoded once, on the first map drawn.
static BASEMAP: LazyLock<Result<Basemap, String>> = LazyLock::new(|| Basemap::decode(TOPOLOGY));

/// The basemap, or why it could not be read (a bad asset: a build's fault,
/// answered as unavailable rather than taking the server down).
pub fn basemap() -> Result<&'static Basemap, &'static str> {
    BASEMAP.as_ref().map_err(String::as_str)
}

/// Where the lines come from, sent with them.
pub const SOURCE: &str = "Natural Earth 1:50m (public domain), via world-atlas 2.0.2";

/// Most pixels across a map asks for.
pub const MAX_WIDTH_PX: u32 = 8_192;

/// A line of the basemap: a stretch of coast, or of a border between countries.
struct Line {
    coast: bool,
    bounds: Bounds,
    points: Vec<[f64; 2]>,
}

/// `[west, south, east, north]` in degrees.
pub type Bounds = [f64; 4];

pub struct Basemap {
    lines: Vec<Line>,
}

/// The lines of a view, as the API answers them.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct ViewLines {
    pub coast: Vec<Vec<[f64; 2]>>,
    pub borders: Vec<Vec<[f64; 2]>>,
    pub source: String,
}

#[derive(Deserialize)]
struct Topology {
    arcs: Vec<Vec<[i64; 2]>>,
    transform: Transform,
    objects: Objects,
}

#[derive(Deserialize)]
struct Transform {
    scale: [f64; 2],
    translate: [f64; 2],
}

#[derive(Deserialize)]
struct Objects {
    countries: Collection,
    land: Collection,
}

#[derive(Deserialize)]
struct Collection {
    geometries: Vec<Geometry>,
}

#[derive(Deserialize)]
struct Geometry {
    /// Nested lists of arc indices (`~i` for arc `i` reversed), as deep as
    /// the geometry's type needs.
    #[serde(default)]
    arcs: serde_json::Value,
}

impl Basemap {
    /// Reads a TopoJSON topology with `countries` and `land` objects sharing
    /// their arcs: an arc of the land is a coast, any other arc of a country
    /// a border.
    fn decode(bytes: &[u8]) -> Result<Self, String> {
        let topology: Topology =
            serde_json::from_slice(bytes).map_err(|e| format!("the basemap asset: {e}"))?;
        let mut coast = HashSet::new();
        for geometry in &topology.objects.land.geometries {
            arc_indices(&geometry.arcs, &mut coast);
        }
        let mut any = HashSet::new();
        for geometry in &topology.objects.countries.geometries {
            arc_indices(&geometry.arcs, &mut any);
        }
        let [sx, sy] = topology.transform.scale;
        let [tx, ty] = topology.transform.translate;
        let mut lines = Vec::new();
        for (i, arc) in topology.arcs.iter().enumerate() {
            if !coast.contains(&i) && !any.contains(&i) {
                continue;
            }
            // Positions are quantised and each is a step from the one before.
            let (mut x, mut y) = (0i64, 0i64);
            let points: Vec<[f64; 2]> = arc
                .iter()
                .map(|[dx, dy]| {
                    x += dx;
                    y += dy;
                    [x as f64 * sx + tx, y as f64 * sy + ty]
                })
                .collect();
            for part in across_the_date_line(&points) {
                lines.push(Line {
                    coast: coast.contains(&i),
                    bounds: bounds(part),
                    points: part.to_vec(),
                });
            }
        }
        Ok(Self { lines })
    }

    /// The lines that cross `view`, cut to it (with a point beyond each edge,
    /// so they run off the map rather than stop short) and simplified to
    /// `tolerance` degrees.
    pub fn lines_in(&self, view: Bounds, tolerance: f64) -> ViewLines {
        let mut out = ViewLines {
            source: SOURCE.into(),
            ..ViewLines::default()
        };
        for line in self.lines.iter().filter(|l| overlaps(l.bounds, view)) {
            for part in inside(&line.points, view) {
                let kept = short_steps(part, simplified(part, tolerance));
                let part: Vec<[f64; 2]> = kept.into_iter().map(|i| rounded(part[i])).collect();
                if part.len() >= 2 {
                    if line.coast {
                        out.coast.push(part);
                    } else {
                        out.borders.push(part);
                    }
                }
            }
        }
        out
    }

    /// How many lines it holds: coasts, then borders.
    pub fn counts(&self) -> (usize, usize) {
        let coasts = self.lines.iter().filter(|l| l.coast).count();
        (coasts, self.lines.len() - coasts)
    }
}

/// Every arc index in a geometry's nested lists, reversed ones (`~i`) as `i`.
fn arc_indices(value: &serde_json::Value, into: &mut HashSet<usize>) {
    match value {
        serde_json::Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                let i = if i < 0 { !i } else { i };
                into.insert(i as usize);
            }
        }
        serde_json::Value::Array(list) => list.iter().for_each(|v| arc_indices(v, into)),
        _ => {}
    }
}

fn bounds(points: &[[f64; 2]]) -> Bounds {
    points.iter().fold(
        [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ],
        |[w, s, e, n], &[x, y]| [w.min(x), s.min(y), e.max(x), n.max(y)],
    )
}

fn overlaps(a: Bounds, b: Bounds) -> bool {
    a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3]
}

fn contains(view: Bounds, [x, y]: [f64; 2]) -> bool {
    view[0] <= x && x <= view[2] && view[1] <= y && y <= view[3]
}

/// The runs of `points` inside `view`, each with its neighbours outside.
fn inside(points: &[[f64; 2]], view: Bounds) -> Vec<&[[f64; 2]]> {
    let mut parts = Vec::new();
    let mut start: Option<usize> = None;
    for (i, &p) in points.iter().enumerate() {
        match (contains(view, p), start) {
            (true, None) => start = Some(i.saturating_sub(1)),
            (false, Some(s)) => {
                parts.push(&points[s..=i]);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        parts.push(&points[s..]);
    }
    parts
}

/// Most longitude one drawn step may span after simplification.
const MAX_STEP_DEG: f64 = 90.0;

/// `kept` (indices into `part`, in order) with points of `part` put back
/// where a step would span more than [`MAX_STEP_DEG`] of longitude: the
/// edge of Antarctica along the pole is a straight line in degrees, which
/// simplification reduces to its two ends, 360° apart.
fn short_steps(part: &[[f64; 2]], kept: Vec<usize>) -> Vec<usize> {
    let mut out = Vec::with_capacity(kept.len());
    for pair in kept.windows(2) {
        let (mut a, b) = (pair[0], pair[1]);
        out.push(a);
        while b > a + 1 && (part[b][0] - part[a][0]).abs() > MAX_STEP_DEG {
            // The farthest point still within a step of `a` (at least the next).
            let next = (a + 1..b)
                .take_while(|&i| (part[i][0] - part[a][0]).abs() <= MAX_STEP_DEG)
                .last()
                .unwrap_or(a + 1);
            out.push(next);
            a = next;
        }
    }
    out.extend(kept.last());
    out
}

/// `points` cut where a step jumps more than half the globe in longitude:
/// a coast that crosses the date line (Chukotka, Fiji) goes from 180° to
/// -180° in one step, which drawn as it is would be a line across the world.
fn across_the_date_line(points: &[[f64; 2]]) -> Vec<&[[f64; 2]]> {
    let mut parts = Vec::new();
    let mut start = 0;
    for i in 1..points.len() {
        if (points[i][0] - points[i - 1][0]).abs() > 180.0 {
            parts.push(&points[start..i]);
            start = i;
        }
    }
    parts.push(&points[start..]);
    parts.retain(|part| part.len() >= 2);
    parts
}

/// To a thousandth of a degree (about 100 m): finer than the 1:50m data.
fn rounded([x, y]: [f64; 2]) -> [f64; 2] {
    [(x * 1000.0).round() / 1000.0, (y * 1000.0).round() / 1000.0]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_basemap_has_coasts_and_borders_and_a_view_gets_only_its_own() {
        let map = basemap().expect("the asset decodes");
        let (coasts, borders) = map.counts();
        assert!(
            coasts > 1_000 && borders > 300,
            "{coasts} coasts, {borders} borders"
        );
        // The Gulf of Lion and the Pyrenees: coasts, and the France–Spain border.
        let view = [-2.0, 41.0, 6.0, 45.0];
        let lines = map.lines_in(view, 0.01);
        assert!(!lines.coast.is_empty() && !lines.borders.is_empty());
        for line in lines.coast.iter().chain(&lines.borders) {
            let inner = &line[1..line.len() - 1];
            assert!(
                inner.iter().all(|&p| contains(view, p)),
                "only the ends may lie outside"
            );
        }
        // The whole world at a coarse zoom is much lighter than at a fine one.
        let world = [-180.0, -90.0, 180.0, 90.0];
        let coarse = serde_json::to_string(&map.lines_in(world, 0.4)).unwrap();
        let fine = serde_json::to_string(&map.lines_in(world, 0.01)).unwrap();
        assert!(
            coarse.len() * 3 < fine.len(),
            "{} vs {}",
            coarse.len(),
            fine.len()
        );
        // The open ocean has nothing.
        let pacific = map.lines_in([-150.0, -40.0, -140.0, -30.0], 0.01);
        assert!(pacific.coast.is_empty() && pacific.borders.is_empty());
    }

    #[test]
    fn no_line_of_the_world_map_jumps_across_it() {
        let map = basemap().expect("the asset decodes");
        let world = [-180.0, -90.0, 180.0, 90.0];
        for tolerance in [0.0, 0.01, 0.4] {
            let lines = map.lines_in(world, tolerance);
            for line in lines.coast.iter().chain(&lines.borders) {
                for step in line.windows(2) {
                    let span = (step[1][0] - step[0][0]).abs();
                    assert!(span <= 180.0, "a {span}° step at {step:?}");
                }
            }
        }
        // The coasts either side of the date line are still drawn.
        let chukotka = map.lines_in([170.0, 60.0, 180.0, 72.0], 0.01);
        let alaska = map.lines_in([-180.0, 60.0, -165.0, 72.0], 0.01);
        assert!(!chukotka.coast.is_empty() && !alaska.coast.is_empty());
    }

    #[test]
    fn a_line_leaving_and_coming_back_is_cut_in_two() {
        let view = [0.0, 0.0, 10.0, 10.0];
        let points = [
            [-1.0, 5.0],
            [1.0, 5.0],
            [2.0, 5.0],
            [20.0, 5.0],
            [30.0, 5.0],
            [9.0, 5.0],
        ];
        let parts = inside(&points, view);
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0], &points[0..=3]);
        assert_eq!(parts[1], &points[4..]);
    }
}
