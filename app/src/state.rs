//! The state one board page shares between its components: the product
//! list kept current by the live stream (events applied and lists merged
//! here), the clock, and the view read from the URL (frames stepped here). Components take it from context; it is a handful of signal
//! handles, so it is `Copy` and moves freely into closures.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, DurationRound, Utc};
use leptos::prelude::*;
#[cfg(feature = "hydrate")]
use leptos_router::hooks::use_navigate;
use leptos_router::hooks::use_query_map;
#[cfg(feature = "hydrate")]
use leptos_router::NavigateOptions;
use model::{Event, EventKind, Product, ProductKey, Rejection};

use crate::components::connection::ConnState;
use crate::select::{self, LaneKey};
use crate::view::{default_lanes, Filter, ViewState};
use crate::window::Window;

/// The router's navigation, taking a `?query` of the same page.
#[cfg(feature = "hydrate")]
type Navigate = Box<dyn Fn(&str)>;

#[derive(Clone, Copy)]
pub struct Dash {
    /// Every loaded product, newest version of each.
    pub products: RwSignal<Vec<Product>>,
    pub rejections: RwSignal<Vec<Rejection>>,
    /// The arrivals history as far as it is shown, newest first.
    pub arrivals: RwSignal<Vec<Product>>,
    pub conn: RwSignal<ConnState>,
    /// The wall clock, ticking every second in the browser.
    pub now: RwSignal<DateTime<Utc>>,
    /// When the page was loaded: "new since I opened the page" counts from here.
    pub opened: DateTime<Utc>,
    /// The valid times `products` covers; panning beyond it loads more.
    pub loaded: RwSignal<(DateTime<Utc>, DateTime<Utc>)>,
    /// The view, parsed from the URL: the single source of truth for what is shown.
    pub view: Memo<ViewState>,
    pub window: Memo<Window>,
    /// The cursor time ("now" to the minute while none is set).
    pub cursor: Memo<DateTime<Utc>>,
    pub filter: Memo<Filter>,
    /// The situation grid's lanes: the URL's, or the page's choice.
    pub lanes: Memo<Vec<LaneKey>>,
    /// Whether the keyboard help is open.
    pub help: RwSignal<bool>,
    /// Loop playback in the viewer, and its speed in frames per second.
    pub playing: RwSignal<bool>,
    pub fps: RwSignal<u32>,
    /// Turns true once the browser has taken over the page: what only the
    /// browser can compute (the local clock) waits for it, so that the first
    /// client render matches the server's.
    pub hydrated: RwSignal<bool>,
    /// Products that arrived while the tab was hidden.
    pub away: RwSignal<usize>,
    /// An IANA zone shown beside UTC.
    pub local_tz: StoredValue<Option<String>>,
    /// The participant the page is for; `None` for the public.
    pub participant: StoredValue<Option<(String, model::Role)>>,
    /// Lite mode ([`crate::lite`]): thumbnails only, events once a second.
    pub lite: RwSignal<bool>,
    /// The bytes this page has used, shown in lite mode (browser only).
    pub bytes: RwSignal<u64>,
    /// The operations lanes: operations, decisions and platforms in view.
    pub ops: RwSignal<crate::operations::OpsLanes>,
    /// Whether a map is drawn: the map page, or the board with `map=1`.
    pub map_shown: Memo<bool>,
    /// Flight plans of the operations in view, once a map has loaded them.
    pub plans: RwSignal<Vec<model::tracks::plan::StoredPlan>>,
    /// Each platform's newest position received live, while a map is shown.
    pub positions: RwSignal<std::collections::BTreeMap<String, model::tracks::Position>>,
    /// What the campaign expects and had not come when last asked (the page
    /// made, then every few minutes and when a run goes late: a run
    /// expected after the page was made is drawn too); a product that
    /// arrives meets its entry.
    pub expected: RwSignal<Vec<model::expected::Expected>>,
    /// Browser only: a local value would be dropped on another thread of the
    /// server's runtime, and the server never navigates.
    #[cfg(feature = "hydrate")]
    navigate: StoredValue<Navigate, LocalStorage>,
}

