//! The arrivals history, newest first: what a provider checks after a drop,
//! and what came in overnight. The first page comes with the board and
//! stays live; older pages and a filter are asked of the server, so the
//! whole history is reachable however busy the feed.

use leptos::prelude::*;
use model::record::ArrivalCursor;
use model::Product;

use crate::pages::board::load::ARRIVALS_PAGE;
use crate::state::use_dash;
use crate::window::arrival_label;

#[component]
pub fn Arrivals() -> impl IntoView {
    let dash = use_dash();
    // The filter of the history (words of names or titles), and whether the
    // server has nothing older to give.
    let text = RwSignal::new(String::new());
    let exhausted = RwSignal::new(
        dash.arrivals
            .with_untracked(|a| (a.len() as i64) < ARRIVALS_PAGE),
    );
    let loading = RwSignal::new(false);
    let fetch = move |before: Option<ArrivalCursor>| {
        let words = text.get_untracked();
        loading.set(true);
        leptos::task::spawn_local(async move {
            let page = crate::pages::board::load::load_arrivals(before, words).await;
            loading.set(false);
            match page {
                Ok(page) => {
                    exhausted.set((page.len() as i64) < ARRIVALS_PAGE);
                    dash.arrivals.update(|list| {
                        if before.is_none() {
                            list.clear();
                        }
                        list.extend(page);
                    });
                }
                Err(error) => leptos::logging::warn!("arrivals: {error}"),
            }
        });
    };
    let older = move |_| {
        fetch(
            dash.arrivals
                .with_untracked(|a| a.last().map(ArrivalCursor::of)),
        )
    };
    let filter = move |ev: leptos::ev::Event| {
        text.set(event_target_value(&ev));
        fetch(None);
    };
    view! {
        <section class="panel arrivals" aria-labelledby="arrivals-title">
            <h2 id="arrivals-title">"Arrivals"</h2>
            <input
                type="search"
                class="arrivals-filter"
                placeholder="Filter arrivals…"
                aria-label="Filter arrivals"
                on:input=filter
            />
            <Show
                when=move || dash.arrivals.with(|r| !r.is_empty())
                fallback=|| view! { <p class="empty">"Nothing yet: drop a file in the incoming folder."</p> }
            >
                <ol class="arrival-list">
                    <For each=move || dash.arrivals.get() key=|p| (p.id, p.version, p.thumbnail_url.is_some()) let:product>
                        <Arrival product/>
                    </For>
                </ol>
            </Show>
            <button
                type="button"
                class="control more"
                disabled=move || exhausted.get() || loading.get()
                on:click=older
            >
                {move || if exhausted.get() { "No older arrivals" } else { "Older arrivals" }}
            </button>
        </section>
    }
}

#[component]
fn Arrival(product: Product) -> impl IntoView {
    let dash = use_dash();
    let fresh = product.ingested_at > dash.opened;
    let at = product.ingested_at;
    let id = product.id;
    let (valid, time) = (product.valid_time, product.time);
    // In the loaded stretch it opens in place; elsewhere the window goes
    // there. (The stretch, not a search of the list: this runs for every
    // arrival on every live event.)
    let href = move || {
        let loaded = dash.loaded.with(|(from, to)| (*from..=*to).contains(&time));
        dash.href(|v| {
            if loaded {
                v.with_open(Some(id))
            } else {
                v.jumped_to(valid).with_open(Some(id))
            }
        })
    };
    let version = (product.version > 1).then(|| format!(" v{}", product.version));
    view! {
        <li class:fresh=fresh>
            <a href=href data-noscroll="" data-file-name=product.file_name.clone()>
                {product.file_name.clone()}
            </a>
            {version.map(|v| view! { <span class="version">{v}</span> })}
            <time datetime=at.to_rfc3339()>
                {move || arrival_label(at, dash.now.get())}
            </time>
        </li>
    }
}
