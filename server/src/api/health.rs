//! `GET /api/v1/health`: for monitoring and for providers checking the server is up.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::error::ApiError;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/health", get(health))
}

async fn health(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    let products = state.catalogue.count_products().await?;
    let last_seq = state.catalogue.last_seq().await?;
    Ok(Json(json!({
        "status": "ok",
        "version": env!("CARGO_PKG_VERSION"),
        "products": products,
        "last_seq": last_seq,
    })))
}
