//! Says what is late as it becomes late: every few seconds the products
//! `sources.toml` expects are matched against the catalogue; one past its
//! deadline is announced `expected.late`, once, and one announced late that
//! came, `expected.arrived`. Both through the hub, stored with their `seq`:
//! a page that resumes with `?after=` hears them too. An arrival in time
//! says nothing more than its own `product.added`.

use std::collections::HashMap;
use std::time::Duration;

use chrono::Utc;
use model::expected::Status;
use model::Visibility;
use tokio::sync::watch;

use crate::hub::Hub;
use crate::source_file::Sources;

/// How often the schedule is looked at.
pub const LOOK_EVERY: Duration = Duration::from_secs(5);

/// What this run has said of each expected product: late, then arrived.
#[derive(Clone, Copy, Default)]
struct Said {
    late: bool,
    arrived: bool,
}

/// Announces lateness and late arrivals until `stop`.
pub async fn run(hub: Hub, sources: watch::Receiver<Sources>, mut stop: watch::Receiver<bool>) {
    // Remembered here so that the ledger in the catalogue is asked once a
    // product, not every few seconds.
    let mut said: HashMap<String, Said> = HashMap::new();
    let mut every = tokio::time::interval(LOOK_EVERY);
    loop {
        tokio::select! {
            _ = every.tick() => {}
            _ = stop.wait_for(|stopped| *stopped) => return,
        }
        let set = sources.borrow().set.clone();
        let expected = crate::api::expected::expected_now(
            hub.current(),
            &set,
            Utc::now(),
            Visibility::Everything,
        );
        // Only what is still expected is remembered: a campaign's worth of
        // runs would otherwise pile up here.
        let keys: std::collections::HashSet<String> = expected
            .iter()
            .map(catalogue::expected_announced::slot_key)
            .collect();
        said.retain(|key, _| keys.contains(key));
        for e in expected {
            let arrived = match e.status {
                Status::Late { .. } => false,
                Status::Arrived { .. } => true,
                Status::Due | Status::Missed => continue,
            };
            let key = catalogue::expected_announced::slot_key(&e);
            let known = said.entry(key).or_default();
            if (arrived && known.arrived) || (!arrived && known.late) {
                continue;
            }
            match hub.announce_expected(&e, arrived).await {
                Ok(_) if arrived => known.arrived = true,
                Ok(_) => known.late = true,
                Err(error) => tracing::warn!(%error, source = %e.source, "announcing lateness"),
            }
        }
    }
}
