//! Run-to-run: one forecast field at one valid time, from every run that
//! covers it, newest first, side by side, to judge whether the forecast holds.

use leptos::prelude::*;

use crate::components::situation::Thumb;
use crate::dash::use_dash;
use crate::select;

#[component]
pub fn RunToRun() -> impl IntoView {
    let dash = use_dash();
    let chosen = Memo::new(move |_| dash.view.with(|v| v.runs.clone()));
    move || {
        chosen.get().map(|(lane, valid)| {
            let runs = {
                let lane = lane.clone();
                Memo::new(move |_| {
                    dash.products
                        .with(|list| select::runs(list, &lane, valid).into_iter().cloned().collect::<Vec<_>>())
                })
            };
            view! {
                <section class="panel runs" aria-labelledby="runs-title" data-lane=lane.id() data-valid=products::name::format_time(valid)>
                    <h2 id="runs-title">
                        "Run to run: " {lane.platform.clone()} " · " {lane.field.clone()}
                        " valid " {valid.format("%a %d %b %H:%M UTC").to_string()}
                    </h2>
                    <a class="close" href=move || dash.href(|v| v.with_runs(None)) data-noscroll="" aria-label="Close run-to-run">"×"</a>
                    <Show when=move || runs.with(|r| !r.is_empty()) fallback=|| view! { <p class="empty">"No run covers this time."</p> }>
                        <ol class="run-list">
                            <For each=move || runs.get() key=|p| (p.id, p.version, p.thumbnail_url.is_some()) let:p>
                                <li class="run-card" data-id=p.id>
                                    <a href=move || dash.href(|v| v.with_open(Some(p.id))) data-noscroll="">
                                        <Thumb product=p.clone()/>
                                        <span class="run-label">
                                            {p.run_time.map(|r| format!("run {} UTC", r.format("%d %b %H:%M"))).unwrap_or_default()}
                                            {p.lead_hours.map(|l| format!(" · +{l} h")).unwrap_or_default()}
                                        </span>
                                    </a>
                                </li>
                            </For>
                        </ol>
                    </Show>
                </section>
            }
        })
    }
}
