//! What the map shows and where: the view (centre and zoom), its projection
//! to the screen, and the tracks it draws with their times.
//!
//! The projection is equirectangular with the view's centre latitude as its
//! standard parallel: longitude and latitude each map linearly to the
//! screen, so a georeferenced image (a regular latitude/longitude grid over
//! its sidecar's `bbox`, as satellite and model fields are sent) is drawn in
//! its box exactly, with no warping; near the centre distances are true in
//! both directions, which is what a campaign's few hundred kilometres need.

use chrono::{DateTime, Utc};
use serde::Deserialize;

/// The map's drawing size, in SVG units (CSS scales it to the panel).
pub const WIDTH: f64 = 960.0;
pub const HEIGHT: f64 = 540.0;
/// Degrees of latitude per pixel: about 50 m at the closest zoom, the
/// whole world at the widest.
pub const MIN_DEG_PER_PX: f64 = 0.0005;
pub const MAX_DEG_PER_PX: f64 = 0.4;
/// Kilometres per degree of latitude (mean).
const KM_PER_DEG: f64 = 111.2;

/// The initial bearing from `a` to `b` (`[lon, lat]`), degrees from north.
pub fn bearing([lon0, lat0]: [f64; 2], [lon1, lat1]: [f64; 2]) -> f64 {
    let (p0, p1) = (lat0.to_radians(), lat1.to_radians());
    let dl = (lon1 - lon0).to_radians();
    let y = dl.sin() * p1.cos();
    let x = p0.cos() * p1.sin() - p0.sin() * p1.cos() * dl.cos();
    y.atan2(x).to_degrees().rem_euclid(360.0)
}

/// The great-circle distance from `a` to `b` (`[lon, lat]`), km.
pub fn great_circle_km([lon0, lat0]: [f64; 2], [lon1, lat1]: [f64; 2]) -> f64 {
    let (p0, p1) = (lat0.to_radians(), lat1.to_radians());
    let h = ((p1 - p0) / 2.0).sin().powi(2)
        + p0.cos() * p1.cos() * ((lon1 - lon0).to_radians() / 2.0).sin().powi(2);
    2.0 * 6371.0 * h.sqrt().min(1.0).asin()
}

/// `[west, south, east, north]` in degrees.
pub type Bounds = [f64; 4];

/// Where the map looks: its centre and its zoom.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MapView {
    pub lon: f64,
    pub lat: f64,
    /// Degrees of latitude per pixel.
    pub deg_per_px: f64,
}

impl Default for MapView {
    /// Europe and the Atlantic, when there is nothing yet to fit.
    fn default() -> Self {
        Self {
            lon: 0.0,
            lat: 45.0,
            deg_per_px: 0.05,
        }
    }
}

impl MapView {
    /// The view that shows `bounds` whole with a margin.
    pub fn fit(bounds: Bounds) -> Self {
        let [w, s, e, n] = bounds;
        let lat = ((s + n) / 2.0).clamp(-80.0, 80.0);
        let lon = (w + e) / 2.0;
        let across = (e - w) * cos_deg(lat) / WIDTH;
        let down = (n - s) / HEIGHT;
        Self {
            lon,
            lat,
            deg_per_px: (across.max(down) * 1.15).clamp(MIN_DEG_PER_PX, MAX_DEG_PER_PX),
        }
        .clamped()
    }

    /// Longitude's squeeze at the standard parallel.
    fn squeeze(&self) -> f64 {
        cos_deg(self.lat.clamp(-80.0, 80.0))
    }

    /// The screen point of `[lon, lat]`.
    pub fn to_screen(&self, [lon, lat]: [f64; 2]) -> (f64, f64) {
        (
            WIDTH / 2.0 + (lon - self.lon) * self.squeeze() / self.deg_per_px,
            HEIGHT / 2.0 - (lat - self.lat) / self.deg_per_px,
        )
    }

    /// The `[lon, lat]` under the screen point.
    pub fn to_lon_lat(&self, (x, y): (f64, f64)) -> [f64; 2] {
        [
            self.lon + (x - WIDTH / 2.0) * self.deg_per_px / self.squeeze(),
            self.lat - (y - HEIGHT / 2.0) * self.deg_per_px,
        ]
    }

