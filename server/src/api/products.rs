//! Products: listing, one record, and the bytes.

use std::path::Path as FsPath;

use axum::body::Body;
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use catalogue::ProductQuery;
use model::Product;
use serde::Deserialize;
use tower::ServiceExt;
use tower_http::services::ServeFile;

use super::input::parse_bound;
use crate::auth::ReadAccess;
use crate::error::ApiError;
use crate::state::AppState;

/// Largest listing one request may ask for.
const MAX_LIMIT: i64 = 50_000;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/products", get(list))
        .route("/products/{id}", get(one))
        .route("/products/{id}/versions", get(versions))
        .route("/products/{id}/file", get(file))
        .route("/products/{id}/thumbnail", get(thumbnail))
        .route("/products/{id}/preview", get(preview))
}

/// Query of `GET /api/v1/products`. Times stay strings here so that a bad
/// one gets our JSON error with an example rather than a bare 400.
#[derive(Debug, Deserialize)]
struct ListParams {
    from: Option<String>,
    to: Option<String>,
    category: Option<String>,
    platform: Option<String>,
    limit: Option<i64>,
}

async fn list(
    State(state): State<AppState>,
    access: ReadAccess,
    Query(params): Query<ListParams>,
) -> Result<Json<Vec<Product>>, ApiError> {
    let query = ProductQuery {
        visibility: access.visibility(),
        from: parse_bound("from", params.from.as_deref())?,
        to: parse_bound("to", params.to.as_deref())?,
        category: params.category.filter(|c| !c.is_empty()),
        platform: params.platform.filter(|p| !p.is_empty()),
        limit: Some(params.limit.unwrap_or(MAX_LIMIT).clamp(0, MAX_LIMIT)),
    };
    Ok(Json(state.catalogue.products(&query).await?))
}

async fn one(
    State(state): State<AppState>,
    access: ReadAccess,
    Path(id): Path<i64>,
) -> Result<Json<Product>, ApiError> {
    let stored = state
        .catalogue
        .product(id, access.visibility())
        .await?
        .ok_or(ApiError::NotFound("product"))?;
    Ok(Json(stored.product))
}

/// Every version of a product, oldest first; each keeps its own `file_url`.
async fn versions(
    State(state): State<AppState>,
    access: ReadAccess,
    Path(id): Path<i64>,
) -> Result<Json<Vec<Product>>, ApiError> {
    let versions = state.catalogue.versions(id, access.visibility()).await?;
    if versions.is_empty() {
        return Err(ApiError::NotFound("product"));
    }
    Ok(Json(versions))
}

/// `?w=`: a narrower thumbnail, for lite mode on a satellite link.
#[derive(Deserialize)]
struct Narrow {
    w: Option<u32>,
}

/// The thumbnail (about 320 px wide), once made; `?w=120` or `?w=160` the
/// same drawn narrower (made on first request, then kept beside it).
async fn thumbnail(
    state: State<AppState>,
    access: ReadAccess,
    id: Path<i64>,
    Query(Narrow { w }): Query<Narrow>,
    request: Request,
) -> Result<Response, ApiError> {
    if let Some(w) = w.filter(|w| !media::preview::NARROW_WIDTHS.contains(w)) {
        return Err(ApiError::BadRequest(format!(
            "w is {w}; thumbnails are drawn {:?} px wide",
            media::preview::NARROW_WIDTHS
        )));
    }
    rendition(state, access, id, request, "thumbnail", w).await
}

/// The screen preview (at most 1600 px), once made.
async fn preview(
    state: State<AppState>,
    access: ReadAccess,
    id: Path<i64>,
    request: Request,
) -> Result<Response, ApiError> {
    rendition(state, access, id, request, "preview", None).await
}

async fn rendition(
    State(state): State<AppState>,
    access: ReadAccess,
    Path(id): Path<i64>,
    request: Request,
    what: &'static str,
    narrow: Option<u32>,
) -> Result<Response, ApiError> {
    let stored = state
        .catalogue
        .product(id, access.visibility())
        .await?
        .ok_or(ApiError::NotFound("product"))?;
    let relative = match what {
        "thumbnail" => stored.thumbnail_path,
        _ => stored.preview_path,
    };
    let path = relative
        .and_then(|r| state.data.resolve(FsPath::new(&r)))
        .ok_or(ApiError::NotFound(what))?;
    if !is_regular_file(&path).await {
        return Err(ApiError::NotFound(what));
    }
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
        .to_string();
    // A plot is drawn in SVG: it is as narrow as the page makes it.
    let path = match narrow.filter(|_| ext != "svg") {
        Some(width) => narrowed(&path, width).await?,
        None => path,
    };
    let ext = ext.as_str();
    let mime = match ext {
        "png" => mime::IMAGE_PNG,
        "svg" => mime::IMAGE_SVG,
        _ => mime::IMAGE_JPEG,
    };
    let Ok(served) = ServeFile::new_with_mime(&path, &mime)
        .oneshot(request)
        .await;
    if served.status() == StatusCode::NOT_FOUND {
        return Err(ApiError::NotFound(what));
    }
    let mut response = served.map(Body::new);
    // A plot or a model field's map is drawn again when a sidecar chooses
    // other variables or fields, under the same address: checked each time
    // (a 304 when unchanged). Images are drawn once.
    let cache = if ext == "svg" || stored.product.media_type == "application/x-grib" {
        "no-cache"
    } else {
        cacheable(&stored.product, false)
    };
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    Ok(response)
}

