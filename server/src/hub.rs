//! The event hub: the one place where catalogue changes become live events,
//! and the only writer of them.
//!
//! Each kind of change is a method here ([`Hub::add_product`],
//! [`Hub::reject`]…). The hub holds the process's one [`EventLog`], so no other
//! code can write an event it would not announce. A change is written to the
//! catalogue together with its event (which gets the next `seq`), then
//! broadcast to every websocket session. Writes go through a
//! single lock so that events are broadcast in `seq` order; sessions that fall
//! behind read what they missed back from the catalogue, so a slow client never
//! slows the hub nor the other clients.

use std::future::Future;
use std::sync::Arc;

use axum::extract::ws::Utf8Bytes;
use catalogue::{Catalogue, CatalogueError, Current, EventLog, NewProduct, PlanningError, Written};
use model::case_studies::{CaseStudyDraft, CaseTag};
use model::operations::report::REPORT_CATEGORY;
use model::operations::{
    BriefingDraft, BriefingItem, Iop, NewDecision, Plan, PlanPatch, Platform, ReportDraft,
};
use model::sidecar::{ProductMeta, Timing};
use model::tracks::plan::{FlightPlan, PlanFormat};
use model::{Event, EventKind, Product, Rejection, Skip};
use tokio::sync::{broadcast, Mutex};

type Result<T, E = CatalogueError> = std::result::Result<T, E>;

/// How many events a session may lag before it must catch up from the catalogue.
const BROADCAST_CAPACITY: usize = 1024;

/// An event as broadcast, with the two texts a session may send for it,
/// written once for all sessions rather than once per session: a campaign
/// has a hundred screens open, each sent every event.
pub struct Announced {
    pub event: Event,
    /// The event's JSON, for whoever may see it.
    pub json: Utf8Bytes,
    /// Its skip marker, for whoever may not (naming the product when the
    /// event withdraws it from the public).
    pub skip: Utf8Bytes,
}

impl Announced {
    fn new(event: Event) -> serde_json::Result<Self> {
        Ok(Self {
            json: serde_json::to_string(&event)?.into(),
            skip: serde_json::to_string(&Skip::of(&event))?.into(),
            event,
        })
    }
}

/// Cheap to clone; all clones publish to the same subscribers.
#[derive(Clone)]
pub struct Hub {
    inner: Arc<Inner>,
}

struct Inner {
    catalogue: Catalogue,
    log: EventLog,
    /// The current products in memory, updated with each event before it is
    /// broadcast (pages render from it).
    current: Current,
    sender: broadcast::Sender<Arc<Announced>>,
    /// Held from the catalogue write to the broadcast, so broadcast order is `seq` order.
    writer: Mutex<()>,
}

