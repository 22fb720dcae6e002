//! An operation's flight or launch report: read it (attachments as the
//! caller may see them), write or amend it. Report files dropped as
//! `report.<platform>.<time>.*` attach themselves (see the hub); this is
//! the form's way in.

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use model::access::Visibility;
use model::operations::{ReportDraft, ReportSeen};

use super::input::JsonBody;
use crate::auth::{ReadAccess, Scientist};
use crate::error::ApiError;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/operations/{id}/report", get(one).put(save))
}

async fn one(
    State(state): State<AppState>,
    access: ReadAccess,
    Path(id): Path<i64>,
) -> Result<Json<ReportSeen>, ApiError> {
    if state.catalogue.operation(id).await?.is_none() {
        return Err(ApiError::NotFound("operation"));
    }
    state
        .catalogue
        .report_seen(id, access.visibility())
        .await?
        .map(Json)
        .ok_or(ApiError::NotFound("report"))
}

/// Writes the report's sections and pinned products; a completed or
/// aborted operation becomes `reported`. Answers the report as the author
/// sees it.
async fn save(
    State(state): State<AppState>,
    Scientist(author): Scientist,
    Path(id): Path<i64>,
    JsonBody(draft): JsonBody<ReportDraft>,
) -> Result<Json<ReportSeen>, ApiError> {
    state.hub.save_report(id, &draft, &author.user.name).await?;
    tracing::info!(user = %author.user.name, operation = id, "report saved");
    // Participants see restricted products (see `Caller::visibility`).
    state
        .catalogue
        .report_seen(id, Visibility::Everything)
        .await?
        .map(Json)
        .ok_or(ApiError::NotFound("report"))
}
