//! Decisions: recorded, listed, read; never changed nor deleted (no route
//! does, so any other method answers 405, and the catalogue's triggers
//! refuse it underneath).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use model::operations::{Decision, NewDecision};
use model::Event;

use super::input::JsonBody;
use crate::auth::{ReadAccess, Scientist};
use crate::error::ApiError;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/operations/{id}/decisions", get(list).post(record))
        .route("/operations/{id}/decisions/{decision}", get(one))
}

async fn list(
    State(state): State<AppState>,
    _: ReadAccess,
    Path(id): Path<i64>,
) -> Result<Json<Vec<Decision>>, ApiError> {
    if state.catalogue.operation(id).await?.is_none() {
        return Err(ApiError::NotFound("operation"));
    }
    Ok(Json(state.catalogue.decisions(id).await?))
}

async fn one(
    State(state): State<AppState>,
    _: ReadAccess,
    Path((id, decision)): Path<(i64, i64)>,
) -> Result<Json<Decision>, ApiError> {
    state
        .catalogue
        .decisions(id)
        .await?
        .into_iter()
        .find(|d| d.id == decision)
        .map(Json)
        .ok_or(ApiError::NotFound("decision"))
}

/// Records a decision by the caller; answers 201 with its event
/// (`decision.recorded`: the decision, the operation as it left it, `seq`).
/// A move the lifecycle does not allow is 409 with the allowed moves.
async fn record(
    State(state): State<AppState>,
    Scientist(author): Scientist,
    Path(id): Path<i64>,
    JsonBody(decision): JsonBody<NewDecision>,
) -> Result<(StatusCode, Json<Event>), ApiError> {
    let event = state
        .hub
        .record_decision(id, &decision, &author.user.name)
        .await?;
    tracing::info!(user = %author.user.name, operation = id, to = %decision.to, "decision recorded");
    Ok((StatusCode::CREATED, Json(event)))
}
