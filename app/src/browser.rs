//! What only a browser does for a page: the ticking clock, the keyboard, the
//! tab title while hidden, loading stretches a pan reaches, the local clock.

use std::time::Duration as StdDuration;

use chrono::{DateTime, Utc};
use leptos::ev;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::select;
use crate::state::{step_frame, Dash};

/// Starts everything; called once, after hydration.
pub fn start(dash: Dash) {
    let _ = set_interval_with_handle(move || dash.now.set(Utc::now()), StdDuration::from_secs(1));
    dash.now.set(Utc::now());
    dash.hydrated.set(true);
    keyboard(dash);
    tab_title(dash);
    load_beyond(dash);
    remember_lanes(dash);
    lite_mode(dash);
    follow_expected(dash);
    if let Some(body) = document().body() {
        // Marks the moment the page became interactive (benchmarks read it).
        let _ = body.set_attribute("data-hydrated", "1");
        if let Some(at) = window().performance().map(|p| p.now()) {
            let _ = body.set_attribute("data-hydrated-at", &format!("{at:.1}"));
        }
    }
}

/// Whether the tab is in the background.
pub fn hidden() -> bool {
    document().hidden()
}

/// Counts arrivals while the tab is hidden, in the title too; the count
/// stays on the page until dismissed.
fn tab_title(dash: Dash) {
    let handle = window_event_listener(ev::visibilitychange, move |_| {
        if hidden() {
            dash.away.set(0);
        } else {
            document().set_title("opsboard");
        }
    });
    std::mem::forget(handle);
    Effect::new(move |_| {
        let away = dash.away.get();
        if hidden() && away > 0 {
            document().set_title(&format!("({away}) opsboard"));
        }
    });
}

fn typing(ev: &web_sys::KeyboardEvent) -> bool {
    ev.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA"))
}

/// The keyboard: `←`/`→` step the cursor (or the viewer's frames), `+`/`-`
/// zoom, `f` follows now, `n` puts the cursor back on now, space plays the
/// loop, `?` shows the help, Escape closes what is open.
fn keyboard(dash: Dash) {
    let handle = window_event_listener(ev::keydown, move |ev| {
        if typing(&ev) || ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
            return;
        }
        let view = dash.view.get_untracked();
        let now = dash.now.get_untracked();
        let viewing = view.open.is_some();
        let handled = match ev.key().as_str() {
            "?" => {
                dash.help.update(|h| *h = !*h);
                true
            }
            "Escape" => {
                if dash.help.get_untracked() {
                    dash.help.set(false);
                } else if viewing {
                    dash.playing.set(false);
                    dash.go(view.with_open(None));
                } else if view.runs.is_some() {
                    dash.go(view.with_runs(None));
                } else if view.pair.is_some() {
                    dash.go(view.with_pair(None));
                }
                true
            }
            " " if viewing => {
                dash.playing.update(|p| *p = !*p);
                true
            }
            "ArrowLeft" | "ArrowRight" if viewing => {
                step_frame(dash, if ev.key() == "ArrowRight" { 1 } else { -1 });
                true
            }
            "ArrowLeft" | "ArrowRight" if view.runs.is_some() => {
                step_runs(dash, ev.key() == "ArrowRight");
                true
            }
            "ArrowLeft" | "ArrowRight" => {
                let from = dash.cursor.get_untracked();
                let forward = ev.key() == "ArrowRight";
                if let Some(t) = dash.with_visible(|list| select::step(list, from, forward)) {
                    dash.go(view.with_cursor(Some(t), now));
                }
                true
            }
            "+" | "=" => {
                dash.go(view.zoomed(-1, 0.5, now));
                true
            }
            "-" | "_" => {
                dash.go(view.zoomed(1, 0.5, now));
                true
            }
            "f" => {
                dash.go(if view.follows_now() {
                    view.panned(0.0, now)
                } else {
                    view.following_now()
                });
                true
            }
            "n" => {
                dash.go(view.with_cursor(None, now));
                true
            }
            _ => false,
        };
        if handled {
            ev.prevent_default();
        }
    });
    std::mem::forget(handle);
}

/// Where the situation grid's chosen lanes are kept in this browser.
const LANES_KEY: &str = "opsboard.lanes";

/// Keeps the situation grid's chosen lanes in this browser: a page opened
/// without `lanes=` in its link gets the last chosen set back, and going
/// back to the default forgets it. Links still name their lanes exactly.
fn remember_lanes(dash: Dash) {
    let storage = window().local_storage().ok().flatten();
    Effect::new(move |started: Option<()>| {
        let lanes = dash.view.with(|v| v.lanes.clone());
        let Some(storage) = storage.as_ref() else {
            return;
        };
        match (started, lanes) {
            (None, None) => {
                let saved = storage.get_item(LANES_KEY).ok().flatten();
                if let Some(saved) = saved {
                    let lanes = saved
                        .split(',')
                        .filter_map(select::LaneKey::parse)
                        .collect();
                    let view = dash.view.get_untracked();
                    dash.go(crate::view::ViewState {
                        lanes: Some(lanes),
                        ..view
                    });
                }
            }
            (_, Some(lanes)) => {
                let ids: Vec<String> = lanes.iter().map(select::LaneKey::id).collect();
                let _ = storage.set_item(LANES_KEY, &ids.join(","));
            }
            (Some(()), None) => {
                let _ = storage.remove_item(LANES_KEY);
            }
        }
    });
}

