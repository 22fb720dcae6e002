//! `/days/{day}`: one day of the campaign — its IOP, operations with their
//! decisions and reports, briefings, each lane's key products at chosen
//! hours (`?hours=0,6,12,18`), and the case studies touching it.

use chrono::{Duration, NaiveDate};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use model::days::{day_start, DayLane, DayPage};
use model::expected::{delay_text, Punctuality};
use model::operations::{Briefing, OperationDetail};
use model::Product;

use crate::components::loaded::when_found;
use crate::components::ops_header::{OpsHeader, StatusBadge};
use crate::links::new_case_href;
use crate::links::use_links;
use crate::operations::utc;

#[component]
pub fn DayView() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let asked = move || {
        (
            params.with(|p| p.get("day").unwrap_or_default()),
            query.with(|q| q.get("hours").unwrap_or_default()),
        )
    };
    let loaded = Resource::new_blocking(asked, |(day, hours)| load_day(day, hours));
    view! {
        <main class="ops-page day-page">
            <OpsHeader title="Day"/>
            {when_found(loaded, "No such day (YYYY-MM-DD).", move |page| view! { <DayBody page/> })}
        </main>
    }
}

/// The day's page itself.
#[component]
pub fn DayBody(page: DayPage) -> impl IntoView {
    let links = use_links();
    let day = page.day;
    let iops = page
        .iops
        .iter()
        .map(|i| {
            view! {
                <li><strong>{i.name.clone()}</strong>" "{i.objectives.clone()}</li>
            }
        })
        .collect_view();
    let empty = page.operations.is_empty() && page.lanes.is_empty() && page.briefings.is_empty();
    // Key products ticked to pin in a new case study of the day.
    let pins: RwSignal<Vec<i64>> = RwSignal::new(Vec::new());
    let new_case = move || {
        pins.with(|pins| new_case_href(day_start(day), day_start(day) + Duration::days(1), pins))
    };
    view! {
        <article class="day">
            <DayNav day/>
            <ul class="day-iops">{iops}</ul>
            {empty.then(|| view! { <p class="muted">"Nothing was planned, flown or received this day."</p> })}
            <Operations operations=page.operations/>
            <Briefings briefings=page.briefings/>
            <KeyProducts hours=page.hours lanes=page.lanes pins/>
            <Punctual rows=page.punctuality/>
            <section class="day-cases">
                <h3>"Case studies"</h3>
                <ul>
                    {page.case_studies.into_iter().map(|c| view! {
                        <li>
                            <a href=links.case_study(&c.slug) rel="external">{c.title}</a>
                            {(!c.published).then(|| view! { " " <span class="badge">"Draft"</span> })}
                        </li>
                    }).collect_view()}
                </ul>
                {links.is_live().then(|| view! {
                    <a class="button new-case" href=new_case rel="external">
                        "New case study from this day"
                        {move || pins.with(|p| match p.len() {
                            0 => String::new(),
                            1 => " with 1 pinned product".to_string(),
                            n => format!(" with {n} pinned products"),
                        })}
                    </a>
                })}
            </section>
        </article>
    }
}

