//! The dashboard page: loads the board, then keeps it current from the live stream.

use leptos::prelude::*;
use products::{Event, EventKind, Product, Rejection};

use crate::board::{load_board, Board, RECENT_REJECTIONS};
use crate::components::arrivals::Arrivals;
use crate::components::connection::{ConnIndicator, ConnState};
use crate::components::rejections::Rejections;
use crate::components::timeline::Timeline;
use crate::components::viewer::Viewer;

#[component]
pub fn Dashboard() -> impl IntoView {
    let board = Resource::new(|| (), |_| load_board());
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading the catalogue…"</p> }>
            {move || Suspend::new(async move {
                match board.await {
                    Ok(board) => view! { <BoardView board/> }.into_any(),
                    Err(error) => view! {
                        <p class="error">"The catalogue could not be loaded: " {error.to_string()}</p>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn BoardView(board: Board) -> impl IntoView {
    let now = board.now;
    let products = RwSignal::new(board.products);
    let rejections = RwSignal::new(board.rejections);
    let conn = RwSignal::new(ConnState::Static);
    let selected = RwSignal::new(None::<Product>);

    #[cfg(feature = "hydrate")]
    {
        let last_seq = board.last_seq;
        Effect::new(move |_| {
            crate::live::start(last_seq, conn, move |event| {
                apply_event(&event, products, rejections)
            });
        });
    }

    view! {
        <header class="top">
            <h1>"opsboard"</h1>
            <ConnIndicator state=conn/>
            <span class="count">{move || products.with(Vec::len)} " products"</span>
            <a class="nav" href="/upload">"Upload"</a>
        </header>
        <main class="board">
            <Timeline products now selected/>
            <aside class="side">
                <Arrivals products now selected/>
                <Rejections rejections/>
            </aside>
        </main>
        <Viewer selected/>
    }
    .into_any()
}

/// Applies a live event to the page's lists.
pub fn apply_event(
    event: &Event,
    products: RwSignal<Vec<Product>>,
    rejections: RwSignal<Vec<Rejection>>,
) {
    match &event.kind {
        EventKind::ProductAdded { product } | EventKind::ProductUpdated { product } => {
            products.update(|list| upsert(list, product.clone()))
        }
        EventKind::ProductRejected { rejection } => rejections.update(|list| {
            list.insert(0, rejection.clone());
            list.truncate(RECENT_REJECTIONS);
        }),
    }
}

/// Puts `product` in `list`, replacing the entry with the same id or an older
/// version of the same product.
pub fn upsert(list: &mut Vec<Product>, product: Product) {
    list.retain(|p| {
        p.id != product.id
            && !(p.category == product.category
                && p.platform == product.platform
                && p.time == product.time
                && p.product == product.product)
    });
    list.push(product);
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn product(id: i64, version: i64) -> Product {
        let time = Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap();
        Product {
            id,
            run_time: Some(time),
            lead_hours: None,
            valid_time: time,
            meta: Default::default(),
            missing: false,
            thumbnail_url: None,
            preview_url: None,
            preview_error: None,
            category: "model".into(),
            platform: "AROME".into(),
            product: "precip".into(),
            time,
            version,
            file_name: "model.AROME.202611281200.precip.png".into(),
            media_type: "image/png".into(),
            size: 1,
            sha256: "x".into(),
            ingested_at: Utc::now(),
            file_url: Product::file_url_for(id),
        }
    }

    #[test]
    fn upsert_replaces_older_versions_and_ignores_replays() {
        let mut list = vec![product(1, 1)];
        upsert(&mut list, product(1, 1));
        assert_eq!(list.len(), 1, "a replayed event must not duplicate");
        upsert(&mut list, product(2, 2));
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].version, 2);
    }
}
