//! Operations: the listing, planning one, its page (with its decisions and
//! their evidence as the caller may see it), and changes of its planning
//! fields. Its status changes only by a decision (`decisions.rs`).

use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use catalogue::OperationQuery;
use model::operations::{Operation, OperationDetail, Plan, PlanPatch};
use model::EventKind;
use serde::Deserialize;

use super::input::{parse_bound, JsonBody};
use crate::auth::{ReadAccess, Scientist};
use crate::error::ApiError;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/operations", get(list).post(create))
        .route("/operations/{id}", get(one).patch(update))
}

/// Query of `GET /api/v1/operations`.
#[derive(Debug, Deserialize)]
struct ListParams {
    from: Option<String>,
    to: Option<String>,
    platform: Option<String>,
    status: Option<String>,
    limit: Option<i64>,
}

async fn list(
    State(state): State<AppState>,
    _: ReadAccess,
    Query(params): Query<ListParams>,
) -> Result<Json<Vec<Operation>>, ApiError> {
    let status = match params.status.as_deref().filter(|s| !s.is_empty()) {
        Some(status) => Some(
            status
                .parse()
                .map_err(|e: model::operations::StatusError| ApiError::BadRequest(e.to_string()))?,
        ),
        None => None,
    };
    let query = OperationQuery {
        from: parse_bound("from", params.from.as_deref())?,
        to: parse_bound("to", params.to.as_deref())?,
        platform: params.platform.filter(|p| !p.is_empty()),
        status,
        limit: params.limit,
    };
    Ok(Json(state.catalogue.operations(&query).await?))
}

/// Plans an operation; it starts `proposed`. Answers 201 with it.
async fn create(
    State(state): State<AppState>,
    Scientist(author): Scientist,
    JsonBody(plan): JsonBody<Plan>,
) -> Result<impl IntoResponse, ApiError> {
    let event = state.hub.create_operation(&plan, &author.user.name).await?;
    let EventKind::OperationCreated { operation } = event.kind else {
        return Err(ApiError::Unavailable(
            "the operation was not announced".into(),
        ));
    };
    let location = format!("/api/v1/operations/{}", operation.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(operation),
    ))
}

/// The operation and its decisions, each with its evidence as the caller
/// may see it and what has arrived since.
async fn one(
    State(state): State<AppState>,
    access: ReadAccess,
    Path(id): Path<i64>,
) -> Result<Json<OperationDetail>, ApiError> {
    state
        .catalogue
        .operation_detail(id, access.visibility())
        .await?
        .map(Json)
        .ok_or(ApiError::NotFound("operation"))
}

/// Changes planning fields; `status` is refused (it is a decision's).
async fn update(
    State(state): State<AppState>,
    Scientist(author): Scientist,
    Path(id): Path<i64>,
    JsonBody(patch): JsonBody<PlanPatch>,
) -> Result<Json<Operation>, ApiError> {
    let event = state.hub.update_operation(id, patch).await?;
    let EventKind::OperationUpdated { operation } = event.kind else {
        return Err(ApiError::Unavailable("the change was not announced".into()));
    };
    tracing::info!(user = %author.user.name, code = %operation.code, "operation changed");
    Ok(Json(operation))
}
