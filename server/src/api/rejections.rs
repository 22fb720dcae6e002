//! `GET /api/v1/rejections`: the newest refused files and why, for providers
//! and for the dashboard.

use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use products::Rejection;
use serde::Deserialize;

use crate::error::ApiError;
use crate::state::AppState;

/// Most rejections one request returns.
const MAX_LIMIT: i64 = 1000;

pub fn router() -> Router<AppState> {
    Router::new().route("/rejections", get(list))
}

#[derive(Debug, Deserialize)]
struct ListParams {
    limit: Option<i64>,
}

async fn list(
    State(state): State<AppState>,
    Query(params): Query<ListParams>,
) -> Result<Json<Vec<Rejection>>, ApiError> {
    let limit = params.limit.unwrap_or(100).clamp(1, MAX_LIMIT);
    Ok(Json(state.catalogue.recent_rejections(limit).await?))
}
