//! The situation at the cursor: for each chosen lane, the product valid
//! nearest to the cursor time, how far from it, greyed when stale. The
//! briefing screen; it follows the live stream like the rest of the page.

use leptos::either::Either;
use leptos::prelude::*;
use model::Product;

use crate::select::{self, LaneKey};
use crate::state::use_dash;
use crate::window::{moment_label, short_label};

#[component]
pub fn Situation() -> impl IntoView {
    let dash = use_dash();
    let cells = Memo::new(move |_| {
        let at = dash.cursor.get();
        let lanes = dash.lanes.get();
        dash.with_visible(|list| {
            lanes
                .into_iter()
                .map(|lane| {
                    let nearest = select::nearest(list.iter().copied(), &lane, at).cloned();
                    (lane, nearest)
                })
                .collect::<Vec<_>>()
        })
    });
    view! {
        <section class="panel situation" aria-labelledby="situation-title">
            <h2 id="situation-title">
                "Situation at "
                <time datetime=move || dash.cursor.get().to_rfc3339()>
                    {move || moment_label(dash.cursor.get(), dash.now.get())}
                </time>
            </h2>
            <Show when=move || dash.view.with(|v| v.lanes.is_some())>
                <a class="default-lanes" href=move || dash.href(|v| crate::view::ViewState { lanes: None, ..v.clone() }) data-noscroll="">
                    "Default lanes"
                </a>
            </Show>
            <Show
                when=move || cells.with(|c| !c.is_empty())
                fallback=|| view! { <p class="empty">"No lanes chosen: add one with + beside a lane of the timeline."</p> }
            >
                <div class="situation-grid">
                    <For
                        each=move || cells.get()
                        key=|(lane, p)| (lane.id(), p.as_ref().map(|p| (p.id, p.version, p.thumbnail_url.is_some())))
                        children=move |(lane, product)| view! { <Cell lane product/> }
                    />
                </div>
            </Show>
        </section>
    }
}

#[component]
fn Cell(lane: LaneKey, product: Option<Product>) -> impl IntoView {
    let dash = use_dash();
    let remove = {
        let lane = lane.clone();
        move || {
            let current = dash.lanes.get();
            dash.href(|v| v.with_lane_toggled(&lane, &current))
        }
    };
    let family = lane.family();
    let valid = product.as_ref().map(|p| p.valid_time);
    let stale = move || valid.is_none_or(|v| select::is_stale(family, v - dash.cursor.get()));
    let body = product.map(|p| {
        let valid = p.valid_time;
        let offset = move || valid - dash.cursor.get();
        let runs = (p.lead_hours.is_some()).then(|| {
            let lane = lane.clone();
            view! {
                <a class="runs-link" href=move || dash.href(|v| v.with_runs(Some((lane.clone(), valid)))) data-noscroll="">"Runs"</a>
            }
        });
        let run = p
            .run_time
            .zip(p.lead_hours)
            .map(|(run, lead)| format!("run {} +{lead} h", run.format("%d %Hz")));
        let title = p.meta.title.clone().map(|t| {
            let full = t.clone();
            view! { <span class="cell-subtitle" title=full>{t}</span> }
        });
        view! {
            {title}
            <a class="cell-open" href=move || dash.href(|v| v.with_open(Some(p.id))) data-noscroll="" data-id=p.id>
                <Thumb product=p.clone()/>
            </a>
            <div class="cell-meta">
                <span class="offset" data-offset-minutes=move || offset().num_minutes()>{move || select::offset_label(offset())}</span>
                <time datetime=valid.to_rfc3339()>{move || short_label(valid, dash.now.get())} " UTC"</time>
                {run.map(|r| view! { <span class="run">{r}</span> })}
                {runs}
            </div>
        }
    });
    view! {
        <article class=format!("cell fam-{}", family.key()) class:stale=stale data-lane=lane.id()>
            <header>
                <span class="cell-title">{lane.platform.clone()} " · " {lane.field.clone()}</span>
                <a class="remove" href=remove data-noscroll="" aria-label=format!("Remove {} from the situation grid", lane.id())>"×"</a>
            </header>
            {match body {
                Some(body) => Either::Left(body),
                None => Either::Right(view! { <p class="empty">"Nothing in this lane."</p> }),
            }}
        </article>
    }
}

/// A product's small picture: its thumbnail when made, the image itself when
/// small enough to be one, or its kind in words. In lite mode, the thumbnail
/// drawn narrower (`?w=160`), and never the image itself.
#[component]
pub fn Thumb(product: Product) -> impl IntoView {
    let alt = product.file_name.clone();
    let lite = use_context::<crate::state::Dash>().is_some_and(|dash| dash.lite.get_untracked());
    let src = match (&product.thumbnail_url, product.is_image(), lite) {
        (Some(src), _, true) => Some(format!("{src}?w=160")),
        (Some(src), _, false) => Some(src.clone()),
        (None, true, false) => Some(product.file_url.clone()),
        (None, _, _) => None,
    };
    match src {
        Some(src) => Either::Left(view! { <img class="thumb" src=src alt=alt loading="lazy"/> }),
        None => {
            Either::Right(view! { <span class="thumb kind">{product.media_type.clone()}</span> })
        }
    }
}
