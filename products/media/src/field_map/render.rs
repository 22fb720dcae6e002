//! A field drawn into a picture of a box: each pixel's centre placed in the
//! box's coordinates, sampled ([`Located::sample`]), coloured by the scale,
//! with isolines where the scale has them (drawn where a pixel's band of
//! values differs from its right or lower neighbour's: one pixel wide and as
//! smooth as the interpolation). Both coordinate systems drawn here are
//! separable (a column has one longitude, a row one latitude), so each is
//! computed once per column and per row.

use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::{ExtendedColorType, ImageEncoder};

use super::{Located, Scale};

/// The largest side of a picture drawn.
pub const MAX_SIDE: u32 = 4096;
/// The colour of isolines.
const ISOLINE: [u8; 4] = [40, 40, 40, 230];

/// The coordinates a box is given in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Crs {
    /// Longitude and latitude in degrees (EPSG:4326, CRS:84): the picture
    /// equirectangular, as the board's map draws.
    LonLat,
    /// Web Mercator in metres (EPSG:3857), as tiled web maps draw.
    WebMercator,
}

/// What is drawn: a box in a coordinate system, at a size in pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct View {
    crs: Crs,
    /// `[min x, min y, max x, max y]`: west, south, east, north in degrees
    /// for [`Crs::LonLat`], metres for [`Crs::WebMercator`].
    bbox: [f64; 4],
    width: u32,
    height: u32,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ViewError {
    #[error("width and height are 1 to {MAX_SIDE} pixels")]
    Size,
    #[error("the box needs four finite numbers, min x < max x and min y < max y")]
    Bbox,
}

/// Web Mercator's sphere, metres.
const MERCATOR_RADIUS: f64 = 6_378_137.0;

impl View {
    pub fn new(crs: Crs, bbox: [f64; 4], width: u32, height: u32) -> Result<Self, ViewError> {
        if !(1..=MAX_SIDE).contains(&width) || !(1..=MAX_SIDE).contains(&height) {
            return Err(ViewError::Size);
        }
        let [x0, y0, x1, y1] = bbox;
        if bbox.iter().any(|v| !v.is_finite()) || x0 >= x1 || y0 >= y1 {
            return Err(ViewError::Bbox);
        }
        Ok(Self {
            crs,
            bbox,
            width,
            height,
        })
    }

    pub fn width(&self) -> u32 {
        self.width
    }

    pub fn height(&self) -> u32 {
        self.height
    }

    /// `[lon, lat]` of the centre of pixel `(column, row)` (row 0 at the
    /// top; latitude NaN off the Earth).
    pub fn place(&self, column: u32, row: u32) -> [f64; 2] {
        let lon = self
            .longitudes()
            .get(column as usize)
            .copied()
            .unwrap_or(f64::NAN);
        let lat = self
            .latitudes()
            .get(row as usize)
            .copied()
            .unwrap_or(f64::NAN);
        [lon, lat]
    }

    /// The longitude of each column's centre.
    fn longitudes(&self) -> Vec<f64> {
        let [x0, _, x1, _] = self.bbox;
        let dx = (x1 - x0) / f64::from(self.width);
        (0..self.width)
            .map(|c| {
                let x = x0 + (f64::from(c) + 0.5) * dx;
                match self.crs {
                    Crs::LonLat => x,
                    Crs::WebMercator => (x / MERCATOR_RADIUS).to_degrees(),
                }
            })
            .collect()
    }

    /// The latitude of each row's centre, top row first (NaN off the Earth).
    fn latitudes(&self) -> Vec<f64> {
        let [_, y0, _, y1] = self.bbox;
        let dy = (y1 - y0) / f64::from(self.height);
        (0..self.height)
            .map(|r| {
                let y = y1 - (f64::from(r) + 0.5) * dy;
                let lat = match self.crs {
                    Crs::LonLat => y,
                    Crs::WebMercator => (y / MERCATOR_RADIUS).sinh().atan().to_degrees(),
                };
                if (-90.0..=90.0).contains(&lat) {
                    lat
                } else {
                    f64::NAN
                }
            })
            .collect()
    }
}

/// The values of `field` at each pixel of `view`, rows top to bottom (NaN
/// off the grid or missing).
pub fn sample_view(field: &Located, view: &View) -> Vec<f32> {
    let (lons, lats) = (view.longitudes(), view.latitudes());
    let mut out = Vec::with_capacity(lons.len() * lats.len());
    // Each pixel walks from its left neighbour's point; a row starts from
    // the point of the first pixel of the row above.
    let mut row_start = None;
    for lat in &lats {
        let mut hint = row_start;
        for (c, lon) in lons.iter().enumerate() {
            out.push(field.sample_from(*lat, *lon, &mut hint).unwrap_or(f32::NAN));
            if c == 0 {
                row_start = hint.or(row_start);
            }
        }
    }
    out
}

/// `field` drawn over `view` with `scale`, as RGBA pixels, rows top to
/// bottom.
pub fn render(field: &Located, scale: &Scale, view: &View) -> Vec<u8> {
    let values = sample_view(field, view);
    let lut: Vec<[u8; 4]> = (0..=255)
        .map(|n| scale.palette.rgba(f64::from(n) / 255.0))
        .collect();
    let colour = |v: f32| -> [u8; 4] {
        let value = f64::from(v);
        if !value.is_finite() || scale.clear_below.is_some_and(|c| value < c) {
            return [0; 4];
        }
        lut[scale.step(value)]
    };
    let mut rgba: Vec<u8> = values.iter().flat_map(|v| colour(*v)).collect();
    if let Some(step) = scale.isolines.filter(|s| *s > 0.0) {
        let (w, h) = (view.width as usize, view.height as usize);
        let band = |v: f32| (f64::from(v) / step).floor();
        for r in 0..h {
            for c in 0..w {
                let here = values[r * w + c];
                if !here.is_finite() {
                    continue;
                }
                let differs = |other: Option<&f32>| {
                    other.is_some_and(|o| o.is_finite() && band(*o) != band(here))
                };
                let right = (c + 1 < w).then(|| values.get(r * w + c + 1)).flatten();
                let below = values.get((r + 1) * w + c);
                if differs(right) || differs(below) {
                    rgba[(r * w + c) * 4..(r * w + c) * 4 + 4].copy_from_slice(&ISOLINE);
                }
            }
        }
    }
    rgba
}

/// [`render`] encoded as PNG (fast compression: a map is drawn on demand).
pub fn render_png(field: &Located, scale: &Scale, view: &View) -> Result<Vec<u8>, String> {
    let rgba = render(field, scale, view);
    let mut out = Vec::new();
    PngEncoder::new_with_quality(&mut out, CompressionType::Fast, FilterType::Adaptive)
        .write_image(&rgba, view.width, view.height, ExtendedColorType::Rgba8)
        .map_err(|e| e.to_string())?;
    Ok(out)
}
