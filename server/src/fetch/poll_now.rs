//! Admins' "poll now" (`POST /api/v1/sources/{name}/poll`): the sources
//! asked for, and a wake-up for the poller, which polls them at once and
//! tries their failed files again without waiting out the back-off.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::Notify;

/// Cheap to clone: the API and the poller share one.
#[derive(Clone, Debug, Default)]
pub struct PollNow {
    asked: Arc<Mutex<HashSet<String>>>,
    wake: Arc<Notify>,
}

impl PollNow {
    /// Asks for `source` to be polled now.
    pub fn ask(&self, source: &str) {
        self.asked
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(source.to_string());
        // Kept as a permit if the poller is busy: it looks once it is free.
        self.wake.notify_one();
    }

    /// The sources asked for since the last call.
    pub fn take(&self) -> Vec<String> {
        let mut asked = self.asked.lock().unwrap_or_else(PoisonError::into_inner);
        asked.drain().collect()
    }

    /// Returns once a source has been asked for.
    pub async fn asked(&self) {
        self.wake.notified().await;
    }
}
