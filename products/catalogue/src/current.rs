//! The current version of every product, in memory, kept in step with the
//! event stream: dashboards are rendered from it without a catalogue query
//! (reading thousands of rows through SQLite costs more than the whole page).
//!
//! The hub applies each event while it holds its write lock. Events written
//! by another process (an `opsboard import` beside a running server, later
//! another web node) are read back from the catalogue by [`Catalogue::sync`]
//! before a page is rendered, so the index never misses one: each product
//! keeps the `seq` of the event that last set it, and an older event never
//! overwrites a newer one, whatever the order they are applied in.
//!
//! [`Catalogue::sync`]: super::Catalogue::sync

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, PoisonError, RwLock};

use chrono::{DateTime, Utc};

use model::{Event, EventKind, Product, ProductKey, Visibility};

/// Cheap to clone; all clones share one index.
#[derive(Clone, Default)]
pub struct Current {
    inner: Arc<RwLock<Index>>,
}

#[derive(Default)]
struct Index {
    /// By product time (the catalogue's order), then id.
    by_time: BTreeMap<(DateTime<Utc>, i64), Product>,
    /// Where each identity's current version sits in `by_time`, and the
    /// `seq` of the event that put it there.
    by_identity: HashMap<ProductKey, ((DateTime<Utc>, i64), i64)>,
    /// Every event up to this one is reflected: where a page resumes from.
    synced: i64,
}

impl Index {
    fn put(&mut self, product: Product, seq: i64) {
        let key = (product.time, product.id);
        let id = product.key().to_owned();
        if let Some((old, old_seq)) = self.by_identity.get(&id).copied() {
            if old_seq > seq {
                return; // a newer event already set this product
            }
            // An older version's own update (its restriction, spread from
            // the current one) does not make it current again.
            if self
                .by_time
                .get(&old)
                .is_some_and(|p| p.version > product.version)
            {
                return;
            }
            self.by_time.remove(&old);
        }
        self.by_identity.insert(id, (key, seq));
        self.by_time.insert(key, product);
    }

    fn apply(&mut self, event: &Event) {
        match &event.kind {
            EventKind::ProductAdded { product } | EventKind::ProductUpdated { product, .. } => {
                self.put(product.clone(), event.seq)
            }
            // Refusals and operations are not current products.
            _ => {}
        }
    }
}

impl Current {
    /// The index as loaded from the catalogue: its current products and the
    /// last event they reflect.
    pub fn new(last_seq: i64, products: impl IntoIterator<Item = Product>) -> Self {
        let mut index = Index {
            synced: last_seq,
            ..Index::default()
        };
        for product in products {
            index.put(product, last_seq);
        }
        Self {
            inner: Arc::new(RwLock::new(index)),
        }
    }

    /// Applies an event as the hub publishes it. Ours follow each other, so
    /// `synced` moves on; after an event from elsewhere it waits for
    /// [`Catalogue::sync`](super::Catalogue::sync) to fill the gap.
    pub fn apply(&self, event: &Event) {
        let mut index = self.inner.write().unwrap_or_else(PoisonError::into_inner);
        index.apply(event);
        if event.seq == index.synced + 1 {
            index.synced = event.seq;
        }
    }

    /// Applies events read back from the catalogue: every event after
    /// [`Current::synced`], in order.
    pub fn apply_all_after_synced(&self, events: &[Event]) {
        let mut index = self.inner.write().unwrap_or_else(PoisonError::into_inner);
        for event in events {
            index.apply(event);
            index.synced = index.synced.max(event.seq);
        }
    }

    /// Every event up to this one is reflected.
    pub fn synced(&self) -> i64 {
        self.inner
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .synced
    }

    /// The event the index is complete up to, and up to `limit` products whose product time
    /// is within `from..=to` that a reader with `visibility` may see, in time order: a
    /// consistent view to resume from.
    pub fn window(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        limit: usize,
        visibility: Visibility,
    ) -> (i64, Vec<Product>) {
        let now = Utc::now();
        let index = self.inner.read().unwrap_or_else(PoisonError::into_inner);
        if from > to {
            return (index.synced, Vec::new());
        }
        let products = index
            .by_time
            .range((from, i64::MIN)..=(to, i64::MAX))
            .map(|(_, p)| p)
            .filter(|p| visibility.may_see(p, now))
            .take(limit)
            .cloned()
            .collect();
        (index.synced, products)
    }

    /// Number of current products.
    pub fn len(&self) -> usize {
        self.inner
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .by_time
            .len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn product(id: i64, hour: u32, version: i64) -> Product {
        let time = Utc.with_ymd_and_hms(2026, 11, 28, hour, 0, 0).unwrap();
        Product {
            version,
            ..model::fixtures::described(id, "satellite", "MSG", "ir108", time)
        }
    }

    fn added(seq: i64, product: Product) -> Event {
        Event {
            seq,
            kind: EventKind::ProductAdded { product },
        }
    }

    #[test]
    fn follows_versions_and_updates_in_time_order() {
        let current = Current::new(3, [product(1, 12, 1), product(2, 10, 1)]);
        let day = |h| Utc.with_ymd_and_hms(2026, 11, 28, h, 0, 0).unwrap();
        let ids = |c: &Current| -> Vec<(i64, i64)> {
            c.window(day(0), day(23), 100, Visibility::Everything)
                .1
                .iter()
                .map(|p| (p.id, p.version))
                .collect()
        };
        assert_eq!(ids(&current), vec![(2, 1), (1, 1)]);
        // A new version of the 12:00 image replaces it; a preview updates in place.
        current.apply(&added(4, product(7, 12, 2)));
        let mut with_preview = product(2, 10, 1);
        with_preview.preview_url = Some("/p".into());
        current.apply(&Event {
            seq: 5,
            kind: EventKind::ProductUpdated {
                product: with_preview,
                withdrawn: false,
            },
        });
        assert_eq!(ids(&current), vec![(2, 1), (7, 2)]);
        // Version 1's own update (a restriction spread to it) leaves version 2 current.
        current.apply(&Event {
            seq: 6,
            kind: EventKind::ProductUpdated {
                product: product(1, 12, 1),
                withdrawn: true,
            },
        });
        assert_eq!(ids(&current), vec![(2, 1), (7, 2)]);
        let (last_seq, products) = current.window(day(9), day(11), 100, Visibility::Everything);
        assert_eq!(last_seq, 6);
        assert_eq!(products[0].preview_url.as_deref(), Some("/p"));
        assert_eq!(
            current
                .window(day(9), day(23), 1, Visibility::Everything)
                .1
                .len(),
            1,
            "limit"
        );
        assert_eq!(current.len(), 2);
    }

    #[test]
    fn an_older_event_never_overwrites_a_newer_one() {
        let current = Current::new(0, []);
        let day = |h| Utc.with_ymd_and_hms(2026, 11, 28, h, 0, 0).unwrap();
        // Ours: seq 2 (version 2). Then another process's seq 1 (version 1) is read back.
        current.apply(&added(2, product(7, 12, 2)));
        assert_eq!(current.synced(), 0, "seq 1 is still missing");
        current.apply_all_after_synced(&[added(1, product(1, 12, 1)), added(2, product(7, 12, 2))]);
        assert_eq!(current.synced(), 2);
        let (_, products) = current.window(day(0), day(23), 10, Visibility::Everything);
        assert_eq!(
            products.iter().map(|p| p.version).collect::<Vec<_>>(),
            vec![2]
        );
    }
}
