//! What the calendar and a day's page read.

use leptos::prelude::*;
use model::days::{Calendar, DayPage};

#[server(endpoint = "calendar")]
pub async fn load_calendar(
    from: Option<String>,
    to: Option<String>,
    month: Option<String>,
) -> Result<Calendar, ServerFnError> {
    use model::days::{month_span, opening_span};
    let catalogue = crate::board::catalogue()?;
    let visibility = crate::board::reader().visibility();
    let today = chrono::Utc::now().date_naive();
    let campaign = catalogue
        .campaign_days(visibility)
        .await
        .map_err(crate::board::internal)?;
    let (first, last) = campaign.unwrap_or((today, today));
    let parse = |text: Option<String>| -> Option<chrono::NaiveDate> { text?.parse().ok() };
    let span = match (
        month.as_deref().and_then(month_span),
        parse(from),
        parse(to),
    ) {
        (Some(month), _, _) => month,
        (None, Some(from), Some(to)) => (from, to),
        (None, None, None) => opening_span(first, last),
        (None, from, to) => (from.unwrap_or(first), to.unwrap_or(last)),
    };
    let mut calendar = catalogue
        .calendar(span.0, span.1, visibility)
        .await
        .map_err(crate::board::internal)?;
    calendar.campaign = campaign;
    Ok(calendar)
}

#[server(endpoint = "day")]
pub async fn load_day(day: String, hours: String) -> Result<Option<DayPage>, ServerFnError> {
    let Ok(day) = day.parse::<chrono::NaiveDate>() else {
        return Ok(None);
    };
    let catalogue = crate::board::catalogue()?;
    let visibility = crate::board::reader().visibility();
    let hours = model::days::parse_hours(&hours);
    catalogue
        .day_page(day, &hours, visibility)
        .await
        .map(Some)
        .map_err(crate::board::internal)
}
