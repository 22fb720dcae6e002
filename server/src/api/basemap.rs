//! The basemap of a map's view: `GET /api/v1/map/basemap?bbox=w,s,e,n&width=px`
//! answers the coasts and borders crossing the box, simplified to a pixel of
//! a map `width` pixels across. The lines never change while the server
//! runs, so browsers keep them a day.

use axum::extract::Query;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;

use crate::auth::ReadAccess;
use crate::error::ApiError;
use crate::map::basemap::{basemap, Bounds, MAX_WIDTH_PX};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/map/basemap", get(view_lines))
}

#[derive(Debug, Deserialize)]
struct ViewQuery {
    bbox: Option<String>,
    width: Option<String>,
}

async fn view_lines(
    _: ReadAccess,
    Query(query): Query<ViewQuery>,
) -> Result<impl IntoResponse, ApiError> {
    let view = parse_bbox(query.bbox.as_deref().unwrap_or("-180,-90,180,90"))?;
    let width = match query.width.as_deref() {
        None => 1_024,
        Some(w) => w
            .parse::<u32>()
            .ok()
            .filter(|w| (16..=MAX_WIDTH_PX).contains(w))
            .ok_or_else(|| {
                ApiError::BadRequest(format!(
                    "`width` is the map's width in pixels, 16 to {MAX_WIDTH_PX}"
                ))
            })?,
    };
    let tolerance = (view[2] - view[0]) / f64::from(width);
    // Cutting and simplifying a continent's coasts takes milliseconds of
    // CPU: off the async threads, so the map's other first requests (its
    // tracks) are not held behind it.
    let lines = tokio::task::spawn_blocking(move || {
        basemap()
            .map(|map| map.lines_in(view, tolerance))
            .map_err(|e| ApiError::Unavailable(e.to_string()))
    })
    .await
    .map_err(|e| ApiError::Unavailable(e.to_string()))??;
    Ok((
        [(header::CACHE_CONTROL, "private, max-age=86400")],
        Json(lines),
    ))
}

/// `west,south,east,north` in degrees, within the globe, west of east and
/// south of north.
pub fn parse_bbox(text: &str) -> Result<Bounds, ApiError> {
    let refuse = || {
        ApiError::BadRequest(format!(
            "`bbox` is west,south,east,north in degrees (-180 ≤ west < east ≤ 180, \
             -90 ≤ south < north ≤ 90), got {:?}",
            text.chars().take(80).collect::<String>()
        ))
    };
    let numbers: Vec<f64> = text
        .split(',')
        .map(|n| n.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| refuse())?;
    let [w, s, e, n]: [f64; 4] = numbers.try_into().map_err(|_| refuse())?;
    let ok = (-180.0..=180.0).contains(&w)
        && (-180.0..=180.0).contains(&e)
        && (-90.0..=90.0).contains(&s)
        && (-90.0..=90.0).contains(&n)
        && w < e
        && s < n;
    ok.then_some([w, s, e, n]).ok_or_else(refuse)
}
