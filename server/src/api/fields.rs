//! `GET /api/v1/products/{id}/fields` — what a GRIB2 product holds, one
//! entry per parameter and level type, with its levels, valid times and
//! grid ([`model::fields::Field`]), read from the archived file's section
//! headers (its data are not decoded). The caller sees only what it may
//! see: a product it may not read is no product.

use std::path::Path as FsPath;

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use media::grib::{fields, messages, Limits};
use model::fields::Field;

use crate::auth::ReadAccess;
use crate::error::ApiError;
use crate::state::AppState;

/// The media type GRIB files are catalogued with.
const GRIB: &str = "application/x-grib";

pub fn router() -> Router<AppState> {
    Router::new().route("/products/{id}/fields", get(list))
}

async fn list(
    State(state): State<AppState>,
    access: ReadAccess,
    Path(id): Path<i64>,
) -> Result<Json<Vec<Field>>, ApiError> {
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
    let path = state
        .data
        .resolve(FsPath::new(&stored.stored_path))
        .ok_or(ApiError::FileMissing(id))?;
    let listed = tokio::task::spawn_blocking(move || {
        // Never a symbolic link, whatever one the archive may come to hold.
        let meta = std::fs::symlink_metadata(&path).ok()?;
        let file = std::fs::File::open(&path).ok().filter(|_| meta.is_file())?;
        Some(messages(std::io::BufReader::new(file), Limits::default()))
    })
    .await
    .map_err(|e| ApiError::Io(std::io::Error::other(e.to_string())))?
    .ok_or(ApiError::FileMissing(id))?
    .map_err(|e| ApiError::BadRequest(format!("the file cannot be read as GRIB2: {e}")))?;
    Ok(Json(fields(&listed)))
}
