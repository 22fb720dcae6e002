//! Admins' "poll now" (`POST /api/v1/sources/{name}/poll`): heard by that
//! source's task, which polls at once and tries its failed files again
//! without waiting out their back-off.

use tokio::sync::broadcast::{self, error::RecvError};

/// How many asks may wait for the source tasks to hear them.
const WAITING: usize = 64;

/// Cheap to clone: the API and the poller share one.
#[derive(Clone, Debug)]
pub struct PollNow(broadcast::Sender<String>);

impl Default for PollNow {
    fn default() -> Self {
        Self(broadcast::channel(WAITING).0)
    }
}

impl PollNow {
    /// Asks for `source` to be polled now.
    pub fn ask(&self, source: &str) {
        // No listener (no poller yet): nothing to wake.
        let _ = self.0.send(source.to_string());
    }

    pub fn subscribe(&self) -> broadcast::Receiver<String> {
        self.0.subscribe()
    }
}

/// Returns once `source` has been asked for (or once asks were missed: one
/// poll too many is harmless).
pub async fn heard(asks: &mut broadcast::Receiver<String>, source: &str) {
    loop {
        match asks.recv().await {
            Ok(asked) if asked == source => return,
            Ok(_) => {}
            Err(RecvError::Lagged(_)) => return,
            Err(RecvError::Closed) => std::future::pending().await,
        }
    }
}
