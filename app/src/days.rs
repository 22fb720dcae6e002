//! What the calendar and a day's page read.

use leptos::prelude::*;
use products::days::{Calendar, DayPage};

#[server(endpoint = "calendar")]
pub async fn load_calendar(
    from: Option<String>,
    to: Option<String>,
) -> Result<Calendar, ServerFnError> {
    let catalogue = crate::board::catalogue()?;
    let visibility = crate::board::reader().visibility();
    let parse = |text: Option<String>| -> Option<chrono::NaiveDate> { text?.parse().ok() };
    let span = match (parse(from), parse(to)) {
        (Some(from), Some(to)) => (from, to),
        (from, to) => {
            let today = chrono::Utc::now().date_naive();
            let (first, last) = catalogue
                .campaign_days(visibility)
                .await
                .map_err(|e| ServerFnError::new(e.to_string()))?
                .unwrap_or((today, today));
            (from.unwrap_or(first), to.unwrap_or(last))
        }
    };
    catalogue
        .calendar(span.0, span.1, visibility)
        .await
        .map_err(|e| ServerFnError::new(e.to_string()))
}

#[server(endpoint = "day")]
pub async fn load_day(day: String, hours: String) -> Result<Option<DayPage>, ServerFnError> {
    let Ok(day) = day.parse::<chrono::NaiveDate>() else {
        return Ok(None);
    };
    let catalogue = crate::board::catalogue()?;
    let visibility = crate::board::reader().visibility();
    let hours = products::days::parse_hours(&hours);
    catalogue
        .day_page(day, &hours, visibility)
        .await
        .map(Some)
        .map_err(|e| ServerFnError::new(e.to_string()))
}
