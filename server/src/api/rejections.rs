//! `GET /api/v1/rejections`: the newest refused files and why. A reason can
//! name a restricted product, so admins see every refusal, a provider (by its
//! token) those of its own uploads, and nobody else any.

use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use model::Rejection;
use serde::Deserialize;

use crate::auth::extract::AnyCaller;
use crate::auth::Caller;
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
    AnyCaller(caller): AnyCaller,
    Query(params): Query<ListParams>,
) -> Result<Json<Vec<Rejection>>, ApiError> {
    let limit = params.limit.unwrap_or(100).clamp(1, MAX_LIMIT);
    let provider = match &caller {
        Caller::Participant(p) if p.user.role == model::Role::Admin => None,
        Caller::Provider(p) => Some(p.name.as_str()),
        Caller::Participant(_) => return Err(crate::auth::needs(model::Role::Admin)),
        Caller::Anonymous => return Err(ApiError::LoginRequired),
    };
    Ok(Json(
        state.catalogue.recent_rejections(limit, provider).await?,
    ))
}