/// Moves run-to-run to the next (or previous) valid time of its first run,
/// both pictures together.
fn step_runs(dash: Dash, forward: bool) {
    let view = dash.view.get_untracked();
    let Some((lane, valid)) = view.runs.clone() else {
        return;
    };
    let next = dash.products.with_untracked(|list| {
        let runs = select::runs(list, &lane, valid);
        let run = view.compare.pick(&runs).0.and_then(|p| p.run_time);
        select::valid_step(list, &lane, run, valid, forward)
    });
    if let Some(t) = next {
        dash.go(view.with_runs(Some((lane, t))));
    }
}

/// Loads the products of stretches a pan or zoom reaches beyond what the page
/// holds, and merges them in.
fn load_beyond(dash: Dash) {
    Effect::new(move |_| {
        let (start, end) = dash.window.get().render_range();
        let (have_from, have_to) = dash.loaded.get_untracked();
        if start >= have_from && end <= have_to {
            return;
        }
        // A window's width more on each side, so the next drags are local;
        // a jump far away (another year) loads its own stretch, not the gap.
        let margin = dash.window.get_untracked().span;
        let far = chrono::Duration::days(28);
        let (from, to) = if start > have_to + far || end < have_from - far {
            (start - margin, end + margin)
        } else {
            (start.min(have_from) - margin, end.max(have_to) + margin)
        };
        dash.loaded.set((from, to));
        leptos::task::spawn_local(async move {
            match crate::pages::board::load::load_products(from, to).await {
                Ok(more) => dash.products.update(|list| crate::state::merge(list, more)),
                Err(error) => leptos::logging::warn!("could not load {from}–{to}: {error}"),
            }
        });
    });
}

#[wasm_bindgen]
extern "C" {
    /// `Intl.DateTimeFormat`, whose constructor throws on an unknown zone.
    #[wasm_bindgen(js_namespace = Intl, js_name = DateTimeFormat)]
    type DateTimeFormat;
    #[wasm_bindgen(catch, constructor, js_namespace = Intl, js_class = DateTimeFormat)]
    fn new(locale: &str, options: &JsValue) -> Result<DateTimeFormat, JsValue>;
    #[wasm_bindgen(method, js_class = DateTimeFormat)]
    fn format(this: &DateTimeFormat, date: &js_sys::Date) -> String;
}

/// `t` as `HH:MM` with the zone's abbreviation in the IANA zone `tz`, by the
/// browser's own zone data (none is shipped in the wasm); `None` for an
/// unknown zone.
pub fn local_time(t: DateTime<Utc>, tz: &str) -> Option<String> {
    let options = js_sys::Object::new();
    for (key, value) in [
        ("timeZone", tz),
        ("hour", "2-digit"),
        ("minute", "2-digit"),
        ("hourCycle", "h23"),
        ("timeZoneName", "short"),
    ] {
        js_sys::Reflect::set(&options, &key.into(), &value.into()).ok()?;
    }
    let format = DateTimeFormat::new("en-GB", &options).ok()?;
    let date = js_sys::Date::new(&JsValue::from_f64(t.timestamp_millis() as f64));
    Some(format.format(&date))
}

/// Lite mode in the browser: chosen when the browser asks for less and the
/// reader has not said otherwise (remembered for the next pages), and the
/// bytes used counted every two seconds while it is on.
fn lite_mode(dash: Dash) {
    let said = crate::lite::remembered(&crate::lite::document_cookies()).is_some();
    if !dash.lite.get_untracked() && !said && crate::lite::browser_asks_for_less() {
        let _ = js_sys::Reflect::set(
            &document(),
            &"cookie".into(),
            &crate::lite::cookie(true).into(),
        );
        dash.lite.set(true);
    }
    let count = move || {
        if dash.lite.get_untracked() {
            dash.bytes
                .set(crate::lite::bytes_used(crate::live::bytes_received()));
        }
    };
    count();
    let _ = set_interval_with_handle(count, StdDuration::from_secs(2));
}

/// How often the expected products are asked for again (a lite page: less
/// often, the satellite link's bytes counted).
const EXPECTED_EVERY: StdDuration = StdDuration::from_secs(5 * 60);
const EXPECTED_EVERY_LITE: StdDuration = StdDuration::from_secs(15 * 60);

/// Asks for the expected products every few minutes while the tab is
/// shown, so that a run expected after the page was made is drawn.
fn follow_expected(dash: Dash) {
    let last = StoredValue::new(Utc::now());
    let look = move || {
        let every = if dash.lite.get_untracked() {
            EXPECTED_EVERY_LITE
        } else {
            EXPECTED_EVERY
        };
        let due =
            Utc::now() - last.get_value() >= chrono::Duration::from_std(every).unwrap_or_default();
        if due && !hidden() {
            last.set_value(Utc::now());
            refresh_expected(dash);
        }
    };
    let _ = set_interval_with_handle(look, StdDuration::from_secs(30));
}

/// Asks for what the campaign expects now and has not received.
pub fn refresh_expected(dash: Dash) {
    crate::request::get("/api/v1/expected", move |status, body| {
        if status != 200 {
            return;
        }
        if let Ok(mut expected) = serde_json::from_str::<Vec<model::expected::Expected>>(&body) {
            expected.retain(|e| !matches!(e.status, model::expected::Status::Arrived { .. }));
            dash.expected.set(expected);
        }
    });
}
