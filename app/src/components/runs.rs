//! Run-to-run: one forecast field at one valid time from every run that
//! covers it, to judge whether the forecast holds. Opens over the board at
//! full size: two runs side by side, or flickered or swiped in one place,
//! both stepped together through valid times (`←`/`→`), the list of runs
//! above to choose which two.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use model::Product;

use crate::compare::{Compare, CompareMode};
use crate::components::briefing_add::{view_item, AddToBriefing};
use crate::components::situation::Thumb;
use crate::select::picture;
use crate::select::{self, LaneKey};
use crate::state::use_dash;
use crate::window::{moment_label, short_label};

#[component]
pub fn RunToRun() -> impl IntoView {
    let dash = use_dash();
    let chosen = Memo::new(move |_| dash.view.with(|v| v.runs.clone()));
    move || {
        chosen
            .get()
            .map(|(lane, valid)| view! { <RunsDialog lane valid/> })
    }
}

#[component]
fn RunsDialog(lane: LaneKey, valid: DateTime<Utc>) -> impl IntoView {
    let dash = use_dash();
    let runs = {
        let lane = lane.clone();
        Memo::new(move |_| {
            dash.products.with(|list| {
                select::runs(list, &lane, valid)
                    .into_iter()
                    .cloned()
                    .collect::<Vec<_>>()
            })
        })
    };
    let compare = Memo::new(move |_| dash.view.with(|v| v.compare.clone()));
    let pair = Memo::new(move |_| {
        runs.with(|runs| {
            let refs: Vec<&Product> = runs.iter().collect();
            let (a, b) = compare.with(|c| c.pick(&refs));
            (a.cloned(), b.cloned())
        })
    });
    // Both pictures step together, along the valid times of the first run.
    let step = {
        let lane = lane.clone();
        move |forward: bool| {
            let run = pair.with(|(a, _)| a.as_ref().and_then(|p| p.run_time));
            dash.products
                .with(|list| select::valid_step(list, &lane, run, valid, forward))
                .map(|t| dash.href(|v| v.with_runs(Some((lane.clone(), t)))))
        }
    };
    let step_link = move |forward: bool, label: &'static str, text: &'static str| {
        let step = step.clone();
        move || {
            match step(forward) {
            Some(href) => view! { <a class="control" href=href data-noscroll="" aria-label=label title=label>{text}</a> }.into_any(),
            None => view! { <button type="button" class="control" disabled aria-label=label title=label>{text}</button> }.into_any(),
        }
        }
    };
    let mode = move || compare.with(|c| c.mode);
    let title = format!(
        "Run to run: {} · {} valid {}",
        lane.platform,
        lane.field,
        moment_label(valid, dash.now.get_untracked())
    );
    view! {
        <section class="runs" role="dialog" aria-label=title.clone() data-lane=lane.id() data-valid=model::name::format_time(valid)>
            <div class="runs-bar">
                <h2 class="runs-title">{title.clone()}</h2>
                {step_link(false, "Earlier valid time, both runs (←)", "◀")}
                {step_link(true, "Later valid time, both runs (→)", "▶")}
                <ModeLinks/>
                <AddToBriefing item=Signal::derive(move || pair.with(|(a, b)| {
                    view_item(format!("/{}", dash.href(Clone::clone)), a.iter().chain(b))
                }))/>
                <a class="close" href=move || dash.href(|v| v.with_runs(None)) data-noscroll="" aria-label="Close run-to-run">"×"</a>
            </div>
            <Show when=move || runs.with(|r| !r.is_empty()) fallback=|| view! { <p class="empty">"No run covers this time."</p> }>
                <ol class="run-list" aria-label="Runs valid at this time, newest first">
                    <For each=move || runs.get() key=|p| (p.id, p.version, p.thumbnail_url.is_some()) let:p>
                        <RunCard product=p pair/>
                    </For>
                </ol>
                <Stage pair mode=Signal::derive(mode) caption=run_label/>
            </Show>
        </section>
    }
}

