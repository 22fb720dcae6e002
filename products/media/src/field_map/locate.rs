//! A field's points indexed by place, so that a map asks "what is here" once
//! per pixel without a search of the whole grid: the points are put into
//! buckets of about one grid spacing in latitude and longitude, and a place
//! looks only at the buckets within two spacings of it.
//!
//! The value at a place is interpolated bilinearly in the cell of the grid
//! around it. Which cell is found from the nearest point and the directions
//! to its neighbours in `i` and `j` (the grid's local frame), so one rule
//! serves latitude/longitude, Lambert, polar stereographic and Gaussian
//! grids alike, with no projection formula per grid.

use super::Gridded;

/// Kilometres per degree of latitude (mean).
const KM_PER_DEG: f64 = 111.2;
/// Most buckets an index has, whatever the grid.
const MAX_BUCKETS: usize = 8_000_000;
/// A place farther than this many grid spacings from every point is off
/// the grid.
const REACH: f64 = 2.0;

/// A field with its points indexed by place. Made once per decoded field
/// and shared by every map drawn from it.
#[derive(Debug)]
pub struct Located {
    grid: Gridded,
    /// Bucket `(col, row)` covers `cell` degrees from `(west, south)`.
    west: f64,
    south: f64,
    cell: f64,
    cols: usize,
    rows: usize,
    /// Whether the buckets go round the globe (column 0 next to the last).
    round: bool,
    /// Points of bucket `b`: `items[starts[b]..starts[b + 1]]`.
    starts: Vec<u32>,
    items: Vec<u32>,
    spacing_km: f64,
    /// Whether each row closes round the globe (its last point next to its
    /// first), so cells across that seam are interpolated too.
    periodic: bool,
    bbox: [f64; 4],
    range: Option<(f32, f32)>,
}

/// A longitude in [-180, 180).
fn normal(lon: f64) -> f64 {
    (lon + 180.0).rem_euclid(360.0) - 180.0
}

/// `[west, south, east, north]` of points `(lat, lon)`, in degrees, with
/// longitudes as [-180, 180) or [0, 360), whichever spans less: a grid over
/// the Pacific is 170 to 190, not the whole globe. `None` without a placed
/// point.
pub fn bbox_of(points: impl Iterator<Item = (f64, f64)>) -> Option<[f64; 4]> {
    let (mut south, mut north) = (f64::MAX, f64::MIN);
    let (mut lo, mut hi, mut lo360, mut hi360) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for (lat, lon) in points.filter(|(a, b)| a.is_finite() && b.is_finite()) {
        let lon = normal(lon);
        south = south.min(lat);
        north = north.max(lat);
        lo = lo.min(lon);
        hi = hi.max(lon);
        lo360 = lo360.min(lon.rem_euclid(360.0));
        hi360 = hi360.max(lon.rem_euclid(360.0));
    }
    if south > north {
        return None;
    }
    Some(if hi360 - lo360 < hi - lo {
        [lo360, south, hi360, north]
    } else {
        [lo, south, hi, north]
    })
}

impl Located {
    /// Indexes `grid`; `None` when it has no point with a place.
    pub fn new(grid: Gridded) -> Option<Self> {
        let n = grid.len();
        let [west, south, east, north] = bbox_of(
            grid.lat
                .iter()
                .zip(&grid.lon)
                .map(|(a, b)| (f64::from(*a), f64::from(*b))),
        )?;
        let spacing_km = spacing(&grid, n, (south, north), east - west).max(1e-3);
        let periodic = periodic(&grid, spacing_km);
        let round = east - west >= 350.0 || periodic;
        let (index_west, span) = if round {
            (-180.0, 360.0)
        } else {
            (west, east - west)
        };
        let budget = MAX_BUCKETS.min(n.saturating_mul(4).saturating_add(1024));
        let mut cell = spacing_km / KM_PER_DEG;
        let buckets = |cell: f64| (span / cell + 1.0) * ((north - south) / cell + 1.0);
        while buckets(cell) > budget as f64 {
            cell *= 1.5;
        }
        let cols = (span / cell) as usize + 1;
        let rows = ((north - south) / cell) as usize + 1;
        let mut located = Self {
            range: grid.range(),
            grid,
            west: index_west,
            south,
            cell,
            cols,
            rows,
            round,
            starts: Vec::new(),
            items: Vec::new(),
            spacing_km,
            periodic,
            bbox: [west, south, east, north],
        };
        located.fill();
        Some(located)
    }

