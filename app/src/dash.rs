//! The state one dashboard page shares between its components: the product
//! list kept current by the live stream, the clock, and the view read from
//! the URL. Components take it from context; it is a handful of signal
//! handles, so it is `Copy` and moves freely into closures.

use chrono::{DateTime, Duration, DurationRound, Utc};
use leptos::prelude::*;
#[cfg(feature = "hydrate")]
use leptos_router::hooks::use_navigate;
use leptos_router::hooks::use_query_map;
#[cfg(feature = "hydrate")]
use leptos_router::NavigateOptions;
use products::{Product, Rejection};

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
    pub participant: StoredValue<Option<(String, products::Role)>>,
    /// The operations lanes: operations, decisions and platforms in view.
    pub ops: RwSignal<crate::operations::OpsLanes>,
    /// Whether a map is drawn: the map page, or the board with `map=1`.
    pub map_shown: Memo<bool>,
    /// Flight plans of the operations in view, once a map has loaded them.
    pub plans: RwSignal<Vec<products::tracks::plan::StoredPlan>>,
    /// Each platform's newest position received live, while a map is shown.
    pub positions: RwSignal<std::collections::BTreeMap<String, products::tracks::Position>>,
    /// Browser only: a local value would be dropped on another thread of the
    /// server's runtime, and the server never navigates.
    #[cfg(feature = "hydrate")]
    navigate: StoredValue<Navigate, LocalStorage>,
}

impl Dash {
    /// Creates the page state; call inside the router. `map_page`: the page
    /// is the map's, which shows it whatever the link says.
    pub fn new(board: &crate::board::Board, map_page: bool) -> Self {
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
            ops: RwSignal::new(crate::operations::OpsLanes {
                operations: board.operations.clone(),
                decisions: board.decisions.clone(),
                platforms: board.platforms.clone(),
            }),
            map_shown,
            plans: RwSignal::new(Vec::new()),
            positions: RwSignal::new(Default::default()),
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
