//! Where platforms are: the IWG1 relay for ground stations on satcom (a
//! provider's token, one or many packets a request), the latest position,
//! a stretch of track as GeoJSON, and for admins what each platform's
//! receivers took and refused.
//!
//! Positions of a platform that a `--restrict` rule names are for
//! participants only, as its products are.

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};
use catalogue::MAX_TRACK_POINTS;
use model::operations::Platform;
use model::tracks::{thin, track_feature, Fix, Position};
use model::Visibility;
use serde::Deserialize;

use super::input::parse_bound;
use crate::auth::{AdminOnly, ProviderOnly, ReadAccess};
use crate::error::ApiError;
use crate::map::simplify::{simplified, MAX_TOLERANCE_DEG};
use crate::positions::track_file::{TrackFile, MAX_TRACK_FILE_BYTES};
use crate::positions::{restricted, Batch, Outcome, Received};
use crate::state::AppState;

/// Largest relay request: about 3 000 packets, an hour of one aircraft.
pub const MAX_RELAY_BYTES: usize = 1 << 20;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/platforms/{platform}/iwg1", get(received).post(relay))
        .route("/platforms/{platform}/position", get(position))
        .route("/platforms/{platform}/track", get(track))
        .route("/products/{id}/track", get(product_track))
}

/// The platform as the campaign has it; 404 when the campaign has none of
/// that name (admins add platforms first).
async fn known(state: &AppState, platform: &str) -> Result<Platform, ApiError> {
    state
        .catalogue
        .platforms()
        .await?
        .into_iter()
        .find(|p| p.name.eq_ignore_ascii_case(platform))
        .ok_or(ApiError::NotFound("platform"))
}

/// The platform's name, if `visibility` may see its positions.
async fn visible(
    state: &AppState,
    platform: &str,
    visibility: Visibility,
) -> Result<String, ApiError> {
    let platform = known(state, platform).await?;
    let restricted = restricted(&state.auth.args.restrict, &platform);
    if restricted && visibility == Visibility::OpenOnly {
        return Err(ApiError::NotFound("platform"));
    }
    Ok(platform.name)
}

/// Packets from a ground relay: `text/plain`, one IWG1 line each. Answers
/// how many were taken and why the others were not. The token and its
/// rights are checked before a byte of the body is read.
async fn relay(
    State(state): State<AppState>,
    ProviderOnly(provider): ProviderOnly,
    Path(platform): Path<String>,
    body: Body,
) -> Result<Json<Outcome>, ApiError> {
    let platform = known(&state, &platform).await?.name;
    if !provider.may_relay_positions(&platform) {
        return Err(ApiError::Forbidden(format!(
            "provider {:?} may not send positions of {platform} ({})",
            provider.name,
            provider.rights()
        )));
    }
    let body = axum::body::to_bytes(body, MAX_RELAY_BYTES)
        .await
        .map_err(|_| {
            ApiError::BadRequest(format!(
                "the body is over {MAX_RELAY_BYTES} bytes: send the packets in smaller batches"
            ))
        })?;
    let mut batch = Batch::default();
    batch.read(&String::from_utf8_lossy(&body));
    let outcome = state
        .receivers
        .take(&state.catalogue, &platform, batch)
        .await?;
    Ok(Json(outcome))
}

async fn received(
    State(state): State<AppState>,
    _: AdminOnly,
    Path(platform): Path<String>,
) -> Result<Json<Received>, ApiError> {
    let platform = known(&state, &platform).await?.name;
    Ok(Json(state.receivers.of(&platform)))
}

async fn position(
    State(state): State<AppState>,
    access: ReadAccess,
    Path(platform): Path<String>,
) -> Result<Json<Position>, ApiError> {
    let platform = visible(&state, &platform, access.visibility()).await?;
    let fix = state.catalogue.latest_fix(&platform).await?;
    fix.map(|fix| Json(Position::of(&platform, &fix)))
        .ok_or(ApiError::NotFound("position"))
}

#[derive(Debug, Deserialize)]
struct Range {
    from: Option<String>,
    to: Option<String>,
    /// Degrees: a map asks for its pixel's size, and gets the track
    /// simplified to it (a 10 h flight is then hundreds of points, not 36 000).
    tolerance: Option<String>,
}

