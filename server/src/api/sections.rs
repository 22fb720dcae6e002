//! A model product's field along a flight:
//!
//! `GET /api/v1/products/{id}/section?field=t&plan={plan id}` (or
//! `path=lat,lon;lat,lon;…`) `&time=&points=&format=svg|json|png` — the
//! field on every pressure level of the run, at `points` places (101 by
//! default) spaced along the plan's great circles: a chart (SVG, pressure
//! on a log axis, waypoints named, the plan's altitude drawn), the numbers
//! (JSON) or the bare picture (PNG, `width`, `height`). The valid time is
//! the one asked, else the file's nearest to the plan's operation's
//! take-off, else its first.
//!
//! `GET /api/v1/plans/{id}/section?field=t` — the same for a plan, from the
//! model run (of those the caller may see) valid nearest its take-off: what
//! the operation page shows under each plan.

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use media::field_map::{
    section_png, section_svg, PathPoint, Scale, Section, MAX_PLACES, MAX_WAYPOINTS,
};
use media::model_file::Message;
use serde::Deserialize;

use super::fields::{model_file, unreadable};
use super::input::parse_bound;
use crate::auth::ReadAccess;
use crate::error::ApiError;
use crate::field_section::{section_of, Levels};
use crate::state::AppState;

/// GRIB2 Code Table 4.5's isobaric surface: sections are drawn in pressure.
const ISOBARIC: u8 = 100;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/products/{id}/section", get(section))
        .route("/plans/{id}/section", get(plan_section))
}

#[derive(Deserialize)]
struct Params {
    field: Option<String>,
    plan: Option<i64>,
    path: Option<String>,
    time: Option<String>,
    points: Option<usize>,
    format: Option<String>,
    width: Option<u32>,
    height: Option<u32>,
}

