//! The map: the board's moment in space. Everything on it is at the time
//! cursor of the timeline above it: the georeferenced images valid nearest
//! then, the platforms where they were then along their tracks (live while
//! the board follows now), the flight plans and target areas of the
//! operations in view. Clicking a track moves the cursor to that point's
//! time. Drawn as SVG by Leptos: no map library, and a basemap shipped with
//! the server, so it works with no internet and weighs little on satcom.

use std::collections::{BTreeMap, BTreeSet};

use leptos::prelude::*;

use super::map_fields::{FieldLayer, FieldLegend, FieldMenu};
use super::map_layers::{
    AreasLayer, Base, BasemapLayer, Graticule, ImagesLayer, Placed, PlansLayer, RingsLayer,
    TracksLayer,
};
use super::map_platforms::{colour_of, drawn_at, FollowChoice};
#[cfg(feature = "hydrate")]
use super::map_trajectories::load_trajectories;
use super::map_trajectories::trajectories_at;
use crate::components::briefing_add::{view_item, AddToBriefing};
use crate::map_view::{bounds_of, Basemap, Bounds, MapView, Track, HEIGHT, WIDTH};
use crate::select::{self, picture, LaneKey};
use crate::state::{use_dash, Dash};
use crate::window::moment_label;

#[component]
pub fn MapPanel() -> impl IntoView {
    let dash = use_dash();
    let basemap = RwSignal::new(Basemap::default());
    let tracks: RwSignal<BTreeMap<String, Track>> = RwSignal::new(BTreeMap::new());
    // Tracks read from products (balloon soundings, predictions, flight logs), by id.
    let product_tracks: RwSignal<BTreeMap<i64, Track>> = RwSignal::new(BTreeMap::new());
    let opacity = RwSignal::new(70u8);
    // Lanes switched on or off by hand; `None` while the page chooses.
    let chosen: RwSignal<Option<BTreeSet<String>>> = RwSignal::new(None);
    let moved_by_hand = RwSignal::new(false);

    let geo_lanes = Memo::new(move |_| {
        dash.with_visible(|list| {
            select::lanes(
                list.into_iter()
                    .filter(|p| p.meta.bbox.is_some() && picture(p).is_some()),
            )
        })
    });
    let shown_lanes = Memo::new(move |_| {
        let geo = geo_lanes.get();
        chosen
            .get()
            .unwrap_or_else(|| default_lanes(&geo, &dash.lanes.get()))
    });
    let images = Memo::new(move |_| images_at(dash, &geo_lanes.get(), &shown_lanes.get()));
    let areas = Memo::new(move |_| areas_in_view(dash));
    let plans = Memo::new(move |_| {
        let ops = dash.ops.get();
        dash.plans.with(|plans| {
            plans
                .iter()
                .filter_map(|plan| {
                    let op = ops.operations.iter().find(|o| o.id == plan.operation_id)?;
                    Some((plan.clone(), colour_of(dash, &op.plan.platform)))
                })
                .collect::<Vec<_>>()
        })
    });
    let drawn = Memo::new(move |_| {
        let mut drawn = drawn_at(dash, tracks);
        drawn.extend(trajectories_at(dash, product_tracks));
        drawn
    });
    let bases = Memo::new(move |_| {
        let platforms = dash.ops.with(|ops| ops.platforms.clone());
        platforms
            .into_iter()
            .filter_map(|p| {
                Some(Base {
                    colour: colour_of(dash, &p.name),
                    at: p.base_position?,
                    rings_km: p.rings(),
                    platform: p.name,
                })
            })
            .collect::<Vec<_>>()
    });

    // What the map shows first: the campaign's area — operations' areas
    // and plans, platforms' bases, tracks and latest positions — or, with
    // none of those, its images (often a whole disc), or Europe.
    let content = move || {
        let mut corners: Vec<[f64; 2]> = Vec::new();
        let mut add = |[w, s, e, n]: Bounds| corners.extend([[w, s], [e, n]]);
        areas.with(|list| list.iter().for_each(|a| add(a.bounds)));
        plans.with(|list| list.iter().filter_map(|(p, _)| p.bounds).for_each(&mut add));
        bases.with(|list| {
            list.iter()
                .for_each(|b| add([b.at[0], b.at[1], b.at[0], b.at[1]]))
        });
        drawn.with(|list| {
            for d in list {
                if let Some(b) = bounds_of(d.track.points.iter().copied()) {
                    add(b);
                }
            }
        });
        if corners.is_empty() {
            images.with(|list| {
                for i in list {
                    let [w, s, e, n] = i.bounds;
                    corners.extend([[w, s], [e, n]]);
                }
            });
        }
        bounds_of(corners).map(MapView::fit).unwrap_or_default()
    };
    let view = RwSignal::new(content());

    #[cfg(feature = "hydrate")]
    load(dash, view, basemap, tracks, moved_by_hand, content);
    #[cfg(feature = "hydrate")]
    load_trajectories(dash, view, product_tracks);

    // The platform the map keeps centred on, as its positions arrive.
    let following: RwSignal<Option<String>> = RwSignal::new(None);
    Effect::new(move |_| {
        let Some(key) = following.get() else { return };
        let here = drawn.with(|list| list.iter().find(|d| d.key == key).and_then(|d| d.at));
        if let Some(([lon, lat], _)) = here {
            view.update(|v| {
                v.lon = lon;
                v.lat = lat;
            });
        }
    });
    let followable = Memo::new(move |_| {
        drawn.with(|list| {
            list.iter()
                .filter(|d| !d.predicted && d.at.is_some() && !d.key.starts_with("product:"))
                .map(|d| d.key.clone())
                .collect::<Vec<_>>()
        })
    });

    let svg_ref = NodeRef::<leptos::svg::Svg>::new();
    let fields = super::map_fields::ModelFields::new(dash, view);
    #[cfg(feature = "hydrate")]
    super::map_fields::follow(fields, dash, view, svg_ref);
    // The listeners live as long as the effect's value: a redrawn map
    // drops the old ones, a page left drops them all.
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        svg_ref.get().map(|svg| {
            crate::map_input::attach(
                svg.into(),
                crate::map_input::MapInput {
                    view,
                    moved_by_hand,
                    on_click: Box::new(move |at| pick(dash, view, drawn, at)),
                },
            )
        })
    });

    let zoom = move |factor: f64| {
        moved_by_hand.set(true);
        view.update(|v| *v = v.zoomed(factor, (WIDTH / 2.0, HEIGHT / 2.0)));
    };
    let scale = move || {
        let (km, px) = view.get().scale_bar();
        let label = if km < 1.0 {
            format!("{:.0} m", km * 1000.0)
        } else {
            format!("{km} km")
        };
        (px, label)
    };
    view! {
        <section class="panel map" aria-labelledby="map-title">
            <h2 id="map-title">
                "Map at "
                <time datetime=move || dash.cursor.get().to_rfc3339()>
                    {move || moment_label(dash.cursor.get(), dash.now.get())}
                </time>
            </h2>
            <div class="map-controls">
                <button type="button" aria-label="Zoom in" on:click=move |_| zoom(2.0)>"+"</button>
                <button type="button" aria-label="Zoom out" on:click=move |_| zoom(0.5)>"−"</button>
                <button type="button" on:click=move |_| { moved_by_hand.set(false); view.set(content()); }>"Fit"</button>
                <label class="map-opacity">
                    "Images "
                    <input type="range" min="0" max="100" step="5"
                        prop:value=move || opacity.get().to_string()
                        on:input=move |ev| set_opacity(opacity, &event_target_value(&ev))
                        aria-label="Opacity of the images"
                    />
                </label>
                <FollowChoice followable following/>
                <LaneChoice geo_lanes shown_lanes chosen/>
                <FieldMenu options=fields.options chosen=fields.chosen/>
                <AddToBriefing item=Signal::derive(move || {
                    let shown: Vec<_> = images.with(|list| list.iter().filter_map(|i| dash.product(i.id)).collect());
                    let mut item = view_item(format!("/map{}", dash.href(Clone::clone)), &shown);
                    item.area = Some(view.get().area());
                    item
                })/>
            </div>
            <div class="map-frame">
                <svg node_ref=svg_ref class="map-svg" viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-label="Map of the campaign area at the cursor time">
                    <rect class="sea" width=WIDTH height=HEIGHT/>
                    <FieldLayer view settled=fields.settled drawn=fields.drawn opacity/>
                    <ImagesLayer view images opacity/>
                    <BasemapLayer view basemap/>
                    <Graticule view/>
                    <AreasLayer view areas/>
                    <RingsLayer view bases/>
                    <PlansLayer view plans/>
                    <TracksLayer view drawn/>
                    <g class="map-scale" transform=format!("translate({} {})", WIDTH - 170.0, HEIGHT - 18.0)>
                        <path d=move || format!("M0 0H{:.1}", scale().0)/>
                        <text x="0" y="-5">{move || scale().1}</text>
                    </g>
                </svg>
                <FieldLegend drawn=fields.drawn readout=fields.readout/>
                <p class="map-source">{move || basemap.with(|b| b.source.clone())}</p>
            </div>
        </section>
    }
}

