//! GRIB edition 2 read as fields, through the `grib` crate's pure-Rust
//! unpackers (simple, complex, complex with spatial differencing, JPEG 2000,
//! PNG, CCSDS): what each message holds — its parameter, level, reference
//! and valid times, grid — and its values with the latitude and longitude of
//! each point, missing points (a bitmap) as NaN, in the order the message
//! stores them (its scanning mode honoured by the coordinates).
//!
//! A file is bounded before it is read: its size, the messages it holds and
//! the points one message declares are checked against [`Limits`] before
//! anything proportional to them is allocated. A message that cannot be
//! read is described with its reason and the others are read.

mod gaussian;
mod gridded;
mod guard;
mod scan;

pub use gridded::gridded;

use std::io::{Read, Seek, SeekFrom};

pub use crate::fields::Limits;
use crate::fields::Message;
use chrono::{DateTime, Utc};
use grib::LatLons;
use guard::{bounded, guarded};

/// Why a file or a message could not be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum GribError {
    #[error("the file is {0} bytes; at most {1} are read")]
    TooLarge(u64, u64),
    #[error("the file holds over {0} messages")]
    TooManyMessages(usize),
    #[error("message {index} declares {points} points; at most {limit} are decoded")]
    TooManyPoints {
        index: usize,
        points: usize,
        limit: usize,
    },
    #[error("no message {0}")]
    NoMessage(usize),
    #[error("not GRIB edition 2: {0}")]
    NotGrib(String),
    #[error("message {0}: {1}")]
    Message(usize, String),
}

/// The messages of a GRIB2 file (`std::fs::File`, a `Cursor` of bytes):
/// only their sections' headers are read, the data sections are skipped.
pub fn messages<R: Read + Seek>(reader: R, limits: Limits) -> Result<Vec<Message>, GribError> {
    guarded(usize::MAX, || list(reader, limits))
}

fn list<R: Read + Seek>(reader: R, limits: Limits) -> Result<Vec<Message>, GribError> {
    let grib2 = open(reader, limits)?;
    let mut out = Vec::new();
    // Each distinct grid placed once (a file holds one or a few).
    let mut boxes: Vec<(Vec<u8>, Option<[f64; 4]>)> = Vec::new();
    for (n, (_, sub)) in grib2.iter().enumerate() {
        if n >= limits.max_messages {
            return Err(GribError::TooManyMessages(limits.max_messages));
        }
        let section3: Vec<u8> = sub.grid_def().iter().copied().collect();
        let bbox = match boxes.iter().find(|(grid, _)| *grid == section3) {
            Some((_, bbox)) => *bbox,
            None => {
                // A grid the crate cannot place (its arithmetic overflows)
                // has no box; the message is still listed.
                let bbox = guarded(n, || Ok(grid_bbox(&sub, n, &section3, limits)))
                    .ok()
                    .flatten();
                boxes.push((section3, bbox));
                bbox
            }
        };
        let prod = sub.prod_def();
        let (level_type, level) = match prod.fixed_surfaces() {
            Some((first, _)) => (
                first.surface_type,
                level_of(first.surface_type, first.value()),
            ),
            None => (255, 0.0),
        };
        let times = sub.temporal_info();
        let period_end = end_of_period(&sub);
        let grid = sub.grid_def();
        let discipline = sub.indicator().discipline;
        let (category, number) = (
            prod.parameter_category().unwrap_or(255),
            prod.parameter_number().unwrap_or(255),
        );
        out.push(Message {
            index: n,
            discipline,
            category,
            number,
            short_name: short_name(discipline, category, number, level_type, level)
                // A statistic over a period has names of its own (`mn2t6`,
                // the 6-hour minimum); only an accumulation keeps `tp`.
                .filter(|name| period_end.is_none() || *name == "tp")
                .map(str::to_string),
            long_name: long_name(discipline, category, number).map(str::to_string),
            units: units(discipline, category, number).map(str::to_string),
            level_type,
            level,
            reference_time: times.ref_time,
            // A statistic over a period (a maximum, an accumulation) is
            // valid at the period's end, as ecCodes says.
            valid_time: period_end.or(times.forecast_time_target),
            grid_template: grid.grid_tmpl_num(),
            points: grid.num_points() as usize,
            shape: sub.grid_shape().ok(),
            bbox,
            problem: sub.grid_shape().err().map(|e| e.to_string()),
        });
    }
    if out.is_empty() {
        return Err(GribError::NotGrib("the file holds no GRIB2 message".into()));
    }
    Ok(out)
}

