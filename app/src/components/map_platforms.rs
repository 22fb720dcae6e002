//! The platforms on the map: where each is at the cursor along its track
//! (or at its latest live position while the map follows now), which way
//! and how fast it goes, how old its last fix is; and the control that
//! keeps the map centred on one of them.

use std::collections::{BTreeMap, BTreeSet};

use leptos::prelude::*;

use super::map_layers::Drawn;
use crate::map_view::Track;
use crate::state::Dash;

/// Each platform's track, and where it is at the cursor: the newest live
/// position while the board follows now, else the track at the cursor.
pub fn drawn_at(dash: Dash, tracks: RwSignal<BTreeMap<String, Track>>) -> Vec<Drawn> {
    let following = dash.view.with(|v| v.cursor.is_none());
    let at = dash.cursor.get();
    let positions = dash.positions.get();
    tracks.with(|tracks| {
        let names: BTreeSet<&String> = tracks.keys().chain(positions.keys()).collect();
        names
            .into_iter()
            .map(|name| {
                let track = tracks.get(name).cloned().unwrap_or_default();
                let live = positions.get(name);
                let here = if following {
                    live.map(|p| ([p.lon, p.lat], p.alt))
                        .or_else(|| track.points.last().map(|p| (*p, None)))
                } else {
                    track.at(at).map(|p| (p, None))
                };
                let last_fix = live.map(|p| p.time).or(track.last_time());
                let motion = match (following, live) {
                    (true, Some(p)) => live_motion(p).or_else(|| track.motion_at(p.time)),
                    (true, None) => last_fix.and_then(|t| track.motion_at(t)),
                    (false, _) => track.motion_at(at),
                };
                let fix_age_s = following
                    .then(|| last_fix.map(|t| (dash.now.get() - t).num_seconds().max(0)))
                    .flatten();
                Drawn {
                    key: name.clone(),
                    label: name.clone(),
                    predicted: false,
                    colour: colour_of(dash, name),
                    flown: if following {
                        track.points.len()
                    } else {
                        track.flown_by(at)
                    },
                    track,
                    at: here,
                    motion,
                    fix_age_s,
                }
            })
            .filter(|d| !d.track.points.is_empty() || d.at.is_some())
            .collect()
    })
}

/// The heading and ground speed a live packet carries (IWG1's true
/// heading, else its track; ground speed in m/s).
fn live_motion(p: &model::tracks::Position) -> Option<(f64, f64)> {
    let value = |name: &str| p.values.get(name).and_then(serde_json::Value::as_f64);
    let heading = value("true_hdg").or_else(|| value("track"))?;
    let speed = value("grnd_spd")?;
    Some((heading.rem_euclid(360.0), speed * 3.6))
}

/// "Follow": the platforms drawn where they are, and none.
#[component]
pub fn FollowChoice(
    followable: Memo<Vec<String>>,
    following: RwSignal<Option<String>>,
) -> impl IntoView {
    view! {
        <label class="map-follow">
            "Follow "
            <select aria-label="Follow a platform" on:change=move |ev| {
                let key = event_target_value(&ev);
                following.set((!key.is_empty()).then_some(key));
            }>
                <option value="" selected=move || following.with(Option::is_none)>"none"</option>
                <For each=move || followable.get() key=Clone::clone let:key>
                    <option value=key.clone() selected={
                        let key = key.clone();
                        move || following.with(|f| f.as_deref() == Some(key.as_str()))
                    }>{key.clone()}</option>
                </For>
            </select>
        </label>
    }
}

/// Colours of platforms the campaign gave none.
const PALETTE: [&str; 6] = [
    "#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf",
];

pub(super) fn colour_of(dash: Dash, platform: &str) -> String {
    dash.ops.with(|ops| {
        ops.colour(platform).map(str::to_string).unwrap_or_else(|| {
            let n = ops
                .platforms
                .iter()
                .position(|p| p.name == platform)
                .unwrap_or(0);
            PALETTE[n % PALETTE.len()].to_string()
        })
    })
}
