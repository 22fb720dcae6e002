//! The operations as files others read: `GET /api/v1/operations.ics`, an
//! iCalendar feed (RFC 5545) as ORCESTRA publishes `flights.ics`, for
//! phones and calendars to subscribe to; `GET /api/v1/operations.csv`, the
//! mission table for a spreadsheet.
//!
//! The feed: Times are UTC (`…Z`), whatever the reader's
//! zone; each operation keeps its UID across updates, so a calendar moves
//! an event rather than adding a second one.

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use catalogue::OperationQuery;
use icalendar::{Calendar, Component, EventLike, EventStatus};
use model::operations::{Operation, Status};

use crate::auth::ReadAccess;
use crate::error::ApiError;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/operations.ics", get(feed))
        .route("/operations.csv", get(table))
}

async fn feed(State(state): State<AppState>, _: ReadAccess) -> Result<impl IntoResponse, ApiError> {
    let operations = state
        .catalogue
        .operations(&OperationQuery::default())
        .await?;
    let mut calendar = Calendar::new();
    calendar.name("opsboard operations");
    for operation in &operations {
        calendar.push(event_of(operation));
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (header::CACHE_CONTROL, "private, no-cache"),
        ],
        calendar.done().to_string(),
    ))
}

/// One operation as a calendar event: "ATR42-20261129a: GO — title".
fn event_of(operation: &Operation) -> icalendar::Event {
    let plan = &operation.plan;
    let mut event = icalendar::Event::new();
    event
        .uid(&format!("{}@opsboard", operation.code))
        .summary(&format!(
            "{}: {} — {}",
            operation.code,
            operation.status.label(),
            plan.title
        ))
        .starts(plan.planned_start)
        .timestamp(operation.updated_at)
        .status(match operation.status {
            Status::Cancelled | Status::NoGo => EventStatus::Cancelled,
            Status::Go | Status::InProgress | Status::Completed | Status::Reported => {
                EventStatus::Confirmed
            }
            _ => EventStatus::Tentative,
        })
        .add_property("CATEGORIES", operation.status.as_str());
    if let Some(end) = plan.planned_end {
        event.ends(end);
    }
    let mut description = format!("{} ({})", operation.status.label(), plan.platform);
    if let Some(iop) = &plan.iop {
        description.push_str(&format!(", {iop}"));
    }
    if !plan.objectives.is_empty() {
        description.push_str("\n\n");
        description.push_str(&plan.objectives);
    }
    event.description(&description);
    event.done()
}

/// The mission table as CSV, one operation a row, by planned start.
async fn table(
    State(state): State<AppState>,
    _: ReadAccess,
) -> Result<impl IntoResponse, ApiError> {
    let operations = state
        .catalogue
        .operations(&OperationQuery::default())
        .await?;
    let mut out = csv::Writer::from_writer(Vec::new());
    let failed = |e: csv::Error| ApiError::Io(std::io::Error::other(e));
    out.write_record([
        "code",
        "platform",
        "kind",
        "status",
        "planned_start",
        "planned_end",
        "iop",
        "title",
        "objectives",
        "created_by",
        "updated_at",
        "report_at",
    ])
    .map_err(failed)?;
    let time =
        |t: chrono::DateTime<chrono::Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    for operation in &operations {
        let plan = &operation.plan;
        out.write_record([
            operation.code.clone(),
            plan.platform.clone(),
            plan.kind.as_str().to_string(),
            operation.status.as_str().to_string(),
            time(plan.planned_start),
            plan.planned_end.map(time).unwrap_or_default(),
            cell(plan.iop.as_deref().unwrap_or_default()),
            cell(&plan.title),
            cell(&plan.objectives),
            cell(&operation.created_by),
            time(operation.updated_at),
            operation.report_at.map(time).unwrap_or_default(),
        ])
        .map_err(failed)?;
    }
    let bytes = out
        .into_inner()
        .map_err(|e| ApiError::Io(std::io::Error::other(e.to_string())))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"operations.csv\"",
            ),
            (header::CACHE_CONTROL, "private, no-cache"),
        ],
        bytes,
    ))
}

/// Free text made safe for a spreadsheet: a cell that starts like a formula
/// (`=`, `+`, `-`, `@`) is quoted with `'`, so opening the file runs nothing.
fn cell(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_string(),
    }
}
