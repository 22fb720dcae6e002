//! What the campaign expects and what became of it:
//!
//! - `GET /api/v1/expected?from=&to=&source=&status=` — every product the
//!   sources and `[[expect]]` entries of `sources.toml` expect (their kept
//!   runs or steps), `due`, `late`, `arrived` (with its delay) or `missed`;
//!   `from`/`to` bound the run (or valid) time. Matched against the products
//!   the caller may see: a restricted arrival is no arrival to the public.
//! - `GET /api/v1/punctuality?from=&to=` — per source, over the runs (or
//!   valid times) of the stretch whose deadline passed: the share on time,
//!   the median and worst delay, what never came and the runs missed.
//! - `GET /api/v1/sources` — admins: the sources as read, where the file is,
//!   why its last edit was refused if it was, and what each one's polling
//!   did (last poll and success, last error with its HTTP status, files,
//!   bytes, 304s, requests).
//! - `POST /api/v1/sources/{name}/poll` — admins: poll that source now, its
//!   failed files tried again without waiting out their back-off (202).

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{json, Value};
use sources::{Expected, Punctuality, SourceSet};

use crate::api::input::parse_bound;
use crate::auth::extract::{AdminOnly, ReadAccess};
use crate::error::ApiError;
use crate::state::AppState;

/// Most products matched against the expected ones in one answer.
pub const MAX_MATCHED: usize = 200_000;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/expected", get(list))
        .route("/punctuality", get(punctuality))
        .route("/sources", get(sources))
        .route("/sources/{name}/poll", post(poll_now))
}

/// The longest stretch one punctuality answer covers.
const MAX_PUNCTUALITY_DAYS: i64 = 400;

/// Query of `/punctuality`: times stay strings here so that a bad one gets
/// the API's JSON error with an example.
#[derive(Debug, Deserialize)]
struct StretchParams {
    from: Option<String>,
    to: Option<String>,
}

async fn punctuality(
    State(state): State<AppState>,
    reader: ReadAccess,
    Query(params): Query<StretchParams>,
) -> Result<Json<Vec<Punctuality>>, ApiError> {
    let (Some(from), Some(to)) = (
        parse_bound("from", params.from.as_deref())?,
        parse_bound("to", params.to.as_deref())?,
    ) else {
        return Err(ApiError::BadRequest(
            "`from` and `to` are both needed: the stretch whose runs are judged".into(),
        ));
    };
    if to < from || (to - from).num_days() > MAX_PUNCTUALITY_DAYS {
        return Err(ApiError::BadRequest(format!(
            "from {from} to {to}: a stretch of 0 to {MAX_PUNCTUALITY_DAYS} days, from before to"
        )));
    }
    let set = state.sources.borrow().set.clone();
    let (_, products) = state
        .hub
        .current()
        .window(from, to, MAX_MATCHED, reader.visibility());
    Ok(Json(set.punctuality(from, to, Utc::now(), &products)))
}

/// Query of `/expected`; times as strings, as for `/punctuality`.
#[derive(Debug, Deserialize)]
struct ListParams {
    from: Option<String>,
    to: Option<String>,
    source: Option<String>,
    status: Option<String>,
}

const STATUSES: [&str; 4] = ["due", "late", "arrived", "missed"];

/// What `set` expects at `now`, matched against the current products
/// `visibility` may see.
pub fn expected_now(
    current: &catalogue::Current,
    set: &SourceSet,
    now: DateTime<Utc>,
    visibility: model::Visibility,
) -> Vec<Expected> {
    let Some((from, to)) = set.span(now) else {
        return Vec::new();
    };
    let (_, products) = current.window(from, to, MAX_MATCHED, visibility);
    set.expected(now, &products)
}

async fn list(
    State(state): State<AppState>,
    reader: ReadAccess,
    Query(params): Query<ListParams>,
) -> Result<Json<Vec<Expected>>, ApiError> {
    if let Some(status) = params.status.as_deref() {
        if !STATUSES.contains(&status) {
            return Err(ApiError::BadRequest(format!(
                "status {status:?}: one of {}",
                STATUSES.join(", ")
            )));
        }
    }
    let from = parse_bound("from", params.from.as_deref())?;
    let to = parse_bound("to", params.to.as_deref())?;
    let set = state.sources.borrow().set.clone();
    let all = expected_now(state.hub.current(), &set, Utc::now(), reader.visibility());
    let kept = all
        .into_iter()
        .filter(|e| params.source.as_ref().is_none_or(|s| &e.source == s))
        .filter(|e| {
            let reference = e.run.unwrap_or(e.valid);
            from.is_none_or(|f| reference >= f) && to.is_none_or(|t| reference <= t)
        })
        .filter(|e| {
            params
                .status
                .as_deref()
                .is_none_or(|s| e.status.name() == s)
        })
        .collect();
    Ok(Json(kept))
}

async fn sources(State(state): State<AppState>, _: AdminOnly) -> Json<Value> {
    let sources = state.sources.borrow().clone();
    let now = Utc::now();
    let list: Vec<Value> = sources
        .set
        .sources
        .iter()
        .map(|s| {
            json!({
                "name": s.name,
                "kind": s.kind.name(),
                "category": s.category,
                "platform": s.platform,
                "line": s.line,
                "poll_s": s.poll.num_seconds(),
                "next_due": s.schedule.as_ref().map(|schedule| schedule.next_due(now)),
                "report": state.fetch_reports.of(&s.name),
            })
        })
        .collect();
    Json(json!({
        "path": sources.path,
        "refused": sources.refused,
        "sources": list,
        "expected": sources.set.expects.iter().map(|e| json!({
            "category": e.category,
            "platform": e.platform,
            "line": e.line,
        })).collect::<Vec<_>>(),
    }))
}

async fn poll_now(
    State(state): State<AppState>,
    _: AdminOnly,
    Path(name): Path<String>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    if state.sources.borrow().set.source(&name).is_none() {
        return Err(ApiError::NotFound("no such source"));
    }
    state.poll_now.ask(&name);
    Ok((
        StatusCode::ACCEPTED,
        Json(json!({ "source": name, "polling": true })),
    ))
}
