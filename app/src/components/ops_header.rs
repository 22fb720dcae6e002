//! The top of the operations pages and the badge of an operation's status,
//! shared by every page of the operations centre.

use leptos::prelude::*;

/// The top of the operations pages: back to the board, the other pages.
/// Once the page's handlers are attached, it says so on `<body>`
/// (`data-hydrated`), as the board does: tests wait for it before acting.
#[component]
pub fn OpsHeader(title: &'static str) -> impl IntoView {
    Effect::new(|_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "1");
        }
    });
    view! {
        <header class="admin-top">
            <h1><a href="/" rel="external">"opsboard"</a></h1>
            <span class="admin-title">{title}</span>
            <a class="nav" href="/" rel="external">"Board"</a>
            <a class="nav" href="/operations" rel="external">"Operations"</a>
            <a class="nav" href="/briefings" rel="external">"Briefings"</a>
            <a class="nav" href="/calendar" rel="external">"Calendar"</a>
            <a class="nav" href="/search" rel="external">"Search"</a>
        </header>
    }
}

/// An operation's status, coloured by what it means.
#[component]
pub fn StatusBadge(status: model::operations::Status) -> impl IntoView {
    view! { <span class="status-badge" data-status=status.as_str()>{status.label()}</span> }
}
