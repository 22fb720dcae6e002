//! The viewer: a product's preview (linked to the original), all it is known
//! by, download, previous/next in its sequence, and loop playback — the leads
//! of a forecast run, or a lane's images across the window.

use leptos::either::Either;
use leptos::prelude::*;
use model::Product;

use crate::components::briefing_add::{product_item, AddToBriefing};
use crate::components::track_look;
use crate::select;
use crate::state::use_dash;

/// Frames preloaded ahead of the one shown, so a loop plays without gaps.
const PRELOAD: usize = 24;
/// Loop speeds offered, in frames per second.
const SPEEDS: [u32; 5] = [1, 2, 4, 8, 12];

#[component]
pub fn Viewer() -> impl IntoView {
    let dash = use_dash();
    // The open product and the frames of its sequence.
    let state = Memo::new(move |_| {
        let open = dash.view.with(|v| v.open)?;
        let window = dash.window.get();
        dash.products.with(|list| {
            let product = list.iter().find(|p| p.id == open)?.clone();
            let frames: Vec<Product> =
                select::sequence(list, &product, (window.start, window.end()))
                    .into_iter()
                    .cloned()
                    .collect();
            Some((product, frames))
        })
    });

    // Playback: one interval while playing, kept across frames (it is
    // restarted only when play, speed or the viewer's being open change).
    #[cfg(feature = "hydrate")]
    let viewing = Memo::new(move |_| dash.view.with(|v| v.open.is_some()));
    #[cfg(feature = "hydrate")]
    Effect::new(
        move |previous: Option<Option<leptos::leptos_dom::helpers::IntervalHandle>>| {
            if let Some(Some(handle)) = previous {
                handle.clear();
            }
            if !dash.playing.get() || !viewing.get() {
                return None;
            }
            let every = std::time::Duration::from_millis(1000 / u64::from(dash.fps.get().max(1)));
            set_interval_with_handle(move || crate::state::step_frame(dash, 1), every).ok()
        },
    );

    move || {
        let open = dash.view.with(|v| v.open)?;
        let Some((product, frames)) = state.get() else {
            return Some(Either::Left(view! {
                <div class="viewer" role="dialog" aria-modal="true" aria-label="Product not loaded">
                    <div class="viewer-bar">
                        <span class="viewer-title">"Product " {open} " is not in the loaded stretch."</span>
                        <a href=model::Product::file_url_for(open) rel="external">"Download"</a>
                        <a class="close" href=move || dash.href(|v| v.with_open(None)) data-noscroll="" aria-label="Close viewer">"×"</a>
                    </div>
                </div>
            }));
        };
        let at = frames.iter().position(|p| p.id == product.id).unwrap_or(0);
        let (prev, next) = (
            select::frame_after(&frames, product.id, -1),
            select::frame_after(&frames, product.id, 1),
        );
        // Lite mode fetches no frame ahead.
        let ahead = if dash.lite.get() { 0 } else { PRELOAD };
        let preload: Vec<String> = frames
            .iter()
            .cycle()
            .skip(at + 1)
            .take(ahead.min(frames.len().saturating_sub(1)))
            .filter_map(select::picture)
            .collect();
        let title = format!(
            "{} · valid {} UTC",
            product.file_name,
            product.valid_time.format("%Y-%m-%d %H:%M")
        );
        let runs = product.lead_hours.map(|_| {
            let lane = select::LaneKey::of(&product);
            let valid = product.valid_time;
            view! { <a href=move || dash.href(|v| v.with_open(None).with_runs(Some((lane.clone(), valid)))) data-noscroll="">"Compare runs"</a> }
        });
        let image = select::picture(&product).map(|src| {
            // Lite mode shows the thumbnail until the full picture is asked for.
            let full = RwSignal::new(false);
            let thumbnail = product.thumbnail_url.clone();
            let shown = {
                let src = src.clone();
                move || match (&thumbnail, dash.lite.get() && !full.get()) {
                    (Some(thumbnail), true) => thumbnail.clone(),
                    _ => src.clone(),
                }
            };
            let has_thumbnail = product.thumbnail_url.is_some();
            let reduced = Signal::derive(move || dash.lite.get() && !full.get() && has_thumbnail);
            view! {
                <a class="viewer-picture" href=product.file_url.clone() rel="external" title="Open the original">
                    <img class="viewer-image" class:thumbnail=move || reduced.get() src=shown alt=title.clone()/>
                </a>
                <Show when=move || reduced.get()>
                    <button type="button" class="control full-picture" on:click=move |_| full.set(true)>
                        "Full picture"
                    </button>
                </Show>
            }
        });
        let frame_link = move |id: Option<i64>, label: &'static str, text: &'static str| {
            id.map(|id| view! { <a class="control" href=move || dash.href(|v| v.with_open(Some(id))) data-noscroll="" aria-label=label title=label>{text}</a> })
        };
        Some(Either::Right(view! {
            <div class="viewer" role="dialog" aria-modal="true" aria-label=title.clone() data-id=product.id data-playing=move || dash.playing.get().to_string()>
                <div class="viewer-bar">
                    <span class="viewer-title">{title.clone()}</span>
                    <span class="frame-count">{format!("{} / {}", at + 1, frames.len())}</span>
                    {frame_link(prev, "Previous frame (←)", "◀")}
                    <button
                        type="button"
                        class="control play"
                        disabled=frames.len() < 2
                        aria-label=move || if dash.playing.get() { "Pause loop (space)" } else { "Play loop (space)" }
                        on:click=move |_| dash.playing.update(|p| *p = !*p)
                    >
                        {move || if dash.playing.get() { "❚❚" } else { "▶" }}
                    </button>
                    {frame_link(next, "Next frame (→)", "▶|")}
                    <label class="speed">
                        <span class="visually-hidden">"Loop speed"</span>
                        <select aria-label="Loop speed" on:change=move |ev| {
                            if let Ok(fps) = event_target_value(&ev).parse() {
                                dash.fps.set(fps);
                            }
                        }>
                            {SPEEDS.into_iter().map(|fps| view! {
                                <option value=fps selected=move || dash.fps.get() == fps>{format!("{fps} fps")}</option>
                            }).collect_view()}
                        </select>
                    </label>
                    {runs}
                    <PinLink id=product.id/>
                    <CiteButton product=product.clone()/>
                    <AddToBriefing item=Signal::stored(product_item(&product))/>
                    <a class="new-case" rel="external" title="A case study of the time shown, with this product"
                        href=move || dash.window.with(|w| crate::links::new_case_href(w.start, w.end(), &[open]))>
                        "New case study"
                    </a>
                    <a href=product.file_url.clone() download=product.file_name.clone() rel="external">"Download"</a>
                    <a class="close" href=move || dash.href(|v| v.with_open(None)) data-noscroll="" aria-label="Close viewer">"×"</a>
                </div>
                <div class="viewer-body">
                    {image}
                    <div class="viewer-side">
                        {track_look::is_track(&product).then(|| view! { <track_look::TrackLook product=product.clone()/> })}
                        <Metadata product=product.clone()/>
                        {(product.version > 1).then(|| view! { <Versions id=product.id/> })}
                    </div>
                </div>
                <div class="preload" aria-hidden="true">
                    {preload.into_iter().map(|src| view! { <img src=src alt=""/> }).collect_view()}
                </div>
            </div>
        }))
    }
}

