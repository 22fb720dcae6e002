//! `GET /api/v1/health`: for monitoring, and for providers checking the server is up.
//!
//! 200 with `"status": "ok"` when the catalogue answers and every background
//! task (`ingest`, `watcher`, `previews`) is running and not stuck; otherwise
//! 503 with `"status": "failing"` and the first reason found, so that a
//! monitor can page someone before the 08 UTC briefing rather than after.
//!
//! Health is open to anyone, so what it says depends on who asks:
//! - anyone (the public, a provider's token, a monitor): `status`, `version`
//!   and, when failing, the reason's class (`"ingest is stuck"`);
//! - participants: also the count of products, the last `seq`, and the
//!   sources with a product late (`late`; health stays 200 for them);
//! - admins: also each task's state, what it is busy with (a file's path,
//!   which may name a restricted product) and the reason in full.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use model::Role;
use serde_json::{json, Value};

use crate::auth::extract::AnyCaller;
use crate::auth::Caller;
use crate::state::AppState;
use crate::supervisor::Problem;

pub fn router() -> Router<AppState> {
    Router::new().route("/health", get(health))
}

/// How much of health a caller may read.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Detail {
    Status,
    Counts,
    Everything,
}

fn detail_for(caller: &Caller) -> Detail {
    match caller {
        Caller::Participant(p) if p.user.role == Role::Admin => Detail::Everything,
        Caller::Participant(_) => Detail::Counts,
        Caller::Anonymous | Caller::Provider(_) => Detail::Status,
    }
}

/// The sources (and `[[expect]]` entries) with a product past its deadline:
/// said, not failing — a late run is the centre's, not this server's.
fn late_sources(state: &AppState, caller: &Caller) -> Vec<String> {
    let set = state.sources.borrow().set.clone();
    let mut late: Vec<String> = super::expected::expected_now(
        state.hub.current(),
        &set,
        chrono::Utc::now(),
        caller.visibility(),
    )
    .into_iter()
    .filter(|e| matches!(e.status, sources::Status::Late { .. }))
    .map(|e| e.source)
    .collect();
    late.dedup();
    late
}

async fn health(
    State(state): State<AppState>,
    AnyCaller(caller): AnyCaller,
) -> (StatusCode, Json<Value>) {
    let detail = detail_for(&caller);
    let (tasks, mut problem) = state.tasks.report(state.stuck_after);
    let counts = async {
        Ok::<_, catalogue::CatalogueError>((
            state.catalogue.count_products(caller.visibility()).await?,
            state.catalogue.last_seq().await?,
        ))
    };
    let (products, last_seq) = match counts.await {
        Ok((products, last_seq)) => (Some(products), Some(last_seq)),
        Err(error) => {
            tracing::error!(%error, "health: the catalogue does not answer");
            problem.get_or_insert_with(|| Problem {
                class: "the catalogue does not answer".into(),
                detail: format!("the catalogue does not answer: {error}"),
            });
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
    });
    if detail >= Detail::Counts {
        body["products"] = json!(products);
        body["last_seq"] = json!(last_seq);
        body["late"] = json!(late_sources(&state, &caller));
    }
    if detail == Detail::Everything {
        body["tasks"] = json!(tasks);
    }
    if let Some(problem) = problem {
        body["reason"] = json!(if detail == Detail::Everything {
            problem.detail
        } else {
            problem.class
        });
    }
    (status, Json(body))
}
