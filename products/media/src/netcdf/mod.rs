//! CF-NetCDF (classic CDF-1, 2 and 5, and NetCDF-4 on HDF5) read as fields,
//! through the pure-Rust `netcdf-reader` crate: each variable on a
//! latitude/longitude grid is listed once per time and level as a
//! [`Message`], and read as the same [`Gridded`] rows a GRIB2 message is,
//! so the map, the value under the pointer and the WMS draw both alike.
//!
//! A variable is a field when two of its dimensions have one-dimensional
//! coordinate variables that CF names longitude and latitude (by `axis`,
//! `standard_name` or `units`, else by the names `lon`/`longitude` and
//! `lat`/`latitude`); its time and vertical dimensions are found the same
//! way, and any other dimension (an ensemble member) is read at its first
//! index. Values are unpacked (`scale_factor`, `add_offset`) and masked
//! (`_FillValue`, `missing_value`, valid range) as CF says. Valid times are
//! the time coordinate's, decoded with its units and calendar; the run is a
//! `forecast_reference_time` variable where the file has one, and a time
//! axis of leads (`step`, `forecast_period`) counts from it.
//!
//! Everything a header declares is bounded before it is used: the points
//! of one field, the fields of the file and the length of every coordinate
//! read are checked against [`Limits`] first, so a dimension declared
//! 2⁴⁰ long is a reason, not an allocation.

mod axes;
mod groups;

pub use groups::check as check_groups;

use netcdf_reader::{NcFile, NcSliceInfo, NcSliceInfoElem, NcVariable};

use crate::field_map::{bbox_of, Gridded};
use crate::fields::{Limits, Message};
use axes::{text, Axis, Coordinates};

/// Why a NetCDF file or one of its fields could not be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum NetCdfError {
    #[error("not NetCDF: {0}")]
    NotNetCdf(String),
    #[error("it holds no variable on a latitude/longitude grid{0}")]
    NoField(String),
    #[error("it holds over {0} fields (variables × times × levels)")]
    TooManyMessages(usize),
    #[error("no field {0}")]
    NoMessage(usize),
    #[error("{0} declares {1} points; at most {2} are decoded")]
    TooManyPoints(String, u64, usize),
    #[error("{0}: {1}")]
    Variable(String, String),
}

/// How a field variable's dimensions are read.
#[derive(Clone, Debug)]
struct Layout {
    name: String,
    /// The role of each dimension, in the variable's order.
    roles: Vec<Axis>,
    lat: Vec<f64>,
    lon: Vec<f64>,
}

/// Which variable, and which of its times and levels, a message is.
#[derive(Clone, Copy, Debug)]
struct Slice {
    layout: usize,
    time: u64,
    level: u64,
}

/// A NetCDF file opened and listed.
pub struct NetCdf {
    file: NcFile,
    layouts: Vec<Layout>,
    slices: Vec<Slice>,
    messages: Vec<Message>,
}

impl NetCdf {
    /// Lists the fields of `file`.
    pub fn new(file: NcFile, limits: Limits) -> Result<Self, NetCdfError> {
        let variables = file
            .variables()
            .map_err(|e| NetCdfError::NotNetCdf(e.to_string()))?
            .to_vec();
        let coordinates = Coordinates::new(&file, &variables, limits);
        let mut layouts = Vec::new();
        let mut slices = Vec::new();
        let mut messages = Vec::new();
        let mut skipped: Vec<String> = Vec::new();
        for v in &variables {
            if v.ndim() < 2 || v.is_coordinate_variable() || !v.dtype().is_primitive() {
                continue;
            }
            let listed = list_variable(&coordinates, v, limits, layouts.len(), &mut slices);
            match listed {
                Ok(None) => {}
                Ok(Some((layout, of_variable))) => {
                    if messages.len() + of_variable.len() > limits.max_messages {
                        return Err(NetCdfError::TooManyMessages(limits.max_messages));
                    }
                    layouts.push(layout);
                    for mut m in of_variable {
                        m.index = messages.len();
                        messages.push(m);
                    }
                }
                Err(reason) => skipped.push(reason.to_string()),
            }
        }
        if messages.is_empty() {
            let why = if skipped.is_empty() {
                String::new()
            } else {
                format!(" that can be read ({})", skipped.join("; "))
            };
            return Err(NetCdfError::NoField(why));
        }
        Ok(Self {
            file,
            layouts,
            slices,
            messages,
        })
    }

    /// Its fields, one per variable, time and level.
    pub fn messages(&self) -> &[Message] {
        &self.messages
    }