impl Dash {
    /// Creates the page state; call inside the router. `map_page`: the page
    /// is the map's, which shows it whatever the link says.
    pub fn new(board: &crate::pages::board::load::Board, map_page: bool) -> Self {
        let query = use_query_map();
        let view = Memo::new(move |_| query.with(|q| ViewState::from_query(|k| q.get(k))));
        let now = RwSignal::new(board.now);
        let opened = board.now;
        let products = RwSignal::new(board.products.clone());
        let window = Memo::new(move |_| view.with(|v| v.window(now.get())));
        let cursor = Memo::new(move |_| {
            let now = now.get();
            view.with(|v| v.cursor)
                .unwrap_or_else(|| now.duration_trunc(Duration::minutes(1)).unwrap_or(now))
        });
        let filter = Memo::new(move |_| view.with(|v| v.filter.clone()));
        let map_shown = Memo::new(move |_| map_page || view.with(|v| v.map));
        let lanes = Memo::new(move |_| {
            view.with(|v| v.lanes.clone()).unwrap_or_else(|| {
                let filter = filter.get();
                products.with(|list| {
                    default_lanes(&select::lanes(
                        list.iter()
                            .filter(|p| filter.matches(p, opened) && select::pictured(p)),
                    ))
                })
            })
        });
        #[cfg(feature = "hydrate")]
        let navigate: Navigate = {
            let navigate = use_navigate();
            Box::new(move |href: &str| {
                navigate(
                    href,
                    NavigateOptions {
                        replace: true,
                        scroll: false,
                        ..Default::default()
                    },
                )
            })
        };
        Self {
            products,
            rejections: RwSignal::new(board.rejections.clone()),
            arrivals: RwSignal::new(board.arrivals.clone()),
            conn: RwSignal::new(ConnState::Static),
            now,
            opened,
            loaded: RwSignal::new(board.loaded),
            view,
            window,
            cursor,
            filter,
            lanes,
            help: RwSignal::new(false),
            playing: RwSignal::new(false),
            fps: RwSignal::new(4),
            hydrated: RwSignal::new(false),
            away: RwSignal::new(0),
            local_tz: StoredValue::new(board.config.local_tz.clone()),
            participant: StoredValue::new(board.reader.participant.clone()),
            lite: RwSignal::new(board.lite),
            bytes: RwSignal::new(0),
            ops: RwSignal::new(crate::operations::OpsLanes {
                operations: board.operations.clone(),
                decisions: board.decisions.clone(),
                platforms: board.platforms.clone(),
            }),
            map_shown,
            plans: RwSignal::new(Vec::new()),
            positions: RwSignal::new(Default::default()),
            expected: RwSignal::new(board.expected.clone()),
            #[cfg(feature = "hydrate")]
            navigate: StoredValue::new_local(navigate),
        }
    }

    /// Shows `view`, replacing the current history entry (keys, drags and
    /// playback would otherwise bury the back button).
    pub fn go(&self, view: ViewState) {
        #[cfg(feature = "hydrate")]
        self.navigate.with_value(|nav| nav(&view.href()));
        #[cfg(not(feature = "hydrate"))]
        let _ = view;
    }

    /// A link to the current view changed by `change`.
    pub fn href(&self, change: impl Fn(&ViewState) -> ViewState) -> String {
        self.view.with(|v| change(v).href())
    }

    /// This view's address choosing lite mode on or off (the server
    /// remembers the choice for the next pages).
    pub fn href_with_lite(&self, lite: bool) -> String {
        let href = self.href(Clone::clone);
        let joint = if href.len() > 1 { "&" } else { "" };
        format!("{href}{joint}lite={}", u8::from(lite))
    }

    /// The products the filters let through, by reference.
    pub fn with_visible<R>(&self, f: impl FnOnce(Vec<&Product>) -> R) -> R {
        let opened = self.opened;
        self.filter.with(|filter| {
            self.products
                .with(|list| f(list.iter().filter(|p| filter.matches(p, opened)).collect()))
        })
    }

    /// The product with `id`, if loaded.
    pub fn product(&self, id: i64) -> Option<Product> {
        self.products
            .with(|list| list.iter().find(|p| p.id == id).cloned())
    }
}

/// The page's state, from context.
pub fn use_dash() -> Dash {
    expect_context::<Dash>()
}

/// Applies a live event to the page's lists; `hidden` says the tab is not
/// shown (an arrival then counts towards the tab title's "new" number).
pub fn apply_event(event: &Event, dash: Dash, hidden: bool) {
    match &event.kind {
        EventKind::ProductAdded { product } | EventKind::ProductUpdated { product, .. } => {
            let added = matches!(event.kind, EventKind::ProductAdded { .. });
            if added && hidden {
                dash.away.update(|n| *n += 1);
            }
            dash.arrivals.update(|list| arrived(list, product, added));
            dash.products.update(|list| upsert(list, product.clone()))
        }
        EventKind::FlightPlanSaved { plan } => dash.plans.update(|plans| {
            plans.retain(|held| held.id != plan.id);
            plans.push(plan.clone());
        }),
        EventKind::FlightPlanRemoved { id, .. } => dash
            .plans
            .update(|plans| plans.retain(|held| held.id != *id)),
        EventKind::ProductRejected { rejection } => dash.rejections.update(|list| {
            list.insert(0, rejection.clone());
            list.truncate(crate::pages::board::load::RECENT_REJECTIONS);
        }),
        // Platforms, operations and decisions: the operations lanes.
        _ => {
            dash.ops.update(|ops| {
                ops.apply(event);
            });
        }
    }
}

