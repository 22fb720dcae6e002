//! A model product's fields as the API lists them (`GET
//! /api/v1/products/{id}/fields`): what a GRIB2 or CF-NetCDF file holds, one entry per
//! parameter and level type, with its levels and valid times, so that a
//! planner (and the map, and the WMS to come) can ask for "t at 850 hPa,
//! valid 12 UTC" without knowing the file's messages.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Field {
    /// ecCodes' short name (`t`, `2t`, `msl`), or
    /// `discipline.category.number` for a GRIB2 parameter without one here,
    /// or a NetCDF variable's name.
    pub field: String,
    /// What it is (`Temperature`), where known.
    #[serde(default)]
    pub long_name: Option<String>,
    /// Its units (`K`, `Pa`, `m s-1`), where known.
    #[serde(default)]
    pub units: Option<String>,
    /// The level type, by ecCodes' name where known (`isobaricInhPa`,
    /// `heightAboveGround`), else `type N` (Code Table 4.5).
    pub level_type: String,
    /// Its levels, ascending (hPa on isobaric surfaces).
    pub levels: Vec<f64>,
    pub reference_time: Option<DateTime<Utc>>,
    /// Its valid times, ascending.
    pub valid_times: Vec<DateTime<Utc>>,
    pub grid: Grid,
    /// How many messages hold it (levels × valid times when whole).
    pub messages: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Grid {
    /// Grid Definition Template number: 0 latitude/longitude, 30 Lambert…
    pub template: u16,
    /// ecCodes' name of it (`regular_ll`, `lambert`, `polar_stereographic`).
    pub kind: String,
    pub points: usize,
    /// Points along a row and rows, for grids of rows.
    #[serde(default)]
    pub nx: Option<usize>,
    #[serde(default)]
    pub ny: Option<usize>,
    /// `[west, south, east, north]` in degrees (west may be over 180 for a
    /// grid across the date line).
    #[serde(default)]
    pub bbox: Option<[f64; 4]>,
}
