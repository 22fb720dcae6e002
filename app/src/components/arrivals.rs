//! The newest arrivals, newest first: what a provider checks after a drop.

use leptos::prelude::*;
use products::Product;

use crate::dash::use_dash;

/// How many arrivals are listed.
const SHOWN: usize = 12;

#[component]
pub fn Arrivals() -> impl IntoView {
    let dash = use_dash();
    let recent = Memo::new(move |_| {
        dash.with_visible(|list| {
            // Runs on every live event: order references, clone only the few shown.
            let mut newest = list;
            newest.sort_unstable_by(|a, b| b.ingested_at.cmp(&a.ingested_at).then(b.id.cmp(&a.id)));
            newest.into_iter().take(SHOWN).cloned().collect::<Vec<_>>()
        })
    });
    view! {
        <section class="panel arrivals" aria-labelledby="arrivals-title">
            <h2 id="arrivals-title">"Latest arrivals"</h2>
            <Show when=move || recent.with(|r| !r.is_empty()) fallback=|| view! { <p class="empty">"Nothing yet: drop a file in the incoming folder."</p> }>
                <ol>
                    <For each=move || recent.get() key=|p| (p.id, p.version) let:product>
                        <Arrival product/>
                    </For>
                </ol>
            </Show>
        </section>
    }
}

#[component]
fn Arrival(product: Product) -> impl IntoView {
    let dash = use_dash();
    let fresh = product.ingested_at > dash.opened;
    let at = product.ingested_at.format("%H:%M:%S").to_string();
    let id = product.id;
    view! {
        <li class:fresh=fresh>
            <a href=move || dash.href(|v| v.with_open(Some(id))) data-noscroll="" data-file-name=product.file_name.clone()>
                {product.file_name.clone()}
            </a>
            <time datetime=product.ingested_at.to_rfc3339()>{at}</time>
        </li>
    }
}
