//! A WMS 1.3.0 at `/wms`, for Open-MSS's msui, QGIS and OWSLib: the model
//! fields opsboard draws ([`crate::field_cache`], `media::field_map`) as
//! layers with time, reference-time and elevation dimensions.
//!
//! - GetCapabilities — [`capabilities`];
//! - GetMap — PNG in EPSG:4326 (latitude first, as 1.3.0 orders it), CRS:84
//!   or EPSG:3857, `TRANSPARENT` and `BGCOLOR` honoured; in Open-MSS's
//!   `VERT:LOGP`, a vertical section along `PATH` ([`vertical`]);
//! - GetFeatureInfo — the value under a pixel (interpolated as drawn);
//! - GetLegendGraphic — opsboard's legend (PNG, or SVG when asked).
//!
//! Keys are read in any case and `SERVICE` may be left out, as msui sends
//! GetMap; `VERSION` defaults to 1.3.0; msui's `dim_init_time` is read as
//! the reference time. A caller sees the layers of the runs it may read:
//! participants mode asks for a login or a personal token (Bearer, or
//! HTTP Basic with the token as password, which msui and QGIS can send).

mod capabilities;
mod exception;
mod layers;
mod params;
mod vertical;

use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::{ExtendedColorType, ImageEncoder};
use media::field_map::{legend_png, legend_svg, render, Crs, Located, Scale, View};

use crate::auth::ReadAccess;
use crate::state::AppState;
use exception::WmsError;
use layers::{Layer, Source};
use params::Params;

/// The largest side of a map drawn.
pub const MAX_SIDE: u32 = 4096;

pub fn router() -> Router<AppState> {
    Router::new().route("/wms", get(wms))
}

async fn wms(
    State(state): State<AppState>,
    access: ReadAccess,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    match answer(&state, &access, &headers, query.as_deref().unwrap_or("")).await {
        Ok(response) => response,
        Err(error) => error.into_response(),
    }
}

async fn answer(
    state: &AppState,
    access: &ReadAccess,
    headers: &HeaderMap,
    query: &str,
) -> Result<Response, WmsError> {
    let params = Params::parse(query)?;
    if let Some(service) = params
        .get("service")
        .filter(|s| !s.eq_ignore_ascii_case("WMS"))
    {
        return Err(WmsError::invalid(format!(
            "SERVICE={service}: this is a WMS"
        )));
    }
    let request = params.get("request").unwrap_or("GetCapabilities");
    let layers = layers::layers(state, access.visibility()).await?;
    match request.to_ascii_lowercase().as_str() {
        "getcapabilities" => {
            let url = own_url(headers);
            let xml = capabilities::document(&url, "opsboard", &layers);
            Ok(with_type("text/xml; charset=utf-8", xml.into_bytes()))
        }
        "getmap" => get_map(state, &params, &layers).await,
        "getfeatureinfo" => feature_info(state, &params, &layers).await,
        "getlegendgraphic" => legend(state, &params, &layers).await,
        other => Err(WmsError::new(
            "OperationNotSupported",
            format!("REQUEST={other}: GetCapabilities, GetMap, GetFeatureInfo and GetLegendGraphic are answered"),
        )),
    }
}

/// This server's `/wms` address as the client reached it.
fn own_url(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || ".:-[]".contains(c))
        })
        .unwrap_or("localhost");
    let scheme = headers
        .get("x-forwarded-proto")
        .and_then(|h| h.to_str().ok())
        .filter(|p| *p == "https")
        .unwrap_or("http");
    format!("{scheme}://{host}/wms")
}

pub(super) fn with_type(media_type: &'static str, bytes: Vec<u8>) -> Response {
    let mut response = bytes.into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(media_type));
    response
}

/// The layer `key` names (`LAYERS`, `LAYER`, `QUERY_LAYERS`): one.
pub(super) fn layer<'a>(
    params: &Params,
    key: &str,
    layers: &'a std::collections::BTreeMap<String, Layer>,
) -> Result<&'a Layer, WmsError> {
    let names = params.need(key)?;
    let name = names.split(',').next().unwrap_or_default();
    layers.get(name).ok_or_else(|| {
        WmsError::new(
            "LayerNotDefined",
            format!("no layer {name:?} (see GetCapabilities)"),
        )
    })
}