fn set_opacity(opacity: RwSignal<u8>, value: &str) {
    if let Ok(v) = value.parse::<u8>() {
        opacity.set(v.min(100));
    }
}

/// Checkboxes of the lanes that have georeferenced images.
#[component]
fn LaneChoice(
    geo_lanes: Memo<Vec<LaneKey>>,
    shown_lanes: Memo<BTreeSet<String>>,
    chosen: RwSignal<Option<BTreeSet<String>>>,
) -> impl IntoView {
    view! {
        <span class="map-lanes">
            <For each=move || geo_lanes.get() key=LaneKey::id let:lane>
                {
                    let id = lane.id();
                    let checked = {
                        let id = id.clone();
                        move || shown_lanes.with(|s| s.contains(&id))
                    };
                    let toggle = {
                        let id = id.clone();
                        move |_| {
                            let mut set = shown_lanes.get_untracked();
                            if !set.remove(&id) {
                                set.insert(id.clone());
                            }
                            chosen.set(Some(set));
                        }
                    };
                    view! {
                        <label class="map-lane">
                            <input type="checkbox" prop:checked=checked on:change=toggle data-lane=id.clone()/>
                            {format!("{} · {}", lane.platform, lane.field)}
                        </label>
                    }
                }
            </For>
        </span>
    }
}

