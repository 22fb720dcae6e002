//! A vertical section of a model field along a path, from the kept fields
//! ([`crate::field_cache`]): one field decoded per pressure level of one
//! valid time, each sampled at places along the path. Shared by the API's
//! `/section` (a plan's or a path's, SVG, JSON or PNG) and the WMS's
//! `VERT:LOGP` maps Open-MSS asks for. Blocking: call from
//! `spawn_blocking`.

use std::path::Path;

use chrono::{DateTime, Utc};
use media::field_map::{section, PathPoint, Scale, Section};

use crate::field_cache::{FieldCache, FieldReadError};

/// What a section is made of: the field, the file, and the message of
/// each pressure level (hPa) at the valid time.
pub struct Levels<'a> {
    pub field: &'a str,
    pub units: Option<&'a str>,
    pub valid_time: Option<DateTime<Utc>>,
    pub file: &'a Path,
    pub levels: Vec<(f64, usize)>,
}

/// The section of `levels` along `path` at `count` places, and the scale
/// it is coloured by (over every value of it).
pub fn section_of(
    cache: &FieldCache,
    levels: &Levels,
    path: &[PathPoint],
    count: usize,
) -> Result<(Section, Scale), FieldReadError> {
    let decoded = levels
        .levels
        .iter()
        .map(|&(level, index)| Ok((level, cache.field(levels.file, index)?)))
        .collect::<Result<Vec<_>, FieldReadError>>()?;
    let borrowed: Vec<(f64, &media::field_map::Located)> =
        decoded.iter().map(|(l, f)| (*l, f.as_ref())).collect();
    let made = section(
        levels.field,
        levels.units,
        levels.valid_time,
        &borrowed,
        path,
        count,
    );
    let range =
        made.values.iter().flatten().flatten().fold(
            None,
            |acc: Option<(f32, f32)>, &v| match acc {
                None => Some((v, v)),
                Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
            },
        );
    let scale = Scale::for_field(levels.field, levels.units, range);
    Ok((made, scale))
}
