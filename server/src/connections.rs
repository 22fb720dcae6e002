//! Who holds a websocket: caps on sessions in all and per address, and a
//! small number of catalogue reads for replays at once.
//!
//! A dashboard holds one session all day; a script gone wrong (or an
//! attacker) could open thousands and with them hold every catalogue
//! connection replaying history. Sessions over a cap are refused with 503
//! before the upgrade; replays take turns for the catalogue so that ingest
//! always finds a connection.

use std::net::IpAddr;
use std::sync::Arc;

use tokio::sync::{Semaphore, SemaphorePermit};

use crate::limits::{Full, Limiter, Place};

/// Catalogue reads that replays may make at once (the pool has 8).
const REPLAY_READS: usize = 4;

/// Cheap to clone.
#[derive(Clone, Debug)]
pub struct Connections {
    sessions: Limiter<IpAddr>,
    replay_reads: Arc<Semaphore>,
}

/// A session counted in; it counts until dropped.
pub type Session = Place<IpAddr>;

impl Connections {
    pub fn new(max_total: usize, max_per_address: usize) -> Self {
        Self {
            sessions: Limiter::new(max_total, max_per_address),
            replay_reads: Arc::new(Semaphore::new(REPLAY_READS)),
        }
    }

    /// Counts a session from `address` in, if the caps allow.
    pub fn admit(&self, address: IpAddr) -> Result<Session, String> {
        self.sessions.take(address).map_err(|full| match full {
            Full::Total(n) => {
                format!("the server holds its maximum of {n} live sessions; try again later")
            }
            Full::Key(n) => format!("this address holds its maximum of {n} live sessions"),
        })
    }

    /// A turn for one catalogue read of a replay.
    pub async fn replay_read(&self) -> Option<SemaphorePermit<'_>> {
        self.replay_reads.acquire().await.ok()
    }
}
