//! `GET /api/v1/operations.ics`: the operations as an iCalendar feed
//! (RFC 5545), as ORCESTRA publishes `flights.ics`, for phones and
//! calendars to subscribe to. Times are UTC (`…Z`), whatever the reader's
//! zone; each operation keeps its UID across updates, so a calendar moves
//! an event rather than adding a second one.

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use icalendar::{Calendar, Component, EventLike, EventStatus};
use products::catalogue::OperationQuery;
use products::operations::{Operation, Status};

use crate::auth::ReadAccess;
use crate::error::ApiError;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/operations.ics", get(feed))
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
