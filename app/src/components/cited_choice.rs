//! Choosing among the products cited in this browser: a decision's
//! evidence, a report's attachments.

use leptos::prelude::*;

use crate::evidence::Pin;

/// The products cited in this browser (and any given before), each with a
/// box to tick: the evidence of a decision, the pins of a report.
#[component]
pub fn CitedChoice(
    legend: &'static str,
    #[prop(into)] cited: Signal<Vec<Pin>>,
    chosen: RwSignal<Vec<i64>>,
) -> impl IntoView {
    view! {
        <fieldset class="pinned">
            <legend>{legend}</legend>
            <Show when=move || cited.with(Vec::is_empty)>
                <p class="hint">"None cited: open a product on the board and choose “Cite as evidence”."</p>
            </Show>
            <For each=move || cited.get() key=|p| (p.product_id, p.version) let:pin>
                <label class="cited">
                    <input type="checkbox" value=pin.product_id
                        prop:checked=move || chosen.with(|c| c.contains(&pin.product_id))
                        on:change=move |_| chosen.update(|c| match c.iter().position(|&x| x == pin.product_id) {
                            Some(i) => { c.remove(i); }
                            None => c.push(pin.product_id),
                        })/>
                    {pin.label.clone()} " (v" {pin.version} ")"
                </label>
            </For>
        </fieldset>
    }
}