    /// Puts each placed point in its bucket (counted, then filled: two
    /// passes, no vector per bucket).
    fn fill(&mut self) {
        let n = self.grid.len();
        let mut counts = vec![0u32; self.cols * self.rows + 1];
        let keys: Vec<Option<usize>> = (0..n)
            .map(|k| self.bucket(f64::from(self.grid.lat[k]), f64::from(self.grid.lon[k])))
            .collect();
        for key in keys.iter().flatten() {
            counts[*key + 1] += 1;
        }
        for b in 1..counts.len() {
            counts[b] += counts[b - 1];
        }
        let mut next = counts.clone();
        let mut items = vec![0u32; n];
        for (k, key) in keys.iter().enumerate() {
            if let Some(b) = key {
                items[next[*b] as usize] = k as u32;
                next[*b] += 1;
            }
        }
        items.truncate(counts[counts.len() - 1] as usize);
        self.starts = counts;
        self.items = items;
    }

    fn col_row(&self, lat: f64, lon: f64) -> Option<(isize, isize)> {
        if !lat.is_finite() || !lon.is_finite() {
            return None;
        }
        let x = if self.round {
            normal(lon) + 180.0
        } else {
            (lon - self.west + 180.0).rem_euclid(360.0) - 180.0
        };
        let (col, row) = (
            (x / self.cell).floor(),
            ((lat - self.south) / self.cell).floor(),
        );
        // Far off the index (a latitude of 1e30 from a hostile grid): no
        // bucket, and no arithmetic near isize's ends.
        const FAR: f64 = 1e12;
        (col.abs() < FAR && row.abs() < FAR).then_some((col as isize, row as isize))
    }

    fn bucket(&self, lat: f64, lon: f64) -> Option<usize> {
        let (col, row) = self.col_row(lat, lon)?;
        let col = if self.round {
            col.rem_euclid(self.cols as isize)
        } else {
            col
        };
        ((0..self.cols as isize).contains(&col) && (0..self.rows as isize).contains(&row))
            .then(|| row as usize * self.cols + col as usize)
    }

    /// The field as decoded.
    pub fn grid(&self) -> &Gridded {
        &self.grid
    }

    /// `[west, south, east, north]` of its points, in degrees; west may be
    /// over 180 (a grid across the date line) and east under west never.
    pub fn bbox(&self) -> [f64; 4] {
        self.bbox
    }

    /// The smallest and largest values it holds.
    pub fn range(&self) -> Option<(f32, f32)> {
        self.range
    }

    /// The typical distance between neighbouring points, km.
    pub fn spacing_km(&self) -> f64 {
        self.spacing_km
    }

    /// Roughly the memory it holds, in bytes (for a cache's budget).
    pub fn bytes(&self) -> usize {
        self.grid.len() * 16 + self.starts.len() * 4
    }

    /// The point nearest `lat`, `lon` and its distance in km, if one is
    /// within reach.
    pub fn nearest(&self, lat: f64, lon: f64) -> Option<(usize, f64)> {
        let (col, row) = self.col_row(lat, lon)?;
        let reach = REACH * self.spacing_km;
        let cos = lat.to_radians().cos().max(1e-3);
        let r_lat = (reach / KM_PER_DEG / self.cell).ceil() as isize;
        let r_lon = ((reach / KM_PER_DEG / cos / self.cell).ceil() as isize)
            .min(self.cols as isize / 2 + 1);
        let mut best: Option<(usize, f64)> = None;
        for r in (row - r_lat).max(0)..=(row + r_lat).min(self.rows as isize - 1) {
            for c in col - r_lon..=col + r_lon {
                let c = if self.round {
                    c.rem_euclid(self.cols as isize)
                } else if (0..self.cols as isize).contains(&c) {
                    c
                } else {
                    continue;
                };
                let b = r as usize * self.cols + c as usize;
                let (from, to) = (self.starts[b] as usize, self.starts[b + 1] as usize);
                for &k in &self.items[from..to] {
                    let k = k as usize;
                    let (x, y) = self.offset_km(lat, lon, cos, k);
                    let d = x * x + y * y;
                    if best.is_none_or(|(_, bd)| d < bd) {
                        best = Some((k, d));
                    }
                }
            }
        }
        best.map(|(k, d)| (k, d.sqrt()))
            .filter(|(_, d)| *d <= reach)
    }

