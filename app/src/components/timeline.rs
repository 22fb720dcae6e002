//! The timeline: rows by family, platform and lane (forecasts one row per
//! run), a UTC axis with day boundaries, the now line and the time cursor.
//!
//! Rows are recomputed from the product list and the view, and re-rendered
//! only when what they draw changes; dense stretches are drawn as counts
//! (see [`crate::rows::bin`]), so ten thousand products stay light.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use leptos::either::EitherOf3;
use leptos::prelude::*;
use model::expected::Expected;
use model::name::format_time;
use model::Product;

use crate::components::operation_lanes::OperationLanes;
use crate::rows::{timeline_rows, Item, Row, RowKind};
use crate::state::use_dash;
use crate::window::Window;

/// The expected products none of `products` meets: the hollow marks. Each
/// product is looked at once, against the few expected at its time.
fn unmet<'a>(expected: &'a [Expected], products: &[&Product]) -> Vec<&'a Expected> {
    let mut by_time: HashMap<DateTime<Utc>, Vec<usize>> = HashMap::new();
    for (i, e) in expected.iter().enumerate() {
        by_time.entry(e.reference()).or_default().push(i);
    }
    let mut met = vec![false; expected.len()];
    for p in products {
        for &i in by_time.get(&p.time).into_iter().flatten() {
            met[i] = met[i] || expected[i].is_met_by(p);
        }
    }
    expected
        .iter()
        .zip(met)
        .filter_map(|(e, met)| (!met).then_some(e))
        .collect()
}

fn left(pct: f64) -> String {
    format!("{pct:.3}%")
}

#[component]
pub fn Timeline() -> impl IntoView {
    let dash = use_dash();
    let folded = Memo::new(move |_| dash.view.with(|v| v.folded.clone()));
    let rows = Memo::new(move |_| {
        let window = dash.window.get();
        folded.with(|folded| {
            dash.with_visible(|list| {
                dash.expected.with(|expected| {
                    let mut unmet = unmet(expected, &list);
                    dash.filter.with(|f| unmet.retain(|e| f.lets_expected(e)));
                    timeline_rows(&list, &unmet, window.render_range(), window.bin(), &|id| {
                        folded.contains(id)
                    })
                })
            })
        })
    });
    // How far a drag in progress has moved the tracks, in pixels.
    let pan = RwSignal::new(0.0_f64);
    let section = NodeRef::<leptos::html::Section>::new();
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        section
            .get()
            .map(|element| crate::timeline_input::attach(element.into(), dash, pan))
    });
    let ticks = Memo::new(move |_| dash.window.get().ticks(dash.now.get()));
    let days = move || {
        ticks
            .get()
            .into_iter()
            .filter(|t| t.day)
            .collect::<Vec<_>>()
    };
    let keyed_rows = move || {
        let window = dash.window.get();
        rows.get()
            .into_iter()
            .map(move |row| (window, row))
            .collect::<Vec<_>>()
    };
    view! {
        <section
            class="timeline"
            aria-label="Timeline of products, UTC"
            node_ref=section
            style=move || format!("--pan: {:.1}px", pan.get())
        >
            <div class="axis">
                <div class="lane-label axis-label">"UTC"</div>
                <div class="track" title="Click to put the time cursor here">
                    <div class="marks">
                        <For each=move || ticks.get() key=|tick| (tick.label.clone(), (tick.pct * 1000.0) as i64) let:tick>
                            <span class="tick" class:day=tick.day style:left=left(tick.pct)>{tick.label}</span>
                        </For>
                    </div>
                </div>
            </div>
            // Bounded: the situation grid stays on the first screen however
            // many lanes there are; the rows scroll under the axis.
            <div class="timeline-scroll">
            <div class="timeline-body">
                <OperationLanes/>
                <Show when=move || rows.with(|r| !r.is_empty()) fallback=|| view! { <p class="empty">"No products match this view yet."</p> }>
                    <For
                        each=keyed_rows
                        key=|(window, row)| (row.id.clone(), row.signature(), window.start.timestamp(), window.span.num_seconds())
                        children=move |(window, row)| view! { <TimelineRow row window/> }
                    />
                </Show>
                <div class="overlay" aria-hidden="true">
                    <div class="marks">
                        <For each=days key=|tick| tick.label.clone() let:tick>
                            <div class="day-line" style:left=left(tick.pct)></div>
                        </For>
                        <div class="now-line" style:left=move || left(dash.window.get().pct(dash.now.get()))></div>
                        <div class="cursor-line" style:left=move || left(dash.window.get().pct(dash.cursor.get()))></div>
                    </div>
                </div>
            </div>
            </div>
        </section>
    }
}

