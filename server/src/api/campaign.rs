//! The campaign's set-up: its platforms and its intensive observation
//! periods. Everyone who may read lists them; admins keep them.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use model::operations::{Iop, Platform};
use model::Event;

use super::input::JsonBody;
use crate::auth::{AdminOnly, ReadAccess};
use crate::error::ApiError;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/platforms", get(platforms).post(save_platform))
        .route("/iops", get(iops).post(save_iop))
}

async fn platforms(
    State(state): State<AppState>,
    _: ReadAccess,
) -> Result<Json<Vec<Platform>>, ApiError> {
    Ok(Json(state.catalogue.platforms().await?))
}

/// Adds a platform, or replaces the one of that name.
async fn save_platform(
    State(state): State<AppState>,
    AdminOnly(admin): AdminOnly,
    JsonBody(platform): JsonBody<Platform>,
) -> Result<Json<Event>, ApiError> {
    let event = state.hub.save_platform(&platform).await?;
    tracing::info!(admin = %admin.user.name, platform = %platform.name, "platform saved");
    Ok(Json(event))
}

async fn iops(State(state): State<AppState>, _: ReadAccess) -> Result<Json<Vec<Iop>>, ApiError> {
    Ok(Json(state.catalogue.iops().await?))
}

/// Adds an IOP, or replaces the one of that name.
async fn save_iop(
    State(state): State<AppState>,
    AdminOnly(admin): AdminOnly,
    JsonBody(iop): JsonBody<Iop>,
) -> Result<Json<Event>, ApiError> {
    let event = state.hub.save_iop(&iop).await?;
    tracing::info!(admin = %admin.user.name, iop = %iop.name, "IOP saved");
    Ok(Json(event))
}