/// The map `params` choose of `layer`: its run, time and elevation.
fn source<'a>(params: &Params, layer: &'a Layer) -> Result<&'a Source, WmsError> {
    let run = params.time(&["dim_reference_time", "dim_init_time", "reference_time"])?;
    let time = params.time(&["time"])?;
    let level = params
        .get("elevation")
        .map(|e| {
            e.trim()
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| WmsError::dimension(format!("ELEVATION={e:?} is not a number")))
        })
        .transpose()?;
    layer.source(run, time, level)
}

/// The field of `source`, decoded (or kept), and its scale.
async fn field_of(
    state: &AppState,
    layer: &Layer,
    source: &Source,
) -> Result<(std::sync::Arc<Located>, Scale), WmsError> {
    let (cache, path, index) = (state.fields.clone(), source.path.clone(), source.index);
    let field = tokio::task::spawn_blocking(move || cache.field(&path, index))
        .await
        .map_err(|e| WmsError::new("NoApplicableCode", e.to_string()))?
        .map_err(|e| WmsError::new("NoApplicableCode", format!("the field: {e}")))?;
    let scale = Scale::for_field(&layer.field, layer.units.as_deref(), field.range());
    Ok((field, scale))
}

/// The view `params` ask for: `CRS` (or 1.1.1's `SRS`), `BBOX` in its axis
/// order, `WIDTH`, `HEIGHT`.
fn view_of(params: &Params) -> Result<View, WmsError> {
    let crs = params
        .get("crs")
        .or(params.get("srs"))
        .unwrap_or("EPSG:4326");
    let version = params.get("version").unwrap_or("1.3.0");
    let numbers: Vec<f64> = params
        .need("bbox")?
        .split(',')
        .map(|n| n.trim().parse::<f64>().ok().filter(|v| v.is_finite()))
        .collect::<Option<_>>()
        .filter(|v: &Vec<f64>| v.len() == 4)
        .ok_or_else(|| WmsError::invalid("BBOX must be four numbers"))?;
    let [a, b, c, d] = [numbers[0], numbers[1], numbers[2], numbers[3]];
    let (crs, bbox) = match crs.to_ascii_uppercase().as_str() {
        // 1.3.0's EPSG:4326 is latitude first; 1.1.1's is longitude first.
        "EPSG:4326" if version.starts_with("1.3") => (Crs::LonLat, [b, a, d, c]),
        "EPSG:4326" | "CRS:84" => (Crs::LonLat, [a, b, c, d]),
        "EPSG:3857" | "EPSG:900913" => (Crs::WebMercator, [a, b, c, d]),
        other => {
            return Err(WmsError::new(
                "InvalidCRS",
                format!("CRS={other}: EPSG:4326, CRS:84 and EPSG:3857 are drawn"),
            ))
        }
    };
    let (width, height) = (
        params.pixels("width", MAX_SIDE)?,
        params.pixels("height", MAX_SIDE)?,
    );
    View::new(crs, bbox, width, height).map_err(|e| WmsError::invalid(format!("BBOX: {e}")))
}

async fn get_map(
    state: &AppState,
    params: &Params,
    layers: &std::collections::BTreeMap<String, Layer>,
) -> Result<Response, WmsError> {
    let format = params.get("format").unwrap_or("image/png");
    if !format.eq_ignore_ascii_case("image/png") {
        return Err(WmsError::new(
            "InvalidFormat",
            format!("FORMAT={format}: maps are drawn as image/png"),
        ));
    }
    if vertical::asked(params) {
        return vertical::get_map(state, params, layers).await;
    }
    let layer = layer(params, "layers", layers)?;
    let view = view_of(params)?;
    let source = source(params, layer)?;
    let transparent = params
        .get("transparent")
        .is_some_and(|t| t.eq_ignore_ascii_case("true"));
    let background = background(params.get("bgcolor"))?;
    let (field, scale) = field_of(state, layer, source).await?;
    let png = tokio::task::spawn_blocking(move || {
        let mut rgba = render(&field, &scale, &view);
        if !transparent {
            for pixel in rgba.chunks_exact_mut(4) {
                let a = u16::from(pixel[3]);
                for c in 0..3 {
                    pixel[c] = ((u16::from(pixel[c]) * a + u16::from(background[c]) * (255 - a))
                        / 255) as u8;
                }
                pixel[3] = 255;
            }
        }
        let mut out = Vec::new();
        PngEncoder::new_with_quality(&mut out, CompressionType::Fast, FilterType::Adaptive)
            .write_image(&rgba, view.width(), view.height(), ExtendedColorType::Rgba8)
            .map(|_| out)
            .map_err(|e| WmsError::new("NoApplicableCode", e.to_string()))
    })
    .await
    .map_err(|e| WmsError::new("NoApplicableCode", e.to_string()))??;
    Ok(with_type("image/png", png))
}