    /// Field `index` as rows of longitudes (`ni`) by latitudes (`nj`).
    pub fn gridded(&self, index: usize) -> Result<Gridded, NetCdfError> {
        let slice = *self
            .slices
            .get(index)
            .ok_or(NetCdfError::NoMessage(index))?;
        let layout = &self.layouts[slice.layout];
        let message = &self.messages[index];
        if let Some(problem) = &message.problem {
            return Err(NetCdfError::Variable(layout.name.clone(), problem.clone()));
        }
        let full = NcSliceInfoElem::Slice {
            start: 0,
            end: u64::MAX,
            step: 1,
        };
        let selections = layout
            .roles
            .iter()
            .map(|role| match role {
                Axis::Lon | Axis::Lat => full.clone(),
                Axis::Time | Axis::Lead => NcSliceInfoElem::Index(slice.time),
                Axis::Level => NcSliceInfoElem::Index(slice.level),
                Axis::Other => NcSliceInfoElem::Index(0),
            })
            .collect();
        let read = self
            .file
            .read_variable_slice_unpacked_masked(&layout.name, &NcSliceInfo { selections })
            .map_err(|e| NetCdfError::Variable(layout.name.clone(), e.to_string()))?;
        let (ni, nj) = (layout.lon.len(), layout.lat.len());
        let stored: Vec<f64> = read.iter().copied().collect();
        if stored.len() != ni * nj {
            return Err(NetCdfError::Variable(
                layout.name.clone(),
                format!("{} values for {ni} × {nj} points", stored.len()),
            ));
        }
        // The two grid dimensions in the variable's order: latitude first
        // (the common case) or longitude first.
        let lat_first = layout.roles.iter().position(|r| *r == Axis::Lat)
            < layout.roles.iter().position(|r| *r == Axis::Lon);
        let mut lat = Vec::with_capacity(ni * nj);
        let mut lon = Vec::with_capacity(ni * nj);
        let mut value = Vec::with_capacity(ni * nj);
        for (j, &la) in layout.lat.iter().enumerate() {
            for (i, &lo) in layout.lon.iter().enumerate() {
                lat.push(la as f32);
                lon.push(lo as f32);
                let k = if lat_first { j * ni + i } else { i * nj + j };
                value.push(stored[k] as f32);
            }
        }
        Ok(Gridded::rows(ni, nj, lat, lon, value))
    }
}

/// The layout and messages of variable `v`, `None` when it is not on a
/// latitude/longitude grid.
fn list_variable(
    coordinates: &Coordinates,
    v: &NcVariable,
    limits: Limits,
    layout_index: usize,
    slices: &mut Vec<Slice>,
) -> Result<Option<(Layout, Vec<Message>)>, NetCdfError> {
    let name = v.name().to_string();
    let bad = |reason: String| NetCdfError::Variable(name.clone(), reason);
    let roles: Vec<Axis> = v
        .dimensions()
        .iter()
        .map(|d| coordinates.role(&d.name))
        .collect();
    let dim_of = |axis: Axis| {
        let found: Vec<usize> = (0..roles.len()).filter(|&k| roles[k] == axis).collect();
        match found.as_slice() {
            [] => Ok(None),
            [k] => Ok(Some(&v.dimensions()[*k])),
            _ => Err(bad(format!("{} dimensions of one kind", found.len()))),
        }
    };
    let (Some(lon_dim), Some(lat_dim)) = (dim_of(Axis::Lon)?, dim_of(Axis::Lat)?) else {
        return Ok(None);
    };
    let time_dim = match dim_of(Axis::Time)? {
        Some(d) => Some(d),
        None => dim_of(Axis::Lead)?,
    };
    let level_dim = dim_of(Axis::Level)?;
    let points = lon_dim.size.saturating_mul(lat_dim.size);
    if points > limits.max_points as u64 {
        return Err(NetCdfError::TooManyPoints(name, points, limits.max_points));
    }
    // Times × levels bounded before anything is read.
    let size = |d: Option<&netcdf_reader::NcDimension>| d.map_or(1, |d| d.size);
    if size(time_dim).saturating_mul(size(level_dim)) > limits.max_messages as u64 {
        return Err(NetCdfError::TooManyMessages(limits.max_messages));
    }
    let lon = coordinates
        .values(&lon_dim.name, limits.max_points)
        .map_err(bad)?;
    let lat = coordinates
        .values(&lat_dim.name, limits.max_points)
        .map_err(bad)?;
    let times = match time_dim {
        Some(d) => coordinates.times(&d.name).map_err(bad)?,
        None => vec![None],
    };
    let (level_type, levels) = match level_dim {
        Some(d) => coordinates.levels(&d.name).map_err(bad)?,
        None => (1, vec![0.0]),
    };
    let bbox = bbox_of(
        lat.iter()
            .map(|&la| (la, lon[0]))
            .chain(lon.iter().map(|&lo| (lat[0], lo))),
    );
    let regular = regular(&lat) && regular(&lon);
    let template = Message {
        index: 0,
        discipline: 255,
        category: 255,
        number: 255,
        short_name: Some(name.clone()),
        long_name: text(v, "long_name"),
        units: text(v, "units"),
        level_type,
        level: 0.0,
        reference_time: coordinates.reference,
        valid_time: None,
        // A grid of one-dimensional latitudes and longitudes is a
        // latitude/longitude grid (template 3.0) when evenly spaced.
        grid_template: if regular { 0 } else { 65_535 },
        points: points as usize,
        shape: Some((lon.len(), lat.len())),
        bbox,
        problem: None,
    };
    let mut messages = Vec::with_capacity(times.len() * levels.len());
    for (t, valid) in times.iter().enumerate() {
        for (z, &level) in levels.iter().enumerate() {
            slices.push(Slice {
                layout: layout_index,
                time: t as u64,
                level: z as u64,
            });
            messages.push(Message {
                level,
                valid_time: *valid,
                ..template.clone()
            });
        }
    }
    Ok(Some((
        Layout {
            name,
            roles,
            lat,
            lon,
        },
        messages,
    )))
}

/// Whether `values` are evenly spaced (within a thousandth of a step).
fn regular(values: &[f64]) -> bool {
    let Some(step) = values.get(1).zip(values.first()).map(|(b, a)| b - a) else {
        return true;
    };
    values
        .windows(2)
        .all(|w| ((w[1] - w[0]) - step).abs() <= step.abs() * 1e-3)
}
