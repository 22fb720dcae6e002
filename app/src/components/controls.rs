//! The bar above the timeline: the time cursor and its steps, zoom, panning,
//! "follow now", and the filters. Every control is a link to the view it
//! leads to, so it works without JavaScript and can be opened in a new tab.

use leptos::either::Either;
use leptos::prelude::*;

use crate::components::filters::Filters;
use crate::dash::use_dash;
use crate::select;
use crate::view::ViewState;

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
                <span class="cursor-time" data-cursor=move || products::name::format_time(dash.cursor.get())>
                    <span class="muted">"Cursor "</span>
                    {move || dash.cursor.get().format("%a %d %b %H:%M UTC").to_string()}
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
            </div>
            <Filters/>
        </nav>
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
