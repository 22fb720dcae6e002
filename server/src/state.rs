//! The state shared by every handler.

use std::time::Duration;

use axum::extract::FromRef;
use catalogue::store::DataDir;
use catalogue::Catalogue;
use leptos::config::LeptosOptions;
use tokio::sync::watch;

use crate::auth::Auth;
use crate::connections::Connections;
use crate::hub::Hub;
use crate::ingest::Uploads;
use crate::limits::Limiter;
use crate::supervisor::Tasks;

/// One value, cloned into every request: cheap handles only.
#[derive(Clone)]
pub struct AppState {
    pub catalogue: Catalogue,
    pub hub: Hub,
    pub data: DataDir,
    /// What file names are accepted (uploads are checked before their body is read).
    pub rules: model::NameRules,
    /// The ingest task's door for files uploaded over HTTP.
    pub uploads: Uploads,
    /// Largest upload body, in bytes.
    pub max_upload_bytes: u64,
    /// Uploads in progress, per provider.
    pub upload_places: Limiter<String>,
    /// A provider's rejected bytes over 24 h beyond which its uploads wait.
    pub rejected_quota_bytes: u64,
    /// Site root, output name and addresses for server rendering.
    pub leptos_options: LeptosOptions,
    /// Settings of the server that pages show (the local time zone).
    pub site: app::pages::board::load::SiteConfig,
    /// The data centre, as bundles' DataCite metadata names it.
    pub publisher: String,
    /// Turns true at shutdown, so long-lived websocket sessions close and the
    /// server can stop gracefully.
    pub shutdown: watch::Receiver<bool>,
    /// What the background tasks report, for health.
    pub tasks: Tasks,
    /// How long a task may be on one item before health says it is stuck.
    pub stuck_after: Duration,
    /// Websocket sessions open, under their caps.
    pub connections: Connections,
    /// Access mode, sessions, login throttling, revocations.
    pub auth: Auth,
    /// Positions received (IWG1), counted per platform.
    pub receivers: crate::positions::Receivers,
    /// The campaign's sources and expected products, as last read.
    pub sources: watch::Receiver<crate::source_file::Sources>,
    /// What each source's polling did since the start.
    pub fetch_reports: crate::fetch::report::Reports,
    /// Admins' "poll now", heard by the poller.
    pub poll_now: crate::fetch::poll_now::PollNow,
    /// Model fields kept decoded for maps.
    pub fields: crate::field_cache::FieldCache,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
