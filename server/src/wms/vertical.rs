//! Vertical sections for Open-MSS's side view: a GetMap in its own
//! coordinate system `VERT:LOGP`, as msui sends it — `PATH=lat,lon,lat,lon,…`
//! (the flight track's waypoints) and `BBOX=points,p_bottom,labels,p_top`
//! (hPa) — answered with the layer's field on its pressure levels along the
//! path, drawn bare on a log-pressure axis from `p_bottom` (the picture's
//! foot) to `p_top`, msui drawing its own axes and track over it.

use axum::response::Response;
use media::field_map::{section_png, PathPoint, MAX_PLACES, MAX_WAYPOINTS};

use super::exception::WmsError;
use super::layers::Layer;
use super::params::Params;
use super::{layer, with_type, MAX_SIDE};
use crate::field_section::{section_of, Levels};
use crate::state::AppState;

/// Whether `params` ask for a vertical section.
pub fn asked(params: &Params) -> bool {
    params
        .get("crs")
        .or(params.get("srs"))
        .is_some_and(|c| c.to_ascii_uppercase().starts_with("VERT:LOGP"))
}

/// `PATH`: latitude, longitude pairs.
fn path_of(params: &Params) -> Result<Vec<PathPoint>, WmsError> {
    let numbers: Vec<f64> = params
        .need("path")?
        .split(',')
        .take(2 * MAX_WAYPOINTS + 1)
        .map(|n| n.trim().parse::<f64>().ok().filter(|v| v.is_finite()))
        .collect::<Option<_>>()
        .ok_or_else(|| WmsError::invalid("PATH must be latitude,longitude pairs"))?;
    if !numbers.len().is_multiple_of(2) || numbers.len() < 4 || numbers.len() > 2 * MAX_WAYPOINTS {
        return Err(WmsError::invalid(format!(
            "PATH must be 2 to {MAX_WAYPOINTS} latitude,longitude pairs"
        )));
    }
    numbers
        .chunks_exact(2)
        .map(|p| {
            if p[0].abs() <= 90.0 && p[1].abs() <= 360.0 {
                Ok(PathPoint {
                    lat: p[0],
                    lon: p[1],
                    label: String::new(),
                    alt_m: None,
                })
            } else {
                Err(WmsError::invalid("PATH: a latitude past ±90°"))
            }
        })
        .collect()
}

/// `BBOX=points,p_bottom,labels,p_top` (msui's default 101,1050,10,180).
fn extent_of(params: &Params) -> Result<(usize, f64, f64), WmsError> {
    let numbers: Vec<f64> = params
        .get("bbox")
        .unwrap_or("101,1050,10,180")
        .split(',')
        .map(|n| n.trim().parse::<f64>().ok().filter(|v| v.is_finite()))
        .collect::<Option<_>>()
        .filter(|v: &Vec<f64>| v.len() == 4)
        .ok_or_else(|| WmsError::invalid("BBOX must be points,p_bottom,labels,p_top"))?;
    let (points, bottom, top) = (numbers[0], numbers[1], numbers[3]);
    if !(2.0..=MAX_PLACES as f64).contains(&points) {
        return Err(WmsError::invalid(format!(
            "BBOX: from 2 to {MAX_PLACES} points along the path"
        )));
    }
    if !(top > 0.0 && bottom > top && bottom <= 1200.0) {
        return Err(WmsError::invalid(
            "BBOX: pressures in hPa, the bottom's larger than the top's",
        ));
    }
    Ok((points as usize, bottom, top))
}

/// GetMap in `VERT:LOGP`.
pub async fn get_map(
    state: &AppState,
    params: &Params,
    layers: &std::collections::BTreeMap<String, Layer>,
) -> Result<Response, WmsError> {
    let layer = layer(params, "layers", layers)?;
    if layer.level_type != "isobaricInhPa" || layer.levels().len() < 2 {
        return Err(WmsError::new(
            "InvalidCRS",
            format!("{} has no pressure levels: no vertical section", layer.name),
        ));
    }
    let path = path_of(params)?;
    let (points, bottom, top) = extent_of(params)?;
    let (width, height) = (
        params.pixels("width", MAX_SIDE)?,
        params.pixels("height", MAX_SIDE)?,
    );
    let run = params.time(&["dim_reference_time", "dim_init_time", "reference_time"])?;
    let time = params.time(&["time"])?;
    // The map of the first level chosen as GetMap chooses one: its run
    // and time are the section's.
    let first = layer.source(run, time, None)?;
    let of_time: Vec<(f64, usize)> = layer
        .sources
        .iter()
        .filter(|s| s.run == first.run && s.time == first.time && s.path == first.path)
        .map(|s| (s.level, s.index))
        .collect();
    let (cache, file) = (state.fields.clone(), first.path.clone());
    let (field, units, valid) = (layer.field.clone(), layer.units.clone(), first.time);
    let png = tokio::task::spawn_blocking(move || {
        let levels = Levels {
            field: &field,
            units: units.as_deref(),
            valid_time: valid,
            file: &file,
            levels: of_time,
        };
        let (made, scale) = section_of(&cache, &levels, &path, points)
            .map_err(|e| WmsError::new("NoApplicableCode", format!("the field: {e}")))?;
        section_png(&made, &scale, width, height, bottom, top)
            .map_err(|e| WmsError::new("NoApplicableCode", e))
    })
    .await
    .map_err(|e| WmsError::new("NoApplicableCode", e.to_string()))??;
    Ok(with_type("image/png", png))
}
