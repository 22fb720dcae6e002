//! A GRIB2 message's values laid out as the map draws them: rows of `ni`
//! points west to east (in the grid's own `i` direction), `nj` rows, however
//! the message scans (its scanning mode read through the `grib` crate's
//! `(i, j)` of each stored value), so that a point's neighbours are found by
//! arithmetic. A reduced Gaussian grid has no such rows and is kept as
//! points.

use std::io::{Read, Seek};

use grib::LatLons;

use super::guard::{bounded, guarded};
use super::{gaussian, is_reduced_gaussian, open, GribError, Limits};
use crate::field_map::Gridded;

/// Message `index` of the file `reader` reads, as [`Gridded`].
pub fn gridded<R: Read + Seek>(
    reader: R,
    index: usize,
    limits: Limits,
) -> Result<Gridded, GribError> {
    guarded(index, || laid_out(reader, index, limits))
}

fn laid_out<R: Read + Seek>(reader: R, index: usize, limits: Limits) -> Result<Gridded, GribError> {
    let grib2 = open(reader, limits)?;
    let (_, sub) = grib2.iter().nth(index).ok_or(GribError::NoMessage(index))?;
    let points = bounded(&sub, index, limits)?;
    let bad = |e: grib::GribError| GribError::Message(index, e.to_string());
    let reduced = is_reduced_gaussian(&sub);
    let (lat, lon): (Vec<f32>, Vec<f32>) = if reduced {
        let section3: Vec<u8> = sub.grid_def().iter().copied().collect();
        gaussian::latlons(index, &section3)?.into_iter().unzip()
    } else {
        sub.latlons()
            .map_err(bad)?
            .take(points)
            .map(|(lat, lon)| (lat as f32, lon as f32))
            .unzip()
    };
    // Where each stored value goes, by its (i, j), before the decoder
    // takes the message.
    let shape = if reduced {
        None
    } else {
        let (ni, nj) = sub.grid_shape().map_err(bad)?;
        if ni.checked_mul(nj) != Some(points) {
            return Err(GribError::Message(
                index,
                format!("a grid of {ni} × {nj} for {points} points"),
            ));
        }
        let mut at = vec![usize::MAX; points];
        for (k, (i, j)) in sub.ij().map_err(bad)?.enumerate().take(points) {
            if i >= ni || j >= nj {
                return Err(GribError::Message(
                    index,
                    format!("point ({i}, {j}) off the grid"),
                ));
            }
            at[j * ni + i] = k;
        }
        if at.contains(&usize::MAX) {
            return Err(GribError::Message(
                index,
                "points missing from the scan".into(),
            ));
        }
        Some((ni, nj, at))
    };
    let decoder = grib::Grib2SubmessageDecoder::from(sub).map_err(bad)?;
    let value: Vec<f32> = decoder.dispatch().map_err(bad)?.take(points).collect();
    if value.len() != points || lat.len() != points {
        return Err(GribError::Message(
            index,
            format!("{} values for {points} points", value.len()),
        ));
    }
    let Some((ni, nj, at)) = shape else {
        return Ok(Gridded::points(lat, lon, value));
    };
    let pick = |from: &[f32]| at.iter().map(|&k| from[k]).collect::<Vec<f32>>();
    Ok(Gridded::rows(ni, nj, pick(&lat), pick(&lon), pick(&value)))
}
