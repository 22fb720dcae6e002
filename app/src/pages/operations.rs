//! `/operations`: the mission table. Every operation with its status,
//! window, IOP and platform, sortable by any column, kept current by the
//! live stream, with the CSV and the calendar feed one click away.

use leptos::prelude::*;
use model::operations::{Operation, Platform};
use serde::{Deserialize, Serialize};

use crate::components::connection::{ConnIndicator, ConnState};
use crate::components::loaded::when_loaded;
use crate::components::ops_header::{OpsHeader, StatusBadge};
use crate::operations::{sorted, utc, SortKey};

#[component]
pub fn OperationsPage() -> impl IntoView {
    let loaded = Resource::new_blocking(|| (), |_| load_missions());
    view! {
        <main class="ops-page">
            <OpsHeader title="Operations"/>
            {when_loaded(loaded, move |missions| view! { <MissionTable missions/> })}
        </main>
    }
}

#[component]
fn MissionTable(missions: Missions) -> impl IntoView {
    let Missions {
        operations,
        platforms,
        iops,
        may_plan,
        briefings,
        last_seq,
    } = missions;
    let briefings = (!briefings.is_empty()).then(|| {
        view! {
            <section class="briefing-list">
                <h2>"Briefings"</h2>
                <ul>
                    {briefings.into_iter().map(|b| view! {
                        <li><a href=format!("/briefings/{}", b.id) rel="external">{b.title}</a> " — " {utc(b.at)} ", " {b.presenter}</li>
                    }).collect_view()}
                </ul>
            </section>
        }
        .into_any()
    });
    // Erased: the page's view type is otherwise too deep for the compiler.
    let plan_form =
        may_plan.then(|| view! { <PlanForm platforms=platforms.clone() iops/> }.into_any());
    let operations = RwSignal::new(operations);
    let sort = RwSignal::new((SortKey::Start, false));
    let conn = RwSignal::new(ConnState::Static);
    let now = RwSignal::new(chrono::Utc::now());
    // Offered once the browser says it has not been asked.
    let may_notify = RwSignal::new(false);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        may_notify.set(crate::notify::may_ask());
        crate::live::start(
            last_seq,
            conn,
            move |event| {
                if let model::EventKind::DecisionRecorded {
                    decision,
                    operation,
                } = &event.kind
                {
                    crate::notify::decision(decision, operation, None);
                }
                if let Some(operation) = crate::operations::operation_of(&event) {
                    operations.update(|list| crate::operations::upsert(list, operation));
                }
            },
            |_| {},
        );
    });
    let ask = move |_| {
        #[cfg(feature = "hydrate")]
        crate::notify::ask(move |_| may_notify.set(false));
    };
    #[cfg(not(feature = "hydrate"))]
    let _ = last_seq;
    let rows = move || {
        let (key, descending) = sort.get();
        sorted(operations.get(), key, descending)
    };
    let platforms = StoredValue::new(platforms);
    view! {
        <section class="missions">
            <p class="ops-links">
                <ConnIndicator state=conn now/>
                <a href="/api/v1/operations.csv" download="operations.csv">"Download CSV"</a>
                <a href="/api/v1/operations.ics">"Calendar feed (iCalendar)"</a>
                <Show when=move || may_notify.get()>
                    <button type="button" on:click=ask>"Notify me of decisions"</button>
                </Show>
            </p>
            {plan_form}
            {briefings}
            <table class="mission-table">
                <thead>
                    <tr>
                        <SortHeader label="Code" key=SortKey::Code sort/>
                        <SortHeader label="Platform" key=SortKey::Platform sort/>
                        <SortHeader label="Status" key=SortKey::Status sort/>
                        <SortHeader label="Planned" key=SortKey::Start sort/>
                        <SortHeader label="IOP" key=SortKey::Iop sort/>
                        <th scope="col">"Title"</th>
                        <th scope="col">"Report"</th>
                    </tr>
                </thead>
                <tbody>
                    <For each=rows key=|o| (o.id, o.updated_at, o.status, o.report_at) let:operation>
                        <MissionRow operation platforms=platforms.get_value()/>
                    </For>
                </tbody>
            </table>
            <Show when=move || operations.with(Vec::is_empty)>
                <p class="empty">"No operation planned yet."</p>
            </Show>
        </section>
    }
    .into_any()
}

/// A column header that sorts by its column, and reverses on a second click.
#[component]
fn SortHeader(label: &'static str, key: SortKey, sort: RwSignal<(SortKey, bool)>) -> impl IntoView {
    let state = move || match sort.get() {
        (k, false) if k == key => "ascending",
        (k, true) if k == key => "descending",
        _ => "none",
    };
    view! {
        <th scope="col" aria-sort=state>
            <button type="button" class="sort" on:click=move |_| sort.update(|(k, descending)| {
                *descending = *k == key && !*descending;
                *k = key;
            })>{label}</button>
        </th>
    }
}