/// The points of message `index`: latitude, longitude and value (NaN where
/// the bitmap says missing), in the message's order.
pub fn values<R: Read + Seek>(
    reader: R,
    index: usize,
    limits: Limits,
) -> Result<Vec<[f32; 3]>, GribError> {
    decode(reader, index, limits, true)
}

/// The values of message `index` in the order the message stores them (NaN
/// where missing), without coordinates: also for grids whose coordinates
/// are not computed here yet (reduced Gaussian), in the latitude [0] and
/// longitude [1] of each point NaN.
pub fn stored_values<R: Read + Seek>(
    reader: R,
    index: usize,
    limits: Limits,
) -> Result<Vec<[f32; 3]>, GribError> {
    decode(reader, index, limits, false)
}

fn decode<R: Read + Seek>(
    reader: R,
    index: usize,
    limits: Limits,
    placed: bool,
) -> Result<Vec<[f32; 3]>, GribError> {
    guarded(index, || decode_unguarded(reader, index, limits, placed))
}

fn decode_unguarded<R: Read + Seek>(
    reader: R,
    index: usize,
    limits: Limits,
    placed: bool,
) -> Result<Vec<[f32; 3]>, GribError> {
    let grib2 = open(reader, limits)?;
    let (_, sub) = grib2.iter().nth(index).ok_or(GribError::NoMessage(index))?;
    let points = bounded(&sub, index, limits)?;
    let bad = |e: grib::GribError| GribError::Message(index, e.to_string());
    let latlons: Box<dyn Iterator<Item = (f32, f32)>> = if placed && is_reduced_gaussian(&sub) {
        let section3: Vec<u8> = sub.grid_def().iter().copied().collect();
        Box::new(gaussian::latlons(index, &section3)?.into_iter())
    } else if placed {
        Box::new(
            sub.latlons()
                .map_err(bad)?
                .map(|(lat, lon)| (lat as f32, lon as f32)),
        )
    } else {
        Box::new(std::iter::repeat((f32::NAN, f32::NAN)))
    };
    let decoder = grib::Grib2SubmessageDecoder::from(sub).map_err(bad)?;
    let decoded = decoder.dispatch().map_err(bad)?;
    let out: Vec<[f32; 3]> = latlons
        .zip(decoded)
        .take(points)
        .map(|((lat, lon), value)| [lat, lon, value])
        .collect();
    if out.len() != points {
        return Err(GribError::Message(
            index,
            format!("{} values for {points} points", out.len()),
        ));
    }
    Ok(out)
}

/// The box of a message's points, from its grid alone (nothing decoded);
/// `None` when they cannot be placed or are too many.
fn grid_bbox<R: grib::Grib2Read>(
    sub: &grib::SubMessage<'_, R>,
    index: usize,
    section3: &[u8],
    limits: Limits,
) -> Option<[f64; 4]> {
    bounded(sub, index, limits).ok()?;
    if is_reduced_gaussian(sub) {
        let points = gaussian::latlons(index, section3).ok()?;
        return crate::field_map::bbox_of(
            points
                .into_iter()
                .map(|(a, b)| (f64::from(a), f64::from(b))),
        );
    }
    crate::field_map::bbox_of(sub.latlons().ok()?)
}

/// Whether the message is on a reduced Gaussian grid (template 3.40 with a
/// list of points per row), which the `grib` crate does not place.
pub(super) fn is_reduced_gaussian<R: grib::Grib2Read>(sub: &grib::SubMessage<'_, R>) -> bool {
    let grid = sub.grid_def();
    grid.grid_tmpl_num() == 40 && grid.iter().nth(5).is_some_and(|octets| *octets > 0)
}

pub(super) fn open<R: Read + Seek>(
    mut reader: R,
    limits: Limits,
) -> Result<grib::Grib2<grib::SeekableGrib2Reader<R>>, GribError> {
    let size = reader
        .seek(SeekFrom::End(0))
        .and_then(|size| reader.seek(SeekFrom::Start(0)).map(|_| size))
        .map_err(|e| GribError::NotGrib(e.to_string()))?;
    if size > limits.max_bytes {
        return Err(GribError::TooLarge(size, limits.max_bytes));
    }
    scan::check(&mut reader, size, limits)?;
    grib::from_reader(reader).map_err(|e| GribError::NotGrib(e.to_string()))
}