    /// Point `k` seen from `lat`, `lon`, in km east and north.
    fn offset_km(&self, lat: f64, lon: f64, cos: f64, k: usize) -> (f64, f64) {
        let dlon = normal(f64::from(self.grid.lon[k]) - lon);
        let dlat = f64::from(self.grid.lat[k]) - lat;
        (dlon * cos * KM_PER_DEG, dlat * KM_PER_DEG)
    }

    /// The value at `lat`, `lon`: bilinear in the grid's cell around it,
    /// the nearest point's where the cell lacks a value or the grid has no
    /// rows; `None` off the grid or where the nearest point is missing.
    pub fn sample(&self, lat: f64, lon: f64) -> Option<f32> {
        self.sample_from(lat, lon, &mut None)
    }

    /// [`Located::sample`] for a place next to the last one asked (the
    /// next pixel of a map): the nearest point is walked to from `hint`,
    /// the nearest point of the last place, through the grid's neighbours
    /// (a few steps, not a search), and `hint` becomes this place's. A walk
    /// that ends farther than reach falls back to the search.
    pub fn sample_from(&self, lat: f64, lon: f64, hint: &mut Option<usize>) -> Option<f32> {
        let found = self
            .walk(lat, lon, *hint)
            .or_else(|| self.nearest(lat, lon));
        *hint = found.map(|(k, _)| k);
        let (k, _) = found?;
        let nearest = Some(self.grid.value[k]).filter(|v| v.is_finite());
        let Some((ni, nj)) = self.grid.shape else {
            return nearest;
        };
        self.bilinear(k, ni, nj, lat, lon).or(nearest)
    }

    /// Point `(i, j)` of a grid of `ni` × `nj`, round the seam when the
    /// rows close round the globe.
    fn at(&self, i: isize, j: isize, ni: usize, nj: usize) -> Option<usize> {
        let i = if self.periodic {
            i.rem_euclid(ni as isize)
        } else {
            i
        };
        ((0..ni as isize).contains(&i) && (0..nj as isize).contains(&j))
            .then(|| j as usize * ni + i as usize)
    }

    /// From point `from`, the nearest point by steps to whichever
    /// neighbour is nearer, until none is; `None` without rows, without a
    /// start, or when the end is out of reach.
    fn walk(&self, lat: f64, lon: f64, from: Option<usize>) -> Option<(usize, f64)> {
        let (ni, nj) = self.grid.shape?;
        let mut k = from.filter(|k| *k < self.grid.len())?;
        if !lat.is_finite() || !lon.is_finite() {
            return None;
        }
        let cos = lat.to_radians().cos().max(1e-3);
        let squared = |k: usize| {
            let (x, y) = self.offset_km(lat, lon, cos, k);
            x * x + y * y
        };
        let mut best = squared(k);
        for _ in 0..64 {
            let (i, j) = ((k % ni) as isize, (k / ni) as isize);
            let mut next = None;
            for (di, dj) in [
                (1, 0),
                (-1, 0),
                (0, 1),
                (0, -1),
                (1, 1),
                (1, -1),
                (-1, 1),
                (-1, -1),
            ] {
                if let Some(m) = self.at(i + di, j + dj, ni, nj) {
                    let d = squared(m);
                    if d < best {
                        (best, next) = (d, Some(m));
                    }
                }
            }
            match next {
                Some(m) => k = m,
                None => break,
            }
        }
        let distance = best.sqrt();
        (distance <= REACH * self.spacing_km).then_some((k, distance))
    }

