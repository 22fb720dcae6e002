//! A model product's fields (GRIB2 or CF-NetCDF), read from the archived
//! file:
//!
//! - `GET /api/v1/products/{id}/fields` — one entry per parameter and level
//!   type, with its units, levels, valid times and grid
//!   ([`model::fields::Field`]), from the headers (no data decoded);
//! - `GET /api/v1/products/{id}/value?field=&level=&time=&lat=&lon=` — the
//!   value at the grid point nearest the place, with that point, its
//!   distance and the method said.
//!
//! Both go through the kept fields ([`crate::field_cache`]): the pointer
//! resting over the map asks for values of the field the map just drew.
//! The caller sees only what it may see: a product it may not read is no
//! product.

use std::path::Path as FsPath;

use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};
use media::model_file::{choose, fields, probe, Probe, Wanted};
use model::fields::Field;
use model::media::{ext_of, is_model_file};

use serde::Deserialize;

use super::input::parse_bound;
use crate::auth::ReadAccess;
use crate::error::ApiError;
use crate::field_cache::FieldReadError;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/products/{id}/fields", get(list))
        .route("/products/{id}/value", get(value))
}

/// The archived model file (GRIB2, NetCDF) of product `id`, as the caller
/// may see it.
pub(super) async fn model_file(
    state: &AppState,
    access: &ReadAccess,
    id: i64,
) -> Result<std::path::PathBuf, ApiError> {
    let stored = state
        .catalogue
        .product(id, access.visibility())
        .await?
        .ok_or(ApiError::NotFound("product"))?;
    if !is_model_file(ext_of(&stored.product.file_name)) {
        return Err(ApiError::BadRequest(format!(
            "{} is not a model file: fields are read from GRIB2 and NetCDF files",
            stored.product.file_name
        )));
    }
    state
        .data
        .resolve(FsPath::new(&stored.stored_path))
        .ok_or(ApiError::FileMissing(id))
}

/// A file that could not be read, as the API says it.
pub(super) fn unreadable(id: i64, e: FieldReadError) -> ApiError {
    match e {
        FieldReadError::Missing => ApiError::FileMissing(id),
        e => ApiError::BadRequest(format!("the file cannot be read: {e}")),
    }
}

#[derive(Deserialize)]
struct ValueParams {
    field: Option<String>,
    level: Option<f64>,
    time: Option<String>,
    lat: Option<f64>,
    lon: Option<f64>,
}

async fn value(
    State(state): State<AppState>,
    access: ReadAccess,
    Path(id): Path<i64>,
    Query(params): Query<ValueParams>,
) -> Result<Json<Probe>, ApiError> {
    let field = params
        .field
        .filter(|f| !f.is_empty() && f.len() <= 64)
        .ok_or_else(|| ApiError::BadRequest("field= is needed (a name from /fields)".into()))?;
    let lat = params
        .lat
        .filter(|l| (-90.0..=90.0).contains(l))
        .ok_or_else(|| ApiError::BadRequest("lat= is needed, -90 to 90".into()))?;
    let lon = params
        .lon
        .filter(|l| (-180.0..=360.0).contains(l))
        .ok_or_else(|| ApiError::BadRequest("lon= is needed, -180 to 360".into()))?;
    let level = params.level.filter(|l| l.is_finite());
    let time = parse_bound("time", params.time.as_deref())?;
    let path = model_file(&state, &access, id).await?;
    let cache = state.fields.clone();
    tokio::task::spawn_blocking(move || {
        let listed = cache.messages(&path).map_err(|e| unreadable(id, e))?;
        let wanted = Wanted {
            field: &field,
            level,
            time,
        };
        let message = choose(&listed, &wanted).map_err(|e| ApiError::BadRequest(e.to_string()))?;
        let located = cache
            .field(&path, message.index)
            .map_err(|e| unreadable(id, e))?;
        probe(message, &located, lat, lon).map_err(|e| ApiError::BadRequest(e.to_string()))
    })
    .await
    .map_err(|e| ApiError::Io(std::io::Error::other(e.to_string())))?
    .map(Json)
}

async fn list(
    State(state): State<AppState>,
    access: ReadAccess,
    Path(id): Path<i64>,
) -> Result<Json<Vec<Field>>, ApiError> {
    let path = model_file(&state, &access, id).await?;
    let cache = state.fields.clone();
    let listed = tokio::task::spawn_blocking(move || cache.messages(&path))
        .await
        .map_err(|e| ApiError::Io(std::io::Error::other(e.to_string())))?
        .map_err(|e| unreadable(id, e))?;
    Ok(Json(fields(&listed)))
}