/// `lat,lon;lat,lon;…`: at least two places.
pub(crate) fn parse_path(text: &str) -> Result<Vec<PathPoint>, ApiError> {
    let bad = |why: &str| ApiError::BadRequest(format!("path={text:?}: {why}"));
    let points = text
        .split(';')
        .filter(|p| !p.trim().is_empty())
        .take(MAX_WAYPOINTS + 1)
        .map(|pair| {
            let (lat, lon) = pair
                .split_once(',')
                .ok_or_else(|| bad("lat,lon pairs are needed"))?;
            let number = |v: &str| v.trim().parse::<f64>().ok().filter(|v| v.is_finite());
            match (number(lat), number(lon)) {
                (Some(lat), Some(lon)) if lat.abs() <= 90.0 && lon.abs() <= 360.0 => {
                    Ok(PathPoint {
                        lat,
                        lon,
                        label: String::new(),
                        alt_m: None,
                    })
                }
                _ => Err(bad(
                    "latitudes -90 to 90 and longitudes -360 to 360 are needed",
                )),
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    if points.len() > MAX_WAYPOINTS {
        return Err(bad(&format!("at most {MAX_WAYPOINTS} places")));
    }
    if points.len() < 2 {
        return Err(bad("two places at least"));
    }
    Ok(points)
}

/// A valid time and the message index of each pressure level (hPa) then.
type AtTime = (Option<DateTime<Utc>>, Vec<(f64, usize)>);

/// The messages of `field` on pressure levels valid at `time` (or the
/// valid time nearest `near`, or the first), one per level.
pub(crate) fn levels_of(
    listed: &[Message],
    field: &str,
    time: Option<DateTime<Utc>>,
    near: Option<DateTime<Utc>>,
) -> Result<AtTime, String> {
    let of_field: Vec<&Message> = listed
        .iter()
        .filter(|m| m.field() == field && m.level_type == ISOBARIC && m.problem.is_none())
        .collect();
    if of_field.is_empty() {
        return Err(format!(
            "no field {field:?} on pressure levels in this file"
        ));
    }
    let mut times: Vec<Option<DateTime<Utc>>> = of_field.iter().map(|m| m.valid_time).collect();
    times.sort();
    times.dedup();
    let valid = match (time, near) {
        (Some(t), _) if times.contains(&Some(t)) => Some(t),
        (Some(t), _) => {
            return Err(format!("{field:?} is not valid at {}", t.to_rfc3339()));
        }
        (None, Some(near)) => times
            .iter()
            .min_by_key(|t| t.map_or(i64::MAX, |t| (t - near).num_seconds().abs()))
            .copied()
            .flatten(),
        (None, None) => times.first().copied().flatten(),
    };
    let mut levels: Vec<(f64, usize)> = of_field
        .iter()
        .filter(|m| m.valid_time == valid)
        .map(|m| (m.level, m.index))
        .collect();
    levels.sort_by(|a, b| b.0.total_cmp(&a.0));
    levels.dedup_by(|a, b| a.0 == b.0);
    if levels.len() < 2 {
        return Err(format!(
            "{field:?} is on one pressure level only: no section"
        ));
    }
    Ok((valid, levels))
}

async fn section(
    State(state): State<AppState>,
    access: ReadAccess,
    Path(id): Path<i64>,
    Query(params): Query<Params>,
) -> Result<Response, ApiError> {
    let asked = Asked::of(&params)?;
    let (path, take_off) = match (params.plan, params.path.as_deref()) {
        (Some(plan), None) => plan_path(&state, plan).await?,
        (None, Some(text)) => (parse_path(text)?, None),
        _ => {
            return Err(ApiError::BadRequest(
                "plan= (a flight plan's id) or path=lat,lon;lat,lon is needed".into(),
            ))
        }
    };
    let file = model_file(&state, &access, id).await?;
    let drawn = drawn(&state, id, file, &asked, path, take_off).await?;
    answer(drawn, &params, None)
}

/// `GET /api/v1/plans/{id}/section?field=`: the plan's section in the run
/// the caller may see whose valid time of the field is nearest the plan's
/// take-off (the latest run of those as near).
async fn plan_section(
    State(state): State<AppState>,
    access: ReadAccess,
    Path(plan): Path<i64>,
    Query(params): Query<Params>,
) -> Result<Response, ApiError> {
    let asked = Asked::of(&params)?;
    let (path, take_off) = plan_path(&state, plan).await?;
    let files: Vec<(i64, String, std::path::PathBuf)> = state
        .catalogue
        .model_files(access.visibility())
        .await?
        .into_iter()
        .filter_map(|f| {
            let path = state.data.resolve(std::path::Path::new(&f.stored_path))?;
            Some((f.product.id, f.product.platform, path))
        })
        .collect();
    let (cache, field) = (state.fields.clone(), asked.field.clone());
    let chosen = tokio::task::spawn_blocking(move || {
        let mut best: Option<(i64, (i64, String, std::path::PathBuf))> = None;
        for file in files {
            let Ok(listed) = cache.messages(&file.2) else {
                continue;
            };
            let Ok((Some(valid), _)) = levels_of(&listed, &field, None, take_off) else {
                continue;
            };
            let off = take_off.map_or(0, |t| (valid - t).num_seconds().abs());
            if best.as_ref().is_none_or(|(b, _)| off <= *b) {
                best = Some((off, file));
            }
        }
        best.map(|(_, file)| file)
    })
    .await
    .map_err(|e| ApiError::Io(std::io::Error::other(e.to_string())))?
    .ok_or_else(|| {
        ApiError::BadRequest(format!(
            "no model run holds {:?} on pressure levels",
            asked.field
        ))
    })?;
    let (id, platform, file) = chosen;
    let drawn = drawn(&state, id, file, &asked, path, take_off).await?;
    answer(drawn, &params, Some((id, platform)))
}

/// What a section is asked for.
struct Asked {
    field: String,
    time: Option<DateTime<Utc>>,
    count: usize,
}

impl Asked {
    fn of(params: &Params) -> Result<Self, ApiError> {
        let field = params
            .field
            .clone()
            .filter(|f| !f.is_empty() && f.len() <= 64)
            .ok_or_else(|| ApiError::BadRequest("field= is needed (a name from /fields)".into()))?;
        let count = params.points.unwrap_or(101);
        if !(2..=MAX_PLACES).contains(&count) {
            return Err(ApiError::BadRequest(format!(
                "points={count}: from 2 to {MAX_PLACES}"
            )));
        }
        Ok(Self {
            field,
            time: parse_bound("time", params.time.as_deref())?,
            count,
        })
    }
}

/// The section `asked` of the model file `file` (product `id`).
async fn drawn(
    state: &AppState,
    id: i64,
    file: std::path::PathBuf,
    asked: &Asked,
    path: Vec<PathPoint>,
    take_off: Option<DateTime<Utc>>,
) -> Result<(Section, Scale), ApiError> {
    let cache = state.fields.clone();
    let (field, time, count) = (asked.field.clone(), asked.time, asked.count);
    tokio::task::spawn_blocking(move || {
        let listed = cache.messages(&file).map_err(|e| unreadable(id, e))?;
        let (valid_time, levels) =
            levels_of(&listed, &field, time, take_off).map_err(ApiError::BadRequest)?;
        let units = listed
            .iter()
            .find(|m| m.field() == field)
            .and_then(|m| m.units.clone());
        let levels = Levels {
            field: &field,
            units: units.as_deref(),
            valid_time,
            file: &file,
            levels,
        };
        section_of(&cache, &levels, &path, count).map_err(|e| unreadable(id, e))
    })
    .await
    .map_err(|e| ApiError::Io(std::io::Error::other(e.to_string())))?
}

/// The section in the format asked; `from` the product it was read from
/// when the caller did not choose it.
fn answer(
    (made, scale): (Section, Scale),
    params: &Params,
    from: Option<(i64, String)>,
) -> Result<Response, ApiError> {
    match params.format.as_deref().unwrap_or("svg") {
        "json" => {
            let mut json =
                serde_json::to_value(&made).map_err(|e| ApiError::Unavailable(e.to_string()))?;
            if let Some((id, platform)) = from {
                json["product_id"] = id.into();
                json["platform"] = platform.into();
            }
            Ok(Json(json).into_response())
        }
        "svg" => {
            let title = format!(
                "{}{}{} along the plan{}",
                from.map(|(_, platform)| format!("{platform} "))
                    .unwrap_or_default(),
                made.field,
                made.units
                    .as_ref()
                    .map(|u| format!(" ({u})"))
                    .unwrap_or_default(),
                made.valid_time
                    .map(|t| format!(", valid {}", t.format("%Y-%m-%d %H:%M UTC")))
                    .unwrap_or_default()
            );
            Ok(typed(
                "image/svg+xml",
                section_svg(&made, &scale, &title).into_bytes(),
            ))
        }
        "png" => {
            let (width, height) = (params.width.unwrap_or(800), params.height.unwrap_or(400));
            if !(1..=4096).contains(&width) || !(1..=4096).contains(&height) {
                return Err(ApiError::BadRequest("width and height: 1 to 4096".into()));
            }
            let (bottom, top) = (
                made.levels.first().copied().unwrap_or(1000.0),
                made.levels.last().copied().unwrap_or(100.0),
            );
            let png = section_png(&made, &scale, width, height, bottom, top)
                .map_err(|e| ApiError::Io(std::io::Error::other(e)))?;
            Ok(typed("image/png", png))
        }
        other => Err(ApiError::BadRequest(format!(
            "format={other:?}: svg, json or png"
        ))),
    }
}

/// A flight plan's waypoints (named, with their altitudes) and its
/// operation's planned take-off.
async fn plan_path(
    state: &AppState,
    plan: i64,
) -> Result<(Vec<PathPoint>, Option<DateTime<Utc>>), ApiError> {
    let stored = state
        .catalogue
        .flight_plan(plan)
        .await?
        .ok_or(ApiError::NotFound("flight plan"))?;
    // Plans are read by whoever may read (as `/plans/{id}` is); the
    // operation only gives its take-off.
    let take_off = state
        .catalogue
        .operation(stored.operation_id)
        .await?
        .map(|op| op.plan.planned_start);
    let path: Vec<PathPoint> = stored
        .plan
        .waypoints
        .iter()
        .take(MAX_WAYPOINTS)
        .map(|w| PathPoint {
            lat: w.lat,
            lon: w.lon,
            label: w.label.clone(),
            alt_m: w.alt,
        })
        .collect();
    if path.len() < 2 {
        return Err(ApiError::BadRequest(
            "the plan has fewer than two waypoints".into(),
        ));
    }
    Ok((path, take_off))
}

fn typed(media_type: &'static str, bytes: Vec<u8>) -> Response {
    let mut response = bytes.into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(media_type));
    response
}
