//! Model fields drawn as maps: a decoded field ([`Gridded`], from GRIB2
//! now, NetCDF next) is indexed once ([`Located`]) so that any map of it —
//! the board's overlay, a WMS tile, a thumbnail — samples it pixel by pixel
//! without searching the whole grid, then coloured by a [`Scale`] suited to
//! the quantity (a transparent zero for precipitation, isolines for
//! pressure) and encoded as PNG; its [`legend`] says what the colours mean.
//!
//! Values between grid points are interpolated bilinearly in the grid's own
//! rows and columns, whatever its projection (the cell around a pixel is
//! found from the nearest point and its neighbours), and never across a
//! missing point: there the nearest point's value is drawn, and a pixel
//! farther than a grid spacing from every point is left transparent.

mod legend;
mod legend_png;
mod locate;
mod render;
mod scale;
mod section;
mod section_svg;

pub use legend::{escape, legend_svg};
pub use legend_png::legend_png;
pub use locate::{bbox_of, Located};
pub use render::{render, render_png, sample_view, Crs, View, ViewError};
pub use scale::{Palette, Scale};
pub use section::{
    distance_km, places_along, pressure_at, section, section_png, Mark, PathPoint, Section,
    MAX_PLACES, MAX_WAYPOINTS,
};
pub use section_svg::section_svg;

/// A field's points: latitude, longitude and value (NaN where missing),
/// and, when they form rows, the rows' shape.
#[derive(Clone, Debug, Default)]
pub struct Gridded {
    /// `(ni, nj)`: `nj` rows of `ni` points each, point `(i, j)` at
    /// `j * ni + i`, neighbours in `i` and in `j` neighbours on the Earth;
    /// `None` when the points form no such rows (a reduced Gaussian grid).
    pub shape: Option<(usize, usize)>,
    pub lat: Vec<f32>,
    pub lon: Vec<f32>,
    pub value: Vec<f32>,
}

impl Gridded {
    /// Points in rows, `ni` to a row.
    pub fn rows(ni: usize, nj: usize, lat: Vec<f32>, lon: Vec<f32>, value: Vec<f32>) -> Self {
        let whole = ni.checked_mul(nj) == Some(value.len())
            && lat.len() == value.len()
            && lon.len() == value.len();
        Self {
            shape: whole.then_some((ni, nj)),
            lat,
            lon,
            value,
        }
    }

    /// Points with no rows.
    pub fn points(lat: Vec<f32>, lon: Vec<f32>, value: Vec<f32>) -> Self {
        Self {
            shape: None,
            lat,
            lon,
            value,
        }
    }

    /// How many points hold a value and how many there are.
    pub fn len(&self) -> usize {
        self.value.len().min(self.lat.len()).min(self.lon.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The smallest and largest values held, `None` when every point is
    /// missing.
    pub fn range(&self) -> Option<(f32, f32)> {
        self.value
            .iter()
            .filter(|v| v.is_finite())
            .fold(None, |acc, &v| match acc {
                None => Some((v, v)),
                Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
            })
    }
}

#[cfg(test)]
mod section_tests;
#[cfg(test)]
mod tests;