impl Hub {
    /// A hub over the catalogue `log` writes to; `current` must reflect it as
    /// it is now.
    pub fn new(log: EventLog, catalogue: Catalogue, current: Current) -> Self {
        let (sender, _) = broadcast::channel(BROADCAST_CAPACITY);
        Self {
            inner: Arc::new(Inner {
                catalogue,
                log,
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

    /// A new product or version (`product.added` or `product.updated`); a
    /// report file then attaches itself to its operation (`report.updated`).
    pub async fn add_product(&self, new: &NewProduct) -> Result<Event> {
        let event = self
            .announce_written(self.inner.log.insert_product(new))
            .await?;
        if let EventKind::ProductAdded { product } | EventKind::ProductUpdated { product, .. } =
            &event.kind
        {
            self.attach_report_file(product).await;
        }
        Ok(event)
    }

    /// Catalogues products that arrived together: their rows and events in
    /// one transaction (one sync to disk for all), then each announced, so
    /// that nothing is announced before all of them are durable.
    pub async fn add_products(&self, news: &[NewProduct]) -> Result<Vec<Event>> {
        let events: Vec<Event> = {
            let _serialised = self.inner.writer.lock().await;
            let written = self.inner.log.insert_products(news).await?;
            written
                .into_iter()
                .map(|written| {
                    for event in written.spread {
                        self.publish(event);
                    }
                    self.publish(written.event.clone());
                    written.event
                })
                .collect()
        };
        for event in &events {
            if let EventKind::ProductAdded { product } | EventKind::ProductUpdated { product, .. } =
                &event.kind
            {
                self.attach_report_file(product).await;
            }
        }
        Ok(events)
    }

    /// Attaches a report file to the operation covering its time. Its
    /// failure is logged, not the product's: the file is catalogued and
    /// findable, and sending it again attaches it.
    async fn attach_report_file(&self, product: &Product) {
        if product.category != REPORT_CATEGORY {
            return;
        }
        let _serialised = self.inner.writer.lock().await;
        match self.inner.log.attach_report_file(product).await {
            Ok(Some(event)) => self.publish(event),
            Ok(None) => {
                tracing::info!(file = %product.file_name, "a report file no operation covers")
            }
            Err(error) => {
                tracing::warn!(file = %product.file_name, %error, "a report file could not be attached")
            }
        }
    }

    /// A flight plan attached to an operation by `author` (`flight_plan.saved`).
    pub async fn save_flight_plan(
        &self,
        operation_id: i64,
        plan: &FlightPlan,
        format: PlanFormat,
        author: &str,
    ) -> Result<Event, PlanningError> {
        let write = self
            .inner
            .log
            .save_flight_plan(operation_id, plan, format, author);
        self.announce(write).await
    }

    /// A flight plan taken off its operation (`flight_plan.removed`).
    pub async fn remove_flight_plan(&self, id: i64) -> Result<Event, PlanningError> {
        self.announce(self.inner.log.remove_flight_plan(id)).await
    }

    /// An operation's report written or amended by `author` (`report.updated`).
    pub async fn save_report(
        &self,
        operation_id: i64,
        draft: &ReportDraft,
        author: &str,
    ) -> Result<Event, PlanningError> {
        self.announce(self.inner.log.save_report(operation_id, draft, author))
            .await
    }

    /// New times and metadata from a sidecar (`product.updated`).
    pub async fn update_metadata(
        &self,
        id: i64,
        timing: &Timing,
        meta: &ProductMeta,
    ) -> Result<Event> {
        self.announce_written(self.inner.log.update_metadata(id, timing, meta))
            .await
    }

    /// A product restricted by a rule added since it was catalogued (`product.updated`).
    pub async fn restrict(&self, id: i64) -> Result<Event> {
        self.announce_written(self.inner.log.restrict(id)).await
    }

    /// A product's bytes found missing, or back (`product.updated`).
    pub async fn set_missing(&self, id: i64, missing: bool) -> Result<Event> {
        self.announce_written(self.inner.log.set_missing(id, missing))
            .await
    }

    /// A product's renditions, or why there are none (`product.updated`).
    pub async fn set_renditions(
        &self,
        id: i64,
        thumbnail_path: Option<&str>,
        preview_path: Option<&str>,
        error: Option<&str>,
    ) -> Result<Event> {
        let write = self
            .inner
            .log
            .set_renditions(id, thumbnail_path, preview_path, error);
        self.announce_written(write).await
    }

    /// A refused file of `size` bytes, kept at `stored_path` (`product.rejected`).
    pub async fn reject(
        &self,
        rejection: &Rejection,
        stored_path: Option<&str>,
        size: u64,
    ) -> Result<Event> {
        let write = self
            .inner
            .log
            .insert_rejection(rejection, stored_path, size);
        self.announce(write).await
    }

    /// A platform added or changed by an admin (`platform.saved`).
    pub async fn save_platform(&self, platform: &Platform) -> Result<Event, PlanningError> {
        self.announce(self.inner.log.save_platform(platform)).await
    }

    /// An IOP added or changed by an admin (`iop.saved`).
    pub async fn save_iop(&self, iop: &Iop) -> Result<Event, PlanningError> {
        self.announce(self.inner.log.save_iop(iop)).await
    }

    /// An operation planned by `author` (`operation.created`).
    pub async fn create_operation(
        &self,
        plan: &Plan,
        author: &str,
    ) -> Result<Event, PlanningError> {
        self.announce(self.inner.log.create_operation(plan, author))
            .await
    }

    /// Planning fields of an operation changed (`operation.updated`).
    pub async fn update_operation(
        &self,
        id: i64,
        patch: PlanPatch,
    ) -> Result<Event, PlanningError> {
        self.announce(self.inner.log.update_operation(id, patch))
            .await
    }

    /// A decision by `author`, moving an operation along its lifecycle
    /// (`decision.recorded`).
    pub async fn record_decision(
        &self,
        id: i64,
        decision: &NewDecision,
        author: &str,
    ) -> Result<Event, PlanningError> {
        self.announce(self.inner.log.record_decision(id, decision, author))
            .await
    }

    /// A briefing planned by `author` (`briefing.updated`).
    pub async fn create_briefing(
        &self,
        draft: &BriefingDraft,
        author: &str,
    ) -> Result<Event, PlanningError> {
        self.announce(self.inner.log.create_briefing(draft, author))
            .await
    }

    /// A briefing changed (`briefing.updated`).
    pub async fn update_briefing(
        &self,
        id: i64,
        draft: &BriefingDraft,
    ) -> Result<Event, PlanningError> {
        self.announce(self.inner.log.update_briefing(id, draft))
            .await
    }

    /// An item added at the end of a briefing (`briefing.updated`).
    pub async fn add_briefing_item(
        &self,
        id: i64,
        item: &BriefingItem,
    ) -> Result<Event, PlanningError> {
        self.announce(self.inner.log.add_briefing_item(id, item))
            .await
    }

    /// The presenter moved to another item (`briefing.updated`): every
    /// open presentation follows.
    pub async fn move_briefing(&self, id: i64, position: usize) -> Result<Event, PlanningError> {
        self.announce(self.inner.log.move_briefing(id, position))
            .await
    }

    /// A tag added to (or changed in) the case studies' vocabulary
    /// (`case_tag.saved`).
    pub async fn save_case_tag(&self, tag: &CaseTag) -> Result<Event, PlanningError> {
        self.announce(self.inner.log.save_case_tag(tag)).await
    }

    /// A case study created by `author` (`case_study.saved`).
    pub async fn create_case_study(
        &self,
        draft: &CaseStudyDraft,
        author: &str,
    ) -> Result<Event, PlanningError> {
        self.announce(self.inner.log.create_case_study(draft, author))
            .await
    }

    /// Case study `slug` replaced by `draft` (`case_study.saved`).
    pub async fn update_case_study(
        &self,
        slug: &str,
        draft: &CaseStudyDraft,
    ) -> Result<Event, PlanningError> {
        self.announce(self.inner.log.update_case_study(slug, draft))
            .await
    }

    /// Case study `slug` deleted (`case_study.deleted`).
    pub async fn delete_case_study(&self, slug: &str) -> Result<Event, PlanningError> {
        self.announce(self.inner.log.delete_case_study(slug)).await
    }

    /// `expected.late` for a product past its deadline, or (`arrived`)
    /// `expected.arrived` for one announced late that came; `None` when it
    /// was said already (or, arrived, never said late).
    pub async fn announce_expected(
        &self,
        expected: &model::expected::Expected,
        arrived: bool,
    ) -> Result<Option<Event>> {
        let _serialised = self.inner.writer.lock().await;
        let event = if arrived {
            self.inner.log.announce_arrived(expected).await?
        } else {
            self.inner.log.announce_late(expected).await?
        };
        if let Some(event) = &event {
            self.publish(event.clone());
        }
        Ok(event)
    }

    /// Runs `write` (not started until the lock is held: futures are lazy),
    /// then publishes its event: broadcast order is `seq` order.
    async fn announce<E>(&self, write: impl Future<Output = Result<Event, E>>) -> Result<Event, E> {
        let _serialised = self.inner.writer.lock().await;
        let event = write.await?;
        self.publish(event.clone());
        Ok(event)
    }

    /// Like [`Hub::announce`] for a change to a product, whose restriction
    /// may have reached its other versions first: each of their events is
    /// published before the change's own, which is returned.
    async fn announce_written(
        &self,
        write: impl Future<Output = Result<Written>>,
    ) -> Result<Event> {
        let _serialised = self.inner.writer.lock().await;
        let written = write.await?;
        for event in written.spread {
            self.publish(event);
        }
        self.publish(written.event.clone());
        Ok(written.event)
    }

    /// Applies `event` to the products in memory and broadcasts it; called
    /// with the writer lock held.
    fn publish(&self, event: Event) {
        self.inner.current.apply(&event);
        // No subscriber is not an error: the event is stored for later replay
        // (and read back from there if it cannot be written out here).
        let seq = event.seq;
        match Announced::new(event) {
            Ok(announced) => {
                let _ = self.inner.sender.send(Arc::new(announced));
            }
            Err(error) => tracing::error!(%error, seq, "an event could not be encoded"),
        }
    }

    /// A receiver of every event published from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Announced>> {
        self.inner.sender.subscribe()
    }
}
