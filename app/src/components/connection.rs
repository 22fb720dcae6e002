//! The live-connection indicator in the header.

use leptos::prelude::*;

/// Where the page stands with the live event stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConnState {
    /// Rendered by the server and not (yet) hydrated: no live updates.
    Static,
    Connecting,
    Live,
    /// The stream dropped; the client retries with backoff and will replay what it missed.
    Reconnecting,
}

impl ConnState {
    /// Stable name, for styling and tests.
    pub fn key(self) -> &'static str {
        match self {
            ConnState::Static => "static",
            ConnState::Connecting => "connecting",
            ConnState::Live => "live",
            ConnState::Reconnecting => "reconnecting",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ConnState::Static => "static page",
            ConnState::Connecting => "connecting…",
            ConnState::Live => "live",
            ConnState::Reconnecting => "reconnecting…",
        }
    }
}

#[component]
pub fn ConnIndicator(state: RwSignal<ConnState>) -> impl IntoView {
    view! {
        <span class="conn" data-state=move || state.get().key() role="status" aria-live="polite">
            <span class="conn-dot" aria-hidden="true"></span>
            {move || state.get().label()}
        </span>
    }
}
