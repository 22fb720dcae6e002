//! A model product's fields drawn:
//!
//! - `GET /api/v1/products/{id}/map?field=&level=&time=&bbox=&width=&height=&crs=`
//!   — PNG of the field over a box (`bbox` west,south,east,north in degrees,
//!   or in metres with `crs=EPSG:3857`; by default the field's own box),
//!   coloured by the quantity's scale;
//! - `GET /api/v1/products/{id}/legend?field=&level=&time=&format=` — that
//!   scale as SVG (or `format=png`), with the field's name, level and units.
//!
//! Fields are decoded once and kept ([`crate::field_cache`]), so a pan or a
//! step through the leads is drawn, not decoded again. A product the caller
//! may not read is no product; a restricted one is cached privately only.

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use media::field_map::{legend_png, legend_svg, render_png, Crs, Located, Scale, View};
use media::model_file::{choose, level_type_name, Message, Wanted};
use serde::Deserialize;

use super::fields::{model_file, unreadable};
use super::input::parse_bound;
use super::products::cacheable;
use crate::auth::ReadAccess;
use crate::error::ApiError;
use crate::field_cache::FieldReadError;
use crate::state::AppState;

/// Width of a map when none is asked for.
const DEFAULT_WIDTH: u32 = 800;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/products/{id}/map", get(map))
        .route("/products/{id}/legend", get(legend))
}

#[derive(Deserialize)]
struct Params {
    field: Option<String>,
    level: Option<f64>,
    time: Option<String>,
    bbox: Option<String>,
    width: Option<u32>,
    height: Option<u32>,
    crs: Option<String>,
    /// A legend's: `svg` (the default) or `png`.
    format: Option<String>,
}

/// The chosen message's field, decoded, with what names it.
struct Drawn {
    field: std::sync::Arc<Located>,
    message: Message,
}

/// Finds and decodes the message `params` ask for, off the runtime.
async fn drawn(
    state: &AppState,
    access: &ReadAccess,
    id: i64,
    params: &Params,
) -> Result<Drawn, ApiError> {
    let field = params
        .field
        .clone()
        .filter(|f| !f.is_empty() && f.len() <= 64)
        .ok_or_else(|| ApiError::BadRequest("field= is needed (a name from /fields)".into()))?;
    let level = params.level.filter(|l| l.is_finite());
    let time = parse_bound("time", params.time.as_deref())?;
    let path = model_file(state, access, id).await?;
    let cache = state.fields.clone();
    tokio::task::spawn_blocking(move || {
        let listed = cache.messages(&path)?;
        let wanted = Wanted {
            field: &field,
            level,
            time,
        };
        let message = choose(&listed, &wanted)
            .map_err(|e| ApiError::BadRequest(e.to_string()))?
            .clone();
        let field = cache.field(&path, message.index)?;
        Ok(Drawn { field, message })
    })
    .await
    .map_err(|e| ApiError::Io(std::io::Error::other(e.to_string())))?
    .map_err(|e: ReadError| e.into_api(id))
}

/// Why a field could not be drawn: the caller's ask or the file.
enum ReadError {
    Api(ApiError),
    File(FieldReadError),
}

impl From<ApiError> for ReadError {
    fn from(e: ApiError) -> Self {
        Self::Api(e)
    }
}

impl From<FieldReadError> for ReadError {
    fn from(e: FieldReadError) -> Self {
        Self::File(e)
    }
}

impl ReadError {
    fn into_api(self, id: i64) -> ApiError {
        match self {
            Self::Api(e) => e,
            Self::File(e) => unreadable(id, e),
        }
    }
}

/// The scale for a message's field over its values.
fn scale_of(drawn: &Drawn) -> Scale {
    let m = &drawn.message;
    Scale::for_field(&m.field(), m.units.as_deref(), drawn.field.range())
}

