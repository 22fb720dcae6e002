//! What the map fetches from the API, in the browser: the basemap of its
//! view, platforms' tracks simplified to its pixel, and the flight plans of
//! the operations in view. Failures leave the layer as it was and say why
//! in the console: a map without its coasts still shows the aircraft.

use std::cell::RefCell;
use std::collections::{BTreeMap, VecDeque};
use std::rc::Rc;

use chrono::{DateTime, SecondsFormat, Utc};
use leptos::prelude::*;
use model::tracks::plan::StoredPlan;

use crate::map_view::{basemap_request, Basemap, MapView, Track, TrackFeature};
use crate::request;

fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Fetches the basemap for `view` into `into`, coarser in lite mode.
pub fn basemap(view: &MapView, into: RwSignal<Basemap>) {
    let (bounds, width) = basemap_request(view, crate::lite::in_browser());
    let deg_per_px = view.deg_per_px;
    let [w, s, e, n] = bounds;
    let url = format!("/api/v1/map/basemap?bbox={w:.4},{s:.4},{e:.4},{n:.4}&width={width}");
    request::get(&url, move |status, text| {
        match (status, serde_json::from_str::<Basemap>(&text)) {
            (200, Ok(mut lines)) => {
                lines.covers = Some((bounds, deg_per_px));
                into.set(lines);
            }
            _ => leptos::logging::warn!("the basemap could not be loaded ({status})"),
        }
    });
}

/// Fetches `platform`'s track between `from` and `to` simplified to
/// `tolerance` degrees: the whole stretch shown (`Whole`, replacing what
/// `into` holds for it once it arrives, so the map never goes blank between
/// zooms) or a gap to fill (`Gap`, merged).
pub fn track(
    platform: &str,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
    tolerance: f64,
    stretch: Stretch,
    into: RwSignal<BTreeMap<String, Track>>,
) {
    let url = format!(
        "/api/v1/platforms/{}/track?from={}&to={}&tolerance={tolerance}",
        js_sys::encode_uri_component(platform),
        time(from),
        time(to)
    );
    let platform = platform.to_string();
    request::get(&url, move |status, text| {
        match (status, serde_json::from_str::<TrackFeature>(&text)) {
            (200, Ok(feature)) => into.update(|tracks| {
                let fetched = Track::from(feature);
                let held = tracks.entry(platform).or_default();
                match stretch {
                    Stretch::Whole => {
                        // Live positions newer than the answer stay.
                        let newer = held.since(fetched.last_time());
                        *held = fetched;
                        held.extend(newer);
                    }
                    Stretch::Gap => held.extend(fetched),
                }
            }),
            // A platform whose positions this reader may not see.
            (404, _) => {}
            _ => leptos::logging::warn!("the track of {platform} could not be loaded ({status})"),
        }
    });
}

/// What a track request is for.
#[derive(Clone, Copy)]
pub enum Stretch {
    Whole,
    Gap,
}

/// Most product tracks fetched at once. A browser opens six connections to
/// a server: fifty soundings asked for together kept a platform's track
/// waiting behind them for a quarter of a second.
const PRODUCT_TRACKS_AT_ONCE: usize = 2;

/// Fetches the tracks read from products `ids` (balloons' soundings,
/// predictions, flight logs) into `into`, a few at a time, in order; a
/// product without one is left out.
pub fn product_tracks(ids: Vec<i64>, tolerance: f64, into: RwSignal<BTreeMap<i64, Track>>) {
    let queue = Rc::new(RefCell::new(VecDeque::from(ids)));
    for _ in 0..PRODUCT_TRACKS_AT_ONCE {
        next_product_track(queue.clone(), tolerance, into);
    }
}

/// Fetches the first track of `queue`, then the next when it is answered.
fn next_product_track(
    queue: Rc<RefCell<VecDeque<i64>>>,
    tolerance: f64,
    into: RwSignal<BTreeMap<i64, Track>>,
) {
    let Some(id) = queue.borrow_mut().pop_front() else {
        return;
    };
    let url = format!("/api/v1/products/{id}/track?tolerance={tolerance}");
    request::get(&url, move |status, text| {
        if let (200, Ok(feature)) = (status, serde_json::from_str::<TrackFeature>(&text)) {
            into.update(|tracks| {
                tracks.insert(id, Track::from(feature));
            });
        }
        next_product_track(queue, tolerance, into);
    });
}

/// Fetches the flight plans of each operation of `ids` into `into`.
pub fn plans(ids: Vec<i64>, into: RwSignal<Vec<StoredPlan>>) {
    for id in ids {
        request::get(
            &format!("/api/v1/operations/{id}/plans"),
            move |status, text| match (status, serde_json::from_str::<Vec<StoredPlan>>(&text)) {
                (200, Ok(plans)) => into.update(|held| {
                    held.retain(|p| p.operation_id != id);
                    held.extend(plans);
                }),
                _ => leptos::logging::warn!(
                    "the plans of operation {id} could not be loaded ({status})"
                ),
            },
        );
    }
}