    /// What the map shows.
    pub fn bounds(&self) -> Bounds {
        let [w, n] = self.to_lon_lat((0.0, 0.0));
        let [e, s] = self.to_lon_lat((WIDTH, HEIGHT));
        [w, s, e, n]
    }

    /// Zoomed by `factor` (> 1 closer) keeping the point under `anchor` still.
    /// The area on the globe the view shows, as a briefing keeps it:
    /// latitudes within the poles, longitudes wrapped into ±180° (west
    /// above east across the date line), the whole circle when wider.
    pub fn area(&self) -> Bounds {
        let [w, s, e, n] = self.bounds();
        let (s, n) = (s.max(-90.0), n.min(90.0));
        if e - w >= 360.0 {
            return [-180.0, s, 180.0, n];
        }
        let wrap = |x: f64| match (-180.0..=180.0).contains(&x) {
            true => x,
            false => (x + 180.0).rem_euclid(360.0) - 180.0,
        };
        [wrap(w), s, wrap(e), n]
    }

    pub fn zoomed(&self, factor: f64, anchor: (f64, f64)) -> Self {
        let [lon, lat] = self.to_lon_lat(anchor);
        let deg_per_px = (self.deg_per_px / factor).clamp(MIN_DEG_PER_PX, MAX_DEG_PER_PX);
        // Latitude first: the standard parallel, and so longitude's squeeze, follow it.
        let mut next = Self {
            lat: lat + (anchor.1 - HEIGHT / 2.0) * deg_per_px,
            deg_per_px,
            ..*self
        };
        next.lon = lon - (anchor.0 - WIDTH / 2.0) * deg_per_px / next.squeeze();
        next.clamped()
    }

    /// Moved so that what was at `(dx, dy)` pixels from here is under the
    /// pointer: a drag.
    pub fn panned(&self, dx: f64, dy: f64) -> Self {
        Self {
            lon: self.lon - dx * self.deg_per_px / self.squeeze(),
            lat: self.lat + dy * self.deg_per_px,
            ..*self
        }
        .clamped()
    }

    fn clamped(self) -> Self {
        Self {
            lon: self.lon.clamp(-180.0, 180.0),
            lat: self.lat.clamp(-85.0, 85.0),
            ..self
        }
    }

    /// The graticule's spacing: a round number of degrees giving three to
    /// eight lines across.
    pub fn graticule_step(&self) -> f64 {
        let span = self.deg_per_px * HEIGHT;
        [0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 15.0, 30.0]
            .into_iter()
            .find(|step| span / step <= 8.0)
            .unwrap_or(30.0)
    }

    /// A scale bar: a round length in km and its width in pixels, at most
    /// 150 px.
    pub fn scale_bar(&self) -> (f64, f64) {
        let km_per_px = self.deg_per_px * KM_PER_DEG;
        let mut best = (1.0, 1.0 / km_per_px);
        for exponent in -1..5 {
            for mantissa in [1.0, 2.0, 5.0] {
                let km = mantissa * 10f64.powi(exponent);
                let px = km / km_per_px;
                if px <= 150.0 {
                    best = (km, px);
                }
            }
        }
        best
    }
}

fn cos_deg(deg: f64) -> f64 {
    deg.to_radians().cos()
}

/// The basemap's lines as the API sends them, and what they cover.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct Basemap {
    pub coast: Vec<Vec<[f64; 2]>>,
    pub borders: Vec<Vec<[f64; 2]>>,
    pub source: String,
    /// The box asked for and the zoom it was simplified for (not sent).
    #[serde(skip)]
    pub covers: Option<(Bounds, f64)>,
}

impl Basemap {
    /// Whether these lines serve `view`: inside the box fetched, at a zoom
    /// within a factor of two of theirs (coarser lines would show, finer
    /// ones would weigh for nothing).
    pub fn serves(&self, view: &MapView) -> bool {
        self.covers.is_some_and(|([w, s, e, n], deg_per_px)| {
            let [vw, vs, ve, vn] = view.bounds();
            let ratio = view.deg_per_px / deg_per_px;
            w <= vw.max(-180.0)
                && e >= ve.min(180.0)
                && s <= vs.max(-90.0)
                && n >= vn.min(90.0)
                && (0.5..=2.0).contains(&ratio)
        })
    }
}