#[component]
fn MissionRow(operation: Operation, platforms: Vec<Platform>) -> impl IntoView {
    let colour = platforms
        .iter()
        .find(|p| p.name == operation.plan.platform)
        .and_then(|p| p.colour.clone())
        .unwrap_or_else(|| "#888888".into());
    let window = match operation.plan.planned_end {
        Some(end) => format!(
            "{} – {}",
            utc(operation.plan.planned_start),
            end.format("%H:%M UTC")
        ),
        None => utc(operation.plan.planned_start),
    };
    let href = format!("/operations/{}", operation.id);
    let report = operation.report_at.map(|at| {
        let href = format!("{href}#report");
        view! { <a href=href rel="external" title=utc(at)>"Report"</a> }
    });
    view! {
        <tr data-code=operation.code.clone()>
            <td><a href=href rel="external">{operation.code.clone()}</a></td>
            <td><span class="swatch" style=format!("background:{colour}")></span>{operation.plan.platform.clone()}</td>
            <td><StatusBadge status=operation.status/></td>
            <td>{window}</td>
            <td>{operation.plan.iop.clone().unwrap_or_default()}</td>
            <td>{operation.plan.title.clone()}</td>
            <td>{report}</td>
        </tr>
    }
}

/// Plans an operation (scientists): platform, kind, title, window in UTC,
/// IOP and objectives. Sent as JSON; its page opens once it is planned.
#[component]
fn PlanForm(platforms: Vec<Platform>, iops: Vec<model::operations::Iop>) -> impl IntoView {
    let empty = || RwSignal::new(String::new());
    let first = platforms.first().map(|p| p.name.clone());
    let platform = RwSignal::new(first.unwrap_or_default());
    let kind = RwSignal::new("flight".to_string());
    let (title, start, end, iop, objectives) = (empty(), empty(), empty(), empty(), empty());
    let failed = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let utc = |local: String| (!local.is_empty()).then(|| format!("{local}:00Z"));
        let body = serde_json::json!({
            "platform": platform.get(), "kind": kind.get(), "title": title.get(),
            "planned_start": utc(start.get()), "planned_end": utc(end.get()),
            "iop": Some(iop.get()).filter(|i| !i.is_empty()),
            "objectives": objectives.get(),
        });
        #[cfg(feature = "hydrate")]
        crate::request::post_json(
            "/api/v1/operations",
            &body.to_string(),
            move |status, text| {
                let answer = serde_json::from_str::<serde_json::Value>(&text).unwrap_or_default();
                match (status, answer["id"].as_i64()) {
                    (201, Some(id)) => {
                        let _ = window().location().set_href(&format!("/operations/{id}"));
                    }
                    _ => failed.set(Some(crate::request::refusal(status, &text))),
                }
            },
        );
        #[cfg(not(feature = "hydrate"))]
        let _ = body;
    };
    let input = |signal: RwSignal<String>| move |ev| signal.set(event_target_value(&ev));
    view! {
        <details class="plan-form">
            <summary>"Plan an operation"</summary>
            <form class="decision-form" on:submit=submit>
                <label>"Platform "
                    <select name="platform" on:change=input(platform)>
                        {platforms.into_iter().map(|p| view! { <option value=p.name.clone()>{p.name.clone()}</option> }).collect_view()}
                    </select>
                </label>
                <label>"Kind "
                    <select name="kind" on:change=input(kind)>
                        <option value="flight">"flight"</option>
                        <option value="launch">"launch"</option>
                        <option value="track">"ship track"</option>
                    </select>
                </label>
                <label>"Title" <input type="text" name="title" required maxlength="200" on:input=input(title)/></label>
                <label>"Start (UTC) " <input type="datetime-local" name="planned_start" required on:input=input(start)/></label>
                <label>"End (UTC, none for a launch) " <input type="datetime-local" name="planned_end" on:input=input(end)/></label>
                <label>"IOP "
                    <select name="iop" on:change=input(iop)>
                        <option value="">"none"</option>
                        {iops.into_iter().map(|i| view! { <option value=i.name.clone()>{i.name.clone()}</option> }).collect_view()}
                    </select>
                </label>
                <label>"Objectives" <textarea name="objectives" rows="2" maxlength="10000" on:input=input(objectives)></textarea></label>
                <button type="submit" class="primary">"Plan"</button>
                {move || failed.get().map(|reason| view! { <p class="notice failed" role="alert">{reason}</p> })}
            </form>
        </details>
    }
}

/// The mission table's data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Missions {
    pub operations: Vec<Operation>,
    pub platforms: Vec<Platform>,
    pub iops: Vec<model::operations::Iop>,
    /// The reader is a scientist or an admin: the planning form is shown.
    pub may_plan: bool,
    /// Briefings of the last week and ahead.
    pub briefings: Vec<model::operations::Briefing>,
    /// The newest event before the lists were read: the live stream resumes
    /// after it (an event applied twice changes nothing).
    pub last_seq: i64,
}

#[server(endpoint = "missions")]
pub async fn load_missions() -> Result<Missions, ServerFnError> {
    let catalogue = crate::ssr::catalogue()?;
    let failed = crate::ssr::internal;
    let last_seq = catalogue.last_seq().await.map_err(failed)?;
    let query = catalogue::OperationQuery::default();
    Ok(Missions {
        operations: catalogue.operations(&query).await.map_err(failed)?,
        platforms: catalogue.platforms().await.map_err(failed)?,
        iops: catalogue.iops().await.map_err(failed)?,
        may_plan: crate::ssr::reader().is_at_least(model::Role::Scientist),
        briefings: catalogue
            .briefings(Some(chrono::Utc::now() - chrono::Duration::days(7)))
            .await
            .map_err(failed)?,
        last_seq,
    })
}