/// The bytes, with the catalogue's media type, an ETag (the SHA-256) and Range
/// support. A product id's bytes never change (a new version is a new id), so
/// responses are cacheable forever. Files that are not images are sandboxed so
/// that an uploaded HTML or SVG file cannot run script on this origin.
async fn file(
    State(state): State<AppState>,
    access: ReadAccess,
    Path(id): Path<i64>,
    request: Request,
) -> Result<Response, ApiError> {
    let stored = state
        .catalogue
        .product(id, access.visibility())
        .await?
        .ok_or(ApiError::NotFound("product"))?;
    let product = stored.product;
    let path = state
        .data
        .resolve(FsPath::new(&stored.stored_path))
        .ok_or(ApiError::FileMissing(id))?;
    // Never a symbolic link, whatever one the archive may come to hold.
    if !is_regular_file(&path).await {
        return Err(ApiError::FileMissing(id));
    }
    let etag = HeaderValue::from_str(&format!("\"{}\"", product.sha256))
        .map_err(|e| ApiError::BadRequest(e.to_string()))?;

    let matches_etag = request
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .any(|tag| tag.trim() == etag || tag.trim() == "*")
        });
    let mut response = if matches_etag {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mime: mime::Mime = product
            .media_type
            .parse()
            .unwrap_or(mime::APPLICATION_OCTET_STREAM);
        let Ok(served) = ServeFile::new_with_mime(&path, &mime)
            .oneshot(request)
            .await;
        if served.status() == StatusCode::NOT_FOUND {
            return Err(ApiError::FileMissing(id));
        }
        served.map(Body::new)
    };

    let headers = response.headers_mut();
    headers.insert(header::ETAG, etag);
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(cacheable(&product, true)),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if let Ok(disposition) =
        HeaderValue::from_str(&format!("inline; filename=\"{}\"", product.file_name))
    {
        headers.insert(header::CONTENT_DISPOSITION, disposition);
    }
    if !product.is_image() {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("sandbox"),
        );
    }
    Ok(response)
}

/// How long caches may keep a product's bytes: shared caches only for a
/// product anyone may see (a restricted one stays in the participant's
/// browser). The access layer adds `Vary: Cookie` to both.
pub(super) fn cacheable(product: &Product, immutable: bool) -> &'static str {
    match (product.is_restricted_at(chrono::Utc::now()), immutable) {
        (false, false) => "public, max-age=86400",
        (false, true) => "public, max-age=31536000, immutable",
        (true, false) => "private, max-age=86400",
        (true, true) => "private, max-age=31536000, immutable",
    }
}

/// The thumbnail at `path` drawn `width` wide, kept beside it
/// (`<name>-w160.jpg`): made by the first request, written whole (a temporary
/// file renamed) so that a concurrent request never reads half of it.
async fn narrowed(path: &FsPath, width: u32) -> Result<std::path::PathBuf, ApiError> {
    let (Some(stem), Some(ext)) = (path.file_stem(), path.extension()) else {
        return Err(ApiError::NotFound("thumbnail"));
    };
    let name = format!(
        "{}-w{width}.{}",
        stem.to_string_lossy(),
        ext.to_string_lossy()
    );
    let narrow = path.with_file_name(&name);
    if is_regular_file(&narrow).await {
        return Ok(narrow);
    }
    let bytes = tokio::fs::read(path).await?;
    let drawn = tokio::task::spawn_blocking(move || media::preview::narrowed(&bytes, width))
        .await
        .map_err(|e| ApiError::Unavailable(format!("the thumbnail could not be drawn: {e}")))?
        .map_err(|e| ApiError::Unavailable(format!("the thumbnail could not be drawn: {e}")))?;
    // Its own name, so that two first requests at once each write theirs.
    static PARTS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = PARTS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let part = path.with_file_name(format!(".{name}.{n}.part"));
    tokio::fs::write(&part, &drawn.bytes).await?;
    tokio::fs::rename(&part, &narrow).await?;
    Ok(narrow)
}

/// Whether `path` is a regular file itself (a symbolic link is not followed).
async fn is_regular_file(path: &FsPath) -> bool {
    tokio::fs::symlink_metadata(path)
        .await
        .is_ok_and(|meta| meta.file_type().is_file())
}