/// Everything known about a product, as a definition list.
#[component]
fn Metadata(product: Product) -> impl IntoView {
    let time = |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%d %H:%M:%S UTC").to_string();
    let meta = &product.meta;
    let mut rows: Vec<(&str, String)> = vec![
        ("Category", product.category.clone()),
        ("Platform", product.platform.clone()),
        ("Product", product.product.clone()),
        ("Valid", time(product.valid_time)),
    ];
    if let Some(run) = product.run_time {
        rows.push(("Run", time(run)));
    }
    if let Some(lead) = product.lead_hours {
        rows.push(("Lead", format!("{lead} h")));
    }
    rows.extend([
        ("Version", product.version.to_string()),
        ("Arrived", time(product.ingested_at)),
        ("Type", product.media_type.clone()),
        ("Size", format!("{} bytes", product.size)),
    ]);
    // Pages leave it out (a satcom link carries every byte); live events have it.
    if !product.sha256.is_empty() {
        rows.push(("SHA-256", product.sha256.clone()));
    }
    let optional = [
        ("Title", meta.title.clone()),
        ("Description", meta.description.clone()),
        ("Provider", meta.provider.clone()),
        ("Units", meta.units.clone()),
        ("Tags", meta.tags.as_ref().map(|t| t.join(", "))),
        (
            "Area",
            meta.bbox
                .map(|b| format!("W {} S {} E {} N {}", b[0], b[1], b[2], b[3])),
        ),
        (
            "Restricted",
            meta.restricted.filter(|r| *r).map(|_| "yes".to_string()),
        ),
        (
            "Preview",
            product.preview_error.clone().map(|e| format!("none: {e}")),
        ),
        (
            "Missing",
            product
                .missing
                .then(|| "the bytes have vanished from the archive".to_string()),
        ),
    ];
    rows.extend(optional.into_iter().filter_map(|(k, v)| v.map(|v| (k, v))));
    view! {
        <dl class="metadata">
            {rows.into_iter().map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> }).collect_view()}
        </dl>
    }
}