/// The end of the period a statistically processed field covers
/// (templates 4.8 to 4.12).
fn end_of_period<R: grib::Grib2Read>(sub: &grib::SubMessage<'_, R>) -> Option<DateTime<Utc>> {
    use grib::def::grib2::ProductDefinitionTemplate as T;
    let section = sub.section4().ok()?;
    let end = match &section.payload.template {
        T::_4_8(t) => &t.time_interval.end_of_overall_time_interval,
        T::_4_9(t) => &t.time_interval.end_of_overall_time_interval,
        T::_4_10(t) => &t.time_interval.end_of_overall_time_interval,
        T::_4_11(t) => &t.time_interval.end_of_overall_time_interval,
        T::_4_12(t) => &t.time_interval.end_of_overall_time_interval,
        _ => return None,
    };
    let date = chrono::NaiveDate::from_ymd_opt(end.year.into(), end.month.into(), end.day.into())?;
    let time = date.and_hms_opt(end.hour.into(), end.minute.into(), end.second.into())?;
    Some(time.and_utc())
}

/// A surface's value as ecCodes' `level`: hPa for isobaric surfaces (type
/// 100, stored in Pa), PVU for potential vorticity surfaces (109, stored in
/// K m² kg⁻¹ s⁻¹), 0 where none is given.
fn level_of(surface_type: u8, value: f64) -> f64 {
    if !value.is_finite() {
        return 0.0;
    }
    match surface_type {
        100 => value / 100.0,
        109 => (value * 1e6 * 1e6).round() / 1e6,
        _ => value,
    }
}

/// ecCodes' short names of the parameters campaigns draw most; `None` for
/// the others (they are still listed by their numbers).
fn short_name(
    discipline: u8,
    category: u8,
    number: u8,
    level_type: u8,
    level: f64,
) -> Option<&'static str> {
    let at = |t: u8, l: f64| level_type == t && (level - l).abs() < 1e-6;
    Some(match (discipline, category, number) {
        (0, 0, 0) if at(103, 2.0) => "2t",
        (0, 0, 6) if at(103, 2.0) => "2d",
        (0, 2, 2) if at(103, 10.0) => "10u",
        (0, 2, 3) if at(103, 10.0) => "10v",
        (0, 0, 0) => "t",
        (0, 1, 0) if at(103, 2.0) => "2sh",
        (0, 1, 1) if at(103, 2.0) => "2r",
        (0, 1, 0) => "q",
        (0, 1, 1) => "r",
        (0, 1, 8) => "tp",
        (0, 2, 2) => "u",
        (0, 2, 3) => "v",
        (0, 2, 8) => "w",
        (0, 2, 10) => "absv",
        (0, 3, 0) if level_type == 1 => "sp",
        (0, 3, 0) if level_type == 101 => "msl",
        (0, 3, 1) => "prmsl",
        (0, 3, 5) if level_type == 1 => "orog",
        (0, 3, 5) => "gh",
        (0, 6, 1) => "tcc",
        _ => return None,
    })
}

/// What the parameters [`short_name`] names are (Code Table 4.2).
fn long_name(discipline: u8, category: u8, number: u8) -> Option<&'static str> {
    Some(match (discipline, category, number) {
        (0, 0, 0) => "Temperature",
        (0, 0, 6) => "Dew point temperature",
        (0, 1, 0) => "Specific humidity",
        (0, 1, 1) => "Relative humidity",
        (0, 1, 8) => "Total precipitation",
        (0, 2, 2) => "U component of wind",
        (0, 2, 3) => "V component of wind",
        (0, 2, 8) => "Vertical velocity (pressure)",
        (0, 2, 10) => "Absolute vorticity",
        (0, 3, 0) => "Pressure",
        (0, 3, 1) => "Pressure reduced to MSL",
        (0, 3, 5) => "Geopotential height",
        (0, 6, 1) => "Total cloud cover",
        _ => return None,
    })
}

/// The units of the parameters [`short_name`] names (Code Table 4.2).
pub fn units(discipline: u8, category: u8, number: u8) -> Option<&'static str> {
    Some(match (discipline, category, number) {
        (0, 0, 0) | (0, 0, 6) => "K",
        (0, 1, 0) => "kg kg-1",
        (0, 1, 1) | (0, 6, 1) => "%",
        (0, 1, 8) => "kg m-2",
        (0, 2, 2) | (0, 2, 3) => "m s-1",
        (0, 2, 8) => "Pa s-1",
        (0, 2, 10) => "s-1",
        (0, 3, 0) | (0, 3, 1) => "Pa",
        (0, 3, 5) => "gpm",
        _ => return None,
    })
}
