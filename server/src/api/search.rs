//! `GET /api/v1/search`: one search over products, case studies, reports,
//! decisions and briefings, with facets, answered as the caller may see.

use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use model::search::{SearchAnswer, SearchRequest};
use serde::Deserialize;

use super::input::parse_bound;
use crate::auth::ReadAccess;
use crate::error::ApiError;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/search", get(search))
}

/// The query string, read leniently (an empty field is no filter) and
/// bounded before it reaches the catalogue.
#[derive(Debug, Deserialize)]
struct Params {
    #[serde(default)]
    q: String,
    kind: Option<String>,
    category: Option<String>,
    platform: Option<String>,
    tag: Option<String>,
    iop: Option<String>,
    day: Option<String>,
    from: Option<String>,
    to: Option<String>,
    bbox: Option<String>,
    limit: Option<i64>,
    offset: Option<i64>,
}

/// The longest search text read.
const MAX_QUERY: usize = 1_000;

/// The longest filter value read (a kind, a platform, a tag, an IOP…).
const MAX_VALUE: usize = 200;

/// A filter's value: none when empty (an empty field of a form), refused
/// when longer than [`MAX_VALUE`] (ignoring it would widen the search).
fn filled(name: &str, value: Option<String>) -> Result<Option<String>, ApiError> {
    match value {
        Some(v) if v.len() > MAX_VALUE => Err(ApiError::BadRequest(format!(
            "{name}: at most {MAX_VALUE} bytes"
        ))),
        Some(v) if !v.is_empty() => Ok(Some(v)),
        _ => Ok(None),
    }
}

async fn search(
    State(state): State<AppState>,
    access: ReadAccess,
    Query(params): Query<Params>,
) -> Result<Json<SearchAnswer>, ApiError> {
    if params.q.len() > MAX_QUERY {
        return Err(ApiError::BadRequest(format!(
            "q: at most {MAX_QUERY} bytes"
        )));
    }
    let day = match filled("day", params.day)? {
        None => None,
        Some(day) => Some(day.parse().map_err(|_| {
            ApiError::BadRequest(format!("day: {day:?} is not a date (YYYY-MM-DD)"))
        })?),
    };
    let bbox = match filled("bbox", params.bbox)? {
        None => None,
        Some(text) => {
            let numbers: Vec<f64> = text
                .split(',')
                .take(5)
                .map(|n| n.trim().parse::<f64>())
                .collect::<Result<_, _>>()
                .map_err(|_| ApiError::BadRequest("bbox: four numbers".into()))?;
            let bbox = catalogue::stac::search::parse_bbox(&numbers)
                .map_err(|e| ApiError::BadRequest(e.0))?;
            Some(bbox)
        }
    };
    let request = SearchRequest {
        q: params.q,
        kind: filled("kind", params.kind)?,
        category: filled("category", params.category)?,
        platform: filled("platform", params.platform)?,
        tag: filled("tag", params.tag)?,
        iop: filled("iop", params.iop)?,
        day,
        from: parse_bound("from", params.from.as_deref())?,
        to: parse_bound("to", params.to.as_deref())?,
        bbox,
        limit: params.limit,
        offset: params.offset,
    };
    let answer = state
        .catalogue
        .search_all(&request, access.visibility())
        .await?;
    Ok(Json(answer))
}