/// The page's choice of image lanes: those of the situation grid that have
/// georeferenced images, else the first that has.
fn default_lanes(geo: &[LaneKey], grid: &[LaneKey]) -> BTreeSet<String> {
    let mut shown: BTreeSet<String> = geo
        .iter()
        .filter(|l| grid.contains(l))
        .map(LaneKey::id)
        .collect();
    if shown.is_empty() {
        shown.extend(geo.first().map(LaneKey::id));
    }
    shown
}

/// For each lane shown, its georeferenced image valid nearest the cursor.
fn images_at(dash: Dash, geo: &[LaneKey], shown: &BTreeSet<String>) -> Vec<Placed> {
    let at = dash.cursor.get();
    dash.with_visible(|list| {
        geo.iter()
            .filter(|lane| shown.contains(&lane.id()))
            .filter_map(|lane| {
                let product = select::nearest(
                    list.iter().copied().filter(|p| p.meta.bbox.is_some()),
                    lane,
                    at,
                )?;
                Some(Placed {
                    id: product.id,
                    src: picture(product)?,
                    bounds: product.meta.bbox?,
                    lane: lane.id(),
                })
            })
            .collect()
    })
}

/// Target areas of the operations in view.
fn areas_in_view(dash: Dash) -> Vec<super::map_layers::Area> {
    let ops = dash.ops.get();
    ops.operations
        .iter()
        .filter_map(|op| {
            Some(super::map_layers::Area {
                code: op.code.clone(),
                bounds: op.plan.bbox?,
                colour: colour_of(dash, &op.plan.platform),
            })
        })
        .collect()
}

