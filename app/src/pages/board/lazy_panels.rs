//! The board's panels that most visits never open: the map, the run-to-run
//! and two products compared. Their code is fetched the first time one is
//! shown (split functions, as the pages in `lazy_pages`), so the first visit
//! over a satellite link carries the timeline, the situation and the viewer
//! only. A page whose URL opens one is rendered whole by the server, and the
//! browser fetches that panel's code before it hydrates.

use leptos::prelude::*;

use crate::components::map::MapPanel;
use crate::components::pair::PairCompare;
use crate::components::runs::RunToRun;
use crate::state::use_dash;

#[lazy]
fn map_panel() -> AnyView {
    view! { <MapPanel/> }.into_any()
}

#[lazy]
fn run_to_run() -> AnyView {
    view! { <RunToRun/> }.into_any()
}

#[lazy]
fn pair_compare() -> AnyView {
    view! { <PairCompare/> }.into_any()
}

/// The map panel, while the board shows its map.
#[component]
pub fn LazyMapPanel() -> impl IntoView {
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading the map…"</p> }>
            {Suspend::new(map_panel())}
        </Suspense>
    }
}

/// The run-to-run, while the view names one.
#[component]
pub fn LazyRunToRun() -> impl IntoView {
    let dash = use_dash();
    let open = Memo::new(move |_| dash.view.with(|v| v.runs.is_some()));
    view! {
        <Show when=move || open.get()>
            <Suspense>{Suspend::new(run_to_run())}</Suspense>
        </Show>
    }
}

/// Two products compared, while the view names them.
#[component]
pub fn LazyPairCompare() -> impl IntoView {
    let dash = use_dash();
    let open = Memo::new(move |_| dash.view.with(|v| v.pair.is_some()));
    view! {
        <Show when=move || open.get()>
            <Suspense>{Suspend::new(pair_compare())}</Suspense>
        </Show>
    }
}

/// Fetches the code of the panels the address `path?query` opens, before the
/// page hydrates: the server rendered them, and hydration must find their
/// code at hand (a panel still loading would not match what it sent).
#[cfg(feature = "hydrate")]
pub async fn preload(path: &str, query: &str) {
    let query = query.trim_start_matches('?');
    let view = crate::view::ViewState::from_query(|key| {
        form_urlencoded::parse(query.as_bytes())
            .find(|(name, _)| name == key)
            .map(|(_, value)| value.into_owned())
    });
    if path == "/map" || view.map {
        __preload_map_panel().await;
    }
    if view.runs.is_some() {
        __preload_run_to_run().await;
    }
    if view.pair.is_some() {
        __preload_pair_compare().await;
    }
}
