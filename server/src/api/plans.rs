//! Flight plans: attached to an operation by a scientist from the file a
//! planning tool exported (KML, GPX, FTML, CSV), listed with the operation,
//! read with their length and duration at a speed, and exported as GPX or
//! KML with their waypoint labels.

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use media::plan::parse;
use model::tracks::plan::{PlanFormat, StoredPlan, MAX_PLAN_BYTES};
use model::EventKind;
use serde::Deserialize;

use crate::auth::{ReadAccess, Scientist};
use crate::error::ApiError;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/operations/{id}/plans", get(list).post(attach))
        .route("/plans/{id}", get(one).delete(remove))
        .route("/plans/{id}/gpx", get(gpx))
        .route("/plans/{id}/kml", get(kml))
}

#[derive(Debug, Deserialize)]
struct AttachParams {
    /// `kml`, `gpx`, `ftml` or `csv`; else taken from `file`'s extension.
    format: Option<String>,
    /// The exported file's name, for its format and the plan's name.
    file: Option<String>,
    /// The plan's name, when the file has none.
    name: Option<String>,
}

/// `POST /api/v1/operations/{id}/plans?format=kml` with the file as the body.
async fn attach(
    State(state): State<AppState>,
    Scientist(author): Scientist,
    Path(id): Path<i64>,
    Query(params): Query<AttachParams>,
    body: Body,
) -> Result<impl IntoResponse, ApiError> {
    let named = params.format.as_deref().or_else(|| {
        params
            .file
            .as_deref()
            .and_then(|f| f.rsplit_once('.').map(|(_, ext)| ext))
    });
    let zipped = named.is_some_and(|n| n.eq_ignore_ascii_case("kmz"));
    let named = if zipped { Some("kml") } else { named };
    let format = named.and_then(PlanFormat::of_extension).ok_or_else(|| {
        ApiError::BadRequest(
            "say the plan's format: ?format=kml, gpx, ftml, csv or flitestar (or ?file= with its extension)"
                .into(),
        )
    })?;
    let bytes = axum::body::to_bytes(body, MAX_PLAN_BYTES)
        .await
        .map_err(|_| ApiError::BadRequest(format!("the file is over {MAX_PLAN_BYTES} bytes")))?;
    let bytes = if zipped {
        kml_in_kmz(&bytes).map_err(ApiError::BadRequest)?
    } else {
        bytes.to_vec()
    };
    let text = String::from_utf8(bytes)
        .map_err(|e| ApiError::BadRequest(format!("the file is not UTF-8 text: {e}")))?;
    let format = format.sniffed(&text);
    // Up to 4 MiB of XML: read off the async threads.
    let mut plan = tokio::task::spawn_blocking(move || parse(format, &text))
        .await
        .map_err(|e| ApiError::Unavailable(e.to_string()))?
        .map_err(|e| ApiError::BadRequest(e.to_string()))?;
    if let Some(name) = params.name.or(params.file).filter(|_| plan.name.is_empty()) {
        plan.name = name.chars().take(200).collect();
    }
    let event = state
        .hub
        .save_flight_plan(id, &plan, format, &author.user.name)
        .await?;
    let EventKind::FlightPlanSaved { plan: mut stored } = event.kind else {
        return Err(ApiError::Unavailable("the plan was not announced".into()));
    };
    // What the reader left out is told to whoever attached the file.
    stored.plan.skipped = plan.skipped;
    Ok((StatusCode::CREATED, Json(stored)))
}

/// The KML document inside a KMZ (a zip): its first `.kml` entry, read
/// no further than a plan may be.
fn kml_in_kmz(bytes: &[u8]) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| format!("the KMZ is not a readable zip: {e}"))?;
    let name = archive
        .file_names()
        .find(|n| n.to_ascii_lowercase().ends_with(".kml"))
        .map(str::to_string)
        .ok_or("the KMZ holds no .kml document")?;
    let entry = archive
        .by_name(&name)
        .map_err(|e| format!("{name} in the KMZ cannot be read: {e}"))?;
    let mut kml = Vec::new();
    entry
        .take(MAX_PLAN_BYTES as u64 + 1)
        .read_to_end(&mut kml)
        .map_err(|e| format!("{name} in the KMZ cannot be read: {e}"))?;
    if kml.len() > MAX_PLAN_BYTES {
        return Err(format!("{name} in the KMZ is over {MAX_PLAN_BYTES} bytes"));
    }
    Ok(kml)
}

async fn list(
    State(state): State<AppState>,
    _: ReadAccess,
    Path(id): Path<i64>,
) -> Result<Json<Vec<StoredPlan>>, ApiError> {
    if state.catalogue.operation(id).await?.is_none() {
        return Err(ApiError::NotFound("operation"));
    }
    Ok(Json(state.catalogue.flight_plans(id).await?))
}

async fn stored(state: &AppState, id: i64) -> Result<StoredPlan, ApiError> {
    state
        .catalogue
        .flight_plan(id)
        .await?
        .ok_or(ApiError::NotFound("flight plan"))
}

#[derive(Debug, Deserialize)]
struct Speed {
    /// Ground speed, km/h: the answer then says how long the plan takes.
    speed_kmh: Option<f64>,
}

async fn one(
    State(state): State<AppState>,
    _: ReadAccess,
    Path(id): Path<i64>,
    Query(speed): Query<Speed>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let plan = stored(&state, id).await?;
    let duration = match speed.speed_kmh {
        Some(kmh) => Some(plan.plan.duration_at(kmh).ok_or_else(|| {
            ApiError::BadRequest(format!("speed_kmh must be a positive number, not {kmh}"))
        })?),
        None => None,
    };
    let mut json = serde_json::to_value(&plan).map_err(|e| ApiError::Unavailable(e.to_string()))?;
    if let Some(duration) = duration {
        json["duration_s"] = duration.num_seconds().into();
    }
    Ok(Json(json))
}

/// `DELETE /api/v1/plans/{id}`: a scientist takes a plan off its operation
/// (a wrong file, or one replaced by a newer revision).
async fn remove(
    State(state): State<AppState>,
    _: Scientist,
    Path(id): Path<i64>,
) -> Result<Json<model::Event>, ApiError> {
    Ok(Json(state.hub.remove_flight_plan(id).await?))
}

async fn gpx(
    State(state): State<AppState>,
    _: ReadAccess,
    Path(id): Path<i64>,
) -> Result<impl IntoResponse, ApiError> {
    let plan = stored(&state, id).await?;
    Ok(download(
        id,
        "gpx",
        "application/gpx+xml",
        plan.plan.to_gpx(),
    ))
}

async fn kml(
    State(state): State<AppState>,
    _: ReadAccess,
    Path(id): Path<i64>,
) -> Result<impl IntoResponse, ApiError> {
    let plan = stored(&state, id).await?;
    let media = "application/vnd.google-earth.kml+xml";
    Ok(download(id, "kml", media, plan.plan.to_kml()))
}

fn download(id: i64, ext: &str, media: &'static str, text: String) -> impl IntoResponse {
    let disposition = format!("attachment; filename=\"plan-{id}.{ext}\"");
    (
        [
            (header::CONTENT_TYPE, media.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        text,
    )
}