    fn bilinear(&self, k: usize, ni: usize, nj: usize, lat: f64, lon: f64) -> Option<f32> {
        let (i, j) = ((k % ni) as isize, (k / ni) as isize);
        let (lat0, lon0) = (f64::from(self.grid.lat[k]), f64::from(self.grid.lon[k]));
        let cos = lat0.to_radians().cos().max(1e-3);
        let index = |i: isize, j: isize| self.at(i, j, ni, nj);
        let toward = |di: isize, dj: isize| -> Option<(f64, f64)> {
            let m = index(i + di, j + dj)?;
            let (x, y) = self.offset_km(lat0, lon0, cos, m);
            Some((x, y))
        };
        let flip = |(x, y): (f64, f64)| (-x, -y);
        let ei = toward(1, 0).or_else(|| toward(-1, 0).map(flip))?;
        let ej = toward(0, 1).or_else(|| toward(0, -1).map(flip))?;
        // The place as seen from point k.
        let t = (
            normal(lon - lon0) * cos * KM_PER_DEG,
            (lat - lat0) * KM_PER_DEG,
        );
        let det = ei.0 * ej.1 - ei.1 * ej.0;
        if det.abs() < 1e-9 {
            return None;
        }
        let u = ((t.0 * ej.1 - t.1 * ej.0) / det).clamp(-1.0, 1.0);
        let v = ((ei.0 * t.1 - ei.1 * t.0) / det).clamp(-1.0, 1.0);
        let (fu, fv) = (u - u.floor(), v - v.floor());
        let (i0, j0) = (i + u.floor() as isize, j + v.floor() as isize);
        let at = |di: isize, dj: isize| -> Option<f64> {
            let v = self.grid.value[index(i0 + di, j0 + dj)?];
            v.is_finite().then_some(f64::from(v))
        };
        let (a, b, c, d) = (at(0, 0)?, at(1, 0)?, at(0, 1)?, at(1, 1)?);
        let value =
            a * (1.0 - fu) * (1.0 - fv) + b * fu * (1.0 - fv) + c * (1.0 - fu) * fv + d * fu * fv;
        Some(value as f32)
    }
}

/// The median distance between neighbouring points of a sample, km; for a
/// grid without rows, the side of the area each point covers.
fn spacing(grid: &Gridded, n: usize, (south, north): (f64, f64), lon_span: f64) -> f64 {
    let Some((ni, nj)) = grid.shape else {
        let band = (north.to_radians().sin() - south.to_radians().sin()).abs();
        let area = 6371.0_f64.powi(2) * lon_span.max(1e-6).to_radians() * band.max(1e-9);
        return (area / n.max(1) as f64).sqrt();
    };
    let step = (n / 2000).max(1);
    let distance = |a: usize, b: usize| -> Option<f64> {
        let (la, lb) = (f64::from(grid.lat[a]), f64::from(grid.lat[b]));
        let cos = ((la + lb) / 2.0).to_radians().cos();
        let dx = normal(f64::from(grid.lon[b]) - f64::from(grid.lon[a])) * cos;
        let d = (dx * dx + (lb - la).powi(2)).sqrt() * KM_PER_DEG;
        (d.is_finite() && d > 1e-6).then_some(d)
    };
    let mut found: Vec<f64> = (0..n)
        .step_by(step)
        .flat_map(|k| {
            let (i, j) = (k % ni, k / ni);
            let along = (i + 1 < ni).then(|| distance(k, k + 1)).flatten();
            let across = (j + 1 < nj).then(|| distance(k, k + ni)).flatten();
            [along, across]
        })
        .flatten()
        .collect();
    if found.is_empty() {
        return 1.0;
    }
    let middle = found.len() / 2;
    *found.select_nth_unstable_by(middle, f64::total_cmp).1
}

/// Whether the rows close round the globe: in the middle row, the last
/// point is about one spacing from the first.
fn periodic(grid: &Gridded, spacing_km: f64) -> bool {
    let Some((ni, nj)) = grid.shape else {
        return false;
    };
    if ni < 3 {
        return false;
    }
    let row = nj / 2 * ni;
    let (first, last) = (row, row + ni - 1);
    let lat = f64::from(grid.lat[first]);
    let cos = lat.to_radians().cos();
    let dlon = normal(f64::from(grid.lon[last]) - f64::from(grid.lon[first])).abs();
    let dlat = (f64::from(grid.lat[last]) - lat).abs();
    let gap = (dlon * cos).hypot(dlat) * KM_PER_DEG;
    let step = {
        let dlon = normal(f64::from(grid.lon[first + 1]) - f64::from(grid.lon[first])).abs();
        (dlon * cos).hypot(f64::from(grid.lat[first + 1]) - lat) * KM_PER_DEG
    };
    step > 0.0 && gap < 1.5 * step && gap < 1.5 * spacing_km.max(step)
}