#[component]
fn TimelineRow(row: Row, window: Window) -> impl IntoView {
    let dash = use_dash();
    let Row {
        id,
        kind,
        label,
        depth,
        family,
        foldable,
        folded,
        count,
        items,
    } = row;
    let fold = foldable.then(|| {
        let id = id.clone();
        let (symbol, name) = if folded { ("▸", "Unfold") } else { ("▾", "Fold") };
        view! {
            <a class="fold" href=move || dash.href(|v| v.with_fold(&id)) data-noscroll="" aria-label=format!("{name} {label}", label = label.clone()) aria-expanded=(!folded).to_string()>{symbol}</a>
        }
    });
    let pin = match &kind {
        RowKind::Lane(lane) => {
            let lane = lane.clone();
            let shown = {
                let lane = lane.clone();
                move || dash.lanes.with(|l| l.contains(&lane))
            };
            let href = {
                let lane = lane.clone();
                move || {
                    let current = dash.lanes.get();
                    dash.href(|v| v.with_lane_toggled(&lane, &current))
                }
            };
            let (shown2, shown3) = (shown.clone(), shown.clone());
            Some(view! {
                <a
                    class="pin"
                    class:on=shown3
                    href=href
                    data-noscroll=""
                    aria-label=move || {
                        if shown2() {
                            format!("Remove {} from the situation grid", lane.id())
                        } else {
                            format!("Show {} in the situation grid", lane.id())
                        }
                    }
                    title="Show in the situation grid"
                >
                    {move || if shown() { "✓" } else { "+" }}
                </a>
            })
        }
        _ => None,
    };
    let lane_id = match &kind {
        RowKind::Lane(lane) | RowKind::Run(lane, _) => Some(lane.id()),
        _ => None,
    };
    let run = match &kind {
        RowKind::Run(_, run) => Some(format_time(*run)),
        _ => None,
    };
    let header = matches!(kind, RowKind::Family(_) | RowKind::Group);
    // A mark links to this view with its product open, so that a click
    // opens it even before the page's code has arrived (on a slow link the
    // server then renders the viewer); once hydrated, the click is handled
    // in the page (`timeline_input`) and the link only serves "open in a new
    // tab". Taken when the row is drawn: rows are redrawn when the window or
    // the filters change.
    let base = dash.view.with_untracked(|v| v.with_open(None).href());
    let items = items
        .into_iter()
        .map(|item| view_item(item, &window, dash.now, &base))
        .collect_view();
    view! {
        <div
            class=format!("row depth-{depth} fam-{}", family.key())
            class:header=header
            class:folded=folded
            data-row=id
            data-lane=lane_id
            data-run=run
        >
            <div class="lane-label">
                {fold}
                <span class="row-name">{label}</span>
                <span class="row-count" title="Products loaded">{count}</span>
                {pin}
            </div>
            <div class="track">
                <div class="marks">{items}</div>
            </div>
        </div>
    }
}

/// What a mark says on hover (and, as its title, to screen readers): the
/// name and every time that matters.
fn describe(product: &model::Product) -> String {
    // Hand-formatted: this runs for every mark of the page, and chrono's
    // `format` parses its pattern each time.
    use chrono::{Datelike, Timelike};
    use std::fmt::Write;
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let stamp = |text: &mut String, t: DateTime<Utc>| {
        let month = MONTHS[t.month0() as usize];
        let _ = write!(
            text,
            "{:02} {month} {:02}:{:02}",
            t.day(),
            t.hour(),
            t.minute()
        );
    };
    let mut text = String::with_capacity(120);
    text.push_str(&product.file_name);
    text.push_str("\nvalid ");
    stamp(&mut text, product.valid_time);
    text.push_str(" UTC");
    if let (Some(run), Some(lead)) = (product.run_time, product.lead_hours) {
        text.push_str("\nrun ");
        stamp(&mut text, run);
        let _ = write!(text, " UTC +{lead} h");
    }
    text.push_str("\narrived ");
    stamp(&mut text, product.ingested_at);
    let _ = write!(text, ":{:02} UTC", product.ingested_at.second());
    text
}

/// The address of the view `base` (a query, `?` when default) with `id` open.
fn open_href(base: &str, id: i64) -> String {
    if base.len() > 1 {
        format!("{base}&open={id}")
    } else {
        format!("?open={id}")
    }
}

fn view_item(
    item: Item,
    window: &Window,
    clock: RwSignal<DateTime<Utc>>,
    base: &str,
) -> impl IntoView {
    let now = clock.get_untracked();
    let pct = window.pct(item.time());
    match item {
        Item::Mark(product) => {
            // Arrived in the last few seconds: flashes once as it appears.
            let fresh =
                (now - product.ingested_at).num_seconds().abs() < 10 || product.ingested_at > now;
            let title = describe(&product);
            EitherOf3::A(view! {
                <a
                    class="mark"
                    class:image=product.is_image()
                    class:fresh=fresh
                    class:missing=product.missing
                    href=open_href(base, product.id)
                    data-id=product.id
                    data-file-name=product.file_name.clone()
                    title=title
                    style:left=left(pct)
                ></a>
            })
        }
        Item::Cluster { first, last, count } => {
            let width = window.pct(last) - window.pct(first);
            let title = format!(
                "{count} products, {} – {} UTC; click to zoom in",
                first.format("%d %b %H:%M"),
                last.format("%d %b %H:%M")
            );
            EitherOf3::B(view! {
                <button
                    type="button"
                    class="cluster"
                    data-zoom=format_time(first + (last - first) / 2)
                    data-count=count
                    title=title
                    style:left=left(pct)
                    style:width=left(width)
                >
                    {count}
                </button>
            })
        }
        Item::Expected(expected) => {
            // Hollow, and in the warning colour once its deadline passed
            // (the page's clock ticks: no reload needed to see it late).
            let deadline = expected.deadline_at;
            let late = move || clock.get() >= deadline;
            let title = move || expected.describe(clock.get());
            EitherOf3::C(view! {
                <span
                    class="mark expected"
                    class:late=late
                    role="img"
                    aria-label=title.clone()
                    title=title
                    style:left=left(pct)
                ></span>
            })
        }
    }
}