/// A run in the list: its thumbnail (opens the viewer) and which side it is on.
#[component]
fn RunCard(product: Product, pair: Memo<(Option<Product>, Option<Product>)>) -> impl IntoView {
    let dash = use_dash();
    let id = product.id;
    let run = product.run_time;
    let side = move |which: usize| {
        pair.with(|(a, b)| {
            let p = if which == 0 { a } else { b };
            p.as_ref().is_some_and(|p| p.id == id)
        })
    };
    let choose = move |which: usize| {
        dash.href(|v| {
            let compare = if which == 0 {
                Compare {
                    a: run,
                    ..v.compare.clone()
                }
            } else {
                Compare {
                    b: run,
                    ..v.compare.clone()
                }
            };
            v.with_compare(compare)
        })
    };
    let label = run_label(&product, dash.now.get_untracked());
    view! {
        <li class="run-card" data-id=id class:a=move || side(0) class:b=move || side(1)>
            <a href=move || dash.href(|v| v.with_open(Some(id))) data-noscroll="">
                <Thumb product=product.clone()/>
            </a>
            <span class="run-label">{label.clone()}</span>
            <span class="sides">
                <a class="side-pick" class:on=move || side(0) href=move || choose(0) data-noscroll="" aria-label=format!("Show {label} as A")>"A"</a>
                <a class="side-pick" class:on=move || side(1) href=move || choose(1) data-noscroll="" aria-label=format!("Show {label} as B")>"B"</a>
            </span>
        </li>
    }
}

fn run_label(product: &Product, now: DateTime<Utc>) -> String {
    let run = product
        .run_time
        .map(|r| format!("run {} UTC", short_label(r, now)))
        .unwrap_or_default();
    let lead = product
        .lead_hours
        .map(|l| format!(" · +{l} h"))
        .unwrap_or_default();
    format!("{run}{lead}")
}

/// The ways of comparing, as links (the mode is part of the view).
#[component]
pub fn ModeLinks() -> impl IntoView {
    let dash = use_dash();
    let mode = move || dash.view.with(|v| v.compare.mode);
    let links = CompareMode::ALL
        .into_iter()
        .map(|m| {
            view! {
                <a
                    class="control mode"
                    class:on=move || mode() == m
                    aria-pressed=move || (mode() == m).to_string()
                    href=move || dash.href(|v| v.with_compare(Compare { mode: m, ..v.compare.clone() }))
                    data-noscroll=""
                >
                    {m.label()}
                </a>
            }
        })
        .collect_view();
    view! { <span class="modes" role="group" aria-label="Compare">{links}</span> }
}

/// The two pictures at full size, in the chosen mode, each captioned.
#[component]
pub fn Stage(
    pair: Memo<(Option<Product>, Option<Product>)>,
    mode: Signal<CompareMode>,
    caption: fn(&Product, DateTime<Utc>) -> String,
) -> impl IntoView {
    let dash = use_dash();
    let swipe = RwSignal::new(50.0_f64);
    let pane = move |which: usize| {
        move || {
            let product = pair.with(|(a, b)| if which == 0 { a.clone() } else { b.clone() });
            let side = if which == 0 { "A" } else { "B" };
            let class = if which == 0 {
                "pane pane-a"
            } else {
                "pane pane-b"
            };
            match product {
                Some(p) => {
                    let label = format!("{side} · {}", caption(&p, dash.now.get_untracked()));
                    let picture = match picture(&p) {
                        Some(src) => view! { <img src=src alt=p.file_name.clone()/> }.into_any(),
                        None => view! { <span class="thumb kind">{p.media_type.clone()}</span> }
                            .into_any(),
                    };
                    view! {
                        <figure class=class data-id=p.id>
                            {picture}
                            <figcaption>{label}</figcaption>
                        </figure>
                    }
                    .into_any()
                }
                None => view! {
                    <figure class=class>
                        <p class="empty">{format!("{side}: nothing to show.")}</p>
                    </figure>
                }
                .into_any(),
            }
        }
    };
    view! {
        <div class="stage" data-mode=move || mode.get().key() style=move || format!("--swipe: {:.1}%", swipe.get())>
            {pane(0)}
            {pane(1)}
            <Show when=move || mode.get() == CompareMode::Swipe>
                <input
                    class="swipe"
                    type="range"
                    min="0"
                    max="100"
                    step="0.5"
                    aria-label="Swipe: where B starts"
                    prop:value=move || swipe.get()
                    on:input=move |ev| {
                        if let Ok(v) = event_target_value(&ev).parse::<f64>() {
                            swipe.set(v.clamp(0.0, 100.0));
                        }
                    }
                />
            </Show>
        </div>
    }
}
