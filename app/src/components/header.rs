//! The header: name, clocks (UTC, and the operations centre's zone), the live
//! state, products count, arrivals while away, links and the keyboard help.

use leptos::prelude::*;

use crate::components::connection::ConnIndicator;
use crate::state::use_dash;

#[component]
pub fn Header() -> impl IntoView {
    let dash = use_dash();
    let utc = move || dash.now.get().format("%H:%M:%S").to_string();
    let date = move || dash.now.get().format("%a %d %b %Y").to_string();
    let local = dash.local_tz.get_value().map(|tz| {
        let label = tz.clone();
        let aria = format!("Local time, {label}");
        let title = label.clone();
        let time = move || {
            if !dash.hydrated.get() {
                // The server has no zone data: the browser fills this in.
                return "--:--".to_string();
            }
            #[cfg(feature = "hydrate")]
            {
                crate::browser::local_time(dash.now.get(), &tz)
                    .unwrap_or_else(|| "unknown zone".into())
            }
            #[cfg(not(feature = "hydrate"))]
            {
                let _ = &tz;
                "--:--".to_string()
            }
        };
        view! {
            <span class="clock local" title=title aria-label=aria>
                <span class="clock-time">{time}</span>
                <span class="clock-zone">{label}</span>
            </span>
        }
    });
    view! {
        <header class="top">
            <h1><a href="/" rel="external">"opsboard"</a></h1>
            <span class="clock utc" aria-label="Time now, UTC">
                <span class="clock-time">{utc}</span>
                <span class="clock-zone">"UTC"</span>
                <span class="clock-date">{date}</span>
            </span>
            {local}
            <ConnIndicator state=dash.conn now=dash.now/>
            <Show when=move || dash.away.get() != 0>
                <button type="button" class="away" title="Dismiss" on:click=move |_| dash.away.set(0)>
                    {move || dash.away.get()} " new while away"
                </button>
            </Show>
            <span class="count">{move || dash.products.with(Vec::len)} " products"</span>
            <LiteIndicator/>
            <a class="nav" href="/map" rel="external">"Map"</a>
            <a class="nav" href="/operations" rel="external">"Operations"</a>
            <a class="nav" href="/briefings" rel="external">"Briefings"</a>
            <a class="nav" href="/calendar" rel="external">"Calendar"</a>
            <a class="nav" href="/search" rel="external">"Search"</a>
            <a class="nav" href="/upload" rel="external">"Upload"</a>
            {move || match dash.participant.get_value() {
                Some((name, role)) => view! {
                    <span class="who">
                        {(role == model::Role::Admin).then(|| view! { <a class="nav" href="/admin" rel="external">"Admin"</a> })}
                        <span title=format!("Logged in as {name} ({role})")>{name.clone()}</span>
                        " "
                        <form method="post" action="/api/v1/session/logout">
                            <button type="submit" class="logout">"Log out"</button>
                        </form>
                    </span>
                }
                .into_any(),
                None => view! { <a class="nav" href="/login" rel="external">"Log in"</a> }.into_any(),
            }}
            <button type="button" class="help-button" aria-label="Keyboard shortcuts" aria-keyshortcuts="?" on:click=move |_| dash.help.update(|h| *h = !*h)>"?"</button>
        </header>
    }
}

/// Lite mode's state: on, with the bytes this page has used (a link leaves
/// it), or off (a link chooses it).
#[component]
fn LiteIndicator() -> impl IntoView {
    let dash = use_dash();
    let used = move || format!("{:.0} KB", dash.bytes.get() as f64 / 1000.0);
    view! {
        <Show
            when=move || dash.lite.get()
            fallback=move || view! {
                <a class="nav lite-off" href=move || dash.href_with_lite(true) rel="external" title="Thumbnails only, fewer repaints: for a satellite link or a weak network">"Lite"</a>
            }
        >
            <a class="lite" href=move || dash.href_with_lite(false) rel="external" title="Lite mode: thumbnails only, live changes once a second. Leave it.">
                "lite · " {used} " used"
            </a>
        </Show>
    }
}