/// Drops a product restricted since the page got it, wherever the page
/// holds it, with every version of it: a restriction covers the product.
pub fn withdraw(id: i64, dash: Dash) {
    let key = |list: &Vec<Product>| list.iter().find(|p| p.id == id).map(|p| p.key().to_owned());
    let held = dash
        .products
        .with_untracked(key)
        .or_else(|| dash.arrivals.with_untracked(key));
    let gone = |p: &Product| p.id == id || held.as_ref().is_some_and(|k| p.key() == k.borrowed());
    dash.products.update(|list| list.retain(|p| !gone(p)));
    dash.arrivals.update(|list| list.retain(|p| !gone(p)));
}

/// Keeps the arrivals history current: a new arrival goes on top, an update
/// (renditions, a sidecar) replaces its entry where it is.
fn arrived(list: &mut Vec<Product>, product: &Product, added: bool) {
    match list.iter_mut().find(|p| p.id == product.id) {
        Some(entry) => *entry = product.clone(),
        None if added => list.insert(0, product.clone()),
        None => {}
    }
}

/// Puts `product` in `list`, replacing the entry with the same id or an older
/// version of the same product.
pub fn upsert(list: &mut Vec<Product>, product: Product) {
    merge(list, vec![product]);
}

/// Puts every product of `more` in `list`, each replacing the entry with its
/// id or its identity (an older version): linear in both, so a stretch of
/// thousands of products loaded by a pan merges at once. An older version
/// than the one held (its own update, a restriction spread to it) is not taken.
pub fn merge(list: &mut Vec<Product>, mut more: Vec<Product>) {
    let keep: Vec<bool> = {
        let held: HashMap<ProductKey<&str>, i64> =
            list.iter().map(|p| (p.key(), p.version)).collect();
        more.iter()
            .map(|p| held.get(&p.key()).is_none_or(|v| *v <= p.version))
            .collect()
    };
    let mut keep = keep.into_iter();
    more.retain(|_| keep.next().unwrap_or(true));
    {
        let ids: HashSet<i64> = more.iter().map(|p| p.id).collect();
        let keys: HashSet<ProductKey<&str>> = more.iter().map(Product::key).collect();
        list.retain(|p| !ids.contains(&p.id) && !keys.contains(&p.key()));
    }
    list.extend(more);
}

/// Moves the viewer `by` frames along its sequence, wrapping at the ends.
pub fn step_frame(dash: Dash, by: i64) {
    let view = dash.view.get_untracked();
    let Some(open) = view.open else { return };
    let window = dash.window.get_untracked();
    let next = dash.products.with_untracked(|list| {
        let current = list.iter().find(|p| p.id == open)?;
        let frames = select::sequence(list, current, (window.start, window.end()));
        select::frame_after(&frames, open, by)
    });
    if let Some(id) = next {
        dash.go(view.with_open(Some(id)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn product(id: i64, version: i64) -> Product {
        let mut product = model::fixtures::product(id, "model.AROME.202611281200.precip.png");
        product.version = version;
        product
    }

    #[test]
    fn merge_replaces_by_id_or_identity_and_keeps_the_rest() {
        let other = model::fixtures::product(9, "satellite.MSG.202611281200.ir108.png");
        let mut list = vec![product(1, 1), other, product(3, 1)];
        list[2].product = "wind".into();
        let mut again = product(3, 1);
        again.product = "wind".into();
        merge(&mut list, vec![product(2, 2), again]);
        let mut ids: Vec<i64> = list.iter().map(|p| p.id).collect();
        ids.sort();
        assert_eq!(
            ids,
            vec![2, 3, 9],
            "version 2 replaced 1, 3 replaced itself, 9 stayed"
        );
    }

    #[test]
    fn upsert_replaces_older_versions_and_ignores_replays() {
        let mut list = vec![product(1, 1)];
        upsert(&mut list, product(1, 1));
        assert_eq!(list.len(), 1, "a replayed event must not duplicate");
        upsert(&mut list, product(2, 2));
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].version, 2);
        // Version 1's own update (restricted with version 2) keeps version 2.
        upsert(&mut list, product(1, 1));
        assert_eq!((list.len(), list[0].version), (1, 2));
    }
}