/// A click on the map: on a track, the cursor goes to that point's time.
#[cfg(feature = "hydrate")]
fn pick(
    dash: Dash,
    view: RwSignal<MapView>,
    drawn: Memo<Vec<super::map_layers::Drawn>>,
    at: (f64, f64),
) {
    /// Pixels from a track within which a click picks its nearest point.
    const PICK_REACH: f64 = 10.0;
    let v = view.get_untracked();
    let nearest = drawn.with_untracked(|drawn| {
        drawn
            .iter()
            .filter_map(|d| d.track.time_near(&v, at, PICK_REACH))
            .min_by(|a, b| a.0.total_cmp(&b.0))
    });
    if let Some((_, time)) = nearest {
        // To the minute, as the timeline's cursor and its links are.
        let time = chrono::DurationRound::duration_round(time, chrono::Duration::minutes(1))
            .unwrap_or(time);
        let now = dash.now.get_untracked();
        dash.go(dash.view.get_untracked().with_cursor(Some(time), now));
    }
}

/// Keeps the map's layers loaded in the browser: the basemap for the view,
/// tracks for the loaded stretch at the view's zoom (and what a live
/// position shows was missed), the plans of the operations in view; and
/// fits the view to what arrives until a person moves it.
#[cfg(feature = "hydrate")]
fn load(
    dash: Dash,
    view: RwSignal<MapView>,
    basemap: RwSignal<Basemap>,
    tracks: RwSignal<BTreeMap<String, Track>>,
    moved_by_hand: RwSignal<bool>,
    content: impl Fn() -> MapView + 'static,
) {
    use crate::map_fetch::{self, Stretch};
    use crate::map_view::track_tolerance;
    use model::operations::PlatformKind;

    // A request in flight for the basemap (and what it is for).
    let asked = StoredValue::new(None::<MapView>);
    Effect::new(move |_| {
        let v = view.get();
        let held = basemap.with(|b| b.serves(&v));
        let pending = asked.get_value().is_some_and(|a| {
            Basemap {
                covers: Some((crate::map_view::basemap_request(&a, false).0, a.deg_per_px)),
                ..Default::default()
            }
            .serves(&v)
        });
        if !held && !pending {
            asked.set_value(Some(v));
            map_fetch::basemap(&v, basemap);
        }
    });
    Effect::new(move |_| {
        if !moved_by_hand.get() {
            // Only a real change: every live position recomputes the content.
            let fitted = content();
            if view.get_untracked() != fitted {
                view.set(fitted);
            }
        }
    });
    let tolerance = Memo::new(move |_| track_tolerance(&view.get()));
    Effect::new(move |_| {
        let loaded = dash.loaded.get();
        let tolerance = tolerance.get();
        let platforms: Vec<String> = dash.ops.with(|ops| {
            ops.platforms
                .iter()
                .filter(|p| p.kind != PlatformKind::Ground)
                .map(|p| p.name.clone())
                .collect()
        });
        for platform in platforms {
            map_fetch::track(&platform, loaded, tolerance, Stretch::Whole, tracks);
        }
    });
    // Live positions extend the tracks; a gap (a reconnect) is fetched.
    Effect::new(move |_| {
        let positions = dash.positions.get();
        let tolerance = tolerance.get_untracked();
        for (name, position) in positions {
            let last = tracks.with_untracked(|t| t.get(&name).and_then(Track::last_time));
            if last.is_some_and(|last| position.time <= last) {
                continue;
            }
            if let Some(last) =
                last.filter(|last| position.time - *last > chrono::Duration::seconds(5))
            {
                map_fetch::track(
                    &name,
                    (last, position.time),
                    tolerance,
                    Stretch::Gap,
                    tracks,
                );
            }
            tracks.update(|t| {
                t.entry(name).or_default().extend(Track {
                    points: vec![[position.lon, position.lat]],
                    times: vec![position.time],
                })
            });
        }
    });
    Effect::new(move |_| {
        let ids: Vec<i64> = dash
            .ops
            .with(|ops| ops.operations.iter().map(|o| o.id).collect());
        let known: BTreeSet<i64> = dash
            .plans
            .with_untracked(|p| p.iter().map(|p| p.operation_id).collect());
        let missing: Vec<i64> = ids.into_iter().filter(|id| !known.contains(id)).collect();
        if !missing.is_empty() {
            map_fetch::plans(missing, dash.plans);
        }
    });
}