/// How coarse lite mode draws coasts and borders: simplified to this many
/// screen pixels instead of one (a quarter of the points, and of the bytes,
/// for lines that still read as the coast).
pub const LITE_BASEMAP_PX: f64 = 4.0;

/// What to ask the basemap for to draw `view`: its box with half a view
/// more on every side (small pans need nothing new), within the globe, and
/// the width in pixels that makes a pixel of this zoom ([`LITE_BASEMAP_PX`]
/// pixels in lite mode).
pub fn basemap_request(view: &MapView, lite: bool) -> (Bounds, u32) {
    let [w, s, e, n] = view.bounds();
    let (dx, dy) = ((e - w) / 2.0, (n - s) / 2.0);
    let bounds = [
        (w - dx).max(-180.0),
        (s - dy).max(-90.0),
        (e + dx).min(180.0),
        (n + dy).min(90.0),
    ];
    let pixels = if lite { LITE_BASEMAP_PX } else { 1.0 };
    let width = ((bounds[2] - bounds[0]) / view.deg_per_px / pixels).round();
    (bounds, width.clamp(16.0, 8_192.0) as u32)
}

/// A track's simplification for `view`: its pixel, rounded down to a power
/// of two so that small zooms reuse what was fetched.
pub fn track_tolerance(view: &MapView) -> f64 {
    2f64.powf(view.deg_per_px.log2().floor())
}

/// A range ring: `points` around `[lon, lat]` at `km`, along great circles.
pub fn ring(centre: [f64; 2], km: f64, points: usize) -> Vec<[f64; 2]> {
    let (lon0, lat0) = (centre[0].to_radians(), centre[1].to_radians());
    let d = km / 6371.0;
    (0..=points)
        .map(|i| {
            let bearing = std::f64::consts::TAU * i as f64 / points as f64;
            let lat = (lat0.sin() * d.cos() + lat0.cos() * d.sin() * bearing.cos()).asin();
            let lon = lon0
                + (bearing.sin() * d.sin() * lat0.cos()).atan2(d.cos() - lat0.sin() * lat.sin());
            [lon.to_degrees(), lat.to_degrees()]
        })
        .collect()
}

/// A stretch of a platform's track: points (`[lon, lat]`) and their times,
/// in time order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Track {
    pub points: Vec<[f64; 2]>,
    pub times: Vec<DateTime<Utc>>,
}

/// The API's GeoJSON Feature of a track.
#[derive(Deserialize)]
pub struct TrackFeature {
    geometry: Geometry,
    properties: TrackProperties,
}

#[derive(Deserialize)]
struct Geometry {
    coordinates: Vec<Vec<f64>>,
}

#[derive(Deserialize)]
struct TrackProperties {
    times: Vec<DateTime<Utc>>,
}

impl From<TrackFeature> for Track {
    fn from(feature: TrackFeature) -> Self {
        let (points, times) = feature
            .geometry
            .coordinates
            .iter()
            .zip(feature.properties.times)
            .filter_map(|(c, t)| Some(([*c.first()?, *c.get(1)?], t)))
            .unzip();
        Self { points, times }
    }
}

impl Track {
    /// Adds points: live positions after the last, or a stretch fetched
    /// after a reconnect that falls before some of them. Kept in time order,
    /// one point per time.
    pub fn extend(&mut self, more: Track) {
        let last = self.times.last().copied();
        let mut ordered = true;
        for (point, time) in more.points.into_iter().zip(more.times) {
            ordered &= last.is_none_or(|last| time > last)
                && self.times.last().is_none_or(|held| time > *held);
            self.points.push(point);
            self.times.push(time);
        }
        if !ordered {
            let mut pairs: Vec<_> = self.times.drain(..).zip(self.points.drain(..)).collect();
            pairs.sort_by_key(|(time, _)| *time);
            pairs.dedup_by_key(|(time, _)| *time);
            (self.times, self.points) = pairs.into_iter().unzip();
        }
    }

