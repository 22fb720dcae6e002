//! Who holds a websocket: caps on sessions in all and per address, and a
//! small number of catalogue reads for replays at once.
//!
//! A dashboard holds one session all day; a script gone wrong (or an
//! attacker) could open thousands and with them hold every catalogue
//! connection replaying history. Sessions over a cap are refused with 503
//! before the upgrade; replays take turns for the catalogue so that ingest
//! always finds a connection.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use tokio::sync::{Semaphore, SemaphorePermit};

/// Catalogue reads that replays may make at once (the pool has 8).
const REPLAY_READS: usize = 4;

/// Cheap to clone.
#[derive(Clone, Debug)]
pub struct Connections {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    max_total: usize,
    max_per_address: usize,
    open: Mutex<Open>,
    replay_reads: Semaphore,
}

#[derive(Debug, Default)]
struct Open {
    total: usize,
    by_address: HashMap<IpAddr, usize>,
}

/// Why a session was refused.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("the server holds its maximum of {0} live sessions; try again later")]
    Full(usize),
    #[error("this address holds its maximum of {0} live sessions")]
    AddressFull(usize),
}

impl Connections {
    pub fn new(max_total: usize, max_per_address: usize) -> Self {
        Self {
            inner: Arc::new(Inner {
                max_total,
                max_per_address,
                open: Mutex::default(),
                replay_reads: Semaphore::new(REPLAY_READS),
            }),
        }
    }

    /// Counts a session from `address` in, if the caps allow; it counts
    /// until the returned guard is dropped.
    pub fn admit(&self, address: IpAddr) -> Result<Session, Refused> {
        let mut open = self.lock();
        if open.total >= self.inner.max_total {
            return Err(Refused::Full(self.inner.max_total));
        }
        let mine = open.by_address.entry(address).or_default();
        if *mine >= self.inner.max_per_address {
            return Err(Refused::AddressFull(self.inner.max_per_address));
        }
        *mine += 1;
        open.total += 1;
        Ok(Session {
            connections: self.clone(),
            address,
        })
    }

    /// A turn for one catalogue read of a replay.
    pub async fn replay_read(&self) -> Option<SemaphorePermit<'_>> {
        self.inner.replay_reads.acquire().await.ok()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Open> {
        self.inner.open.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// One admitted session; see [`Connections::admit`].
#[derive(Debug)]
pub struct Session {
    connections: Connections,
    address: IpAddr,
}

impl Drop for Session {
    fn drop(&mut self) {
        let mut open = self.connections.lock();
        open.total = open.total.saturating_sub(1);
        if let Some(n) = open.by_address.get_mut(&self.address) {
            *n -= 1;
            if *n == 0 {
                open.by_address.remove(&self.address);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_hold_per_address_and_in_all_and_free_on_drop() {
        let connections = Connections::new(3, 2);
        let (a, b) = (IpAddr::from([10, 0, 0, 1]), IpAddr::from([10, 0, 0, 2]));
        let first = connections.admit(a).unwrap();
        let _second = connections.admit(a).unwrap();
        assert_eq!(connections.admit(a).unwrap_err(), Refused::AddressFull(2));
        let _third = connections.admit(b).unwrap();
        assert_eq!(connections.admit(b).unwrap_err(), Refused::Full(3));
        drop(first);
        assert!(connections.admit(a).is_ok());
    }
}
