//! `/operations`: the mission table. Every operation with its status,
//! window, IOP and platform, sortable by any column, kept current by the
//! live stream, with the CSV and the calendar feed one click away.

use leptos::prelude::*;
use products::operations::{Operation, Platform};

use crate::components::connection::{ConnIndicator, ConnState};
use crate::operations::{load_missions, sorted, utc, Missions, SortKey};

#[component]
pub fn MissionsPage() -> impl IntoView {
    let loaded = Resource::new_blocking(|| (), |_| load_missions());
    view! {
        <main class="ops-page">
            <OpsHeader title="Operations"/>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || loaded.get().map(|loaded| match loaded {
                    Ok(missions) => view! { <MissionTable missions/> }.into_any(),
                    Err(error) => view! { <p class="login-error" role="alert">{error.to_string()}</p> }.into_any(),
                })}
            </Suspense>
        </main>
    }
}

/// The top of the operations pages: back to the board, the other pages.
#[component]
pub fn OpsHeader(title: &'static str) -> impl IntoView {
    view! {
        <header class="admin-top">
            <h1><a href="/" rel="external">"opsboard"</a></h1>
            <span class="admin-title">{title}</span>
            <a class="nav" href="/" rel="external">"Board"</a>
            <a class="nav" href="/operations" rel="external">"Operations"</a>
        </header>
    }
}

#[component]
fn MissionTable(missions: Missions) -> impl IntoView {
    let Missions {
        operations,
        platforms,
        last_seq,
    } = missions;
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
                if let products::EventKind::DecisionRecorded {
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
            <table class="mission-table">
                <thead>
                    <tr>
                        <SortHeader label="Code" key=SortKey::Code sort/>
                        <SortHeader label="Platform" key=SortKey::Platform sort/>
                        <SortHeader label="Status" key=SortKey::Status sort/>
                        <SortHeader label="Planned" key=SortKey::Start sort/>
                        <SortHeader label="IOP" key=SortKey::Iop sort/>
                        <th scope="col">"Title"</th>
                    </tr>
                </thead>
                <tbody>
                    <For each=rows key=|o| (o.id, o.updated_at, o.status) let:operation>
                        <MissionRow operation platforms=platforms.get_value()/>
                    </For>
                </tbody>
            </table>
            <Show when=move || operations.with(Vec::is_empty)>
                <p class="empty">"No operation planned yet."</p>
            </Show>
        </section>
    }
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
    view! {
        <tr data-code=operation.code.clone()>
            <td><a href=href rel="external">{operation.code.clone()}</a></td>
            <td><span class="swatch" style=format!("background:{colour}")></span>{operation.plan.platform.clone()}</td>
            <td><StatusBadge status=operation.status/></td>
            <td>{window}</td>
            <td>{operation.plan.iop.clone().unwrap_or_default()}</td>
            <td>{operation.plan.title.clone()}</td>
        </tr>
    }
}

/// An operation's status, coloured by what it means.
#[component]
pub fn StatusBadge(status: products::operations::Status) -> impl IntoView {
    view! { <span class="status-badge" data-status=status.as_str()>{status.label()}</span> }
}
