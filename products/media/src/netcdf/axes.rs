//! What each dimension of a NetCDF file is, read from its coordinate
//! variable (the one-dimensional variable of the same name) as CF says:
//! longitude, latitude, valid time, lead from the run, vertical level, or
//! none of those. Coordinates are read only after their length is checked.

use chrono::{DateTime, Duration, Utc};
use netcdf_reader::cf::{identify_axis, time_ref_from_variable, CfAxisType};
use netcdf_reader::{NcFile, NcVariable};

use crate::fields::Limits;

/// What a dimension is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Axis {
    Lon,
    Lat,
    /// Valid times (`units = "hours since …"`).
    Time,
    /// Leads from the run (`step`, `forecast_period`: `units = "hours"`).
    Lead,
    Level,
    Other,
}

/// The file's coordinate variables and its run.
pub(super) struct Coordinates<'a> {
    file: &'a NcFile,
    variables: &'a [NcVariable],
    limits: Limits,
    /// The run: a `forecast_reference_time` variable's first value.
    pub reference: Option<DateTime<Utc>>,
}

impl<'a> Coordinates<'a> {
    pub fn new(file: &'a NcFile, variables: &'a [NcVariable], limits: Limits) -> Self {
        let mut out = Self {
            file,
            variables,
            limits,
            reference: None,
        };
        out.reference = variables
            .iter()
            .find(|v| {
                v.name() == "forecast_reference_time"
                    || text(v, "standard_name").as_deref() == Some("forecast_reference_time")
            })
            .filter(|v| v.shape().iter().all(|&n| n == 1))
            .and_then(|v| out.times_of(v).ok()?.into_iter().next().flatten());
        out
    }

    /// The coordinate variable of dimension `dim`.
    pub fn variable(&self, dim: &str) -> Option<&'a NcVariable> {
        self.variables
            .iter()
            .find(|v| v.name() == dim && v.dimensions().len() == 1 && v.dimensions()[0].name == dim)
    }

    /// What dimension `dim` is.
    pub fn role(&self, dim: &str) -> Axis {
        let Some(v) = self.variable(dim) else {
            return Axis::Other;
        };
        let name = dim.to_ascii_lowercase();
        let standard = text(v, "standard_name").unwrap_or_default();
        let units = text(v, "units").unwrap_or_default().to_ascii_lowercase();
        if name == "step" || standard == "forecast_period" || is_duration(&units) {
            return Axis::Lead;
        }
        match identify_axis(v) {
            CfAxisType::X => Axis::Lon,
            CfAxisType::Y => Axis::Lat,
            CfAxisType::T => Axis::Time,
            CfAxisType::Z => Axis::Level,
            CfAxisType::Unknown => match name.as_str() {
                "lon" | "longitude" => Axis::Lon,
                "lat" | "latitude" => Axis::Lat,
                "time" | "valid_time" => Axis::Time,
                "level" | "lev" | "plev" | "pressure_level" | "isobaricinhpa" => Axis::Level,
                _ => Axis::Other,
            },
        }
    }

    /// The values of dimension `dim`'s coordinate, at most `most` of them.
    pub fn values(&self, dim: &str, most: usize) -> Result<Vec<f64>, String> {
        let v = self
            .variable(dim)
            .ok_or_else(|| format!("dimension {dim} has no coordinate variable"))?;
        self.read(v, most)
    }

    fn read(&self, v: &NcVariable, most: usize) -> Result<Vec<f64>, String> {
        let len = v.num_elements().map_err(|e| e.to_string())?;
        if len > most as u64 {
            return Err(format!(
                "{} holds {len} values; at most {most} are read",
                v.name()
            ));
        }
        let values = self
            .file
            .read_variable_unpacked(v.name())
            .map_err(|e| format!("{}: {e}", v.name()))?;
        Ok(values.iter().copied().collect())
    }

    /// The valid time of each index of dimension `dim` (a time or a lead
    /// axis), `None` where it cannot be said.
    pub fn times(&self, dim: &str) -> Result<Vec<Option<DateTime<Utc>>>, String> {
        let v = self
            .variable(dim)
            .ok_or_else(|| format!("dimension {dim} has no coordinate variable"))?;
        self.times_of(v)
    }

    fn times_of(&self, v: &NcVariable) -> Result<Vec<Option<DateTime<Utc>>>, String> {
        let values = self.read(v, self.limits.max_messages)?;
        let units = text(v, "units").unwrap_or_default().to_ascii_lowercase();
        if is_duration(&units) {
            let seconds = seconds_per(&units);
            return Ok(values
                .iter()
                .map(|&lead| {
                    let lead = Duration::try_milliseconds((lead * seconds * 1000.0) as i64)?;
                    self.reference?.checked_add_signed(lead)
                })
                .collect());
        }
        let Some(time_ref) = time_ref_from_variable(v).map_err(|e| e.to_string())? else {
            return Ok(vec![None; values.len()]);
        };
        Ok(values
            .iter()
            .map(|&t| {
                let at = netcdf_reader::cf::decode_time_exact(t, &time_ref).ok()?;
                let date = chrono::NaiveDate::from_ymd_opt(
                    at.year,
                    u32::from(at.month),
                    u32::from(at.day),
                )?;
                let time = date.and_hms_nano_opt(
                    u32::from(at.hour),
                    u32::from(at.minute),
                    u32::from(at.second),
                    at.nanosecond,
                )?;
                Some(time.and_utc())
            })
            .collect())
    }

    /// The level type (GRIB2 Code Table 4.5) and the levels of vertical
    /// dimension `dim`, in ecCodes' units: hPa for pressure, metres for
    /// heights, as given for model levels and others.
    pub fn levels(&self, dim: &str) -> Result<(u8, Vec<f64>), String> {
        let v = self
            .variable(dim)
            .ok_or_else(|| format!("dimension {dim} has no coordinate variable"))?;
        let values = self.read(v, self.limits.max_messages)?;
        let units = text(v, "units").unwrap_or_default().to_ascii_lowercase();
        let standard = text(v, "standard_name").unwrap_or_default();
        let (level_type, factor) = match units.trim() {
            "millibars" | "millibar" | "mbar" | "mb" | "hpa" => (100, 1.0),
            "pa" => (100, 0.01),
            "m" | "meter" | "meters" | "metre" | "metres" if standard == "height" => (103, 1.0),
            "m" | "meter" | "meters" | "metre" | "metres" => (102, 1.0),
            "km" => (102, 1000.0),
            "k" => (107, 1.0),
            _ if standard.contains("hybrid") || dim == "hybrid" => (105, 1.0),
            _ => (255, 1.0),
        };
        Ok((level_type, values.iter().map(|l| l * factor).collect()))
    }
}

/// A text attribute of `v`.
pub(super) fn text(v: &NcVariable, name: &str) -> Option<String> {
    v.attribute(name)?.value.as_string()
}

/// Whether `units` is a span of time without an origin (`hours`, `s`).
fn is_duration(units: &str) -> bool {
    matches!(
        units.trim(),
        "hours"
            | "hour"
            | "h"
            | "hr"
            | "minutes"
            | "minute"
            | "min"
            | "seconds"
            | "second"
            | "s"
            | "days"
            | "day"
            | "d"
    )
}

fn seconds_per(units: &str) -> f64 {
    match units.trim() {
        "hours" | "hour" | "h" | "hr" => 3600.0,
        "minutes" | "minute" | "min" => 60.0,
        "days" | "day" | "d" => 86_400.0,
        _ => 1.0,
    }
}
