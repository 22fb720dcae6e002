//! Counted places: at most so many at once in all and per key (an address, a
//! provider), each held by a [`Place`] until it is dropped.
//!
//! Websocket sessions are counted per address, uploads per provider: one
//! client gone wrong (or an attacker) fills its own places, not everyone's.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex, MutexGuard};

/// Cheap to clone; clones count together.
#[derive(Debug)]
pub struct Limiter<K: Eq + Hash> {
    inner: Arc<Inner<K>>,
}

impl<K: Eq + Hash> Clone for Limiter<K> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
        }
    }
}

#[derive(Debug)]
struct Inner<K> {
    max_total: usize,
    max_per_key: usize,
    held: Mutex<Held<K>>,
}

#[derive(Debug)]
struct Held<K> {
    total: usize,
    by_key: HashMap<K, usize>,
}

/// Why a place was refused.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum Full {
    #[error("all {0} places are taken")]
    Total(usize),
    #[error("all {0} places of this client are taken")]
    Key(usize),
}

impl<K: Eq + Hash + Clone> Limiter<K> {
    pub fn new(max_total: usize, max_per_key: usize) -> Self {
        Self {
            inner: Arc::new(Inner {
                max_total,
                max_per_key,
                held: Mutex::new(Held {
                    total: 0,
                    by_key: HashMap::new(),
                }),
            }),
        }
    }

    /// A place for `key`, if the caps allow; held until dropped.
    pub fn take(&self, key: K) -> Result<Place<K>, Full> {
        let mut held = self.lock();
        if held.total >= self.inner.max_total {
            return Err(Full::Total(self.inner.max_total));
        }
        let mine = held.by_key.entry(key.clone()).or_default();
        if *mine >= self.inner.max_per_key {
            return Err(Full::Key(self.inner.max_per_key));
        }
        *mine += 1;
        held.total += 1;
        Ok(Place {
            limiter: self.clone(),
            key,
        })
    }

    fn lock(&self) -> MutexGuard<'_, Held<K>> {
        self.inner.held.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// One place taken; see [`Limiter::take`].
#[derive(Debug)]
pub struct Place<K: Eq + Hash + Clone> {
    limiter: Limiter<K>,
    key: K,
}

impl<K: Eq + Hash + Clone> Drop for Place<K> {
    fn drop(&mut self) {
        let mut held = self.limiter.lock();
        held.total = held.total.saturating_sub(1);
        if let Some(n) = held.by_key.get_mut(&self.key) {
            *n -= 1;
            if *n == 0 {
                held.by_key.remove(&self.key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_hold_per_key_and_in_all_and_free_on_drop() {
        let limiter = Limiter::new(3, 2);
        let first = limiter.take("a").unwrap();
        let _second = limiter.take("a").unwrap();
        assert_eq!(limiter.take("a").unwrap_err(), Full::Key(2));
        let _third = limiter.take("b").unwrap();
        assert_eq!(limiter.take("b").unwrap_err(), Full::Total(3));
        drop(first);
        assert!(limiter.take("a").is_ok());
    }
}
