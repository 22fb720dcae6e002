//! The keyboard help, opened with `?`.

use leptos::prelude::*;

use crate::state::use_dash;

/// Every shortcut, as the keyboard handler in `browser.rs` implements it.
const KEYS: [(&str, &str); 12] = [
    (
        "← →",
        "Previous / next product time (in the viewer: frame; in run-to-run: valid time)",
    ),
    (
        "+ −",
        "Zoom in / out (also the mouse wheel over the timeline)",
    ),
    ("pinch", "Zoom the timeline on a touch screen"),
    ("drag", "Pan the timeline"),
    ("Tab, Enter", "Reach a mark of the timeline and open it"),
    ("click on the axis", "Put the time cursor there"),
    ("n", "Cursor back to now"),
    ("f", "Follow now on / off"),
    ("space", "Play / pause the loop in the viewer"),
    ("Esc", "Close the viewer, the run-to-run or this help"),
    ("?", "Show / hide this help"),
    ("+ beside a lane", "Add the lane to the situation grid"),
];

#[component]
pub fn Help() -> impl IntoView {
    let dash = use_dash();
    move || {
        dash.help.get().then(|| {
            view! {
                <div class="help" role="dialog" aria-modal="true" aria-labelledby="help-title">
                    <div class="help-box">
                        <h2 id="help-title">"Keyboard and mouse"</h2>
                        <dl>
                            {KEYS.into_iter().map(|(key, what)| view! { <dt><kbd>{key}</kbd></dt><dd>{what}</dd> }).collect_view()}
                        </dl>
                        <button type="button" on:click=move |_| dash.help.set(false)>"Close"</button>
                    </div>
                </div>
            }
        })
    }
}
