//! The timeline: one lane per category/platform, each product a mark at its time.

use chrono::{DateTime, Duration, DurationRound, Timelike, Utc};
use leptos::prelude::*;
use products::record::family;
use products::Product;

/// The time span drawn, and how a time maps to a horizontal position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

/// One axis label.
#[derive(Clone, Debug, PartialEq)]
pub struct Tick {
    pub pct: f64,
    pub label: String,
    /// Midnight UTC: the day changes here.
    pub day: bool,
}

impl Window {
    /// The last day and the next hours around `now`, widened to show every
    /// product (at its valid time), with a little margin so edge marks stay clickable.
    pub fn fit(products: &[Product], now: DateTime<Utc>) -> Self {
        let mut start = now - Duration::hours(24);
        let mut end = now + Duration::hours(6);
        for p in products {
            start = start.min(p.valid_time);
            end = end.max(p.valid_time);
        }
        let margin = (end - start) / 50;
        Self {
            start: start - margin,
            end: end + margin,
        }
    }

    /// Position of `t` as a percentage of the width (may fall outside 0-100).
    pub fn pct(&self, t: DateTime<Utc>) -> f64 {
        let span = (self.end - self.start).num_milliseconds().max(1) as f64;
        (t - self.start).num_milliseconds() as f64 / span * 100.0
    }

    /// Labels at a round step chosen so that about eight fit.
    pub fn ticks(&self) -> Vec<Tick> {
        let hours = (self.end - self.start).num_hours().max(1);
        let step = [1, 3, 6, 12, 24, 48, 96, 168]
            .into_iter()
            .find(|s| hours / s <= 8)
            .unwrap_or(336);
        let step = Duration::hours(step);
        // Truncating from the epoch aligns steps of up to a day on UTC hours and midnights.
        let Ok(mut t) = self.start.duration_trunc(step) else {
            return Vec::new();
        };
        let mut ticks = Vec::new();
        while t <= self.end {
            if t >= self.start {
                let day = t.hour() == 0;
                ticks.push(Tick {
                    pct: self.pct(t),
                    label: if day {
                        t.format("%a %d %b").to_string()
                    } else {
                        t.format("%H:%M").to_string()
                    },
                    day,
                });
            }
            t += step;
        }
        ticks
    }
}

/// Lanes in display order: by family, then category, then platform.
pub fn lane_keys(products: &[Product]) -> Vec<(String, String)> {
    let mut keys: Vec<(String, String)> = products.iter().map(Product::lane).collect();
    keys.sort_by(|a, b| {
        (family(&a.0).order(), &a.0, &a.1).cmp(&(family(&b.0).order(), &b.0, &b.1))
    });
    keys.dedup();
    keys
}

fn pct_style(pct: f64) -> String {
    format!("{pct:.3}%")
}

#[component]
pub fn Timeline(
    products: RwSignal<Vec<Product>>,
    now: DateTime<Utc>,
    selected: RwSignal<Option<Product>>,
) -> impl IntoView {
    let window = Memo::new(move |_| products.with(|list| Window::fit(list, now)));
    let lanes = Memo::new(move |_| products.with(|list| lane_keys(list)));
    view! {
        <section class="timeline" aria-label="Timeline of products, UTC">
            <div class="axis" aria-hidden="true">
                <div class="lane-label"></div>
                <div class="track">
                    {move || {
                        window
                            .get()
                            .ticks()
                            .into_iter()
                            .map(|tick| {
                                view! {
                                    <span class="tick" class:day=tick.day style:left=pct_style(tick.pct)>
                                        {tick.label}
                                    </span>
                                }
                            })
                            .collect_view()
                    }}
                </div>
            </div>
            <Show when=move || lanes.with(|l| !l.is_empty()) fallback=|| view! { <p class="empty">"No products in this window yet."</p> }>
                <For each=move || lanes.get() key=|lane| lane.clone() let:lane>
                    <Lane lane products window now selected/>
                </For>
            </Show>
        </section>
    }
    .into_any()
}

#[component]
fn Lane(
    lane: (String, String),
    products: RwSignal<Vec<Product>>,
    window: Memo<Window>,
    now: DateTime<Utc>,
    selected: RwSignal<Option<Product>>,
) -> impl IntoView {
    let (category, platform) = lane.clone();
    let fam = family(&category);
    let marks = Memo::new(move |_| {
        products.with(|list| {
            list.iter()
                .filter(|p| p.category == lane.0 && p.platform == lane.1)
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    view! {
        <div class=format!("lane fam-{}", fam.key()) data-lane=format!("{category}/{platform}")>
            <div class="lane-label" title=fam.label()>
                <span class="lane-category">{category.clone()}</span>
                <span class="lane-platform">{platform.clone()}</span>
            </div>
            <div class="track">
                <div class="now-line" style:left=move || pct_style(window.get().pct(now)) aria-hidden="true"></div>
                <For each=move || marks.get() key=|p| (p.id, p.version) let:product>
                    <Mark product window now selected/>
                </For>
            </div>
        </div>
    }
    .into_any()
}

#[component]
fn Mark(
    product: Product,
    window: Memo<Window>,
    now: DateTime<Utc>,
    selected: RwSignal<Option<Product>>,
) -> impl IntoView {
    // Forecasts sit at their valid time: what matters when planning a flight.
    let time = product.valid_time;
    let image = product.is_image();
    let fresh = product.ingested_at > now;
    let label = match product.lead_hours {
        Some(lead) => format!(
            "{} — valid {} UTC (+{lead} h)",
            product.file_name,
            product.valid_time.format("%Y-%m-%d %H:%M")
        ),
        None => format!(
            "{} — {} UTC",
            product.file_name,
            product.valid_time.format("%Y-%m-%d %H:%M")
        ),
    };
    let open = product.clone();
    view! {
        <a
            class="mark"
            class:image=image
            class:fresh=fresh
            href=product.file_url.clone()
            data-id=product.id
            data-file-name=product.file_name.clone()
            title=label.clone()
            aria-label=label
            style:left=move || pct_style(window.get().pct(time))
            on:click=move |ev| {
                if image {
                    ev.prevent_default();
                    selected.set(Some(open.clone()));
                }
            }
        ></a>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn window_covers_now_and_every_product() {
        let now = Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap();
        let empty = Window::fit(&[], now);
        assert!(empty.pct(now) > 0.0 && empty.pct(now) < 100.0);
        let ticks = empty.ticks();
        assert!(!ticks.is_empty() && ticks.len() <= 9, "{ticks:?}");
        assert!(ticks.iter().any(|t| t.day), "a day boundary is labelled");
        assert!(ticks.iter().all(|t| (0.0..=100.0).contains(&t.pct)));
    }
}
