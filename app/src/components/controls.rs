//! The bar above the timeline: the time cursor and its steps, zoom, panning,
//! "follow now", and the filters. Every control is a link to the view it
//! leads to, so it works without JavaScript and can be opened in a new tab.

use leptos::either::Either;
use leptos::prelude::*;

use crate::components::filters::Filters;
use crate::links::new_case_href;
use crate::select;
use crate::state::use_dash;
use crate::view::{parse_at, ViewState, PRESETS};
use crate::window::moment_label;

#[component]
pub fn Controls() -> impl IntoView {
    let dash = use_dash();
    let now = move || dash.now.get();
    // Steps of the cursor, computed on the server too (links without JavaScript).
    let step = move |forward: bool| {
        let from = dash.cursor.get();
        dash.with_visible(|list| select::step(list, from, forward))
            .map(|t| dash.href(|v| v.with_cursor(Some(t), now())))
    };
    let zoom = move |steps: i32| {
        let view = dash.view.get();
        view.can_zoom(steps)
            .then(|| view.zoomed(steps, 0.5, now()).href())
    };
    let pan = move |fraction: f64| dash.href(|v| v.panned(fraction, now()));
    let follow = move || dash.view.with(ViewState::follows_now);
    view! {
        <nav class="controls" aria-label="Time and zoom">
            <div class="cursor-controls">
                <ControlLink href=Signal::derive(move || step(false)) label="Previous product time (←)" text="←"/>
                <span class="cursor-time" data-cursor=move || model::name::format_time(dash.cursor.get())>
                    <span class="muted">"Cursor "</span>
                    {move || moment_label(dash.cursor.get(), now())}
                    {move || dash.view.with(|v| v.cursor.is_none()).then_some(view! { <span class="muted">" (now)"</span> })}
                </span>
                <ControlLink href=Signal::derive(move || step(true)) label="Next product time (→)" text="→"/>
                <a class="control" href=move || dash.href(|v| v.with_cursor(None, now())) data-noscroll="" aria-label="Cursor to now (n)">"Now"</a>
            </div>
            <div class="zoom-controls">
                <a class="control" href=move || pan(-0.5) data-noscroll="" aria-label="Earlier">"◀"</a>
                <ControlLink href=Signal::derive(move || zoom(1)) label="Zoom out (-)" text="−"/>
                <span class="span-label" aria-label="Time span shown">{move || span_label(dash.view.with(|v| v.span_hours))}</span>
                <ControlLink href=Signal::derive(move || zoom(-1)) label="Zoom in (+)" text="+"/>
                <a class="control" href=move || pan(0.5) data-noscroll="" aria-label="Later">"▶"</a>
                <a
                    class="control follow"
                    class:on=follow
                    href=move || dash.href(|v| if v.follows_now() { v.panned(0.0, now()) } else { v.following_now() })
                    data-noscroll=""
                    aria-pressed=move || follow().to_string()
                    aria-label="Follow now (f)"
                >
                    "Follow now"
                </a>
                <a
                    class="control map-toggle"
                    class:on=move || dash.map_shown.get()
                    href=move || dash.href(|v| crate::view::ViewState { map: !v.map, ..v.clone() })
                    data-noscroll=""
                    aria-pressed=move || dash.map_shown.get().to_string()
                    title="The map under the timeline, at the cursor's time"
                >
                    "Map"
                </a>
            </div>
            <Presets/>
            <DateJump/>
            <Filters/>
            <NewCaseLink/>
        </nav>
    }
}

/// "New case study from this window" (participants): the form opened with
/// the window's time range and the product open in the viewer, if any.
#[component]
fn NewCaseLink() -> impl IntoView {
    let dash = use_dash();
    let href = move || {
        let window = dash.window.get();
        let view = dash.view.get();
        let pins: Vec<i64> = view
            .open
            .into_iter()
            .chain(view.pair.into_iter().flat_map(|(a, b)| [a, b]))
            .collect();
        new_case_href(window.start, window.end(), &pins)
    };
    dash.participant.get_value().map(|_| {
        view! {
            <a class="control new-case" href=href rel="external" title="A case study of the time shown (and the product open)">
                "New case study from this window"
            </a>
        }
    })
}

/// The named windows: the last 24 hours, the next 72.
#[component]
fn Presets() -> impl IntoView {
    let dash = use_dash();
    let now = move || dash.now.get();
    PRESETS
        .into_iter()
        .map(|preset| {
            view! {
                <a
                    class="control preset"
                    class:on=move || dash.view.with(|v| v.is_preset(preset, now()))
                    href=move || dash.href(|v| v.preset(preset, now()))
                    data-noscroll=""
                >
                    {preset.label()}
                </a>
            }
        })
        .collect_view()
}

/// Jump to any date and time: the window opens there, the cursor on it. A
/// plain GET form (`at=`), so it works without JavaScript too.
#[component]
fn DateJump() -> impl IntoView {
    let dash = use_dash();
    let input = NodeRef::<leptos::html::Input>::new();
    let value = move || dash.cursor.get().format("%Y-%m-%dT%H:%M").to_string();
    // The rest of the view travels in hidden fields.
    let kept = move || {
        let view = dash.view.get_untracked();
        let href = ViewState {
            cursor: None,
            from: None,
            open: None,
            ..view
        }
        .href();
        form_urlencoded::parse(href.trim_start_matches('?').as_bytes())
            .into_owned()
            .map(|(k, v)| view! { <input type="hidden" name=k value=v/> })
            .collect_view()
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(value) = input.get_untracked().map(|i| i.value()) else {
            return;
        };
        let Some(at) = parse_at(&value) else {
            return;
        };
        dash.go(dash.view.get_untracked().jumped_to(at));
    };
    view! {
        <form class="jump" method="get" action="/" aria-label="Go to a date" on:submit=submit>
            {kept}
            <label>
                <span class="visually-hidden">"Date and time, UTC"</span>
                <input type="datetime-local" name="at" node_ref=input value=value required=true/>
            </label>
            <button type="submit" class="control">"Go"</button>
        </form>
    }
}

/// A control that is a link when it can act and a disabled button otherwise.
#[component]
fn ControlLink(
    href: Signal<Option<String>>,
    label: &'static str,
    text: &'static str,
) -> impl IntoView {
    move || match href.get() {
        Some(href) => Either::Left(
            view! { <a class="control" href=href data-noscroll="" aria-label=label title=label>{text}</a> },
        ),
        None => Either::Right(
            view! { <button type="button" class="control" disabled aria-label=label title=label>{text}</button> },
        ),
    }
}

fn span_label(hours: i64) -> String {
    if hours % 24 == 0 {
        format!("{} d", hours / 24)
    } else {
        format!("{hours} h")
    }
}
