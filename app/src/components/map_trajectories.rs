//! Tracks the map reads from products rather than from a platform's
//! positions: balloons' soundings (their tables' latitude and longitude),
//! predicted trajectories (GeoJSON, drawn dashed) and dropped flight logs.

use std::collections::{BTreeMap, BTreeSet};

use leptos::prelude::*;
use model::operations::PlatformKind;

use super::map_layers::Drawn;
use super::map_platforms::colour_of;
#[cfg(feature = "hydrate")]
use crate::map_view::MapView;
use crate::map_view::Track;
use crate::state::Dash;

/// Most product tracks a map loads: the newest of its window.
const MAX_PRODUCT_TRACKS: usize = 50;

/// The products of the loaded stretch that may carry a track: flight logs
/// (`.iwg1`), predicted trajectories (`.geojson`) and the tables of
/// soundings (`upperair`) and of balloon and sonde platforms; the newest first.
fn track_products(dash: Dash) -> Vec<(i64, String, bool)> {
    let balloons: BTreeSet<String> = dash.ops.with(|ops| {
        ops.platforms
            .iter()
            .filter(|p| matches!(p.kind, PlatformKind::Balloon | PlatformKind::Sonde))
            .map(|p| p.name.clone())
            .collect()
    });
    dash.products.with(|list| {
        let mut found: Vec<&model::Product> = list
            .iter()
            .filter(|p| super::track_look::holds_track(p, balloons.contains(&p.platform)))
            .collect();
        found.sort_by_key(|p| std::cmp::Reverse(p.valid_time));
        found
            .into_iter()
            .take(MAX_PRODUCT_TRACKS)
            .map(|p| {
                let predicted = p.file_name.to_ascii_lowercase().ends_with(".geojson");
                (p.id, format!("{} {}", p.platform, p.field()), predicted)
            })
            .collect()
    })
}

/// The tracks read from products, each where it is at the cursor.
pub fn trajectories_at(dash: Dash, product_tracks: RwSignal<BTreeMap<i64, Track>>) -> Vec<Drawn> {
    let at = dash.cursor.get();
    let following = dash.view.with(|v| v.cursor.is_none());
    let wanted = track_products(dash);
    product_tracks.with(|held| {
        wanted
            .into_iter()
            .filter_map(|(id, label, predicted)| {
                let track = held.get(&id)?.clone();
                let platform = label.split(' ').next().unwrap_or_default().to_string();
                Some(Drawn {
                    key: format!("product:{id}"),
                    colour: colour_of(dash, &platform),
                    flown: if following {
                        track.points.len()
                    } else {
                        track.flown_by(at)
                    },
                    at: track.at(at).map(|p| (p, None)),
                    motion: None,
                    fix_age_s: None,
                    label,
                    predicted,
                    track,
                })
            })
            .filter(|d| !d.track.points.is_empty())
            .collect()
    })
}

/// Fetches the track of each product that may carry one, once.
#[cfg(feature = "hydrate")]
pub fn load_trajectories(
    dash: Dash,
    view: RwSignal<MapView>,
    product_tracks: RwSignal<BTreeMap<i64, Track>>,
) {
    let asked = StoredValue::new(BTreeSet::<i64>::new());
    Effect::new(move |_| {
        let tolerance = crate::map_view::track_tolerance(&view.get_untracked());
        let new: Vec<i64> = track_products(dash)
            .into_iter()
            .map(|(id, _, _)| id)
            .filter(|id| asked.with_value(|a| !a.contains(id)))
            .collect();
        asked.update_value(|a| a.extend(new.iter().copied()));
        if !new.is_empty() {
            crate::map_fetch::product_tracks(new, tolerance, product_tracks);
        }
    });
}
