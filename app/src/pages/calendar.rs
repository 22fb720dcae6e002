//! `/calendar`: the campaign at a glance, one cell per UTC day in weeks
//! from Monday — coloured by IOP, with what flew or launched, how many
//! products of each family, and the tags of the case studies touching it.
//! Each cell leads to the day's page.

use chrono::{Datelike, NaiveDate};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use model::days::{Calendar, CalendarDay};

use crate::components::loaded::when_loaded;
use crate::components::ops_header::OpsHeader;
use crate::links::use_links;

/// The number of IOP colours the style sheet has (`iop-0` …).
pub const IOP_COLOURS: usize = 6;

#[component]
pub fn CalendarPage() -> impl IntoView {
    let query = use_query_map();
    let span = move || query.with(|q| (q.get("from"), q.get("to"), q.get("month")));
    let loaded = Resource::new_blocking(span, |(from, to, month)| load_calendar(from, to, month));
    view! {
        <main class="ops-page calendar-page">
            <OpsHeader title="Calendar"/>
            {when_loaded(loaded, move |calendar| view! { <CalendarGrid calendar/> })}
        </main>
    }
}

/// The calendar itself: the legend of IOPs, then the weeks.
#[component]
pub fn CalendarGrid(calendar: Calendar) -> impl IntoView {
    let lead = calendar.from.weekday().num_days_from_monday() as usize;
    let legend = calendar
        .iops
        .iter()
        .enumerate()
        .map(|(i, iop)| {
            view! {
                <li class=format!("iop iop-{}", i % IOP_COLOURS)>
                    {iop.name.clone()}
                    <span class="muted">{format!(" {} – {}", iop.start.format("%d %b"), iop.end.format("%d %b"))}</span>
                </li>
            }
        })
        .collect_view();
    let heading = format!(
        "{} – {}",
        calendar.from.format("%d %b %Y"),
        calendar.to.format("%d %b %Y")
    );
    let cells = calendar
        .days
        .iter()
        .map(|day| {
            let colour = day
                .iops
                .first()
                .and_then(|name| calendar.iop_index(name))
                .map(|i| i % IOP_COLOURS);
            let first = day.day == calendar.from;
            view! { <DayCell day=day.clone() colour first/> }
        })
        .collect_view();
    let moves = calendar.campaign.map(
        |(first, last)| view! { <CalendarMoves from=calendar.from to=calendar.to first last/> },
    );
    view! {
        <section class="calendar" aria-labelledby="calendar-title">
            <h2 id="calendar-title">{heading}</h2>
            {moves}
            <ul class="iop-legend" aria-label="IOPs">{legend}</ul>
            <ol class="calendar-grid">
                {["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
                    .map(|d| view! { <li class="weekday" aria-hidden="true">{d}</li> })
                    .collect_view()}
                {(0..lead).map(|_| view! { <li class="blank" aria-hidden="true"></li> }).collect_view()}
                {cells}
            </ol>
        </section>
    }
}

/// Ways to the campaign's other days: the year before and after the one
/// shown, each year of the campaign, and any month (a plain GET form, so
/// it works without JavaScript). Two years back is two clicks to a day.
#[component]
fn CalendarMoves(
    from: NaiveDate,
    to: NaiveDate,
    first: NaiveDate,
    last: NaiveDate,
) -> impl IntoView {
    let year_href = |year: i32| format!("/calendar?from={year}-01-01&to={year}-12-31");
    // A campaign of decades lists its latest 30 years; the month control reaches the rest.
    let years = (first.year().max(last.year() - 29)..=last.year())
        .map(|year| {
            let current = (from.year()..=to.year()).contains(&year);
            view! {
                <li><a href=year_href(year) aria-current=current.then_some("page")>{year}</a></li>
            }
        })
        .collect_view();
    let before = from.year() - 1;
    let after = to.year() + 1;
    view! {
        <nav class="calendar-moves" aria-label="Other days of the campaign">
            {(before >= first.year()).then(|| view! {
                <a class="year-step" href=year_href(before) rel="prev">{format!("‹ {before}")}</a>
            })}
            <ul class="years">{years}</ul>
            {(after <= last.year()).then(|| view! {
                <a class="year-step" href=year_href(after) rel="next">{format!("{after} ›")}</a>
            })}
            <form class="month-jump" method="get" action="/calendar">
                <label>"Month " <input type="month" name="month"
                    min=first.format("%Y-%m").to_string() max=last.format("%Y-%m").to_string()
                    value=from.format("%Y-%m").to_string()/></label>
                <button type="submit">"Show"</button>
            </form>
        </nav>
    }
}

/// One day: its date, IOP, operations, product counts and tags.
#[component]
fn DayCell(day: CalendarDay, colour: Option<usize>, first: bool) -> impl IntoView {
    let links = use_links();
    let mut class = String::from("day");
    if let Some(c) = colour {
        class.push_str(&format!(" iop iop-{c}"));
    }
    if day.is_quiet() {
        class.push_str(" quiet");
    }
    let products = day.products();
    let label = date_label(day.day, first);
    let families = day
        .families
        .iter()
        .map(|f| {
            view! {
                <li class=format!("family fam-{}", f.family.key()) title=f.family.label()>
                    {format!("{} {}", f.family.label(), f.count)}
                </li>
            }
        })
        .collect_view();
    let operations = day
        .operations
        .iter()
        .map(|o| {
            view! {
                <li class="op" data-status=o.status.as_str()>
                    {format!("{} ({})", o.code, o.status.label())}
                </li>
            }
        })
        .collect_view();
    let tags = day
        .tags
        .iter()
        .map(|t| view! { <li class="tag">{t.clone()}</li> })
        .collect_view();
    let summary = format!(
        "{}: {products} products, {} operations{}",
        day.day.format("%A %-d %B %Y"),
        day.operations.len(),
        if day.iops.is_empty() {
            String::new()
        } else {
            format!(", {}", day.iops.join(", "))
        }
    );
    view! {
        <li class=class>
            <a href=links.day(day.day).unwrap_or_default() rel="external" aria-label=summary>
                <span class="date">{label}</span>
                {(!day.iops.is_empty()).then(|| view! { <span class="iop-name">{day.iops.join(", ")}</span> })}
                <ul class="ops">{operations}</ul>
                <ul class="families">{families}</ul>
                <ul class="tags">{tags}</ul>
            </a>
        </li>
    }
}

/// `1 Aug` on the first of a month and of the calendar, else the day's number.
fn date_label(day: NaiveDate, first: bool) -> String {
    if first || day.day() == 1 {
        day.format("%-d %b").to_string()
    } else {
        day.format("%-d").to_string()
    }
}

#[server(endpoint = "calendar")]
pub async fn load_calendar(
    from: Option<String>,
    to: Option<String>,
    month: Option<String>,
) -> Result<Calendar, ServerFnError> {
    use model::days::{month_span, opening_span};
    let catalogue = crate::ssr::catalogue()?;
    let visibility = crate::ssr::reader().visibility();
    let today = chrono::Utc::now().date_naive();
    let campaign = catalogue
        .campaign_days(visibility)
        .await
        .map_err(crate::ssr::internal)?;
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
        .map_err(crate::ssr::internal)?;
    calendar.campaign = campaign;
    Ok(calendar)
}
