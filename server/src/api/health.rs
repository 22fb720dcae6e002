//! `GET /api/v1/health`: for monitoring, and for providers checking the server is up.
//!
//! 200 with `"status": "ok"` when the catalogue answers and every background
//! task (`ingest`, `watcher`, `previews`) is running and not stuck; otherwise
//! 503 with `"status": "failing"` and the first reason found, so that a
//! monitor can page someone before the 08 UTC briefing rather than after.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::auth::extract::AnyCaller;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/health", get(health))
}

/// Health is open to anyone, so its product count is of what the caller may see.
async fn health(
    State(state): State<AppState>,
    AnyCaller(caller): AnyCaller,
) -> (StatusCode, Json<Value>) {
    let (tasks, mut problem) = state.tasks.report(state.stuck_after);
    let counts = async {
        Ok::<_, products::catalogue::CatalogueError>((
            state.catalogue.count_products(caller.visibility()).await?,
            state.catalogue.last_seq().await?,
        ))
    };
    let (products, last_seq) = match counts.await {
        Ok((products, last_seq)) => (Some(products), Some(last_seq)),
        Err(error) => {
            tracing::error!(%error, "health: the catalogue does not answer");
            problem.get_or_insert_with(|| format!("the catalogue does not answer: {error}"));
            (None, None)
        }
    };
    let status = if problem.is_some() {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::OK
    };
    let mut body = json!({
        "status": if problem.is_some() { "failing" } else { "ok" },
        "version": env!("CARGO_PKG_VERSION"),
        "products": products,
        "last_seq": last_seq,
        "tasks": tasks,
    });
    if let Some(reason) = problem {
        body["reason"] = json!(reason);
    }
    (status, Json(body))
}
