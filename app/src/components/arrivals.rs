//! The newest arrivals, newest first: what a provider checks after a drop.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use products::Product;

/// How many arrivals are listed.
const SHOWN: usize = 12;

#[component]
pub fn Arrivals(
    products: RwSignal<Vec<Product>>,
    now: DateTime<Utc>,
    selected: RwSignal<Option<Product>>,
) -> impl IntoView {
    let recent = Memo::new(move |_| {
        products.with(|list| {
            // Runs on every live event: order references, clone only the few shown.
            let mut newest: Vec<&Product> = list.iter().collect();
            newest.sort_unstable_by(|a, b| b.ingested_at.cmp(&a.ingested_at).then(b.id.cmp(&a.id)));
            newest.into_iter().take(SHOWN).cloned().collect::<Vec<_>>()
        })
    });
    view! {
        <section class="panel arrivals" aria-labelledby="arrivals-title">
            <h2 id="arrivals-title">"Latest arrivals"</h2>
            <Show when=move || recent.with(|r| !r.is_empty()) fallback=|| view! { <p class="empty">"Nothing yet: drop a file in the incoming folder."</p> }>
                <ol>
                    <For each=move || recent.get() key=|p| p.id let:product>
                        <Arrival product now selected/>
                    </For>
                </ol>
            </Show>
        </section>
    }
    .into_any()
}

#[component]
fn Arrival(
    product: Product,
    now: DateTime<Utc>,
    selected: RwSignal<Option<Product>>,
) -> impl IntoView {
    let image = product.is_image();
    let fresh = product.ingested_at > now;
    let at = product.ingested_at.format("%H:%M:%S").to_string();
    let open = product.clone();
    view! {
        <li class:fresh=fresh>
            <a
                href=product.file_url.clone()
                data-file-name=product.file_name.clone()
                on:click=move |ev| {
                    if image {
                        ev.prevent_default();
                        selected.set(Some(open.clone()));
                    }
                }
            >
                {product.file_name.clone()}
            </a>
            <time datetime=product.ingested_at.to_rfc3339()>{at}</time>
        </li>
    }
}
