//! A GRIB2 product's fields, read from the archived file:
//!
//! - `GET /api/v1/products/{id}/fields` — one entry per parameter and level
//!   type, with its units, levels, valid times and grid
//!   ([`model::fields::Field`]), from the section headers (no data decoded);
//! - `GET /api/v1/products/{id}/value?field=&level=&time=&lat=&lon=` — the
//!   value at the grid point nearest the place, with that point, its
//!   distance and the method said.
//!
//! The caller sees only what it may see: a product it may not read is no
//! product.

use std::path::Path as FsPath;

use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};
use media::grib::{fields, messages, probe, Limits, Probe, Wanted};
use model::fields::Field;

use serde::Deserialize;

use super::input::parse_bound;
use crate::auth::ReadAccess;
use crate::error::ApiError;
use crate::state::AppState;

/// The media type GRIB files are catalogued with.
const GRIB: &str = "application/x-grib";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/products/{id}/fields", get(list))
        .route("/products/{id}/value", get(value))
}

/// The archived GRIB file of product `id`, as the caller may see it.
pub(super) async fn grib_file(
    state: &AppState,
    access: &ReadAccess,
    id: i64,
) -> Result<std::path::PathBuf, ApiError> {
    let stored = state
        .catalogue
        .product(id, access.visibility())
        .await?
        .ok_or(ApiError::NotFound("product"))?;
    if stored.product.media_type != GRIB {
        return Err(ApiError::BadRequest(format!(
            "{} is not a GRIB file: fields are read from GRIB2 files",
            stored.product.file_name
        )));
    }
    state
        .data
        .resolve(FsPath::new(&stored.stored_path))
        .ok_or(ApiError::FileMissing(id))
}

/// Opens `path` for reading, never through a symbolic link.
fn open(path: &FsPath) -> Option<std::io::BufReader<std::fs::File>> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    let file = std::fs::File::open(path).ok().filter(|_| meta.is_file())?;
    Some(std::io::BufReader::new(file))
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
    let path = grib_file(&state, &access, id).await?;
    let found = tokio::task::spawn_blocking(move || {
        let (first, second) = (open(&path)?, open(&path)?);
        let wanted = Wanted {
            field: &field,
            level,
            time,
        };
        Some(
            messages(first, Limits::default())
                .map_err(Into::into)
                .and_then(|listed| probe(second, &listed, &wanted, lat, lon, Limits::default())),
        )
    })
    .await
    .map_err(|e| ApiError::Io(std::io::Error::other(e.to_string())))?
    .ok_or(ApiError::FileMissing(id))?
    .map_err(|e| ApiError::BadRequest(e.to_string()))?;
    Ok(Json(found))
}

async fn list(
    State(state): State<AppState>,
    access: ReadAccess,
    Path(id): Path<i64>,
) -> Result<Json<Vec<Field>>, ApiError> {
    let path = grib_file(&state, &access, id).await?;
    let listed =
        tokio::task::spawn_blocking(move || Some(messages(open(&path)?, Limits::default())))
            .await
            .map_err(|e| ApiError::Io(std::io::Error::other(e.to_string())))?
            .ok_or(ApiError::FileMissing(id))?
            .map_err(|e| ApiError::BadRequest(format!("the file cannot be read as GRIB2: {e}")))?;
    Ok(Json(fields(&listed)))
}
