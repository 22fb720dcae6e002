//! The event hub: the one place where catalogue changes become live events.
//!
//! A change is written to the catalogue together with its event (which gets the
//! next `seq`), then broadcast to every websocket session. Writes go through a
//! single lock so that events are broadcast in `seq` order; sessions that fall
//! behind read what they missed back from the catalogue, so a slow client never
//! slows the hub nor the other clients.

use std::future::Future;
use std::sync::Arc;

use products::catalogue::{Catalogue, CatalogueError, Current};
use products::Event;
use tokio::sync::{broadcast, Mutex};

/// How many events a session may lag before it must catch up from the catalogue.
const BROADCAST_CAPACITY: usize = 1024;

/// Cheap to clone; all clones publish to the same subscribers.
#[derive(Clone)]
pub struct Hub {
    inner: Arc<Inner>,
}

struct Inner {
    catalogue: Catalogue,
    /// The current products in memory, updated with each event before it is
    /// broadcast (pages render from it).
    current: Current,
    sender: broadcast::Sender<Arc<Event>>,
    /// Held from the catalogue write to the broadcast, so broadcast order is `seq` order.
    writer: Mutex<()>,
}

impl Hub {
    /// A hub over `catalogue`; `current` must reflect it as it is now.
    pub fn new(catalogue: Catalogue, current: Current) -> Self {
        let (sender, _) = broadcast::channel(BROADCAST_CAPACITY);
        Self {
            inner: Arc::new(Inner {
                catalogue,
                current,
                sender,
                writer: Mutex::new(()),
            }),
        }
    }

    pub fn catalogue(&self) -> &Catalogue {
        &self.inner.catalogue
    }

    pub fn current(&self) -> &Current {
        &self.inner.current
    }

    /// Runs a catalogue write that produces an event, then publishes the event.
    pub async fn record<F, Fut>(&self, write: F) -> Result<Event, CatalogueError>
    where
        F: FnOnce(Catalogue) -> Fut,
        Fut: Future<Output = Result<Event, CatalogueError>>,
    {
        let _serialised = self.inner.writer.lock().await;
        let event = write(self.inner.catalogue.clone()).await?;
        self.inner.current.apply(&event);
        // No subscriber is not an error: the event is stored for later replay.
        let _ = self.inner.sender.send(Arc::new(event.clone()));
        Ok(event)
    }

    /// A receiver of every event published from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Event>> {
        self.inner.sender.subscribe()
    }
}