    /// Its points after `after` (all of them for `None`).
    pub fn since(&self, after: Option<DateTime<Utc>>) -> Track {
        let from = after.map_or(0, |t| self.times.partition_point(|time| *time <= t));
        Track {
            points: self.points[from..].to_vec(),
            times: self.times[from..].to_vec(),
        }
    }

    /// The time of its last point.
    pub fn last_time(&self) -> Option<DateTime<Utc>> {
        self.times.last().copied()
    }

    /// Where the platform was at `t`, between the two points around it;
    /// `None` before the track starts or after it ends.
    pub fn at(&self, t: DateTime<Utc>) -> Option<[f64; 2]> {
        let after = self.times.partition_point(|time| *time < t);
        if after == self.times.len() {
            return None;
        }
        if self.times[after] == t {
            return Some(self.points[after]);
        }
        let before = after.checked_sub(1)?;
        let (t0, t1) = (self.times[before], self.times[after]);
        let f = (t - t0).num_milliseconds() as f64 / (t1 - t0).num_milliseconds().max(1) as f64;
        let ([x0, y0], [x1, y1]) = (self.points[before], self.points[after]);
        Some([x0 + (x1 - x0) * f, y0 + (y1 - y0) * f])
    }

    /// Its heading (degrees from north) and ground speed (km/h) at `t`:
    /// along the segment flown then, or the last one once the track ends.
    pub fn motion_at(&self, t: DateTime<Utc>) -> Option<(f64, f64)> {
        let n = self.times.len();
        let after = self
            .times
            .partition_point(|time| *time < t)
            .clamp(1, n.max(1));
        if n < 2 {
            return None;
        }
        let (i, j) = (after - 1, after);
        let (i, j) = if j >= n { (n - 2, n - 1) } else { (i, j) };
        let seconds = (self.times[j] - self.times[i]).num_milliseconds() as f64 / 1000.0;
        if seconds <= 0.0 {
            return None;
        }
        let (a, b) = (self.points[i], self.points[j]);
        Some((bearing(a, b), great_circle_km(a, b) / seconds * 3600.0))
    }

    /// How many points lie at or before `t`: the trail flown by then.
    pub fn flown_by(&self, t: DateTime<Utc>) -> usize {
        self.times.partition_point(|time| *time <= t)
    }

    /// The time at the place of the track nearest the screen point `at`
    /// (between its points, as it was flown), and how far it is, if the
    /// track passes within `reach` pixels.
    pub fn time_near(
        &self,
        view: &MapView,
        at: (f64, f64),
        reach: f64,
    ) -> Option<(f64, DateTime<Utc>)> {
        let screen: Vec<(f64, f64)> = self.points.iter().map(|p| view.to_screen(*p)).collect();
        let single = (screen.len() == 1).then(|| {
            let (x, y) = screen[0];
            ((x - at.0).hypot(y - at.1), self.times[0])
        });
        screen
            .windows(2)
            .zip(self.times.windows(2))
            .map(|(ends, times)| {
                let ((x0, y0), (x1, y1)) = (ends[0], ends[1]);
                let (dx, dy) = (x1 - x0, y1 - y0);
                let length = dx * dx + dy * dy;
                let f = if length > 0.0 {
                    (((at.0 - x0) * dx + (at.1 - y0) * dy) / length).clamp(0.0, 1.0)
                } else {
                    0.0
                };
                let distance = (x0 + f * dx - at.0).hypot(y0 + f * dy - at.1);
                let span = (times[1] - times[0]).num_milliseconds() as f64;
                let time = times[0] + chrono::Duration::milliseconds((span * f).round() as i64);
                (distance, time)
            })
            .chain(single)
            .filter(|(d, _)| *d <= reach)
            .min_by(|a, b| a.0.total_cmp(&b.0))
    }
}

/// The smallest box around every point given, if any.
pub fn bounds_of(points: impl IntoIterator<Item = [f64; 2]>) -> Option<Bounds> {
    points.into_iter().fold(None, |acc, [x, y]| {
        Some(match acc {
            None => [x, y, x, y],
            Some([w, s, e, n]) => [w.min(x), s.min(y), e.max(x), n.max(y)],
        })
    })
}

#[cfg(test)]
mod tests;