async fn map(
    State(state): State<AppState>,
    access: ReadAccess,
    Path(id): Path<i64>,
    Query(params): Query<Params>,
) -> Result<Response, ApiError> {
    let crs = match params.crs.as_deref().unwrap_or("EPSG:4326") {
        "EPSG:4326" | "CRS:84" => Crs::LonLat,
        "EPSG:3857" => Crs::WebMercator,
        other => {
            return Err(ApiError::BadRequest(format!(
                "crs={other:?}: EPSG:4326 (or CRS:84) and EPSG:3857 are drawn"
            )))
        }
    };
    let asked_box = params.bbox.as_deref().map(parse_bbox).transpose()?;
    if asked_box.is_none() && crs == Crs::WebMercator {
        return Err(ApiError::BadRequest(
            "bbox= in metres is needed with crs=EPSG:3857".into(),
        ));
    }
    let drawn = drawn(&state, &access, id, &params).await?;
    let bbox = asked_box.unwrap_or_else(|| drawn.field.bbox());
    let width = params.width.unwrap_or(DEFAULT_WIDTH);
    let height = params.height.unwrap_or_else(|| {
        let [w, s, e, n] = bbox;
        let mid = ((s + n) / 2.0).to_radians().cos().max(0.1);
        (f64::from(width) * (n - s) / ((e - w) * mid))
            .round()
            .clamp(1.0, 4096.0) as u32
    });
    let view = View::new(crs, bbox, width, height)
        .map_err(|e| ApiError::BadRequest(format!("{e} (bbox=, width=, height=)")))?;
    let scale = scale_of(&drawn);
    let png = tokio::task::spawn_blocking(move || render_png(&drawn.field, &scale, &view))
        .await
        .map_err(|e| ApiError::Io(std::io::Error::other(e.to_string())))?
        .map_err(|e| ApiError::Io(std::io::Error::other(e)))?;
    Ok(picture(&state, &access, id, "image/png", png).await)
}

async fn legend(
    State(state): State<AppState>,
    access: ReadAccess,
    Path(id): Path<i64>,
    Query(params): Query<Params>,
) -> Result<Response, ApiError> {
    let drawn = drawn(&state, &access, id, &params).await?;
    let m = &drawn.message;
    let title = format!("{}{}", m.field(), level_words(m));
    let scale = scale_of(&drawn);
    let (media_type, bytes) = match params.format.as_deref().unwrap_or("svg") {
        "svg" => ("image/svg+xml", legend_svg(&title, &scale).into_bytes()),
        "png" => (
            "image/png",
            legend_png(&title, &scale).map_err(|e| ApiError::Io(std::io::Error::other(e)))?,
        ),
        other => {
            return Err(ApiError::BadRequest(format!(
                "format={other:?}: legends are svg or png"
            )))
        }
    };
    Ok(picture(&state, &access, id, media_type, bytes).await)
}

/// " 850 hPa", " 2 m": the level as a chart's title says it.
fn level_words(m: &Message) -> String {
    match level_type_name(m.level_type).as_str() {
        "isobaricInhPa" => format!(" {} hPa", m.level),
        "heightAboveGround" => format!(" {} m", m.level),
        "potentialVorticity" => format!(" {} PVU", m.level),
        "theta" => format!(" {} K", m.level),
        _ => String::new(),
    }
}

/// A drawing of product `id`, cached as the product's bytes are (the same
/// ask always draws the same picture).
async fn picture(
    state: &AppState,
    access: &ReadAccess,
    id: i64,
    media_type: &'static str,
    bytes: Vec<u8>,
) -> Response {
    let restricted = state
        .catalogue
        .product(id, access.visibility())
        .await
        .ok()
        .flatten()
        .map(|stored| cacheable(&stored.product, false));
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(media_type));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(restricted.unwrap_or("private, no-store")),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// `west,south,east,north`: four finite numbers.
fn parse_bbox(text: &str) -> Result<[f64; 4], ApiError> {
    let bad = || {
        ApiError::BadRequest(format!(
            "bbox={text:?}: four numbers west,south,east,north are needed"
        ))
    };
    let numbers: Vec<f64> = text
        .split(',')
        .map(|n| n.trim().parse::<f64>().ok().filter(|v| v.is_finite()))
        .collect::<Option<_>>()
        .ok_or_else(bad)?;
    numbers.try_into().map_err(|_| bad())
}
