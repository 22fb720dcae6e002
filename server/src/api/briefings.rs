//! Briefings: planned and changed by scientists, read by everyone who may
//! read, and presented: the presenter (or an admin) moves the position, and
//! every open presentation follows through the event stream.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use model::operations::{Briefing, BriefingDetail, BriefingDraft, BriefingItem};
use model::{Event, Role};
use serde::Deserialize;

use super::input::{parse_bound, JsonBody};
use crate::auth::{ReadAccess, Scientist};
use crate::error::ApiError;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/briefings", get(list).post(create))
        .route("/briefings/{id}", get(one).put(replace))
        .route("/briefings/{id}/items", post(add_item))
        .route("/briefings/{id}/position", post(position))
}

#[derive(Debug, Deserialize)]
struct ListParams {
    from: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    _: ReadAccess,
    Query(params): Query<ListParams>,
) -> Result<Json<Vec<Briefing>>, ApiError> {
    let from = parse_bound("from", params.from.as_deref())?;
    Ok(Json(state.catalogue.briefings(from).await?))
}

async fn create(
    State(state): State<AppState>,
    Scientist(author): Scientist,
    JsonBody(draft): JsonBody<BriefingDraft>,
) -> Result<(StatusCode, Json<Event>), ApiError> {
    let event = state.hub.create_briefing(&draft, &author.user.name).await?;
    Ok((StatusCode::CREATED, Json(event)))
}

async fn one(
    State(state): State<AppState>,
    access: ReadAccess,
    Path(id): Path<i64>,
) -> Result<Json<BriefingDetail>, ApiError> {
    state
        .catalogue
        .briefing_detail(id, access.visibility())
        .await?
        .map(Json)
        .ok_or(ApiError::NotFound("briefing"))
}

/// Replaces a briefing. Any scientist may edit its items, but who presents
/// is the presenter's, the author's or an admin's to change: the presenter
/// drives every open presentation, so taking the role is not an edit.
async fn replace(
    State(state): State<AppState>,
    Scientist(caller): Scientist,
    Path(id): Path<i64>,
    JsonBody(draft): JsonBody<BriefingDraft>,
) -> Result<Json<Event>, ApiError> {
    let briefing = state
        .catalogue
        .briefing(id)
        .await?
        .ok_or(ApiError::NotFound("briefing"))?;
    let me = caller.user.name.as_str();
    let changes_presenter = draft
        .presenter
        .as_deref()
        .is_some_and(|p| p != briefing.presenter);
    let may =
        me == briefing.presenter || me == briefing.created_by || caller.user.role == Role::Admin;
    if changes_presenter && !may {
        return Err(ApiError::Forbidden(format!(
            "{} presents this briefing: only they, its author {} or an admin may hand it over",
            briefing.presenter, briefing.created_by
        )));
    }
    Ok(Json(state.hub.update_briefing(id, &draft).await?))
}

/// Adds one item at the end ("Add to briefing" on the board): any
/// scientist, as editing the items is.
async fn add_item(
    State(state): State<AppState>,
    _: Scientist,
    Path(id): Path<i64>,
    JsonBody(item): JsonBody<BriefingItem>,
) -> Result<(StatusCode, Json<Event>), ApiError> {
    let event = state.hub.add_briefing_item(id, &item).await?;
    Ok((StatusCode::CREATED, Json(event)))
}

#[derive(Debug, Deserialize)]
struct Position {
    position: usize,
}

/// Moves the presentation: the presenter's, or an admin's, to do.
async fn position(
    State(state): State<AppState>,
    Scientist(caller): Scientist,
    Path(id): Path<i64>,
    JsonBody(Position { position }): JsonBody<Position>,
) -> Result<Json<Event>, ApiError> {
    let briefing = state
        .catalogue
        .briefing(id)
        .await?
        .ok_or(ApiError::NotFound("briefing"))?;
    if briefing.presenter != caller.user.name && caller.user.role != Role::Admin {
        return Err(ApiError::Forbidden(format!(
            "{} presents this briefing",
            briefing.presenter
        )));
    }
    Ok(Json(state.hub.move_briefing(id, position).await?))
}
