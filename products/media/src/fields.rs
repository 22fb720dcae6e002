//! What a model file holds, whatever its format: one [`Message`] per
//! two-dimensional field — a GRIB2 message, or one time and level of a
//! NetCDF variable — and those grouped as the API lists them ([`fields`]);
//! the [`Limits`] every reader is held to. The readers ([`crate::grib`],
//! [`crate::netcdf`]) produce these; [`crate::model_file`] reads either.

use chrono::{DateTime, Utc};
use serde::Serialize;

/// What one file may hold before it is refused.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub max_bytes: u64,
    pub max_messages: usize,
    /// Points one message may declare (its values are decoded whole).
    pub max_points: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_bytes: 1 << 30,
            max_messages: 20_000,
            max_points: 50_000_000,
        }
    }
}

/// One field of a file at one level and valid time.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Message {
    /// Its place in the file, from 0: a GRIB2 message (a submessage counts
    /// as one), or a NetCDF variable's time and level in the file's order.
    pub index: usize,
    /// GRIB2's parameter (Code Table 4.2); 255 for a NetCDF variable.
    pub discipline: u8,
    pub category: u8,
    pub number: u8,
    /// The name it is asked for by: ecCodes' short name of a GRIB2
    /// parameter where known, a NetCDF variable's name.
    pub short_name: Option<String>,
    /// What it is ("Temperature"), where known.
    pub long_name: Option<String>,
    /// Its units (`K`, `Pa`, `m s-1`), where known.
    pub units: Option<String>,
    /// The level type (GRIB2 Code Table 4.5, which a NetCDF vertical axis
    /// is mapped to: 100 for pressure) and the level in the units ecCodes
    /// gives as `level` (hPa on isobaric surfaces).
    pub level_type: u8,
    pub level: f64,
    pub reference_time: Option<DateTime<Utc>>,
    pub valid_time: Option<DateTime<Utc>>,
    /// Grid Definition Template number (3.0 lat/lon, 3.30 Lambert, …).
    pub grid_template: u16,
    pub points: usize,
    /// `(ni, nj)` for grids of rows.
    pub shape: Option<(usize, usize)>,
    /// `[west, south, east, north]` of its points (see
    /// [`crate::field_map::bbox_of`]), where they can be placed.
    pub bbox: Option<[f64; 4]>,
    /// Why its content cannot be decoded, when it cannot.
    pub problem: Option<String>,
}

impl Message {
    /// The name it is asked for by: its short name, else GRIB2's
    /// `discipline.category.number`.
    pub fn field(&self) -> String {
        self.short_name
            .clone()
            .unwrap_or_else(|| format!("{}.{}.{}", self.discipline, self.category, self.number))
    }
}

/// The messages grouped as fields: one per parameter, level type and grid,
/// in the order the file first holds them, levels and valid times sorted.
pub fn fields(messages: &[Message]) -> Vec<model::fields::Field> {
    let mut out: Vec<model::fields::Field> = Vec::new();
    for m in messages {
        let field = m.field();
        let level_type = level_type_name(m.level_type);
        let found = out.iter_mut().find(|f| {
            f.field == field
                && f.level_type == level_type
                && f.grid.template == m.grid_template
                && f.grid.points == m.points
        });
        let entry = match found {
            Some(entry) => entry,
            None => {
                out.push(model::fields::Field {
                    field,
                    long_name: m.long_name.clone(),
                    units: m.units.clone(),
                    level_type,
                    levels: Vec::new(),
                    reference_time: m.reference_time,
                    valid_times: Vec::new(),
                    grid: model::fields::Grid {
                        template: m.grid_template,
                        kind: grid_kind(m.grid_template),
                        points: m.points,
                        nx: m.shape.map(|s| s.0),
                        ny: m.shape.map(|s| s.1),
                        bbox: m.bbox,
                    },
                    messages: 0,
                });
                let last = out.len() - 1;
                &mut out[last]
            }
        };
        entry.messages += 1;
        if !entry.levels.iter().any(|l| (l - m.level).abs() < 1e-9) {
            entry.levels.push(m.level);
        }
        if let Some(valid) = m.valid_time {
            if !entry.valid_times.contains(&valid) {
                entry.valid_times.push(valid);
            }
        }
    }
    for field in &mut out {
        field.levels.sort_by(f64::total_cmp);
        field.valid_times.sort();
    }
    out
}

/// ecCodes' name of a level type (Code Table 4.5), for the common ones.
pub fn level_type_name(code: u8) -> String {
    let name = match code {
        1 => "surface",
        2 => "cloudBase",
        3 => "cloudTop",
        4 => "isothermZero",
        6 => "maxWind",
        7 => "tropopause",
        8 => "nominalTop",
        10 => "entireAtmosphere",
        100 => "isobaricInhPa",
        101 => "meanSea",
        102 => "heightAboveSea",
        103 => "heightAboveGround",
        104 => "sigma",
        105 => "hybrid",
        106 => "depthBelowLand",
        107 => "theta",
        108 => "pressureFromGroundLayer",
        109 => "potentialVorticity",
        200 => "atmosphereSingleLayer",
        other => return format!("type {other}"),
    };
    name.to_string()
}

/// ecCodes' name of a grid (Grid Definition Template number).
fn grid_kind(template: u16) -> String {
    let name = match template {
        0 => "regular_ll",
        1 => "rotated_ll",
        10 => "mercator",
        20 => "polar_stereographic",
        30 => "lambert",
        40 => "regular_gg",
        41 => "rotated_gg",
        90 => "space_view",
        101 => "unstructured_grid",
        other => return format!("template 3.{other}"),
    };
    name.to_string()
}
