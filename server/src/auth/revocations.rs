//! Telling open websockets that someone's access changed.
//!
//! A websocket lives for hours, far past the request that checked its
//! caller. When a user is disabled or changes password (here, or with
//! `opsboard user` in another process) or logs out, [`Revocations`] ticks,
//! and every open session checks its caller again and closes if it no
//! longer holds. Another process's changes are seen by polling one cheap
//! query every [`POLL`]: well within the promised second.

use std::time::Duration;

use catalogue::Catalogue;
use tokio::sync::watch;

/// How often the catalogue is asked whether any account changed.
pub const POLL: Duration = Duration::from_millis(400);

#[derive(Clone)]
pub struct Revocations {
    tick: watch::Sender<u64>,
}

impl Default for Revocations {
    fn default() -> Self {
        Self {
            tick: watch::Sender::new(0),
        }
    }
}

impl Revocations {
    /// Someone's access changed in this process (a logout, an admin's action).
    pub fn bump(&self) {
        self.tick.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// Changes from now on.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.tick.subscribe()
    }

    /// Polls the catalogue until `stop` turns true, ticking on each change.
    pub async fn watch(self, catalogue: Catalogue, mut stop: watch::Receiver<bool>) {
        let mut seen = catalogue.revocations().await.ok();
        let mut every = tokio::time::interval(POLL);
        loop {
            tokio::select! {
                _ = every.tick() => {}
                _ = stop.wait_for(|s| *s) => return,
            }
            match catalogue.revocations().await {
                Ok(now) if Some(now) != seen => {
                    seen = Some(now);
                    self.bump();
                }
                Ok(_) => {}
                Err(error) => tracing::warn!(%error, "could not check for revoked sessions"),
            }
        }
    }
}
