//! The dashboard page: loads the board for the view in the URL, then keeps it
//! current from the live stream. The briefing screen: timeline on top, the
//! situation at the cursor below, the viewer over both.

use std::collections::{HashMap, HashSet};

use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use products::{Event, EventKind, Product, ProductKey};

use crate::board::{load_board, Board, RECENT_REJECTIONS};
use crate::components::arrivals::Arrivals;
use crate::components::controls::Controls;
use crate::components::header::Header;
use crate::components::help::Help;
use crate::components::map::MapPanel;
use crate::components::pair::PairCompare;
use crate::components::rejections::Rejections;
use crate::components::runs::RunToRun;
use crate::components::search::SearchResults;
use crate::components::situation::Situation;
use crate::components::timeline::Timeline;
use crate::components::viewer::Viewer;
use crate::dash::Dash;
use crate::view::ViewState;

/// The board; `map_page` (the `/map` route) draws the map large, under the
/// timeline that sets its time.
#[component]
pub fn Dashboard(#[prop(optional)] map_page: bool) -> impl IntoView {
    let query = use_query_map();
    // Loaded once per page, for the window the URL names; later view changes
    // are navigations within the page and do not reload.
    let board = Resource::new(
        || (),
        move |_| {
            let view = query.with_untracked(|q| ViewState::from_query(|k| q.get(k)));
            // The window the view draws: a cursor named in the link brings it along.
            let start = view.window(chrono::Utc::now()).start;
            load_board(Some(start), view.span_hours, view.open)
        },
    );
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading the catalogue…"</p> }>
            {move || Suspend::new(async move {
                match board.await {
                    Ok(board) => Either::Left(view! { <BoardView board map_page/> }),
                    Err(error) => Either::Right(view! {
                        <p class="error">"The catalogue could not be loaded: " {error.to_string()}</p>
                    }),
                }
            })}
        </Suspense>
    }
}

#[component]
fn BoardView(board: Board, map_page: bool) -> impl IntoView {
    let dash = Dash::new(&board, map_page);
    provide_context(dash);

    #[cfg(feature = "hydrate")]
    {
        let last_seq = board.last_seq;
        Effect::new(move |_| {
            crate::live::start(
                last_seq,
                dash.conn,
                move |event| apply_event(&event, dash),
                move |id| withdraw(id, dash),
            );
            crate::browser::start(dash);
        });
        // Positions come on the stream only while a map is drawn.
        Effect::new(move |_| {
            let on_position: Option<crate::live::OnPosition> = dash.map_shown.get().then(|| {
                Box::new(move |position: products::tracks::Position| {
                    dash.positions.update(|held| {
                        held.insert(position.platform.clone(), position);
                    })
                }) as Box<dyn Fn(_)>
            });
            crate::live::want_positions(on_position);
        });
    }

    view! {
        <Header/>
        <main class="board" class:map-page=map_page>
            <div class="main-column">
                <Controls/>
                <SearchResults/>
                <Timeline/>
                <Show when=move || dash.map_shown.get()>
                    <MapPanel/>
                </Show>
                <Situation/>
            </div>
            <aside class="side">
                <Arrivals/>
                <Rejections rejections=dash.rejections/>
            </aside>
        </main>
        <RunToRun/>
        <PairCompare/>
        <Viewer/>
        <Help/>
    }
}

/// Applies a live event to the page's lists.
pub fn apply_event(event: &Event, dash: Dash) {
    match &event.kind {
        EventKind::ProductAdded { product } | EventKind::ProductUpdated { product, .. } => {
            #[cfg(feature = "hydrate")]
            let hidden = crate::browser::hidden();
            #[cfg(not(feature = "hydrate"))]
            let hidden = false;
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
            list.truncate(RECENT_REJECTIONS);
        }),
        // Platforms, operations and decisions: the operations lanes.
        #[allow(unused_variables)]
        EventKind::DecisionRecorded {
            decision,
            operation,
        } => {
            #[cfg(feature = "hydrate")]
            {
                let me = dash.participant.get_value().map(|(name, _)| name);
                crate::notify::decision(decision, operation, me.as_deref());
            }
            dash.ops.update(|ops| {
                ops.apply(event);
            });
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn product(id: i64, version: i64) -> Product {
        let mut product = crate::fixtures::product(id, "model.AROME.202611281200.precip.png");
        product.version = version;
        product
    }

    #[test]
    fn merge_replaces_by_id_or_identity_and_keeps_the_rest() {
        let other = crate::fixtures::product(9, "satellite.MSG.202611281200.ir108.png");
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