/// `BGCOLOR=0xRRGGBB`, white by default.
fn background(text: Option<&str>) -> Result<[u8; 3], WmsError> {
    let Some(text) = text else {
        return Ok([255, 255, 255]);
    };
    let hex = text
        .strip_prefix("0x")
        .or_else(|| text.strip_prefix("0X"))
        .filter(|h| h.len() == 6)
        .and_then(|h| u32::from_str_radix(h, 16).ok())
        .ok_or_else(|| WmsError::invalid(format!("BGCOLOR={text:?}: 0xRRGGBB is needed")))?;
    Ok([(hex >> 16) as u8, (hex >> 8) as u8, hex as u8])
}

async fn feature_info(
    state: &AppState,
    params: &Params,
    layers: &std::collections::BTreeMap<String, Layer>,
) -> Result<Response, WmsError> {
    let layer = layer(params, "query_layers", layers)?;
    let view = view_of(params)?;
    let pixel = |keys: [&str; 2], max: u32| -> Result<u32, WmsError> {
        let text = keys.iter().find_map(|k| params.get(k)).ok_or_else(|| {
            WmsError::invalid(format!("{} is missing", keys[0].to_ascii_uppercase()))
        })?;
        text.trim()
            .parse::<u32>()
            .ok()
            .filter(|v| *v < max)
            .ok_or_else(|| {
                WmsError::new(
                    "InvalidPoint",
                    format!("{}={text} is off the map", keys[0].to_ascii_uppercase()),
                )
            })
    };
    let (i, j) = (
        pixel(["i", "x"], view.width())?,
        pixel(["j", "y"], view.height())?,
    );
    let source = source(params, layer)?;
    let (field, _) = field_of(state, layer, source).await?;
    let [lon, lat] = view.place(i, j);
    let value = field.sample(lat, lon);
    let units = layer.units.as_deref().unwrap_or_default();
    let json = params
        .get("info_format")
        .is_some_and(|f| f.eq_ignore_ascii_case("application/json"));
    if json {
        let body = serde_json::json!({
            "layer": layer.name,
            "product": source.product_id,
            "lat": lat,
            "lon": lon,
            "value": value,
            "units": layer.units,
            "time": source.time,
            "reference_time": source.run,
            "level": source.level,
            "method": "bilinear in the grid's cell",
        });
        return Ok(with_type("application/json", body.to_string().into_bytes()));
    }
    let shown = value.map_or_else(|| "no value".to_string(), |v| format!("{v} {units}"));
    let text = format!(
        "{}: {shown} at {lat:.4} N {lon:.4} E (bilinear in the grid's cell)\n",
        layer.name
    );
    Ok(with_type("text/plain; charset=utf-8", text.into_bytes()))
}

async fn legend(
    state: &AppState,
    params: &Params,
    layers: &std::collections::BTreeMap<String, Layer>,
) -> Result<Response, WmsError> {
    let layer = layer(params, "layer", layers)?;
    let source = source(params, layer)?;
    let (_, scale) = field_of(state, layer, source).await?;
    let title = match layer.level_type.as_str() {
        "isobaricInhPa" => format!("{} {} hPa", layer.field, source.level),
        _ => layer.field.clone(),
    };
    match params.get("format").unwrap_or("image/png") {
        f if f.eq_ignore_ascii_case("image/svg+xml") => Ok(with_type(
            "image/svg+xml",
            legend_svg(&title, &scale).into_bytes(),
        )),
        f if f.eq_ignore_ascii_case("image/png") => legend_png(&title, &scale)
            .map(|png| with_type("image/png", png))
            .map_err(|e| WmsError::new("NoApplicableCode", e)),
        other => Err(WmsError::new(
            "InvalidFormat",
            format!("FORMAT={other}: legends are drawn as image/png or image/svg+xml"),
        )),
    }
}