/// How punctual each source was with the day's runs (or valid times):
/// the campaign report's table, for the products whose deadline passed.
#[component]
fn Punctual(rows: Vec<Punctuality>) -> impl IntoView {
    let delay = |s: Option<i64>| s.map_or_else(|| "—".to_string(), delay_text);
    (!rows.is_empty()).then(|| {
        let rows = rows
            .into_iter()
            .map(|p| {
                let share = p
                    .on_time_share
                    .map_or_else(|| "—".to_string(), |s| format!("{:.0} %", s * 100.0));
                let missed = p
                    .runs_missed
                    .iter()
                    .map(|r| r.format("%Hz").to_string())
                    .collect::<Vec<_>>()
                    .join(", ");
                let key = p.source.clone();
                view! {
                    <tr data-source=key>
                        <td>{p.source}</td>
                        <td>{format!("{} of {}", p.arrived, p.expected)}</td>
                        <td>{format!("{} ({share})", p.on_time)}</td>
                        <td>{delay(p.median_delay_s)}</td>
                        <td>{delay(p.worst_delay_s)}</td>
                        <td>{p.absent}</td>
                        <td>{missed}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <section class="day-punctuality">
                <h3>"Punctuality"</h3>
                <table>
                    <thead><tr>
                        <th>"Source"</th><th>"Came"</th><th>"On time"</th><th>"Median delay"</th>
                        <th>"Worst"</th><th>"Never came"</th><th>"Runs missed"</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </section>
        }
    })
}

#[component]
fn Briefings(briefings: Vec<Briefing>) -> impl IntoView {
    let links = use_links();
    (!briefings.is_empty()).then(|| {
        view! {
            <section class="day-briefings">
                <h3>"Briefings"</h3>
                <ul>
                    {briefings.into_iter().map(|b| {
                        let label = format!("{} — {} ({})", b.at.format("%H:%M UTC"), b.title, b.presenter);
                        match links.briefing(b.id) {
                            Some(href) => view! { <li><a href=href rel="external">{label}</a></li> }.into_any(),
                            None => view! { <li>{label}</li> }.into_any(),
                        }
                    }).collect_view()}
                </ul>
            </section>
        }
    })
}

/// The day's title and the ways on: the day before and after, the
/// calendar, the board at that day.
#[component]
fn DayNav(day: NaiveDate) -> impl IntoView {
    let links = use_links();
    let before = day.pred_opt().and_then(|d| links.day(d));
    let after = day.succ_opt().and_then(|d| links.day(d));
    view! {
        <h2 class="day-title">{day.format("%A %-d %B %Y").to_string()}</h2>
        <nav class="day-nav" aria-label="Days">
            {before.map(|href| view! { <a href=href rel="external">"← Day before"</a> })}
            <a href=links.calendar() rel="external">"Calendar"</a>
            {links.is_live().then(|| view! {
                <a href=format!("/?at={day}T12:00&span=24") rel="external">"On the board"</a>
            })}
            {after.map(|href| view! { <a href=href rel="external">"Day after →"</a> })}
        </nav>
    }
}

#[component]
fn Operations(operations: Vec<OperationDetail>) -> impl IntoView {
    let links = use_links();
    (!operations.is_empty()).then(|| {
        view! {
            <section class="day-operations">
                <h3>"Operations"</h3>
                {operations.into_iter().map(|detail| {
                    let operation = detail.operation;
                    let heading = format!("{} — {}", operation.code, operation.plan.title);
                    let title = match links.operation(operation.id) {
                        Some(href) => view! { <a href=href rel="external">{heading}</a> }.into_any(),
                        None => view! { <span>{heading}</span> }.into_any(),
                    };
                    let report = detail.report.map(|seen| {
                        let sections = seen.report.sections;
                        view! {
                            <details class="day-report">
                                <summary>{format!("Report by {}", seen.report.author)}</summary>
                                <p>{sections.track_summary}</p>
                                <p>{sections.conditions}</p>
                                <p>{sections.impressions}</p>
                            </details>
                        }
                    });
                    view! {
                        <article class="day-operation">
                            <h4>{title}" "<StatusBadge status=operation.status/></h4>
                            <p class="muted">{format!("{} · planned {}", operation.plan.platform, utc(operation.plan.planned_start))}</p>
                            <ol class="decisions">
                                {detail.decisions.into_iter().map(|seen| {
                                    let d = seen.decision;
                                    view! {
                                        <li>
                                            <span class="when">{utc(d.at)}</span>" "
                                            {format!("{} → {} by {}", d.from.label(), d.to.label(), d.author)}
                                            {(!d.rationale.is_empty()).then(|| view! { <q>{d.rationale.clone()}</q> })}
                                        </li>
                                    }
                                }).collect_view()}
                            </ol>
                            {report}
                        </article>
                    }
                }).collect_view()}
            </section>
        }
    })
}

/// A table: one row per lane, one column per hour, the key product's
/// thumbnail in each cell.
#[component]
fn KeyProducts(hours: Vec<u32>, lanes: Vec<DayLane>, pins: RwSignal<Vec<i64>>) -> impl IntoView {
    (!lanes.is_empty()).then(|| {
        let head = hours
            .iter()
            .map(|h| view! { <th scope="col">{format!("{h:02} UTC")}</th> })
            .collect_view();
        let rows = lanes
            .into_iter()
            .map(|lane| {
                let name = format!("{}.{}", lane.category, lane.platform);
                view! {
                    <tr>
                        <th scope="row">{name}<span class="muted">{format!(" ({})", lane.count)}</span></th>
                        {lane.slots.into_iter().map(|slot| view! {
                            <td>{slot.product.map(|p| view! { <KeyProduct product=p pins/> })}</td>
                        }).collect_view()}
                    </tr>
                }
            })
            .collect_view();
        view! {
            <section class="day-products">
                <h3>"Key products"</h3>
                <div class="day-products-scroll">
                    <table>
                        <thead><tr><th scope="col">"Lane"</th>{head}</tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            </section>
        }
    })
}

#[component]
fn KeyProduct(product: Product, pins: RwSignal<Vec<i64>>) -> impl IntoView {
    let links = use_links();
    let id = product.id;
    let pin = links.is_live().then(|| {
        let toggle = move |ev| {
            let on = event_target_checked(&ev);
            pins.update(|pins| {
                pins.retain(|p| *p != id);
                if on {
                    pins.push(id);
                }
            });
        };
        view! {
            <label class="pin-key">
                <input type="checkbox" name="pin" value=id on:change=toggle
                    prop:checked=move || pins.with(|p| p.contains(&id))/>
                " Pin"
            </label>
        }
    });
    let label = format!("{} {}", product.product, product.valid_time.format("%H:%M"));
    let picture = product
        .thumbnail_url
        .as_deref()
        .map(|src| links.asset(src))
        .map(
            |src| view! { <img src=src alt=product.file_name.clone() loading="lazy" width="160"/> },
        );
    view! {
        <a class="key-product" href=links.product(&product) rel="external">
            {picture}
            <span>{label}</span>
        </a>
        {pin}
    }
}

#[server(endpoint = "day")]
pub async fn load_day(day: String, hours: String) -> Result<Option<DayPage>, ServerFnError> {
    let Ok(day) = day.parse::<chrono::NaiveDate>() else {
        return Ok(None);
    };
    let catalogue = crate::ssr::catalogue()?;
    let visibility = crate::ssr::reader().visibility();
    let hours = model::days::parse_hours(&hours);
    let mut page = catalogue
        .day_page(day, &hours, visibility)
        .await
        .map_err(crate::ssr::internal)?;
    page.punctuality = crate::ssr::punctuality(
        day_start(day),
        day_start(day) + Duration::days(1) - Duration::seconds(1),
        visibility,
    );
    Ok(Some(page))
}