/// A query's `tolerance`: a number of degrees, 0 (every point) to
/// [`MAX_TOLERANCE_DEG`].
fn parse_tolerance(value: Option<&str>) -> Result<f64, ApiError> {
    value.filter(|v| !v.is_empty()).map_or(Ok(0.0), |v| {
        v.parse::<f64>()
            .ok()
            .filter(|t| (0.0..=MAX_TOLERANCE_DEG).contains(t))
            .ok_or_else(|| {
                ApiError::BadRequest(format!(
                    "`tolerance` is in degrees, 0 to {MAX_TOLERANCE_DEG}"
                ))
            })
    })
}

/// `fixes` simplified to `tolerance` degrees, off the async threads (a long
/// track is tens of thousands of points).
async fn simplify(fixes: Vec<Fix>, tolerance: f64) -> Result<Vec<Fix>, ApiError> {
    if tolerance <= 0.0 {
        return Ok(fixes);
    }
    tokio::task::spawn_blocking(move || {
        let points: Vec<[f64; 2]> = fixes.iter().map(|f| [f.lon, f.lat]).collect();
        let kept = simplified(&points, tolerance);
        let mut fixes: Vec<Option<Fix>> = fixes.into_iter().map(Some).collect();
        kept.into_iter().filter_map(|i| fixes[i].take()).collect()
    })
    .await
    .map_err(|e| ApiError::Unavailable(e.to_string()))
}

async fn track(
    State(state): State<AppState>,
    access: ReadAccess,
    Path(platform): Path<String>,
    Query(range): Query<Range>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let platform = visible(&state, &platform, access.visibility()).await?;
    let from = parse_bound("from", range.from.as_deref())?;
    let to = parse_bound("to", range.to.as_deref())?;
    let tolerance = parse_tolerance(range.tolerance.as_deref())?;
    let fixes = state
        .receivers
        .recent
        .track(&state.catalogue, &platform, from, to)
        .await?;
    let fixes = simplify(fixes, tolerance).await?;
    Ok(Json(track_feature(&platform, &fixes)))
}

/// The track in a product: a dropped `.iwg1` file (a whole flight's
/// packets), a sounding's `.csv` with latitude and longitude columns, or a
/// predicted trajectory in `.geojson`; a GeoJSON Feature like a platform's,
/// with how many rows were refused and the first reasons.
async fn product_track(
    State(state): State<AppState>,
    access: ReadAccess,
    Path(id): Path<i64>,
    Query(range): Query<Range>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let tolerance = parse_tolerance(range.tolerance.as_deref())?;
    let stored = state
        .catalogue
        .product(id, access.visibility())
        .await?
        .ok_or(ApiError::NotFound("product"))?;
    let kind = TrackFile::of(&stored.product.file_name).ok_or(ApiError::NotFound(
        "track (.iwg1, sounding .csv and .geojson products have one)",
    ))?;
    let path = state
        .data
        .resolve(std::path::Path::new(&stored.stored_path))
        .ok_or(ApiError::FileMissing(id))?;
    let start = stored.product.valid_time;
    let read = tokio::task::spawn_blocking(move || {
        let (bytes, _) = catalogue::store::read_regular_file(&path, MAX_TRACK_FILE_BYTES)?;
        Ok::<_, catalogue::store::TakeError>(kind.read(&bytes, start))
    });
    let trajectory = read
        .await
        .map_err(|e| ApiError::Unavailable(e.to_string()))?
        .map_err(|_| ApiError::FileMissing(id))?
        .map_err(|e| ApiError::Rejected(format!("product {id} has no track: {e}")))?;
    let fixes = thin(trajectory.fixes, MAX_TRACK_POINTS as usize);
    let fixes = simplify(fixes, tolerance).await?;
    let mut feature = track_feature(&stored.product.platform, &fixes);
    feature["properties"]["product_id"] = id.into();
    feature["properties"]["refused"] = trajectory.refused.into();
    feature["properties"]["reasons"] = trajectory.reasons.into();
    Ok(Json(feature))
}
