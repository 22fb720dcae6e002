//! The campaign day by day: `GET /api/v1/days?from=&to=` the calendar (one
//! cell per UTC day; without bounds, the campaign's whole span) and
//! `GET /api/v1/days/{day}?hours=0,6,12,18` a day's page, each as the
//! caller may see it.

use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{NaiveDate, Utc};
use model::days::{parse_hours, Calendar, DayPage, MAX_CALENDAR_DAYS};
use serde::Deserialize;

use crate::auth::ReadAccess;
use crate::error::ApiError;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/days", get(calendar))
        .route("/days/{day}", get(day))
}

#[derive(Debug, Deserialize)]
struct Span {
    from: Option<String>,
    to: Option<String>,
}

fn parse_day(field: &str, text: &str) -> Result<NaiveDate, ApiError> {
    text.parse()
        .map_err(|_| ApiError::BadRequest(format!("{field}: {text:?} is not a date (YYYY-MM-DD)")))
}

/// The days asked for, else the campaign's (today alone before anything).
async fn span(
    state: &AppState,
    access: &ReadAccess,
    span: Span,
) -> Result<(NaiveDate, NaiveDate), ApiError> {
    let asked = (
        span.from
            .filter(|s| !s.is_empty())
            .map(|s| parse_day("from", &s))
            .transpose()?,
        span.to
            .filter(|s| !s.is_empty())
            .map(|s| parse_day("to", &s))
            .transpose()?,
    );
    let campaign = || async {
        let today = Utc::now().date_naive();
        Ok::<_, ApiError>(
            state
                .catalogue
                .campaign_days(access.visibility())
                .await?
                .unwrap_or((today, today)),
        )
    };
    Ok(match asked {
        // A span asked for is drawn whole or refused with the reason, never
        // cut short without a word (a calendar of 2012 and 2022 must not
        // silently lose 2012).
        (Some(from), Some(to)) if (to - from).num_days() >= MAX_CALENDAR_DAYS => {
            return Err(ApiError::BadRequest(format!(
                "a calendar spans at most {MAX_CALENDAR_DAYS} days: {from} to {to} is {} days, ask year by year",
                (to - from).num_days() + 1
            )))
        }
        (Some(from), Some(to)) => (from, to),
        (Some(from), None) => (from, campaign().await?.1.max(from)),
        (None, Some(to)) => (campaign().await?.0.min(to), to),
        (None, None) => {
            let (first, last) = campaign().await?;
            model::days::opening_span(first, last)
        }
    })
}

async fn calendar(
    State(state): State<AppState>,
    access: ReadAccess,
    Query(asked): Query<Span>,
) -> Result<Json<Calendar>, ApiError> {
    let (from, to) = span(&state, &access, asked).await?;
    let mut calendar = state
        .catalogue
        .calendar(from, to, access.visibility())
        .await?;
    calendar.campaign = state.catalogue.campaign_days(access.visibility()).await?;
    Ok(Json(calendar))
}

#[derive(Debug, Deserialize)]
struct Hours {
    #[serde(default)]
    hours: String,
}

async fn day(
    State(state): State<AppState>,
    access: ReadAccess,
    Path(day): Path<String>,
    Query(Hours { hours }): Query<Hours>,
) -> Result<Json<DayPage>, ApiError> {
    let day = parse_day("day", &day)?;
    let page = state
        .catalogue
        .day_page(day, &parse_hours(&hours), access.visibility())
        .await?;
    Ok(Json(page))
}
