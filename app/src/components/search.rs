//! Search beyond the loaded stretch: while the filter has words, the
//! products of the whole catalogue that have them, any year, each a link
//! that takes the window there and opens it. Asked of the server, so it is
//! rendered without JavaScript too.

use leptos::prelude::*;
use model::Product;

use crate::pages::board::load::{search_products, SEARCH_RESULTS};
use crate::state::use_dash;
use crate::window::short_label;

#[component]
pub fn SearchResults() -> impl IntoView {
    let dash = use_dash();
    let words = Memo::new(move |_| dash.filter.with(|f| f.text.clone()));
    let found = Resource::new(
        move || words.get(),
        |text| async move {
            if text.trim().is_empty() {
                Ok(Vec::new())
            } else {
                search_products(text).await
            }
        },
    );
    view! {
        <Show when=move || words.with(|w| !w.trim().is_empty())>
            <section class="panel search-results" aria-labelledby="search-title">
                <Transition fallback=|| view! { <p class="loading">"Searching the catalogue…"</p> }>
                    {move || Suspend::new(async move {
                        match found.await {
                            Ok(products) => view! { <Found products/> }.into_any(),
                            Err(error) => view! { <p class="error">"Search failed: " {error.to_string()}</p> }.into_any(),
                        }
                    })}
                </Transition>
            </section>
        </Show>
    }
}

#[component]
fn Found(products: Vec<Product>) -> impl IntoView {
    let dash = use_dash();
    let count = products.len();
    let heading = match count {
        0 => "Nothing in the whole catalogue has these words.".to_string(),
        n if n as i64 >= SEARCH_RESULTS => format!("The {n} newest of the whole catalogue"),
        n => format!("{n} in the whole catalogue"),
    };
    view! {
        <h2 id="search-title">{heading}</h2>
        <ol class="found">
            {products
                .into_iter()
                .map(|p| {
                    let (id, valid) = (p.id, p.valid_time);
                    let title = p.meta.title.clone();
                    view! {
                        <li>
                            <a href=move || dash.href(|v| v.jumped_to(valid).with_open(Some(id))) data-noscroll="" data-id=id>
                                {p.file_name.clone()}
                            </a>
                            {title.map(|t| view! { <span class="found-title">{t}</span> })}
                            <time datetime=valid.to_rfc3339()>{move || short_label(valid, dash.now.get())}</time>
                        </li>
                    }
                })
                .collect_view()}
        </ol>
    }
}
