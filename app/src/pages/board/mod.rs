//! The board (`/`, and `/map` with the map drawn large): loads the products
//! for the view in the URL ([`load`]), then keeps them current from the live
//! stream. The briefing screen: timeline on top, the situation at the cursor
//! below, the viewer over both.

pub mod lazy_panels;
#[cfg(feature = "hydrate")]
mod live_batch;
pub mod load;

use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::components::arrivals::Arrivals;
use crate::components::controls::Controls;
use crate::components::header::Header;
use crate::components::help::Help;
use crate::components::rejections::Rejections;
use crate::components::search::SearchResults;
use crate::components::situation::Situation;
use crate::components::timeline::Timeline;
use crate::components::viewer::Viewer;
use crate::state::Dash;
use crate::view::ViewState;
use lazy_panels::{LazyMapPanel, LazyPairCompare, LazyRunToRun};
use load::{load_board, Board as Loaded};

/// The board.
#[component]
pub fn BoardPage() -> impl IntoView {
    view! { <Board map_page=false/> }
}

/// The map page: the board with its map drawn large under the timeline.
#[component]
pub fn MapPage() -> impl IntoView {
    view! { <Board map_page=true/> }
}

/// The board; `map_page` (the `/map` route) draws the map large, under the
/// timeline that sets its time.
#[component]
fn Board(map_page: bool) -> impl IntoView {
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
fn BoardView(board: Loaded, map_page: bool) -> impl IntoView {
    let dash = Dash::new(&board, map_page);
    provide_context(dash);

    #[cfg(feature = "hydrate")]
    {
        let last_seq = board.last_seq;
        Effect::new(move |_| {
            crate::live::start(
                last_seq,
                dash.conn,
                move |event| {
                    match &event.kind {
                        model::EventKind::DecisionRecorded {
                            decision,
                            operation,
                        } => {
                            let me = dash.participant.get_value().map(|(name, _)| name);
                            crate::notify::decision(decision, operation, me.as_deref());
                        }
                        model::EventKind::ExpectedLate { expected } => {
                            crate::notify::late(expected);
                            // It may be of a run expected since the page was made.
                            crate::browser::refresh_expected(dash);
                        }
                        _ => {}
                    }
                    live_batch::apply_live(event, dash)
                },
                move |id| {
                    live_batch::flush(dash);
                    crate::state::withdraw(id, dash)
                },
            );
            crate::browser::start(dash);
        });
        // Positions come on the stream only while a map is drawn.
        Effect::new(move |_| {
            let on_position: Option<crate::live::OnPosition> = dash.map_shown.get().then(|| {
                Box::new(move |position: model::tracks::Position| {
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
                    <LazyMapPanel/>
                </Show>
                <Situation/>
            </div>
            <aside class="side">
                <Arrivals/>
                <Rejections rejections=dash.rejections/>
            </aside>
        </main>
        <LazyRunToRun/>
        <LazyPairCompare/>
        <Viewer/>
        <Help/>
    }
}
