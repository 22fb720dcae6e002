//! The live-connection indicator in the header.

use chrono::{DateTime, Duration, Utc};
use leptos::prelude::*;

/// Where the page stands with the live event stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConnState {
    /// Rendered by the server and not (yet) hydrated: no live updates.
    Static,
    Connecting,
    Live,
    /// The stream dropped at `since`; the client retries with backoff and
    /// will replay what it missed.
    Down {
        since: DateTime<Utc>,
    },
}

/// After this long without the stream the page says it is offline, and since when.
const OFFLINE_AFTER: Duration = Duration::seconds(10);

impl ConnState {
    /// Stable name, for styling and tests.
    pub fn key(self, now: DateTime<Utc>) -> &'static str {
        match self {
            ConnState::Static => "static",
            ConnState::Connecting => "connecting",
            ConnState::Live => "live",
            ConnState::Down { since } if now - since < OFFLINE_AFTER => "reconnecting",
            ConnState::Down { .. } => "offline",
        }
    }

    pub fn label(self, now: DateTime<Utc>) -> String {
        match self {
            ConnState::Static => "static page".into(),
            ConnState::Connecting => "connecting…".into(),
            ConnState::Live => "live".into(),
            ConnState::Down { since } if now - since < OFFLINE_AFTER => "reconnecting…".into(),
            ConnState::Down { since } => format!("offline since {} UTC", since.format("%H:%M")),
        }
    }
}

#[component]
pub fn ConnIndicator(state: RwSignal<ConnState>, now: RwSignal<DateTime<Utc>>) -> impl IntoView {
    view! {
        <span class="conn" data-state=move || state.get().key(now.get()) role="status" aria-live="polite">
            <span class="conn-dot" aria-hidden="true"></span>
            {move || state.get().label(now.get())}
        </span>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_long_outage_reads_offline_since() {
        let since = Utc.with_ymd_and_hms(2026, 11, 28, 14, 2, 0).unwrap();
        let down = ConnState::Down { since };
        assert_eq!(down.key(since + Duration::seconds(3)), "reconnecting");
        assert_eq!(
            down.label(since + Duration::minutes(5)),
            "offline since 14:02 UTC"
        );
    }
}