/// Every version of a product re-sent by its provider, each downloadable,
/// with its preview: what the board showed before a correction.
#[component]
fn Versions(id: i64) -> impl IntoView {
    let versions = Resource::new(move || id, crate::pages::board::load::load_versions);
    view! {
        <section class="versions" aria-label="Versions">
            <h3>"Versions"</h3>
            <Suspense fallback=|| view! { <p class="loading">"…"</p> }>
                {move || Suspend::new(async move {
                    let list = versions.await.unwrap_or_default();
                    view! {
                        <ol>
                            {list.into_iter().rev().map(|p| {
                                let arrived = p.ingested_at.format("%Y-%m-%d %H:%M:%S UTC").to_string();
                                let preview = p.preview_url.clone().map(|url| view! { <a href=url rel="external">"preview"</a> });
                                view! {
                                    <li data-id=p.id class:current=p.id == id>
                                        <span>{format!("v{}", p.version)}</span>
                                        <time>{arrived}</time>
                                        <a href=p.file_url.clone() download=p.file_name.clone() rel="external">"download"</a>
                                        {preview}
                                    </li>
                                }
                            }).collect_view()}
                        </ol>
                    }
                })}
            </Suspense>
        </section>
    }
}

/// Keeps this exact version, and the board's link, as evidence for the
/// next decision taken in this browser (see `evidence`).
#[component]
fn CiteButton(product: Product) -> impl IntoView {
    let cited = RwSignal::new(false);
    let pin = crate::evidence::Pin {
        product_id: product.id,
        version: product.version,
        label: product.file_name,
    };
    let cite = move |_| {
        let mut pins = crate::evidence::load();
        let here = window()
            .location()
            .href()
            .ok()
            .and_then(|href| href.find("/?").map(|at| href[at..].to_string()));
        pins.add(pin.clone(), here);
        crate::evidence::save(&pins);
        cited.set(true);
    };
    view! {
        <button type="button" class="control cite" on:click=cite
            title="Keep this version as evidence for a decision">
            {move || if cited.get() { "Cited ✓" } else { "Cite as evidence" }}
        </button>
    }
}

/// Pins this product for a comparison, or compares it with the one pinned.
#[component]
fn PinLink(id: i64) -> impl IntoView {
    let dash = use_dash();
    move || {
        match dash.view.with(|v| v.pin) {
        Some(pin) if pin == id => view! {
            <a href=move || dash.href(|v| v.with_pin(None)) data-noscroll="" class="pinned">"Pinned (unpin)"</a>
        }
        .into_any(),
        Some(pin) => view! {
            <a href=move || dash.href(|v| v.with_pair(Some((pin, id)))) data-noscroll="">"Compare with pinned"</a>
        }
        .into_any(),
        None => view! {
            <a href=move || dash.href(|v| v.with_pin(Some(id))) data-noscroll="">"Pin for comparison"</a>
        }
        .into_any(),
    }
    }
}
