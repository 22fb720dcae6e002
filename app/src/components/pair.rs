//! Any two products side by side, at full size: the morning's satellite
//! image against the forecast for the same hour, two stations' plots, a
//! product and its previous version. Pinned from the viewer, then compared
//! with the next one opened (`pin`, then `pair=A,B`), in the same ways as
//! run-to-run.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use model::Product;

use crate::components::briefing_add::{view_item, AddToBriefing};
use crate::components::runs::{ModeLinks, Stage};
use crate::state::use_dash;
use crate::window::short_label;

#[component]
pub fn PairCompare() -> impl IntoView {
    let dash = use_dash();
    let chosen = Memo::new(move |_| dash.view.with(|v| v.pair));
    move || chosen.get().map(|(a, b)| view! { <PairDialog a b/> })
}

#[component]
fn PairDialog(a: i64, b: i64) -> impl IntoView {
    let dash = use_dash();
    let pair = Memo::new(move |_| (dash.product(a), dash.product(b)));
    let mode = Signal::derive(move || dash.view.with(|v| v.compare.mode));
    view! {
        <section class="runs pair" role="dialog" aria-label="Two products compared" data-a=a data-b=b>
            <div class="runs-bar">
                <h2 class="runs-title">"Two products compared"</h2>
                <ModeLinks/>
                <AddToBriefing item=Signal::derive(move || pair.with(|(a, b)| {
                    view_item(format!("/{}", dash.href(Clone::clone)), a.iter().chain(b))
                }))/>
                <a class="close" href=move || dash.href(|v| v.with_pair(None)) data-noscroll="" aria-label="Close the comparison">"×"</a>
            </div>
            <Stage pair mode caption=product_label/>
        </section>
    }
}

fn product_label(product: &Product, now: DateTime<Utc>) -> String {
    format!(
        "{} · valid {} UTC",
        product.file_name,
        short_label(product.valid_time, now)
    )
}
